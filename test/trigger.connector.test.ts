import type { INodeParameters } from 'n8n-workflow';

import { readBinary } from './harness';
import { startWebhookTrigger, type WebhookTrigger } from './harness/webhook';
import { API_KEY, runUpdate, sandboxCredential, useSandbox } from './support/okdokument';
import { OkDokumentApi } from '../credentials/OkDokumentApi.credentials';
import { OkDokumentTrigger } from '../nodes/OkDokument/OkDokumentTrigger.node';

/**
 * The trigger and the connector's callback shape, {code, message, result, statusCode, url, success}:
 * it names the signature request, not the document. With Confirm With OKdokument the trigger finds
 * the document through ?documentId= in the URL it was called at, or a document URL in `url`
 * (README, OKdokument Trigger); otherwise it ignores the callback and says what to change.
 */
const sandbox = useSandbox();

const PDF = Buffer.from('%PDF-1.4\n% trigger in the connector dialect\n%%EOF\n');

const running: WebhookTrigger[] = [];
afterEach(async () => {
	await Promise.all(running.splice(0).map(async (trigger) => await trigger.stop()));
});

async function startTrigger(parameters: INodeParameters = {}): Promise<WebhookTrigger> {
	const trigger = await startWebhookTrigger({
		nodeTypes: [OkDokumentTrigger],
		credentialTypes: [OkDokumentApi],
		node: { type: 'okDokumentTrigger', parameters },
		credentials: { okDokumentApi: sandboxCredential(sandbox) },
	});
	running.push(trigger);
	return trigger;
}

/** A document and a signature request for it, still to sign, without a callback yet. */
function seedRequest(signatureRequestId = 'sr-connector-1') {
	const document = sandbox.addDocument({ filename: 'contract.pdf', content: PDF });
	sandbox.addSignatureRequest({ signatureRequestId, documentId: document.id });
	return { signatureRequestId, documentId: document.id };
}

/** Points the request's callback at the trigger with Signature Request → Update, as the README describes. */
async function pointAt(signatureRequestId: string, sendInfoUrl: string) {
	const update = await runUpdate({ credential: sandboxCredential(sandbox), parameters: { signatureRequestId, sendInfoUrl } });
	expect(update.error).toBeUndefined();
	sandbox.clearRequests();
}

async function post(url: string, body: unknown, trigger: WebhookTrigger) {
	const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	await response.text();
	await trigger.settled();
	return response.status;
}

const warnings = (trigger: WebhookTrigger) => trigger.logs.filter((line) => line.level === 'warn').map((line) => line.message);
const metadataRequests = () => sandbox.requests.filter((request) => request.path.startsWith('/JSON/document/metadata/'));

describe('OKdokument Trigger with the connector’s callbacks (connector dialect)', () => {
	beforeEach(() => sandbox.setDialect('connector'));

	it('found: ?documentId= in the Send Info URL names the document; OKdokument confirms it, and the signed PDF comes along', async () => {
		const trigger = await startTrigger({ download: true });
		const { signatureRequestId, documentId } = seedRequest();
		// In this dialect Update falls back to POST /JSON/signatureRequest/{id}.
		await pointAt(signatureRequestId, `${trigger.productionUrl}?documentId=${encodeURIComponent(documentId)}`);

		const signing = await sandbox.sign(signatureRequestId);
		await trigger.settled();

		expect(signing).toMatchObject({ callbackStatus: 200, state: 'signed' });
		expect(metadataRequests().map((request) => [request.path, request.headers['x-api-key']])).toEqual([
			[`/JSON/document/metadata/${documentId}`, API_KEY],
		]);
		const items = trigger.received();
		expect(items.map((item) => item.json)).toEqual([
			expect.objectContaining({
				state: 'signed',
				documentId,
				signatureRequestId,
				confirmed: true,
				document: expect.objectContaining({ id: documentId, state: 'signed' }),
				callback: {
					code: 'SUCCESS',
					message: 'msg.signature.request.signed',
					result: signatureRequestId,
					statusCode: 200,
					url: `${sandbox.url}/openDocument/${signatureRequestId}`,
					success: true,
				},
			}),
		]);
		const signed = await readBinary(items[0].binary!.data);
		expect(signed.equals(sandbox.getDocument(documentId)!.signedContent!)).toBe(true);
		expect(warnings(trigger)).toEqual([]);
	});

	it('found: a cancel, which states no outcome (success: false), takes the document’s state', async () => {
		const trigger = await startTrigger();
		const { signatureRequestId, documentId } = seedRequest();
		await pointAt(signatureRequestId, `${trigger.productionUrl}?documentId=${documentId}`);

		await sandbox.cancel(signatureRequestId);
		await trigger.settled();

		expect(trigger.received().map((item) => item.json)).toEqual([
			expect.objectContaining({ state: 'canceled', documentId, signatureRequestId, confirmed: true }),
		]);
	});

	it('not found: without ?documentId= the callback is ignored, answered 200, with a warning that says what to change', async () => {
		const trigger = await startTrigger();
		const { signatureRequestId } = seedRequest();
		await pointAt(signatureRequestId, trigger.productionUrl);

		const signing = await sandbox.sign(signatureRequestId);
		await trigger.settled();

		expect(signing).toMatchObject({ callbackStatus: 200, state: 'signed' });
		expect(trigger.executions).toEqual([]);
		expect(metadataRequests()).toEqual([]);
		expect(warnings(trigger)).toEqual([
			`OKdokument Trigger ignored a callback: it carries no document ID (it names signature request ${signatureRequestId}): neither "id" nor a document URL in "url" in its body, nor ?documentId= in the URL it was sent to. Callbacks in the connector's shape name only the signature request, and OKdokument documents no way to find its document: add ?documentId=<the document ID> to the Send Info URL (for example {{ $json.documentId }} from Create), or turn off Confirm With OKdokument to accept such callbacks unconfirmed`,
		]);
	});

	it('not found: ?documentId= of a document OKdokument does not know is ignored as any unknown document is', async () => {
		const trigger = await startTrigger();
		const { signatureRequestId } = seedRequest();
		await pointAt(signatureRequestId, `${trigger.productionUrl}?documentId=doc-gone`);

		await sandbox.sign(signatureRequestId);
		await trigger.settled();

		expect(trigger.executions).toEqual([]);
		expect(metadataRequests().map((request) => request.path)).toEqual(['/JSON/document/metadata/doc-gone']);
		expect(warnings(trigger)).toEqual(['OKdokument Trigger ignored a callback: OKdokument does not know its document']);
	});
});

describe('OKdokument Trigger: a document URL in the callback’s url', () => {
	it.each<[string, (base: string, id: string) => string]>([
		['{base}/JSON/document/<id>', (base, id) => `${base}/JSON/document/${encodeURIComponent(id)}`],
		['{base}/rest/document/<id> (the List’s url)', (base, id) => `${base}/rest/document/${encodeURIComponent(id)}`],
		['{base}/viewDocument?id=<id> (where the signing link leads)', (base, id) => `${base}/viewDocument?id=${encodeURIComponent(id)}`],
		['a result URL with docid=<id>', (_base, id) => `https://example.com/thanks?name=contract&docid=${encodeURIComponent(id)}&result=success`],
	])('found: %s names the document, which OKdokument then confirms', async (_case, urlFor) => {
		const trigger = await startTrigger();
		const { signatureRequestId, documentId } = seedRequest();
		await sandbox.sign(signatureRequestId);

		const status = await post(
			trigger.productionUrl,
			{ code: 'SUCCESS', message: 'msg.signed', result: signatureRequestId, statusCode: 200, url: urlFor(sandbox.url, documentId), success: true },
			trigger,
		);

		expect(status).toBe(200);
		expect(metadataRequests().map((request) => request.path)).toEqual([`/JSON/document/metadata/${documentId}`]);
		expect(trigger.received().map((item) => item.json)).toEqual([
			expect.objectContaining({ state: 'signed', documentId, signatureRequestId, confirmed: true }),
		]);
	});

	it('a forged "signed" that names a document by URL is still checked: the document is not signed, so nothing runs', async () => {
		const trigger = await startTrigger();
		const { signatureRequestId, documentId } = seedRequest();

		await post(trigger.productionUrl, { code: 'SUCCESS', result: signatureRequestId, url: `${sandbox.url}/rest/document/${documentId}`, success: true }, trigger);

		expect(trigger.executions).toEqual([]);
		expect(warnings(trigger)).toEqual(['OKdokument Trigger ignored a callback: the document is "tosign" in OKdokument, neither signed nor canceled']);
	});

	it('a callback whose document differs from the one its URL names is ignored, without asking OKdokument', async () => {
		const trigger = await startTrigger();
		const { signatureRequestId, documentId } = seedRequest();
		await sandbox.sign(signatureRequestId);

		await post(`${trigger.productionUrl}?documentId=doc-other`, { state: 'signed', id: documentId, signatureRequestId }, trigger);

		expect(trigger.executions).toEqual([]);
		expect(metadataRequests()).toEqual([]);
		expect(warnings(trigger)).toEqual([
			`OKdokument Trigger ignored a callback: it names document ${documentId}, but was sent to the URL for document doc-other`,
		]);
	});

	it('?documentId= wins over a document URL in url, which neither payload documents', async () => {
		const trigger = await startTrigger();
		const { signatureRequestId, documentId } = seedRequest();
		await sandbox.sign(signatureRequestId);

		await post(
			`${trigger.productionUrl}?documentId=${documentId}`,
			{ code: 'SUCCESS', result: signatureRequestId, url: `${sandbox.url}/rest/document/doc-elsewhere`, success: true },
			trigger,
		);

		expect(metadataRequests().map((request) => request.path)).toEqual([`/JSON/document/metadata/${documentId}`]);
		expect(trigger.received().map((item) => item.json)).toEqual([expect.objectContaining({ state: 'signed', documentId, confirmed: true })]);
	});

	it('with Confirm off, ?documentId= still fills in the item’s documentId', async () => {
		const trigger = await startTrigger({ confirm: false });

		await post(`${trigger.productionUrl}?documentId=doc-42`, { code: 'SUCCESS', result: 'sr-42', success: true }, trigger);

		expect(trigger.received().map((item) => item.json)).toEqual([
			expect.objectContaining({ state: 'signed', documentId: 'doc-42', signatureRequestId: 'sr-42', confirmed: false }),
		]);
	});
});
