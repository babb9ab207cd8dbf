import type { IDataObject } from 'n8n-workflow';

import { API_KEY, KNOWN_ID, runUpdate, sandboxCredential, slowDownload, useSandbox } from './support/okdokument';
import { EVENT_ID, ISO_TIMESTAMP, ORIGINAL_PDF, postCallback, useTriggers } from './support/trigger';
import { readBinary } from './harness';
import { OkDokumentTrigger } from '../nodes/OkDokument/OkDokumentTrigger.node';

const sandbox = useSandbox();
const { startTrigger, createRequest, metadataRequests } = useTriggers(sandbox);

describe('OKdokument Trigger: the node as n8n sees it', () => {
	const { description, webhookMethods } = new OkDokumentTrigger();

	it('is a webhook trigger on POST …/okdokument that answers when the callback is received', () => {
		expect(description).toMatchObject({
			name: 'okDokumentTrigger',
			displayName: 'OKdokument Trigger',
			group: ['trigger'],
			inputs: [],
			webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'okdokument' }],
		});
		expect(description.usableAsTool).toBeUndefined();
	});

	it('needs the credential only to confirm (and download), and says where its URL goes', () => {
		expect(description.credentials).toEqual([
			{ name: 'okDokumentApi', required: true, displayOptions: { show: { confirm: [true] } } },
		]);
		const notice = description.properties.find((property) => property.type === 'notice');
		expect(notice?.displayName).toMatch(/Production URL.*Send Info URL.*Signature Request → Create or Update/);
		expect(description.properties.find((property) => property.name === 'download')?.displayOptions).toEqual({
			show: { confirm: [true] },
		});
	});

	it('has nothing to register with OKdokument: checkExists says yes, so create never runs; delete succeeds', async () => {
		const trigger = await startTrigger();
		expect(trigger.lifecycle).toEqual(['checkExists:true']);
		await trigger.stop();
		expect(trigger.lifecycle).toEqual(['checkExists:true', 'delete:true']);
		expect(sandbox.requests).toEqual([]);
		expect(Object.keys(webhookMethods?.default ?? {}).sort()).toEqual(['checkExists', 'create', 'delete']);
	});

	it('is reached at n8n’s URL shapes: <base>/webhook/<webhookId>/okdokument and /webhook-test/… for the editor', async () => {
		const trigger = await startTrigger();
		expect(trigger.productionUrl).toBe(`${trigger.baseUrl}/webhook/${trigger.node.webhookId}/okdokument`);
		expect(trigger.testUrl).toBe(`${trigger.baseUrl}/webhook-test/${trigger.node.webhookId}/okdokument`);
	});
});

describe('OKdokument Trigger: a signer signs or cancels in the sandbox', () => {
	it('signing starts the workflow once, with the state OKdokument confirms and the document’s metadata', async () => {
		const trigger = await startTrigger();
		const { signatureRequestId, documentId } = await createRequest(trigger.productionUrl);

		const signing = await sandbox.sign(signatureRequestId);
		await trigger.settled();

		expect(signing).toMatchObject({ callbackStatus: 200, state: 'signed' });
		// What OKdokument sent: JSON, no credentials of any kind.
		expect(trigger.calls).toHaveLength(1);
		const [call] = trigger.calls;
		// The trigger answers itself, so that n8n saves what it remembered before starting the execution.
		expect(call).toMatchObject({ method: 'POST', mode: 'webhook', outcome: 'started', response: { status: 200, body: { message: 'Workflow was started' } } });
		expect(call.headers['content-type']).toBe('application/json');
		expect(call.headers['x-api-key']).toBeUndefined();
		expect(call.headers.authorization).toBeUndefined();
		// The confirmation: one Document → Get, with the credential's key.
		expect(metadataRequests().map((request) => [request.method, request.path, request.headers['x-api-key']])).toEqual([
			['GET', `/JSON/document/metadata/${encodeURIComponent(documentId)}`, API_KEY],
		]);

		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0].error).toBeUndefined();
		const items = trigger.received();
		expect(items).toHaveLength(1);
		expect(items[0].binary).toBeUndefined();
		expect(items[0].json).toEqual({
			eventId: expect.stringMatching(EVENT_ID),
			state: 'signed',
			documentId,
			signatureRequestId,
			confirmed: true,
			document: {
				filename: 'contract.pdf',
				state: 'signed',
				id: documentId,
				modification: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
				date: expect.any(Number),
				number: expect.stringMatching(/^\d+$/),
			},
			arrivedVia: 'callback',
			receivedAt: expect.stringMatching(ISO_TIMESTAMP),
			callback: { state: 'signed', id: documentId, signatureRequestId },
		});
		const receivedAt = Date.parse(items[0].json.receivedAt as string);
		expect(Math.abs(Date.now() - receivedAt)).toBeLessThan(10_000);
		expect(sandbox.getDocument(documentId)?.state).toBe('signed');
	});

	it('canceling starts it with state canceled', async () => {
		const trigger = await startTrigger();
		const { signatureRequestId, documentId } = await createRequest(trigger.productionUrl);

		const canceling = await sandbox.cancel(signatureRequestId);
		await trigger.settled();

		expect(canceling).toMatchObject({ callbackStatus: 200, state: 'canceled' });
		expect(trigger.received().map((item) => item.json)).toEqual([
			expect.objectContaining({
				state: 'canceled',
				documentId,
				signatureRequestId,
				confirmed: true,
				document: expect.objectContaining({ state: 'canceled', id: documentId }),
				callback: { state: 'canceled', id: documentId, signatureRequestId },
			}),
		]);
	});

	it('works with the URL set by Signature Request → Update, as the README describes', async () => {
		const trigger = await startTrigger();
		const document = sandbox.addDocument({ filename: 'offer.pdf', content: ORIGINAL_PDF });
		sandbox.addSignatureRequest({ signatureRequestId: KNOWN_ID, documentId: document.id });

		const update = await runUpdate({
			credential: sandboxCredential(sandbox),
			parameters: { signatureRequestId: KNOWN_ID, sendInfoUrl: trigger.productionUrl },
		});
		expect(update.error).toBeUndefined();
		await sandbox.sign(KNOWN_ID);
		await trigger.settled();

		expect(trigger.received().map((item) => item.json)).toEqual([
			expect.objectContaining({ state: 'signed', documentId: document.id, signatureRequestId: KNOWN_ID, confirmed: true }),
		]);
	});

	it('the Test URL runs the same way, in manual mode', async () => {
		const trigger = await startTrigger();
		const { signatureRequestId, documentId } = await createRequest(trigger.testUrl);

		await sandbox.sign(signatureRequestId);
		await trigger.settled();

		expect(trigger.calls.map((call) => call.mode)).toEqual(['manual']);
		expect(trigger.executions.map((execution) => execution.mode)).toEqual(['manual']);
		expect(trigger.received().map((item) => item.json.documentId)).toEqual([documentId]);
	});
});

describe('OKdokument Trigger: Trigger On', () => {
	it('set to Signed only: a cancel starts nothing, costs no API call, and OKdokument still gets 200', async () => {
		const trigger = await startTrigger({ events: ['signed'] });
		const { signatureRequestId } = await createRequest(trigger.productionUrl);

		const canceling = await sandbox.cancel(signatureRequestId);
		await trigger.settled();

		expect(canceling).toMatchObject({ callbackStatus: 200, state: 'canceled' });
		expect(trigger.calls.map((call) => call.outcome)).toEqual(['ignored']);
		expect(trigger.executions).toEqual([]);
		expect(metadataRequests()).toEqual([]);
		// An outcome the user chose not to watch is not a warning.
		expect(trigger.logs.filter((line) => line.level === 'warn')).toEqual([]);
	});

	it('set to Canceled only: a signature starts nothing, a cancel does', async () => {
		const trigger = await startTrigger({ events: ['canceled'] });
		const signed = await createRequest(trigger.productionUrl);
		const canceled = await createRequest(trigger.productionUrl);

		await sandbox.sign(signed.signatureRequestId);
		await sandbox.cancel(canceled.signatureRequestId);
		await trigger.settled();

		expect(trigger.received().map((item) => [item.json.state, item.json.documentId])).toEqual([
			['canceled', canceled.documentId],
		]);
	});
});

describe('OKdokument Trigger: callbacks it cannot confirm start nothing', () => {
	it('a forged "signed" for a request that is not signed: 200, a warning, and the downstream node never runs', async () => {
		const trigger = await startTrigger();
		const { signatureRequestId, documentId } = await createRequest(trigger.productionUrl);

		const answer = await postCallback(trigger, { state: 'signed', id: documentId, signatureRequestId });

		expect(answer).toEqual({ status: 200, body: JSON.stringify({ message: 'Webhook call received' }) });
		expect(trigger.calls.map((call) => call.outcome)).toEqual(['ignored']);
		expect(trigger.executions).toEqual([]);
		expect(trigger.received()).toEqual([]);
		expect(metadataRequests()).toHaveLength(1);
		expect(sandbox.getDocument(documentId)?.state).toBe('tosign');
		const warnings = trigger.logs.filter((line) => line.level === 'warn');
		expect(warnings).toEqual([
			{
				level: 'warn',
				message: 'OKdokument Trigger ignored a callback: the document is "tosign" in OKdokument, neither signed nor canceled',
				metadata: expect.objectContaining({ state: 'signed', documentId, signatureRequestId }),
			},
		]);
		expect(JSON.stringify(trigger.logs)).not.toContain(API_KEY);
	});

	it('a forged "canceled" for a signed document is a mismatch and starts nothing', async () => {
		const trigger = await startTrigger({ events: ['signed', 'canceled'] });
		const { signatureRequestId, documentId } = await createRequest();
		await sandbox.sign(signatureRequestId);

		const answer = await postCallback(trigger, { state: 'canceled', id: documentId, signatureRequestId });

		expect(answer.status).toBe(200);
		expect(trigger.received()).toEqual([]);
		expect(trigger.logs.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
			'OKdokument Trigger ignored a callback: it reports "canceled" but the document is "signed" in OKdokument',
		]);
	});

	it('an unknown document ID: OKdokument answers 404, the callback is dropped with a warning, and still 200', async () => {
		const trigger = await startTrigger();

		const answer = await postCallback(trigger, { state: 'signed', id: 'doc_never-existed', signatureRequestId: 'sr-x' });

		expect(answer.status).toBe(200);
		expect(trigger.executions).toEqual([]);
		expect(metadataRequests().map((request) => request.path)).toEqual(['/JSON/document/metadata/doc_never-existed']);
		expect(trigger.logs.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
			'OKdokument Trigger ignored a callback: OKdokument does not know its document',
		]);
	});

	it('an ID that is really a path cannot reach another endpoint: it is sent as one encoded segment', async () => {
		const trigger = await startTrigger();

		await postCallback(trigger, { state: 'signed', id: '../../counter' });

		expect(metadataRequests().map((request) => request.path)).toEqual(['/JSON/document/metadata/..%2F..%2Fcounter']);
		expect(trigger.executions).toEqual([]);
	});

	it('bodies that say nothing usable (not JSON, no state, no ID) get 200 and start nothing', async () => {
		const trigger = await startTrigger();

		const answers = [
			await postCallback(trigger, 'hello', 'text/plain'),
			await postCallback(trigger, { id: 'doc_1' }, 'application/json'),
			await postCallback(trigger, { state: 'signed' }),
			await postCallback(trigger, { state: 'signed', id: 'has spaces in it' }),
			await postCallback(trigger, [1, 2]),
			await postCallback(trigger, ''),
		];

		expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
		expect(trigger.executions).toEqual([]);
		// Only the callback that names a plausible document costs an API call.
		expect(metadataRequests().map((request) => request.path)).toEqual(['/JSON/document/metadata/doc_1']);
	});

	it('when OKdokument cannot be asked (here: a wrong key), the trigger fails loudly: 500, errorsendinfo, a failed execution', async () => {
		const trigger = await startTrigger({}, sandboxCredential(sandbox, { apiKey: 'wrong-key-123' }));
		const { signatureRequestId, documentId } = await createRequest(trigger.productionUrl);

		const signing = await sandbox.sign(signatureRequestId);
		await trigger.settled();

		expect(signing).toMatchObject({ callbackStatus: 500, state: 'errorsendinfo' });
		expect(sandbox.getDocument(documentId)?.state).toBe('errorsendinfo');
		expect(trigger.calls.map((call) => call.outcome)).toEqual(['failed']);
		expect(trigger.calls[0].error).toMatchObject({
			name: 'NodeApiError',
			message: 'OKdokument rejected the API key (HTTP 401: err.unauthorized)',
		});
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0].error?.message).toBe('OKdokument rejected the API key (HTTP 401: err.unauthorized)');
		// As in n8n 2.41 (checked against a real instance): the execution fails at the trigger.
		expect(Object.keys(trigger.executions[0].run.data.resultData.runData)).toEqual(['OKdokument Trigger']);
		expect(trigger.received()).toEqual([]);
		expect(JSON.stringify(trigger.executions[0].run.data)).not.toContain('wrong-key-123');
	});
});

describe('OKdokument Trigger: payload shapes', () => {
	it('the connector’s shape ({code, result, success, …}) is read: result is the request, success means signed', async () => {
		const trigger = await startTrigger({ confirm: false }, null);
		const connectorBody = {
			code: 'SUCCESS',
			message: 'msg.signed',
			result: 'sr-from-connector',
			statusCode: 200,
			url: 'https://api.okdokument.com/openDocument/sr-from-connector',
			success: true,
		};

		const answer = await postCallback(trigger, connectorBody);

		expect(answer.status).toBe(200);
		expect(trigger.received().map((item) => item.json)).toEqual([
			{
				eventId: expect.stringMatching(EVENT_ID),
				state: 'signed',
				documentId: null,
				signatureRequestId: 'sr-from-connector',
				confirmed: false,
				arrivedVia: 'callback',
				receivedAt: expect.stringMatching(ISO_TIMESTAMP),
				callback: connectorBody,
			},
		]);
	});

	it('the connector’s shape with confirmation on: without a document ID it cannot be confirmed, so it is dropped with a warning', async () => {
		const trigger = await startTrigger();

		const answer = await postCallback(trigger, { code: 'SUCCESS', result: 'sr-1', success: true });

		expect(answer.status).toBe(200);
		expect(trigger.executions).toEqual([]);
		expect(sandbox.requests).toEqual([]);
		expect(trigger.logs.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
			expect.stringMatching(/^OKdokument Trigger ignored a callback: it carries no document ID \(it names signature request sr-1\): .* add \?documentId=<the document ID> to the Send Info URL/),
		]);
	});

	it('a mixed shape with a document ID is confirmed; extra fields, "cancelled" and a text/plain body are tolerated', async () => {
		const trigger = await startTrigger();
		const signed = await createRequest();
		const canceled = await createRequest();
		await sandbox.sign(signed.signatureRequestId);
		await sandbox.cancel(canceled.signatureRequestId);

		await postCallback(trigger, { code: 'SUCCESS', success: true, result: signed.signatureRequestId, id: signed.documentId, extra: { a: 1 } });
		await postCallback(
			trigger,
			JSON.stringify({ state: ' Cancelled ', id: canceled.documentId }),
			'text/plain',
		);

		expect(trigger.received().map((item) => item.json)).toEqual([
			expect.objectContaining({ state: 'signed', documentId: signed.documentId, signatureRequestId: signed.signatureRequestId, confirmed: true }),
			expect.objectContaining({ state: 'canceled', documentId: canceled.documentId, signatureRequestId: null, confirmed: true }),
		]);
	});

	it('a callback that states no outcome takes the one OKdokument confirms', async () => {
		const trigger = await startTrigger();
		const { signatureRequestId, documentId } = await createRequest();
		await sandbox.cancel(signatureRequestId);

		await postCallback(trigger, { id: documentId, signatureRequestId, success: false });

		expect(trigger.received().map((item) => [item.json.state, item.json.confirmed])).toEqual([['canceled', true]]);
	});
});

describe('OKdokument Trigger: Confirm With OKdokument off', () => {
	it('emits what the callback says, unconfirmed, without any API call or credential', async () => {
		const trigger = await startTrigger({ confirm: false }, null);
		const { signatureRequestId, documentId } = await createRequest(trigger.productionUrl);

		// Even a "signed" for a document that is not signed passes: that is what confirming is for.
		const answer = await postCallback(trigger, { state: 'signed', id: documentId, signatureRequestId });

		expect(answer.status).toBe(200);
		expect(sandbox.requests).toEqual([]);
		expect(trigger.received().map((item) => item.json)).toEqual([
			{
				eventId: expect.stringMatching(EVENT_ID),
				state: 'signed',
				documentId,
				signatureRequestId,
				confirmed: false,
				arrivedVia: 'callback',
				receivedAt: expect.stringMatching(ISO_TIMESTAMP),
				callback: { state: 'signed', id: documentId, signatureRequestId },
			},
		]);
	});

	it('still applies Trigger On, and still needs a state', async () => {
		const trigger = await startTrigger({ confirm: false, events: ['signed'] }, null);

		await postCallback(trigger, { state: 'canceled', id: 'doc_1' });
		await postCallback(trigger, { id: 'doc_1' });

		expect(trigger.executions).toEqual([]);
		expect(trigger.logs.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
			'OKdokument Trigger ignored a callback: it states no outcome (neither a "state" of signed or canceled, nor "success": true)',
		]);
	});
});

describe('OKdokument Trigger: Download Signed Document', () => {
	it('puts the signed PDF (the sandbox’s signed bytes) into the chosen binary field', async () => {
		const trigger = await startTrigger({ download: true, binaryPropertyName: 'signedPdf' });
		const { signatureRequestId, documentId } = await createRequest(trigger.productionUrl);

		await sandbox.sign(signatureRequestId);
		await trigger.settled();

		const [item] = trigger.received();
		expect(Object.keys(item.binary ?? {})).toEqual(['signedPdf']);
		const binary = item.binary!.signedPdf;
		expect(binary).toMatchObject({ fileName: 'contract.pdf', mimeType: 'application/pdf' });
		const bytes = await readBinary(binary);
		const signedContent = sandbox.getDocument(documentId)?.signedContent;
		expect(signedContent).toBeDefined();
		expect(bytes.equals(signedContent!)).toBe(true);
		expect(bytes.subarray(0, ORIGINAL_PDF.length).equals(ORIGINAL_PDF)).toBe(true);
		expect(bytes.toString('latin1')).toContain('Signed in the OKdokument sandbox: contract.pdf');
		expect(sandbox.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
			`GET /JSON/document/metadata/${encodeURIComponent(documentId)}`,
			`GET /JSON/document/${encodeURIComponent(documentId)}`,
		]);
	});

	it('defaults to the binary field "data", and downloads nothing for a cancel', async () => {
		const trigger = await startTrigger({ download: true });
		const signed = await createRequest(trigger.productionUrl);
		const canceled = await createRequest(trigger.productionUrl);

		await sandbox.sign(signed.signatureRequestId);
		await sandbox.cancel(canceled.signatureRequestId);
		await trigger.settled();

		// Two executions: the one that downloads may end last.
		const items = trigger.received();
		expect(Object.fromEntries(items.map((item) => [item.json.state, Object.keys(item.binary ?? {})]))).toEqual({
			signed: ['data'],
			canceled: [],
		});
		expect(items).toHaveLength(2);
		expect(sandbox.requests.filter((request) => /^\/JSON\/document\/[^/]+$/.test(request.path))).toHaveLength(1);
	});
});

describe('OKdokument Trigger: OKdokument is answered first', () => {
	it('a download slower than OKdokument waits for its answer: the callback gets 200, the document stays signed, the PDF arrives', async () => {
		const trigger = await startTrigger({ download: true });
		const { signatureRequestId, documentId } = await createRequest(trigger.productionUrl);
		slowDownload(sandbox, documentId);

		const signing = await sandbox.sign(signatureRequestId);
		await trigger.settled();

		expect(signing).toMatchObject({ callbackStatus: 200, state: 'signed' });
		expect(sandbox.getDocument(documentId)!.state).toBe('signed');
		const download = sandbox.requests.find((request) => request.path === `/JSON/document/${encodeURIComponent(documentId)}`)!;
		expect(sandbox.callbacks[0].answeredAt).toBeLessThan(download.answeredAt!);
		const [item] = trigger.received();
		expect((await readBinary(item.binary!.data)).equals(sandbox.getDocument(documentId)!.signedContent!)).toBe(true);
	});

	it('a PDF that cannot be downloaded: the event still starts the workflow, and its item says so', async () => {
		const trigger = await startTrigger({ download: true });
		const { signatureRequestId, documentId } = await createRequest(trigger.productionUrl);
		sandbox.setFault({ type: 'status', status: 404, path: `/JSON/document/${encodeURIComponent(documentId)}` });

		const signing = await sandbox.sign(signatureRequestId);
		await trigger.settled();

		expect(signing).toMatchObject({ callbackStatus: 200, state: 'signed' });
		const [item] = trigger.received();
		expect(item.binary).toBeUndefined();
		expect(item.json.error).toMatch(new RegExp(`^The signed PDF of document ${documentId} could not be downloaded from OKdokument: `));
	});
});

describe('OKdokument Trigger: the sendInfo callback failing in the sandbox', () => {
	it('an unreachable Send Info URL leaves the document in errorsendinfo', async () => {
		const trigger = await startTrigger();
		const { signatureRequestId, documentId } = await createRequest(trigger.productionUrl);
		await trigger.stop(); // nothing listens there any more

		const signing = await sandbox.sign(signatureRequestId);

		expect(signing).toMatchObject({ callbackStatus: null, state: 'errorsendinfo' });
		expect(signing.callbackError).toMatch(/ECONNREFUSED/);
		const info = await fetch(`${sandbox.url}/JSON/document/metadata/${encodeURIComponent(documentId)}`, {
			headers: { 'x-api-key': API_KEY },
		});
		expect(((await info.json()) as IDataObject).state).toBe('errorsendinfo');
		expect(trigger.calls).toEqual([]);
	});
});
