import { Container } from '@n8n/di';
import { InstanceSettings, validateUrlSignature } from 'n8n-core';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { readBinary, storeBinary } from './harness';
import { NO_ACTION_REQUIRED_PAGE, startWaitingExecution, type WaitingExecution } from './harness/waiting';
import { API_KEY, eachDialect, sandboxCredential, useSandbox } from './support/okdokument';
import { OkDokumentApi } from '../credentials/OkDokumentApi.credentials';
import { OkDokument } from '../nodes/OkDokument/OkDokument.node';

const sandbox = useSandbox();

const HOUR = 60 * 60 * 1000;
/** A PDF whose bytes are not valid UTF-8, so a text round trip would show. */
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n% Contract for Send and Wait\n%'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3]), Buffer.from('\n%%EOF\n')]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STILL_WAITING = {
	message: 'Callback received; the workflow goes on once OKdokument confirms the signature request is finished',
};

/** Who OKdokument e-mails the link (Send and Wait refuses to send without a signer). */
const SIGNER = { signerEmail: 'jana@example.com', senderEmail: 'office@example.com' };
const SIGNER_RULES = { emailTo: 'jana@example.com', emailFrom: 'office@example.com' };

const running: WaitingExecution[] = [];
afterEach(async () => {
	await Promise.all(running.splice(0).map(async (execution) => await execution.stop()));
});

async function fileItem(json: IDataObject = { order: 42 }): Promise<INodeExecutionData> {
	return { json, binary: { data: await storeBinary(PDF, { fileName: 'contract.pdf', mimeType: 'application/pdf' }) } };
}

/** Webhook → … → Send and Wait for Signature → Downstream, run until it waits. */
async function sendAndWait(
	parameters: INodeParameters = {},
	items?: INodeExecutionData[],
	node: { onError?: 'continueErrorOutput' } = {},
): Promise<WaitingExecution> {
	const execution = await startWaitingExecution({
		nodeTypes: [OkDokument],
		credentialTypes: [OkDokumentApi],
		node: { type: 'okDokument', parameters: { resource: 'signatureRequest', operation: 'sendAndWait', ...SIGNER, ...parameters }, ...node },
		credentials: { okDokumentApi: sandboxCredential(sandbox) },
		items: items ?? [await fileItem()],
	});
	running.push(execution);
	return execution;
}

const creation = () => {
	const found = sandbox.requests.filter((request) => request.path === '/JSON/signatureRequest');
	expect(found).toHaveLength(1);
	return found[0].body as IDataObject;
};
/** The request the node created and the callback URL it gave OKdokument. */
function createdRequest() {
	const body = creation();
	return { signatureRequestId: body.signatureRequestId as string, documentId: body.id as string, resumeUrl: body.sendInfoURL as string };
}

/** POSTs to a URL as anyone could (no key), and waits for everything it started. */
async function post(execution: WaitingExecution, url: string, body: unknown, contentType = 'application/json') {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': contentType },
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await response.text();
	await execution.settled();
	return { status: response.status, text };
}

const outputOf = (execution: WaitingExecution) => execution.received().map((item) => item.json);
const warnings = (execution: WaitingExecution) => execution.logs.filter((line) => line.level === 'warn').map((line) => line.message);

describe('Send and Wait for Signature: sending', () => {
	it('uploads the file, creates the request with this execution’s signed resume URL as sendInfoURL, and waits', async () => {
		const before = Date.now();
		const execution = await sendAndWait({ additionalFields: { resultUrl: 'https://example.com/thank-you' } });

		expect(execution.status).toBe('waiting');
		expect(sandbox.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
			'POST /JSON/document',
			'POST /JSON/signatureRequest',
		]);
		expect(sandbox.requests[0].body).toEqual({ filename: 'contract.pdf', state: 'tosign', file: { content: PDF.toString('base64') } });
		const { signatureRequestId, documentId, resumeUrl } = createdRequest();
		expect(signatureRequestId).toMatch(UUID);
		expect(sandbox.requests[1].rawBody).toBe(
			JSON.stringify({
				signatureRequestId,
				id: documentId,
				changeState: 'tosign',
				sendInfoURL: resumeUrl,
				resulturl: 'https://example.com/thank-you',
				rules: { emailFrom: 'office@example.com', emailTo: 'jana@example.com' },
			}),
		);

		// <base>/webhook-waiting/<execution>/<node id>?signatureRequestId=…&documentId=…&signature=<HMAC of path and query>
		const url = new URL(resumeUrl);
		expect(`${url.origin}${url.pathname}`).toBe(`${execution.baseUrl}/webhook-waiting/${execution.executionId}/${execution.node.id}`);
		expect([...url.searchParams.keys()]).toEqual(['signatureRequestId', 'documentId', 'signature']);
		expect(url.searchParams.get('signatureRequestId')).toBe(signatureRequestId);
		expect(url.searchParams.get('documentId')).toBe(documentId);
		expect(validateUrlSignature(url.searchParams.get('signature')!, url, Container.get(InstanceSettings).hmacSignatureSecret)).toBe(true);

		// Until the link expires (24 hours by default), plus an hour for a signature at the last moment.
		const waitTill = execution.waitTill!.getTime();
		expect(waitTill).toBeGreaterThanOrEqual(before + 25 * HOUR);
		expect(waitTill).toBeLessThanOrEqual(Date.now() + 25 * HOUR);
		// While it waits, the node shows what it sent.
		const shown = execution.runs[0].data.resultData.runData.OKdokument[0].data!.main[0]!;
		expect(shown.map((item) => item.json)).toEqual([
			{
				state: 'waiting',
				signatureRequestId,
				url: `${sandbox.url}/openDocument/${signatureRequestId}`,
				documentId,
				message: 'msg.signature.request.id.created',
				waitUntil: execution.waitTill!.toISOString(),
				waitingUntil: execution.waitTill!.toISOString(),
			},
		]);
		expect(execution.received()).toEqual([]);
	});

	it('uses the Signature Request ID the user chose, and an existing document without uploading', async () => {
		sandbox.addDocument({ id: 'doc-round-2', filename: 'offer.pdf', content: PDF });
		const execution = await sendAndWait({
			source: 'existingDocument',
			documentId: 'doc-round-2',
			additionalFields: { signatureRequestId: 'order-42-round-2' },
		});

		expect(execution.status).toBe('waiting');
		expect(sandbox.requests.map((request) => request.path)).toEqual(['/JSON/signatureRequest']);
		const { signatureRequestId, documentId, resumeUrl } = createdRequest();
		expect([signatureRequestId, documentId]).toEqual(['order-42-round-2', 'doc-round-2']);
		expect(new URL(resumeUrl).searchParams.get('documentId')).toBe('doc-round-2');
	});

	it('offers no Send Info URL of its own: an expression for one is not read, the node sets it', async () => {
		const execution = await sendAndWait({ additionalFields: { sendInfoUrl: 'https://attacker.example/hook' } });

		expect(execution.status).toBe('waiting');
		expect(createdRequest().resumeUrl.startsWith(`${execution.baseUrl}/webhook-waiting/`)).toBe(true);
	});

	it.each<[string, { fields: number; onError?: 'continueErrorOutput' }]>([
		['several items', { fields: 2 }],
		['several items with Continue (using error output)', { fields: 3, onError: 'continueErrorOutput' }],
	])('refuses %s before sending anything, and says how to send many', async (_case, { fields, onError }) => {
		const items = await Promise.all(Array.from({ length: fields }, (_, order) => fileItem({ order })));
		const execution = await sendAndWait({}, items, { onError });

		expect(sandbox.requests).toEqual([]);
		expect(execution.status).not.toBe('waiting');
		const message = `Send and Wait for Signature waits for one signature per execution, but this node received ${fields} items`;
		if (onError) {
			// One error item per input item, in order, each paired with its input.
			const errorOutput = execution.runs[0].data.resultData.runData.OKdokument[0].data!.main[1]!;
			expect(errorOutput.map((item) => [String(item.json.error).startsWith(message), item.pairedItem])).toEqual(
				Array.from({ length: fields }, (_, item) => [true, { item }]),
			);
			expect(String(errorOutput[0].json.message)).toContain('Execute Workflow');
		} else {
			const error = execution.runs[0].data.resultData.error!;
			expect(error.message).toBe(`${message} (item index 0)`);
			expect(error.description).toMatch(/Nothing was sent\..*sub-workflow.*Execute Workflow \(Mode: Run once for each item, Wait For Sub-Workflow Completion off\)/);
		}
	});
});

describe('Send and Wait for Signature: the signer is reached', () => {
	it('OKdokument e-mails the signer the link: the request carries emailTo and emailFrom, and the sandbox records who was told', async () => {
		await sendAndWait();
		const { signatureRequestId } = createdRequest();

		expect(creation().rules).toEqual(SIGNER_RULES);
		expect(sandbox.emails).toEqual([
			expect.objectContaining({
				from: 'okdokument@okdokument.sk',
				to: 'jana@example.com',
				replyTo: 'office@example.com',
				signatureRequestId,
				url: `${sandbox.url}/openDocument/${signatureRequestId}`,
			}),
		]);
	});

	it('without a signer e-mail it refuses before anything is uploaded or created, and names the alternative', async () => {
		const execution = await sendAndWait({ signerEmail: '', senderEmail: '' });

		expect(sandbox.requests).toEqual([]);
		expect(sandbox.emails).toEqual([]);
		const error = execution.runs[0].data.resultData.error!;
		expect(error).toMatchObject({ name: 'NodeOperationError', message: 'Signer Email is empty (item index 0)' });
		expect(error.description).toMatch(/^Nothing was sent\. .*OKdokument must e-mail it\. .*Signature Request → Create, then that node with Create’s url, then Signature Request → Wait for Signature\.$/);
	});

	it('a signer set in Signing Rules, as saved workflows of 0.2.0 do, is enough; the same address in both places too', async () => {
		await sendAndWait({ signerEmail: '', senderEmail: '', rules: { emailTo: 'jana@example.com', emailFrom: 'office@example.com' } });
		expect(creation().rules).toEqual(SIGNER_RULES);
		sandbox.clearRequests();
		await sendAndWait({ rules: { emailTo: 'jana@example.com' } });
		expect(creation().rules).toEqual(SIGNER_RULES);
	});

	it.each<[string, INodeParameters, string]>([
		['two different signers', { rules: { emailTo: 'petra@example.com' } }, 'Signer Email is "jana@example.com", but Signing Rules → Signer Email is "petra@example.com" (item index 0)'],
		['a signer without a sender', { senderEmail: '' }, 'Sender Email is empty, but OKdokument needs it when Signer Email is set (item index 0)'],
		['a sendInfo rule in Custom Rules', { rules: { customRules: '{"sendInfo": "https://elsewhere.example/hook"}' } }, 'Custom Rules sets the rule "sendInfo" (item index 0)'],
		['sendInfo.user in Custom Rules, in any case', { rules: { customRules: 'SendInfo.User-x' } }, 'Custom Rules sets the rule "SendInfo.User" (item index 0)'],
		['sendInfoUrl in Additional Body Fields', { additionalFields: { additionalBodyFields: '{"sendInfoUrl": "https://elsewhere.example/hook"}' } }, 'Additional Body Fields (JSON) would overwrite "sendInfoUrl", which the node sets itself (item index 0)'],
	])('refuses %s before sending anything', async (_case, parameters, message) => {
		const execution = await sendAndWait(parameters);

		expect(execution.runs[0].data.resultData.error).toMatchObject({ name: 'NodeOperationError', message });
		expect(sandbox.requests).toEqual([]);
	});

	it.each([
		['Production', { environment: 'production' }, 'api.okdokument.com'],
		['Development', { environment: 'development' }, 'apidev.okdokument.com'],
		['a custom OKdokument that is not on this machine', { baseUrl: 'http://okdokument.example.com' }, 'okdokument.example.com'],
	])('refuses a resume URL OKdokument cannot reach (%s, n8n on localhost) before sending, naming WEBHOOK_URL', async (_case, credential, host) => {
		const execution = await startWaitingExecution({
			nodeTypes: [OkDokument],
			credentialTypes: [OkDokumentApi],
			node: { type: 'okDokument', parameters: { resource: 'signatureRequest', operation: 'sendAndWait', ...SIGNER } },
			credentials: { okDokumentApi: sandboxCredential(sandbox, credential) },
			items: [await fileItem()],
		});
		running.push(execution);

		const error = execution.runs[0].data.resultData.error!;
		expect(error).toMatchObject({ name: 'NodeOperationError', message: 'OKdokument could never reach this workflow: its resume URL names 127.0.0.1 (item index 0)' });
		expect(error.description).toContain(`OKdokument (${host})`);
		expect(error.description).toContain('WEBHOOK_URL');
		expect(sandbox.requests).toEqual([]);
	});
});

describe('Send and Wait for Signature: Limit Wait Time', () => {
	it('after a time interval', async () => {
		const before = Date.now();
		const execution = await sendAndWait({ limitWaitTime: 'afterTimeInterval', resumeAmount: 90, resumeUnit: 'minutes' });

		expect(execution.waitTill!.getTime()).toBeGreaterThanOrEqual(before + 1.5 * HOUR);
		expect(execution.waitTill!.getTime()).toBeLessThanOrEqual(Date.now() + 1.5 * HOUR);
	});

	it('until the Expiration the user set, plus an hour', async () => {
		const expiration = new Date(Date.now() + 3 * 24 * HOUR);
		const execution = await sendAndWait({ additionalFields: { expiration: expiration.toISOString() } });

		expect(creation().expirationTime).toBe(String(expiration.getTime()));
		expect(execution.waitTill!.getTime()).toBe(expiration.getTime() + HOUR);
	});

	it.each<[string, INodeParameters, RegExp]>([
		['a wait beyond the link’s 24 hours', { limitWaitTime: 'afterTimeInterval', resumeAmount: 2, resumeUnit: 'days' }, /^Limit Wait Time ends at .*, after the signing link expires at .* \(24 hours from now: no Expiration is set\) \(item index 0\)$/],
		['a moment in the past', { limitWaitTime: 'atSpecifiedTime', maxDateAndTime: '2020-01-01T00:00:00Z' }, /^Limit Wait Time ends in the past: 2020-01-01T00:00:00.000Z \(item index 0\)$/],
		['a date that is none', { limitWaitTime: 'atSpecifiedTime', maxDateAndTime: 'soon' }, /^Limit Wait Time has no valid Max Date and Time: "soon" \(item index 0\)$/],
	])('refuses %s before sending anything', async (_case, parameters, message) => {
		const execution = await sendAndWait(parameters);

		expect(execution.status).toBe('error');
		expect(execution.runs[0].data.resultData.error).toMatchObject({ name: 'NodeOperationError', message: expect.stringMatching(message) });
		expect(sandbox.requests).toEqual([]);
	});
});

describe('Send and Wait for Signature: what resumes it, and what does not', () => {
	it('the signer signs: confirmed with OKdokument, the signed PDF from OKdokument attached', async () => {
		const execution = await sendAndWait();
		const { signatureRequestId, documentId } = createdRequest();

		const signing = await sandbox.sign(signatureRequestId);
		await execution.settled();

		expect(signing).toMatchObject({ callbackStatus: 200, state: 'signed' });
		expect(execution.calls.map((call) => [call.outcome, call.response])).toEqual([
			['resumed', { status: 200, body: { message: 'Callback received; the workflow goes on' } }],
		]);
		expect(execution.status).toBe('success');
		const [item] = execution.received();
		expect(item.json).toEqual({
			eventId: expect.stringMatching(/^[0-9a-f]{32}$/),
			state: 'signed',
			signatureRequestId,
			documentId,
			confirmed: true,
			confirmedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			document: expect.objectContaining({ id: documentId, state: 'signed', filename: 'contract.pdf' }),
			callback: { state: 'signed', id: documentId, signatureRequestId },
		});
		expect(execution.received()).toHaveLength(1);
		expect(item.binary?.data).toMatchObject({ mimeType: 'application/pdf', fileName: 'contract.pdf' });
		const signedPdf = sandbox.getDocument(documentId)!.signedContent!;
		expect((await readBinary(item.binary!.data)).equals(signedPdf)).toBe(true);
		expect(signedPdf.equals(PDF)).toBe(false);
		// Only after the callback did the node ask OKdokument: Get, then Download.
		expect(sandbox.requests.slice(2).map((request) => `${request.method} ${request.path}`)).toEqual([
			`GET /JSON/document/metadata/${documentId}`,
			`GET /JSON/document/${documentId}`,
		]);
	});

	it('the signer cancels: canceled, without any PDF', async () => {
		const execution = await sendAndWait({ outputBinaryPropertyName: 'signed' });
		const { signatureRequestId } = createdRequest();

		await sandbox.cancel(signatureRequestId);
		await execution.settled();

		expect(execution.status).toBe('success');
		expect(outputOf(execution)).toEqual([expect.objectContaining({ state: 'canceled', confirmed: true })]);
		expect(execution.received()[0].binary).toBeUndefined();
		expect(sandbox.requests.filter((request) => request.path.startsWith('/JSON/document/') && !request.path.includes('metadata'))).toEqual([]);
	});

	it('without Download Signed PDF: signed, no binary', async () => {
		const execution = await sendAndWait({ downloadSignedPdf: false });
		await sandbox.sign(createdRequest().signatureRequestId);
		await execution.settled();

		expect(outputOf(execution)).toEqual([expect.objectContaining({ state: 'signed', confirmed: true })]);
		expect(execution.received()[0].binary).toBeUndefined();
	});

	it('a forged "signed" through the real URL leaves it waiting; the genuine signature later resumes it', async () => {
		const execution = await sendAndWait();
		const { signatureRequestId, documentId, resumeUrl } = createdRequest();

		const forged = await post(execution, resumeUrl, { state: 'signed', id: documentId, signatureRequestId });

		expect(forged).toEqual({ status: 200, text: JSON.stringify(STILL_WAITING) });
		expect(execution.status).toBe('waiting');
		expect(execution.received()).toEqual([]);
		expect(warnings(execution)).toEqual([
			'OKdokument Send and Wait for Signature ignored a callback and keeps waiting: the document is "tosign" in OKdokument, not signed or canceled',
		]);
		expect(execution.logs.find((line) => line.level === 'warn')?.metadata).toMatchObject({ signatureRequestId, documentId, claimedState: 'signed' });

		await sandbox.sign(signatureRequestId);
		await execution.settled();
		expect(execution.status).toBe('success');
		expect(outputOf(execution)).toEqual([expect.objectContaining({ state: 'signed', confirmed: true })]);
	});

	it.each<[string, (ids: { documentId: string; signatureRequestId: string }) => unknown, string]>([
		['about another (signed) document', () => ({ state: 'signed', id: 'doc-other', signatureRequestId: 'sr-other' }), 'it is about document doc-other, not '],
		['about another signature request', ({ documentId }) => ({ state: 'signed', id: documentId, signatureRequestId: 'sr-other' }), 'it is about signature request sr-other, not '],
		['that says "canceled" for a signed document', ({ documentId, signatureRequestId }) => ({ state: 'canceled', id: documentId, signatureRequestId }), 'it reports "canceled" but the document is "signed" in OKdokument'],
		['that is no callback at all', () => ({ hello: 'world' }), 'its body is not an OKdokument callback'],
	])('a call %s leaves it waiting', async (_case, body, reason) => {
		const execution = await sendAndWait();
		const ids = createdRequest();
		sandbox.addDocument({ id: 'doc-other', content: PDF, state: 'signed' });
		// The awaited document really is signed, but the callback never reached n8n.
		await sandbox.sign(ids.signatureRequestId, { deliverCallback: false });
		sandbox.addDocument({ ...sandbox.getDocument(ids.documentId)!, state: 'signed' });

		const call = await post(execution, ids.resumeUrl, body(ids));

		expect(call.status).toBe(200);
		expect(execution.status).toBe('waiting');
		expect(warnings(execution)).toEqual([expect.stringContaining(`keeps waiting: ${reason}`)]);
	});

	it('a callback in the Power Automate connector’s shape wakes it up like any other: OKdokument’s state decides', async () => {
		const execution = await sendAndWait();
		const { signatureRequestId, resumeUrl } = createdRequest();
		await sandbox.sign(signatureRequestId, { deliverCallback: false });
		sandbox.addDocument({ ...sandbox.getDocument(createdRequest().documentId)!, state: 'signed' });

		const call = await post(execution, resumeUrl, { code: 'SUCCESS', message: 'Document signed', result: 'OK', statusCode: 200, url: '', success: true });

		expect(call.status).toBe(200);
		expect(execution.status).toBe('success');
		expect(outputOf(execution)).toEqual([expect.objectContaining({ state: 'signed', confirmed: true, signatureRequestId })]);
	});

	it('garbage that is not JSON leaves it waiting', async () => {
		const execution = await sendAndWait();

		const call = await post(execution, createdRequest().resumeUrl, 'not a callback', 'text/plain');

		expect(call.status).toBe(200);
		expect(execution.status).toBe('waiting');
		expect(warnings(execution)).toEqual(['OKdokument Send and Wait for Signature ignored a callback and keeps waiting: its body is not an OKdokument callback']);
	});

	it('a document OKdokument does not know (any more) leaves it waiting', async () => {
		const execution = await sendAndWait();
		const { signatureRequestId, documentId, resumeUrl } = createdRequest();
		await fetch(`${sandbox.url}/JSON/document/${documentId}`, { method: 'DELETE', headers: { 'x-api-key': API_KEY } });

		const call = await post(execution, resumeUrl, { state: 'signed', id: documentId, signatureRequestId });

		expect(call.status).toBe(200);
		expect(execution.status).toBe('waiting');
		expect(warnings(execution)).toEqual([`OKdokument Send and Wait for Signature ignored a callback and keeps waiting: OKdokument does not know document ${documentId}`]);
	});

	it('OKdokument down during the check: 503 and still waiting (OKdokument marks errorsendinfo); a later delivery resumes it as deliveryFailed', async () => {
		const execution = await sendAndWait();
		const { signatureRequestId, documentId } = createdRequest();
		sandbox.setFault({ type: 'status', status: 503, path: '/JSON/document/metadata/' });

		const signing = await sandbox.sign(signatureRequestId);

		expect(signing).toMatchObject({ callbackStatus: 503, state: 'errorsendinfo' });
		expect(execution.calls.map((call) => [call.outcome, call.response.status])).toEqual([['ignored', 503]]);
		expect(execution.status).toBe('waiting');
		// One quick attempt: OKdokument waits for the answer.
		expect(sandbox.requests.filter((request) => request.path.startsWith('/JSON/document/metadata/'))).toHaveLength(1);
		expect(execution.logs.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([
			expect.stringMatching(/^OKdokument Send and Wait for Signature could not check a callback and keeps waiting: .*503/),
		]);

		sandbox.clearFaults();
		expect(await sandbox.redeliverCallback(signatureRequestId)).toEqual({ status: 200 });
		await execution.settled();

		expect(execution.status).toBe('success');
		const [item] = execution.received();
		expect(item.json).toMatchObject({
			state: 'deliveryFailed',
			reportedState: 'signed',
			confirmed: true,
			documentId,
			document: { state: 'errorsendinfo' },
		});
		expect(item.binary).toBeUndefined();
	});

	it.each(['signed', 'canceled'] as const)(
		'a first delivery that never arrived (errorsendinfo), then one that does (%s): deliveryFailed, the claim beside it, never a PDF',
		async (outcome) => {
			const execution = await sendAndWait();
			const { signatureRequestId } = createdRequest();
			await (outcome === 'signed' ? sandbox.sign : sandbox.cancel)(signatureRequestId, { deliverCallback: false });
			expect(execution.status).toBe('waiting');

			await sandbox.redeliverCallback(signatureRequestId);
			await execution.settled();

			expect(execution.status).toBe('success');
			expect(outputOf(execution)).toEqual([expect.objectContaining({ state: 'deliveryFailed', reportedState: outcome, confirmed: true })]);
			expect(execution.received()[0].binary).toBeUndefined();
			expect(sandbox.requests.filter((request) => /^\/JSON\/document\/[^/]+$/.test(request.path))).toEqual([]);
		},
	);

	it('a signed PDF that cannot be downloaded after the answer: OKdokument got 200, the item says so and carries no PDF', async () => {
		const execution = await sendAndWait();
		const { signatureRequestId, documentId } = createdRequest();
		sandbox.setFault({ type: 'status', status: 404, body: { message: 'err.not.found', value: documentId }, path: `/JSON/document/${documentId}` });

		const signing = await sandbox.sign(signatureRequestId);
		await execution.settled();

		expect(signing).toMatchObject({ callbackStatus: 200, state: 'signed' });
		expect(execution.calls.map((call) => [call.outcome, call.response.status])).toEqual([['resumed', 200]]);
		expect(execution.status).toBe('success');
		const [item] = execution.received();
		expect(item.json).toMatchObject({
			state: 'signed',
			confirmed: true,
			error: `The signed PDF of document ${documentId} could not be downloaded from OKdokument: OKdokument could not find what was asked for (HTTP 404: err.not.found)`,
		});
		expect(item.binary).toBeUndefined();
		expect(execution.logs.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([
			`OKdokument Send and Wait for Signature resumed the workflow without the signed PDF: ${String(item.json.error)}`,
		]);
	});

	it('a repeated callback after the run ended: n8n’s "no action required" (200), nothing runs again', async () => {
		const execution = await sendAndWait();
		const { signatureRequestId, documentId, resumeUrl } = createdRequest();
		await sandbox.sign(signatureRequestId);
		await execution.settled();

		const again = await post(execution, resumeUrl, { state: 'signed', id: documentId, signatureRequestId });

		expect(again).toEqual({ status: 200, text: NO_ACTION_REQUIRED_PAGE });
		expect(execution.received()).toHaveLength(1);
	});

	it.each<[string, (url: URL) => void]>([
		[
			'an altered signature',
			(url) => {
				const signature = url.searchParams.get('signature')!;
				url.searchParams.set('signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
			},
		],
		['another document in an otherwise signed URL', (url) => url.searchParams.set('documentId', 'doc-other')],
		['no signature', (url) => url.searchParams.delete('signature')],
	])('a URL with %s gets 401 from n8n before the node runs', async (_case, alter) => {
		const execution = await sendAndWait();
		const { signatureRequestId, documentId, resumeUrl } = createdRequest();
		const url = new URL(resumeUrl);
		alter(url);

		const call = await post(execution, url.toString(), { state: 'signed', id: documentId, signatureRequestId });

		expect(call.status).toBe(401);
		expect(execution.calls.map((entry) => entry.outcome)).toEqual(['rejected']);
		expect(execution.status).toBe('waiting');
		expect(sandbox.requests.filter((request) => request.path.includes('metadata'))).toEqual([]);
	});
});

eachDialect(sandbox, 'Send and Wait for Signature in both documented dialects', (dialect) => {
	// The connector types the rules (here the signer's e-mail) as Name-Value text only.
	const inDialect = () => sendAndWait(dialect === 'connector' ? { additionalFields: { rulesEncoding: 'string' } } : {});

	it('a signature resumes it with the signed PDF; a cancel, without', async () => {
		const signed = await inDialect();
		const first = createdRequest();
		await sandbox.sign(first.signatureRequestId);
		await signed.settled();
		sandbox.clearRequests();
		const canceled = await inDialect();
		await sandbox.cancel(createdRequest().signatureRequestId);
		await canceled.settled();

		expect(outputOf(signed)).toEqual([expect.objectContaining({ state: 'signed', confirmed: true, documentId: first.documentId })]);
		expect((await readBinary(signed.received()[0].binary!.data)).equals(sandbox.getDocument(first.documentId)!.signedContent!)).toBe(true);
		expect(outputOf(canceled)).toEqual([expect.objectContaining({ state: 'canceled', confirmed: true })]);
		expect(canceled.received()[0].binary).toBeUndefined();
		// What OKdokument sent, in this dialect (the node took the document from its own signed URL either way).
		const callbackKeys = Object.keys(signed.calls[0].body as IDataObject).sort();
		expect(callbackKeys).toEqual(dialect === 'wiki' ? ['id', 'signatureRequestId', 'state'] : ['code', 'message', 'result', 'statusCode', 'success', 'url']);
	});

	it('a forged "signed" keeps it waiting; a signature whose first delivery failed resumes it as deliveryFailed', async () => {
		const execution = await inDialect();
		const { signatureRequestId, documentId, resumeUrl } = createdRequest();

		await post(execution, resumeUrl, { state: 'signed', id: documentId, signatureRequestId, success: true, code: 'SUCCESS' });
		expect(execution.status).toBe('waiting');

		await sandbox.sign(signatureRequestId, { deliverCallback: false });
		await sandbox.redeliverCallback(signatureRequestId);
		await execution.settled();
		expect(outputOf(execution)).toEqual([
			expect.objectContaining({ state: 'deliveryFailed', reportedState: 'signed', confirmed: true, documentId }),
		]);
		expect(execution.received()[0].binary).toBeUndefined();
	});
});

describe('Send and Wait for Signature: when the wait runs out', () => {
	it('the next node gets state "timedOut" with the request’s IDs and no PDF, never the input’s file', async () => {
		const execution = await sendAndWait({}, [await fileItem({ order: 42 })]);
		const { signatureRequestId, documentId, resumeUrl } = createdRequest();

		await execution.timeOut();

		expect(execution.status).toBe('success');
		expect(execution.received()).toEqual([
			{
				json: {
					state: 'timedOut',
					signatureRequestId,
					documentId,
					url: `${sandbox.url}/openDocument/${signatureRequestId}`,
					confirmed: false,
					waitUntil: expect.stringMatching(/^\d{4}-/),
					waitedUntil: expect.stringMatching(/^\d{4}-/),
					message:
						'No confirmed signature or cancellation arrived before the wait limit. Check the document with Document → Get (its state), or withdraw the request with Signature Request → Delete.',
				},
				pairedItem: { item: 0 },
			},
		]);
		// A late signature changes nothing any more.
		await sandbox.sign(signatureRequestId);
		await execution.settled();
		expect(execution.calls.map((call) => [call.outcome, call.response.status])).toEqual([['rejected', 200]]);
		expect(execution.received()).toHaveLength(1);
		expect(resumeUrl).toContain(documentId);
	});
});

describe('Send and Wait for Signature: the API key', () => {
	it('appears in no output, log line, error or stored execution', async () => {
		const signed = await sendAndWait();
		await sandbox.sign(createdRequest().signatureRequestId);
		await signed.settled();
		sandbox.clearRequests();
		const failing = await sendAndWait();
		sandbox.setFault({ type: 'status', status: 503, path: '/JSON/document/metadata/' });
		await sandbox.sign(createdRequest().signatureRequestId);
		sandbox.clearFaults();
		sandbox.clearRequests();
		const timedOut = await sendAndWait();
		await timedOut.timeOut();

		for (const execution of [signed, failing, timedOut]) {
			const seen = [execution.stored(), JSON.stringify(execution.received()), JSON.stringify(execution.logs), JSON.stringify(execution.calls.map((call) => call.response))];
			for (const text of seen) {
				expect(text).not.toContain(API_KEY);
				expect(text).not.toContain(API_KEY.split('_')[1]);
			}
		}
	});
});

describe('Send and Wait for Signature: AI agents', () => {
	/** The node as n8n offers it to an AI agent: the same description under a name ending in "Tool". */
	function asTool(name: string): OkDokument {
		const tool = new OkDokument();
		tool.description = { ...tool.description, name };
		return tool;
	}

	it('is not among the operations an AI agent’s tool offers (displayOptions @tool)', () => {
		const operationLists = new OkDokument().description.properties.filter(
			(property) => property.name === 'operation' && property.displayOptions?.show?.resource?.includes('signatureRequest'),
		);
		const values = (asTool: boolean) =>
			operationLists
				.filter((property) => property.displayOptions?.show?.['@tool']?.includes(asTool))
				.flatMap((property) => (property.options ?? []).map((option) => (option as { value: string }).value));
		expect(values(false)).toEqual(['create', 'delete', 'sendAndWait', 'update', 'waitForSignature']);
		expect(values(true)).toEqual(['create', 'delete', 'update']);
	});

	it.each(['okDokumentTool', 'okDokumentHitlTool'])('refuses to run in a %s node, before sending anything', async (name) => {
		const execution = await startWaitingExecution({
			nodeTypes: [asTool(name)],
			credentialTypes: [OkDokumentApi],
			node: { type: name, parameters: { resource: 'signatureRequest', operation: 'sendAndWait' } },
			credentials: { okDokumentApi: sandboxCredential(sandbox) },
			items: [await fileItem()],
		});
		running.push(execution);

		expect(execution.status).toBe('error');
		// As a tool, the reason travels in the message itself (n8n's queue mode passes a model nothing else).
		expect(execution.runs[0].data.resultData.error?.message).toBe(
			'Send and Wait for Signature cannot run as a tool of an AI agent (item index 0)\n\n' +
				'Details: An agent’s tool call cannot wait hours or days for a signer. Use Signature Request → Create as the tool, or Send and Wait for Signature in a workflow.',
		);
		expect(sandbox.requests).toEqual([]);
	});
});
