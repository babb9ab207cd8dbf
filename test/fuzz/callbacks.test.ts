/**
 * Hostile callbacks (callbacks.ts), generated in sequences, against the OKdokument Trigger's production URL and
 * against the resume URL of a waiting Send and Wait for Signature and Wait for Signature. Properties: nothing starts
 * or resumes unless OKdokument confirms; the node never answers 5xx but for the documented "could not check" (the
 * trigger's 500, a waiting operation's 503, only while OKdokument is down), and n8n refuses some bodies before the
 * node runs (422, 400, 401 for an altered resume URL, and its own 500 for a body above the payload limit); the
 * genuine callback after any of them still starts or resumes exactly once; the API key is in no log line.
 */
import fc from 'fast-check';
import type { INodeParameters } from 'n8n-workflow';

import { OkDokumentApi } from '../../credentials/OkDokumentApi.credentials';
import { OkDokument } from '../../nodes/OkDokument/OkDokument.node';
import { startWaitingExecution, type WaitingCall, type WaitingExecution } from '../harness/waiting';
import type { WebhookCall } from '../harness/webhook';
import { API_KEY, sandboxCredential, useSandbox } from '../support/okdokument';
import { useTriggers } from '../support/trigger';
import { fuzzParameters, scaled, SIZES } from './budget';
import { confirmableWithJunk, hostileCallbacks, materialize, oversized, send, withQuery, type HostileCallback } from './callbacks';

const sandbox = useSandbox();
const { startTrigger } = useTriggers(sandbox);

const PDF = Buffer.from('%PDF-1.4\n% fuzz\n%%EOF\n');
const AWAITED = { documentId: 'fuzz-awaited', signatureRequestId: 'fuzz-request' };
/** Signed and canceled rounds whose callbacks were delivered before the hostile ones came. */
const DELIVERED = [
	{ documentId: 'fuzz-signed', signatureRequestId: 'fuzz-signed-request', end: 'sign' },
	{ documentId: 'fuzz-canceled', signatureRequestId: 'fuzz-canceled-request', end: 'cancel' },
] as const;
/** A document OKdokument holds as signed whose callback has not come yet: a callback naming it is confirmed. */
const CONFIRMABLE = { documentId: 'fuzz-confirmable', signatureRequestId: 'fuzz-confirmable-request' };
const IDS = {
	documents: [AWAITED.documentId, ...DELIVERED.map((round) => round.documentId), 'fuzz-unknown'],
	requests: [AWAITED.signatureRequestId, ...DELIVERED.map((round) => round.signatureRequestId), 'fuzz-unknown-request'],
};

/** n8n's own answers before a node runs (webhook-io.ts): a body it cannot parse, or cannot read. */
const N8N_REFUSALS = [400, 422];
const CANNOT_READ = 'There was a problem executing the workflow';

/** A run's callbacks: hostile ones, now and then one above the payload limit (or, for the trigger, a confirmable one). */
const sequencesWith = (...others: Array<fc.Arbitrary<HostileCallback>>) =>
	fc.array(fc.oneof({ weight: 40, arbitrary: hostileCallbacks(IDS) }, { weight: 1, arbitrary: fc.constant(oversized) }, ...others.map((arbitrary) => ({ weight: 3, arbitrary }))), {
		minLength: 1,
		maxLength: 40,
		size: 'max',
	});
const sequences = sequencesWith();
const runs = () => Math.max(2, Math.round(scaled(SIZES.callbacks) / 20));

function describeCall(callback: HostileCallback, status: number, body: string): string {
	return `${callback.kind} (${JSON.stringify(callback).slice(0, 300)}) → ${status} ${body.slice(0, 200)}`;
}

/** What n8n answered before the node ran: the call is rejected, and its status one n8n gives for a body. */
function isN8nRefusal(call: WebhookCall | WaitingCall | undefined, status: number, body: string): boolean {
	if (call?.outcome !== 'rejected') return false;
	return N8N_REFUSALS.includes(status) || (status === 500 && body.includes(CANNOT_READ));
}

describe('OKdokument Trigger: hostile callbacks', () => {
	it('start nothing OKdokument does not confirm, get no 5xx from the node, and the genuine callback still starts the workflow once', async () => {
		await fc.assert(
			fc.asyncProperty(sequencesWith(confirmableWithJunk(CONFIRMABLE.documentId, CONFIRMABLE.signatureRequestId)), async (sequence) => {
				sandbox.reset();
				const trigger = await startTrigger();
				for (const { documentId } of [AWAITED, ...DELIVERED]) sandbox.addDocument({ id: documentId, filename: 'fuzz.pdf', content: PDF });
				sandbox.addDocument({ id: CONFIRMABLE.documentId, filename: 'fuzz.pdf', content: PDF, state: 'signed' });
				for (const round of [AWAITED, ...DELIVERED]) sandbox.addSignatureRequest({ ...round, sendInfoURL: trigger.productionUrl });
				for (const round of DELIVERED) expect(await sandbox[round.end](round.signatureRequestId)).toMatchObject({ callbackStatus: 200 });
				await trigger.settled();
				const delivered = trigger.executions.length;
				expect(delivered).toBe(DELIVERED.length);

				for (const callback of sequence) {
					const calls = trigger.calls.length;
					const answer = await send(withQuery(trigger.productionUrl, callback.query), materialize(callback));
					await trigger.settled();
					const call = trigger.calls[calls];
					const about = describeCall(callback, answer.status, answer.body);
					// Only a callback about the confirmable round may start the workflow, and that execution must not fail.
					const confirmed = callback.kind.startsWith('confirmable') && call?.outcome === 'started' && call.execution?.error === undefined;
					const fine = (answer.status === 200 && (call?.outcome === 'ignored' || confirmed)) || isN8nRefusal(call, answer.status, answer.body);
					expect({ about, fine, outcome: call?.outcome, error: call?.execution?.error?.message }).toEqual({ about, fine: true, outcome: expect.anything(), error: undefined });
				}
				const started = trigger.executions.slice(delivered).map((execution) => execution.received.map((item) => [item.json.state, item.json.documentId]));
				const confirmable = sequence.some((callback) => callback.kind.startsWith('confirmable'));
				expect({ started }).toEqual({ started: confirmable ? [[['signed', CONFIRMABLE.documentId]]] : [] });

				const signing = await sandbox.sign(AWAITED.signatureRequestId);
				await trigger.settled();
				expect(signing).toMatchObject({ callbackStatus: 200, state: 'signed' });
				expect(trigger.executions.slice(delivered + started.length).map((execution) => execution.received.map((item) => [item.json.state, item.json.documentId]))).toEqual([
					[['signed', AWAITED.documentId]],
				]);
				expect(JSON.stringify(trigger.logs)).not.toContain(API_KEY);
				await trigger.stop();
			}),
			fuzzParameters('callbacks: trigger', runs()),
		);
	});
});

/** The waiting operations, each started for AWAITED and waiting, with the URL OKdokument was given. */
const waiting: Array<{ name: string; parameters: INodeParameters; resumeUrlOf: () => string }> = [
	{
		name: 'Send and Wait for Signature',
		parameters: {
			operation: 'sendAndWait',
			source: 'existingDocument',
			documentId: AWAITED.documentId,
			signerEmail: 'jana@example.com',
			senderEmail: 'office@example.com',
			additionalFields: { signatureRequestId: AWAITED.signatureRequestId },
		},
		resumeUrlOf: () => String((sandbox.requests.find((request) => request.path === '/JSON/signatureRequest')?.body as { sendInfoURL?: string })?.sendInfoURL),
	},
	{
		name: 'Wait for Signature',
		parameters: { operation: 'waitForSignature', signatureRequestId: AWAITED.signatureRequestId, documentId: AWAITED.documentId },
		resumeUrlOf: () => String((sandbox.requests.find((request) => request.method === 'PATCH')?.body as { sendInfoURL?: string })?.sendInfoURL),
	},
];

for (const operation of waiting) {
	describe(`${operation.name}: hostile callbacks to the resume URL`, () => {
		it('resume nothing OKdokument does not confirm, get no 5xx but 503 while OKdokument is down, and the genuine callback still resumes it once', async () => {
			await fc.assert(
				fc.asyncProperty(sequences, fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), fc.option(confirmableWithJunk(AWAITED.documentId, AWAITED.signatureRequestId)), async (sequence, down, first) => {
					sandbox.reset();
					sandbox.addDocument({ id: AWAITED.documentId, filename: 'fuzz.pdf', content: PDF });
					if (operation.parameters.operation === 'waitForSignature') sandbox.addSignatureRequest({ ...AWAITED });
					for (const round of DELIVERED) {
						sandbox.addDocument({ id: round.documentId, filename: 'fuzz.pdf', content: PDF, state: round.end === 'sign' ? 'signed' : 'canceled' });
					}
					let execution: WaitingExecution | undefined;
					try {
						execution = await startWaitingExecution({
							nodeTypes: [OkDokument],
							credentialTypes: [OkDokumentApi],
							node: { type: 'okDokument', parameters: { resource: 'signatureRequest', ...operation.parameters } },
							credentials: { okDokumentApi: sandboxCredential(sandbox) },
						});
						expect(execution.status).toBe('waiting');
						const resumeUrl = operation.resumeUrlOf();

						for (const [index, callback] of sequence.entries()) {
							// OKdokument down for this one: the node's check of the document fails.
							const outage = down[index];
							if (outage) sandbox.setFault({ type: 'status', status: 503, path: '/JSON/document/metadata/' });
							const calls = execution.calls.length;
							const answer = await send(withQuery(resumeUrl, callback.query), materialize(callback));
							await execution.settled();
							sandbox.clearFaults();
							const call = execution.calls[calls];
							const about = describeCall(callback, answer.status, answer.body);
							const asked = sandbox.requests.some((request) => request.fault !== undefined);
							sandbox.clearRequests();
							const fine =
								(answer.status === 200 && call?.outcome === 'ignored') ||
								(answer.status === 503 && call?.outcome === 'ignored' && outage && asked) ||
								// An altered URL: n8n checks its signature (Send and Wait) or token before the node runs.
								(answer.status === 401 && call?.outcome === 'rejected' && callback.query !== undefined) ||
								isN8nRefusal(call, answer.status, answer.body);
							expect({ about, outage, fine }).toEqual({ about, outage, fine: true });
						}
						expect({ status: execution.status, resumed: execution.received().length }).toEqual({ status: 'waiting', resumed: 0 });

						if (first) {
							// The round is over (the document signed), and the first call about it carries junk: it resumes
							// the execution, which must not fail; the genuine callback after it finds it finished.
							sandbox.addDocument({ id: AWAITED.documentId, filename: 'fuzz.pdf', content: PDF, state: 'signed', signedContent: PDF });
							const answer = await send(resumeUrl, materialize(first));
							await execution.settled();
							expect({ first: first.kind, status: answer.status, execution: execution.status }).toEqual({ first: first.kind, status: 200, execution: 'success' });
						} else {
							const signing = await sandbox.sign(AWAITED.signatureRequestId);
							await execution.settled();
							expect(signing).toMatchObject({ callbackStatus: 200, state: 'signed' });
						}
						expect(execution.received().map((item) => [item.json.state, item.json.documentId])).toEqual([['signed', AWAITED.documentId]]);
						expect(JSON.stringify(execution.logs)).not.toContain(API_KEY);
						expect(execution.stored()).not.toContain(API_KEY);
					} finally {
						await execution?.stop();
					}
				}),
				fuzzParameters(`callbacks: ${operation.name}`, runs()),
			);
		});
	});
}
