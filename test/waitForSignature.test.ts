import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { readBinary } from './harness';
import { startWaitingExecution, type WaitingExecution } from './harness/waiting';
import { API_KEY, eachDialect, sandboxCredential, useSandbox } from './support/okdokument';
import { EVENT_ID, postOnce } from './support/trigger';
import { OkDokumentApi } from '../credentials/OkDokumentApi.credentials';
import { OkDokument } from '../nodes/OkDokument/OkDokument.node';

/** Signature Request → Wait for Signature, for a request that already exists. */

const sandbox = useSandbox();

const running: WaitingExecution[] = [];
afterEach(async () => {
	await Promise.all(running.splice(0).map(async (execution) => await execution.stop()));
});

/** A request created through the sandbox's API (as Create or OKdokument's web app would), its link not yet used. */
async function existingRequest(filename = 'contract.pdf'): Promise<{ signatureRequestId: string; documentId: string; url: string }> {
	const response = await fetch(`${sandbox.url}/JSON/document`, {
		method: 'POST',
		headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
		body: JSON.stringify({ filename, state: 'tosign', file: { content: Buffer.from('%PDF-1.4\n% wait for it\n%%EOF\n').toString('base64') } }),
	});
	const documentId = ((await response.json()) as { result: string }).result;
	const created = await fetch(`${sandbox.url}/JSON/signatureRequest`, {
		method: 'POST',
		headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
		body: JSON.stringify({ id: documentId, changeState: 'tosign' }),
	});
	const answer = (await created.json()) as { result: string; url: string };
	sandbox.clearRequests();
	return { signatureRequestId: answer.result, documentId, url: answer.url };
}

async function waitFor(
	ids: { signatureRequestId: string; documentId: string },
	parameters: INodeParameters = {},
	items?: INodeExecutionData[],
): Promise<WaitingExecution> {
	const execution = await startWaitingExecution({
		nodeTypes: [OkDokument],
		credentialTypes: [OkDokumentApi],
		node: {
			type: 'okDokument',
			parameters: { resource: 'signatureRequest', operation: 'waitForSignature', ...ids, ...parameters },
		},
		credentials: { okDokumentApi: sandboxCredential(sandbox) },
		items,
	});
	running.push(execution);
	return execution;
}

const wire = () => sandbox.requests.map((request) => `${request.method} ${request.path}`);
const outputOf = (execution: WaitingExecution) => execution.received().map((item) => item.json);
/** The Send Info URL the node gave OKdokument. */
const callbackUrl = (signatureRequestId: string) => sandbox.getSignatureRequest(signatureRequestId)!.sendInfoURL;

describe('Wait for Signature: an existing request', () => {
	it('points the request’s callback at this execution (Update), reads the document, and waits', async () => {
		const ids = await existingRequest();
		const execution = await waitFor(ids);

		expect(execution.status).toBe('waiting');
		expect(wire()).toEqual(['PATCH /JSON/signatureRequest', `GET /JSON/document/metadata/${ids.documentId}`]);
		const resumeUrl = new URL(callbackUrl(ids.signatureRequestId));
		expect(`${resumeUrl.origin}${resumeUrl.pathname}`).toBe(`${execution.baseUrl}/webhook-waiting/${execution.executionId}/${execution.node.id}`);
		// n8n 2.x lets only the execution's own resume token through for this operation.
		expect([...resumeUrl.searchParams.keys()]).toEqual(['signature']);
		expect(resumeUrl.searchParams.get('signature')).toBe(execution.data().resumeToken);
		expect(sandbox.requests[0].body).toEqual({ signatureRequestId: ids.signatureRequestId, sendInfoURL: resumeUrl.toString() });
		expect(execution.runs[0].data.resultData.runData.OKdokument[0].data!.main[0]![0].json).toEqual({
			state: 'waiting',
			...ids,
			url: ids.url,
			waitUntil: expect.any(String),
			waitingUntil: expect.any(String),
		});
	});

	it('the signer signs: it resumes with the outcome OKdokument confirms and the signed PDF, as Send and Wait does', async () => {
		const ids = await existingRequest();
		const execution = await waitFor(ids);

		const signing = await sandbox.sign(ids.signatureRequestId);
		await execution.settled();

		expect(signing).toMatchObject({ callbackStatus: 200, state: 'signed' });
		expect(execution.status).toBe('success');
		const [item] = execution.received();
		expect(item.json).toEqual({
			eventId: expect.stringMatching(EVENT_ID),
			state: 'signed',
			signatureRequestId: ids.signatureRequestId,
			documentId: ids.documentId,
			confirmed: true,
			confirmedAt: expect.any(String),
			document: expect.objectContaining({ id: ids.documentId, state: 'signed' }),
			callback: { state: 'signed', id: ids.documentId, signatureRequestId: ids.signatureRequestId },
		});
		expect((await readBinary(item.binary!.data)).equals(sandbox.getDocument(ids.documentId)!.signedContent!)).toBe(true);
	});

	it.each([
		['signed', (id: string) => sandbox.sign(id), true],
		['canceled', (id: string) => sandbox.cancel(id), false],
	] as const)('a request the signer finished before the node ran (%s): it continues at once, without waiting', async (state, finish, withPdf) => {
		const ids = await existingRequest();
		await finish(ids.signatureRequestId);
		sandbox.clearRequests();

		const execution = await waitFor(ids);

		expect(execution.status).toBe('success');
		expect(execution.calls).toEqual([]);
		expect(outputOf(execution)).toEqual([
			expect.objectContaining({ state, confirmed: true, callback: null, signatureRequestId: ids.signatureRequestId, documentId: ids.documentId }),
		]);
		expect(execution.received()[0].binary !== undefined).toBe(withPdf);
		expect(wire()).toEqual([
			'PATCH /JSON/signatureRequest',
			`GET /JSON/document/metadata/${ids.documentId}`,
			...(withPdf ? [`GET /JSON/document/${ids.documentId}`] : []),
		]);
	});

	it('a request whose callback already failed (errorsendinfo): deliveryFailed at once, no PDF', async () => {
		const ids = await existingRequest();
		const unreachable = 'http://127.0.0.1:9/nobody-listens';
		sandbox.addSignatureRequest({ ...sandbox.getSignatureRequest(ids.signatureRequestId)!, sendInfoURL: unreachable });
		await sandbox.sign(ids.signatureRequestId);

		const execution = await waitFor(ids);

		expect(execution.status).toBe('success');
		expect(outputOf(execution)).toEqual([expect.objectContaining({ state: 'deliveryFailed', reportedState: null, confirmed: true })]);
		expect(execution.received()[0].binary).toBeUndefined();
	});

	it('a forged call with the execution’s token but another document in the URL leaves it waiting: the IDs are the ones it stored', async () => {
		const ids = await existingRequest();
		const other = await existingRequest('other.pdf');
		await sandbox.sign(other.signatureRequestId);
		const execution = await waitFor(ids);
		const forged = new URL(callbackUrl(ids.signatureRequestId));
		forged.searchParams.set('documentId', other.documentId);

		const answer = await postOnce(forged.toString(), JSON.stringify({ state: 'signed', id: other.documentId }));
		await execution.settled();

		expect(answer.status).toBe(200);
		expect(execution.status).toBe('waiting');
		const tampered = new URL(callbackUrl(ids.signatureRequestId));
		tampered.searchParams.set('signature', 'not-the-token');
		expect((await postOnce(tampered.toString(), JSON.stringify({ state: 'signed', id: ids.documentId }))).status).toBe(401);
	});

	it('when the wait runs out: timedOut with the request’s IDs and its signing link', async () => {
		const ids = await existingRequest();
		const execution = await waitFor(ids, { limitWaitTime: 'afterTimeInterval', resumeAmount: 5, resumeUnit: 'minutes' });

		await execution.timeOut();

		expect(outputOf(execution)).toEqual([
			expect.objectContaining({ state: 'timedOut', ...ids, url: ids.url, confirmed: false, waitUntil: expect.any(String) }),
		]);
	});
});

describe('Wait for Signature: refused before anything is sent', () => {
	it.each<[string, INodeParameters, string]>([
		['no Signature Request ID', { signatureRequestId: ' ' }, 'Signature Request ID is empty (item index 0)'],
		['no Document ID', { documentId: ' ' }, 'Document ID is empty (item index 0)'],
		['a wait longer than any link lives', { limitWaitTime: 'afterTimeInterval', resumeAmount: 11, resumeUnit: 'days' }, 'Limit Wait Time ends at'],
	])('%s', async (_case, parameters, message) => {
		const execution = await waitFor({ signatureRequestId: 'sr-1', documentId: 'doc-1' }, parameters);

		expect(execution.status).toBe('error');
		expect(execution.runs[0].data.resultData.error).toMatchObject({ name: 'NodeOperationError', message: expect.stringContaining(message) });
		expect(sandbox.requests).toEqual([]);
	});

	it('several items: it waits for one signature per execution', async () => {
		const execution = await waitFor({ signatureRequestId: 'sr-1', documentId: 'doc-1' }, {}, [{ json: {} }, { json: {} }]);

		expect(execution.runs[0].data.resultData.error?.message).toBe(
			'Wait for Signature waits for one signature per execution, but this node received 2 items (item index 0)',
		);
		expect(sandbox.requests).toEqual([]);
	});

	it('a request OKdokument does not know: OKdokument’s error for the Update, with its status', async () => {
		const execution = await waitFor({ signatureRequestId: 'sr-unknown', documentId: 'doc-unknown' });

		expect(execution.runs[0].data.resultData.error).toMatchObject({
			name: 'NodeApiError',
			message: 'View ID does not exist: sr-unknown',
			httpCode: '400',
		});
	});
});

eachDialect(sandbox, 'Wait for Signature in both documented dialects', (dialect) => {
	it('sets the callback (the connector’s way after a 405), waits, and the signature resumes it', async () => {
		const ids = await existingRequest();
		const execution = await waitFor(ids);

		expect(wire().slice(0, -1)).toEqual(
			dialect === 'wiki' ? ['PATCH /JSON/signatureRequest'] : ['PATCH /JSON/signatureRequest', `POST /JSON/signatureRequest/${ids.signatureRequestId}`],
		);
		await sandbox.sign(ids.signatureRequestId);
		await execution.settled();
		expect(outputOf(execution)).toEqual([expect.objectContaining({ state: 'signed', confirmed: true })]);
	});
});
