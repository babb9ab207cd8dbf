/**
 * The OKdokument Trigger in a workflow (trigger → Downstream), run by the webhook harness against
 * a test file's sandbox. Import this (or ./okdokument) before anything from n8n-core.
 */
import { request as httpRequest } from 'node:http';

import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import { OkDokumentApi } from '../../credentials/OkDokumentApi.credentials';
import { OkDokumentTrigger } from '../../nodes/OkDokument/OkDokumentTrigger.node';
import { forgetProcessMemory } from '../../nodes/OkDokument/trigger/memory';
import type { Sandbox } from '../../sandbox/server';
import { startWebhookTrigger, type StaticDataStore, type WebhookTrigger } from '../harness/webhook';
import { API_KEY, sandboxCredential } from './okdokument';

/** A PDF whose bytes are not valid UTF-8, so a text round trip would show. */
export const ORIGINAL_PDF = Buffer.concat([
	Buffer.from('%PDF-1.4\n% Contract for the trigger tests\n%'),
	Buffer.from([0xe2, 0xe3, 0xcf, 0xd3]),
	Buffer.from('\n%%EOF\n'),
]);

export const ISO_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A signing event's ID (eventId): 32 hex digits. */
export const EVENT_ID = /^[0-9a-f]{32}$/;

export interface TriggerKit {
	/** Starts the trigger on its own port (stopped after each test). `credential: null` starts it without one. */
	startTrigger(
		parameters?: INodeParameters,
		credential?: ICredentialDataDecryptedObject | null,
		options?: { staticData?: StaticDataStore },
	): Promise<WebhookTrigger>;
	/**
	 * n8n restarts (see WebhookTrigger.restart): what the trigger remembered in this process is
	 * forgotten, as a new process would not have it. The new trigger is stopped after the test too.
	 */
	restart(trigger: WebhookTrigger, whileStopped?: () => Promise<void>): Promise<WebhookTrigger>;
	/** A signature request created through the sandbox's Create (docs 3.1), with an inline PDF. */
	createRequest(
		sendInfoURL?: string,
		filename?: string,
	): Promise<{ signatureRequestId: string; documentId: string }>;
	/** The sandbox's Document → Get requests since the last clearRequests(). */
	metadataRequests(): Sandbox['requests'];
}

export function useTriggers(sandbox: Sandbox): TriggerKit {
	const running: WebhookTrigger[] = [];
	afterEach(async () => {
		await Promise.all(running.splice(0).map(async (trigger) => await trigger.stop()));
	});
	return {
		async startTrigger(parameters = {}, credential = sandboxCredential(sandbox), options = {}) {
			const trigger = await startWebhookTrigger({
				nodeTypes: [OkDokumentTrigger],
				credentialTypes: [OkDokumentApi],
				node: { type: 'okDokumentTrigger', parameters },
				...(credential ? { credentials: { okDokumentApi: credential } } : {}),
				...options,
			});
			running.push(trigger);
			return trigger;
		},
		async restart(trigger, whileStopped) {
			const again = await trigger.restart({
				whileStopped: async () => {
					// A new n8n process: only what the database holds survives.
					forgetProcessMemory();
					await whileStopped?.();
				},
			});
			running.push(again);
			return again;
		},
		async createRequest(sendInfoURL, filename = 'contract.pdf') {
			const response = await fetch(`${sandbox.url}/JSON/signatureRequest`, {
				method: 'POST',
				headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
				body: JSON.stringify({
					filedata: { content: ORIGINAL_PDF.toString('base64'), filename },
					resulturl: 'https://example.com/done',
					...(sendInfoURL ? { sendInfoURL } : {}),
				}),
			});
			expect(response.status).toBe(200);
			const answer = (await response.json()) as { result: string; documentId: string };
			sandbox.clearRequests();
			return { signatureRequestId: answer.result, documentId: answer.documentId };
		},
		metadataRequests: () =>
			sandbox.requests.filter((request) => request.path.startsWith('/JSON/document/metadata/')),
	};
}

/**
 * POSTs a callback as anyone could (no key, like OKdokument), on a connection of its own (a
 * restarted trigger listens on the same port: a kept-alive connection would be the old one's),
 * and waits for everything it started.
 */
export async function postCallback(
	trigger: WebhookTrigger,
	body: unknown,
	contentType = 'application/json',
	url = trigger.productionUrl,
): Promise<{ status: number; body: string }> {
	const answer = await postOnce(url, typeof body === 'string' ? body : JSON.stringify(body), contentType);
	await trigger.settled();
	return answer;
}

/** One POST on a fresh connection; the answer's status and body as text. */
export function postOnce(url: string, body: string, contentType = 'application/json'): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const request = httpRequest(url, { method: 'POST', agent: false, headers: { 'content-type': contentType } }, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
			response.on('error', reject);
		});
		request.on('error', reject);
		request.end(body);
	});
}
