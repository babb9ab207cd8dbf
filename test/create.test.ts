import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { runNode, storeBinary } from './harness';
import {
	API_KEY,
	jsonOf,
	KNOWN_ID,
	pairedOf,
	runOperation,
	runUpdate,
	sandboxCredential,
	useSandbox,
} from './support/okdokument';
import { OkDokumentApi } from '../credentials/OkDokumentApi.credentials';
import { OkDokument } from '../nodes/OkDokument/OkDokument.node';

const sandbox = useSandbox();

const DAY = 24 * 60 * 60 * 1000;
/** A PDF whose bytes are not valid UTF-8, so any text round trip would show. */
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n%'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3, 0x00, 0xff]), Buffer.from('\n%%EOF\n')]);
const PDF_BASE64 = PDF.toString('base64');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CONFLICT_HINT = 'A signature request with this ID may already exist: each signing round needs a new ID.';

async function fileItem(json: IDataObject = {}, content = PDF, fileName = 'contract.pdf', property = 'data'): Promise<INodeExecutionData> {
	return { json, binary: { [property]: await storeBinary(content, { fileName, mimeType: 'application/pdf' }) } };
}

async function create(parameters: INodeParameters, items?: Array<IDataObject | INodeExecutionData>, onError?: 'continueErrorOutput') {
	return await runOperation({
		credential: sandboxCredential(sandbox),
		resource: 'signatureRequest',
		operation: 'create',
		parameters,
		items: items ?? [await fileItem()],
		onError,
	});
}

function seedDocument(id = 'doc-existing-1') {
	return sandbox.addDocument({ id, filename: 'offer.pdf', content: PDF });
}

const uploads = () => sandbox.requests.filter((request) => request.path === '/JSON/document');
const creations = () => sandbox.requests.filter((request) => request.path === '/JSON/signatureRequest');
/** The body of the one POST /JSON/signatureRequest this test sent. */
function createBody(): IDataObject {
	const [creation] = creations();
	expect(creations()).toHaveLength(1);
	return creation.body as IDataObject;
}
/** Only the creation fails (or answers) this way, not the upload before it. */
const atCreation = { path: '/JSON/signatureRequest' };

describe('Signature Request → Create on the wire', () => {
	it('New Document: uploads the file (POST /JSON/document), then creates the request for its ID, and returns the signer’s link', async () => {
		const result = await create({ source: 'newDocument' }, [await fileItem({ customer: 'alice' })]);

		expect(result.error).toBeUndefined();
		expect(sandbox.requests).toHaveLength(2);
		const [upload, creation] = sandbox.requests;
		for (const request of [upload, creation]) {
			expect(request.method).toBe('POST');
			expect(request.query).toEqual({});
			expect(request.headers['x-api-key']).toBe(API_KEY);
			expect(request.headers['content-type']).toMatch(/^application\/json\b/);
		}
		expect(upload.path).toBe('/JSON/document');
		expect(upload.rawBody).toBe(JSON.stringify({ filename: 'contract.pdf', state: 'tosign', file: { content: PDF_BASE64 } }));
		const [json] = jsonOf(result);
		expect(creation.path).toBe('/JSON/signatureRequest');
		expect(creation.rawBody).toBe(JSON.stringify({ id: json.documentId, changeState: 'tosign' }));

		expect(json).toEqual({
			signatureRequestId: expect.stringMatching(UUID),
			url: `${sandbox.url}/openDocument/${json.signatureRequestId as string}`,
			documentId: expect.stringMatching(/^doc_/),
			message: 'msg.signature.request.id.created',
		});
		expect(pairedOf(result)).toEqual([{ item: 0 }]);
		const stored = sandbox.getDocument(json.documentId as string);
		expect(stored?.content.equals(PDF)).toBe(true);
		expect(stored?.filename).toBe('contract.pdf');
		expect(sandbox.getSignatureRequest(json.signatureRequestId as string)).toMatchObject({ documentId: json.documentId, state: 'tosign' });
	});

	it('New Document is the default source, and the file may come from another binary field', async () => {
		const result = await create({ binaryPropertyName: ' attachment ' }, [await fileItem({}, PDF, 'nda.pdf', 'attachment')]);

		expect(result.error).toBeUndefined();
		expect(uploads()[0].body).toEqual({ filename: 'nda.pdf', state: 'tosign', file: { content: PDF_BASE64 } });
	});

	it('Existing Document: sends the document ID with changeState "tosign" and no file', async () => {
		seedDocument('y7Ki_u1mrUwijfb-o_S1JiphSsoXya8iypH380F');
		const result = await create({ source: 'existingDocument', documentId: ' y7Ki_u1mrUwijfb-o_S1JiphSsoXya8iypH380F ' }, [{}]);

		expect(result.error).toBeUndefined();
		expect(sandbox.requests[0].rawBody).toBe(JSON.stringify({ id: 'y7Ki_u1mrUwijfb-o_S1JiphSsoXya8iypH380F', changeState: 'tosign' }));
		expect(jsonOf(result)).toEqual([
			{
				signatureRequestId: expect.stringMatching(UUID),
				url: expect.stringMatching(new RegExp(`^${sandbox.url}/openDocument/`)),
				documentId: 'y7Ki_u1mrUwijfb-o_S1JiphSsoXya8iypH380F',
				message: 'msg.signature.request.id.created',
			},
		]);
	});

	it('sends every option under its wire name, rules as an object, allowed fields as arrays', async () => {
		const expiration = new Date(Date.now() + 3 * DAY);
		const result = await create({
			source: 'newDocument',
			additionalFields: {
				signatureRequestId: ' order-2026-0042 ',
				resultUrl: ' https://example.com/thank-you ',
				sendInfoUrl: 'https://n8n.example.com/webhook/okdokument',
				expiration: expiration.toISOString(),
				fileName: 'contract.docx',
				documentState: 'tags',
				allowedFields: {
					fields: [
						{ type: 'SIGNATURE', names: 'SC_signature, _SO2_' },
						{ type: 'TEXT', names: 'TO_text;TC_text' },
						{ type: 'SIGNATURE', names: 'SC_signature' },
					],
				},
				fieldConfig: {
					fields: [
						{ name: 'TC_customer', value: 'Alice Example', readOnly: true },
						{ name: ' TO_note ', value: '', readOnly: false },
					],
				},
				ignoreRequired: ['CHECKBOX', 'TEXT'],
				fieldsBeforeSigning: 'readOnly',
			},
			rules: {
				emailTo: ' alice@example.com ',
				emailFrom: 'office@example.com',
				nameFrom: 'Example Ltd',
				emailMessage: 'Please sign the contract.',
				emailFinal: 'office@example.com, archive@example.com;',
				openOtpEmail: 'alice@example.com',
				openOtpPhone: '+421 900 123 456',
				signOtpEmail: 'alice+sign@example.com',
				signOtpPhone: '+421900123457',
				lang: 'en',
				guiSignerName: 'Alice Example',
				guiAutoSubmit: true,
				guiAutoEnvelopeSubmit: false,
				guiOneButton: true,
				guiOpenSignature: true,
				guiReadRequired: true,
				guiRequestSignerName: false,
				guiRemoteQRCodeEnabled: false,
				mouseSignature: false,
				signAnywhereEnabled: false,
			},
		});

		expect(result.error).toBeUndefined();
		const rules = {
			mouseSignature: false,
			signAnywhereEnabled: false,
			guiRemoteQRCodeEnabled: false,
			guiRequestSignerName: false,
			guiAutoSubmit: true,
			guiAutoEnvelopeSubmit: false,
			emailMessage: 'Please sign the contract.',
			lang: 'en',
			guiOpenSignature: true,
			openOtpEmail: 'alice@example.com',
			openOtpPhone: '+421 900 123 456',
			signOtpEmail: 'alice+sign@example.com',
			signOtpPhone: '+421900123457',
			guiReadRequired: true,
			emailFinal: 'office@example.com;archive@example.com',
			emailFrom: 'office@example.com',
			nameFrom: 'Example Ltd',
			guiOneButton: true,
			emailTo: 'alice@example.com',
			guiSignerName: 'Alice Example',
		};
		expect(uploads()[0].body).toEqual({ filename: 'contract.docx', state: 'tags', file: { content: PDF_BASE64 } });
		const expected = {
			signatureRequestId: 'order-2026-0042',
			id: jsonOf(result)[0].documentId,
			changeState: 'tosign',
			sendInfoURL: 'https://n8n.example.com/webhook/okdokument',
			resulturl: 'https://example.com/thank-you',
			expirationTime: String(expiration.getTime()),
			allowedFields: { SIGNATURE: ['SC_signature', '_SO2_'], TEXT: ['TO_text', 'TC_text'] },
			fieldConfig: [
				{ name: 'TC_customer', value: 'Alice Example', readOnly: true },
				{ name: 'TO_note', value: '', readOnly: false },
			],
			ignoreRequired: ['CHECKBOX', 'TEXT'],
			fieldsBeforeSigning: 'readOnly',
			rules,
		};
		expect(createBody()).toEqual(expected);
		expect(typeof createBody().expirationTime).toBe('string');

		expect(jsonOf(result)[0]).toMatchObject({ signatureRequestId: 'order-2026-0042', url: `${sandbox.url}/openDocument/order-2026-0042` });
		expect(sandbox.getSignatureRequest('order-2026-0042')).toMatchObject({
			sendInfoURL: expected.sendInfoURL,
			resulturl: expected.resulturl,
			expirationTime: expected.expirationTime,
			allowedFields: expected.allowedFields,
			fieldConfig: expected.fieldConfig,
			ignoreRequired: expected.ignoreRequired,
			fieldsBeforeSigning: 'readOnly',
			rules,
		});
	});

	it('leaves every empty option out of the body instead of sending empty strings', async () => {
		const result = await create({
			additionalFields: {
				signatureRequestId: '  ',
				resultUrl: '',
				sendInfoUrl: ' ',
				expiration: '',
				fileName: ' ',
				allowedFields: { fields: [{ type: 'SIGNATURE', names: ' , ' }] },
				fieldConfig: {},
				ignoreRequired: [],
			},
			rules: { emailTo: '', emailFrom: ' ', nameFrom: '', emailMessage: '', emailFinal: ' ; ', guiSignerName: '', openOtpPhone: '', customRules: '  ' },
		});

		expect(result.error).toBeUndefined();
		expect(uploads()[0].rawBody).toBe(JSON.stringify({ filename: 'contract.pdf', state: 'tosign', file: { content: PDF_BASE64 } }));
		expect(creations()[0].rawBody).toBe(JSON.stringify({ id: jsonOf(result)[0].documentId, changeState: 'tosign' }));
	});

	it('merges Custom Rules (JSON) over the structured rules', async () => {
		const result = await create({
			rules: {
				guiSignerName: 'Alice',
				lang: 'sk',
				customRules: '{"lang": "cs", "guiSignerDate": "dd.MM.yyyy HH:mm", "guiSignatureNumber": 1, "emailNotification": true}',
			},
		});

		expect(result.error).toBeUndefined();
		expect(createBody().rules).toEqual({
			lang: 'cs',
			guiSignerName: 'Alice',
			guiSignerDate: 'dd.MM.yyyy HH:mm',
			guiSignatureNumber: 1,
			emailNotification: true,
		});
	});

	it('accepts Custom Rules mapped as an object by an expression', async () => {
		const result = await create({ rules: { customRules: '={{ $json.rules }}' } }, [
			{ ...(await fileItem()), json: { rules: { signAnywhereEnabled: false } } },
		]);

		expect(result.error).toBeUndefined();
		expect(createBody().rules).toEqual({ signAnywhereEnabled: false });
	});

	it('sends Custom Rules in the connector’s Name-Value form as the string it is', async () => {
		const rules = 'guiSignerName-John Doe_guiRequestSignerName-true_signAnywhereEnabled-false';
		const result = await create({ rules: { customRules: ` ${rules} ` } });

		expect(result.error).toBeUndefined();
		expect(createBody().rules).toBe(rules);
		expect(sandbox.getSignatureRequest(jsonOf(result)[0].signatureRequestId as string)?.rules).toBe(rules);
	});

	it('reads a picked date without offset in the workflow’s time zone', async () => {
		const inTwoDays = new Date(Date.now() + 2 * DAY);
		// The wall-clock time in Bratislava, written as the date picker writes it (no offset).
		const wallClock = new Intl.DateTimeFormat('sv-SE', {
			timeZone: 'Europe/Bratislava',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		})
			.format(inTwoDays)
			.replace(' ', 'T');
		const result = await runNode({
			nodeTypes: [OkDokument],
			credentialTypes: [OkDokumentApi],
			node: {
				type: 'okDokument',
				parameters: { resource: 'signatureRequest', operation: 'create', additionalFields: { expiration: wallClock } },
			},
			credentials: { okDokumentApi: sandboxCredential(sandbox) },
			items: [await fileItem()],
			settings: { timezone: 'Europe/Bratislava' },
		});

		expect(result.error).toBeUndefined();
		const expected = Math.floor(inTwoDays.getTime() / 1000) * 1000;
		expect(createBody().expirationTime).toBe(String(expected));
	});

	it('takes per-item values from expressions and answers one item per input item, with pairedItem', async () => {
		seedDocument('doc-a');
		seedDocument('doc-b');
		const result = await create(
			{
				source: 'existingDocument',
				documentId: '={{ $json.doc }}',
				additionalFields: { signatureRequestId: '={{ "round2-" + $json.doc }}' },
				rules: { emailTo: '={{ $json.email }}', emailFrom: 'office@example.com' },
			},
			[
				{ doc: 'doc-a', email: 'a@example.com' },
				{ doc: 'doc-b', email: 'b@example.com' },
			],
		);

		expect(result.error).toBeUndefined();
		expect(sandbox.requests.map((request) => request.body)).toEqual([
			{ signatureRequestId: 'round2-doc-a', id: 'doc-a', changeState: 'tosign', rules: { emailFrom: 'office@example.com', emailTo: 'a@example.com' } },
			{ signatureRequestId: 'round2-doc-b', id: 'doc-b', changeState: 'tosign', rules: { emailFrom: 'office@example.com', emailTo: 'b@example.com' } },
		]);
		expect(jsonOf(result).map((json) => [json.signatureRequestId, json.documentId])).toEqual([
			['round2-doc-a', 'doc-a'],
			['round2-doc-b', 'doc-b'],
		]);
		expect(pairedOf(result)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

describe('Create reads both documented answer shapes', () => {
	const connectorAnswer = {
		code: 'SUCCESS',
		message: 'Signature request created',
		result: 'sr-from-connector-shape',
		statusCode: 200,
		url: 'https://api.okdokument.com/openDocument/sr-from-connector-shape',
		success: true,
	};

	it('the connector’s {code, message, result, statusCode, url, success}, without documentId: the uploaded document’s ID', async () => {
		sandbox.setFault({ type: 'status', status: 200, body: connectorAnswer, ...atCreation });
		const result = await create({});

		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toEqual([
			{
				signatureRequestId: 'sr-from-connector-shape',
				url: 'https://api.okdokument.com/openDocument/sr-from-connector-shape',
				documentId: createBody().id,
				message: 'Signature request created',
			},
		]);
		expect(createBody().id).toMatch(/^doc_/);
	});

	it('the connector’s shape for an existing document: the documentId is the one sent', async () => {
		sandbox.setFault({ type: 'status', status: 200, body: connectorAnswer, ...atCreation });
		const result = await create({ source: 'existingDocument', documentId: 'doc-known' }, [{}]);

		expect(jsonOf(result)[0]).toMatchObject({ signatureRequestId: 'sr-from-connector-shape', documentId: 'doc-known' });
	});

	it('an answer without result falls back to the ID that was sent', async () => {
		sandbox.setFault({ type: 'status', status: 200, body: { message: 'msg.signature.request.id.created' }, ...atCreation });
		const result = await create({ additionalFields: { signatureRequestId: 'my-own-id' } });

		expect(jsonOf(result)).toEqual([
			{ signatureRequestId: 'my-own-id', url: null, documentId: createBody().id, message: 'msg.signature.request.id.created' },
		]);
	});

	it('an answer without any ID fails the item and warns that the request may exist', async () => {
		sandbox.setFault({ type: 'status', status: 200, body: { message: 'msg.ok' }, ...atCreation });
		const result = await create({});

		const documentId = createBody().id as string;
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'OKdokument answered without a signature request ID (item index 0)',
			context: { itemIndex: 0, documentId },
		});
		expect(result.error?.description).toMatch(/may have been created all the same.*purchased signature request.*"message":"msg\.ok"/);
		// It may exist, so the document it would be signing stays, and the user is told where it is.
		expect(result.error?.description).toContain(`The document had been uploaded first (document ID ${documentId}) and is kept`);
		expect(sandbox.getDocument(documentId)).toBeDefined();
	});

	it('"success": false with HTTP 200 is a failure, not a created request', async () => {
		sandbox.setFault({ type: 'status', status: 200, body: { ...connectorAnswer, success: false, message: 'err.no.credit', result: '' }, ...atCreation });
		const result = await create({});

		const documentId = createBody().id as string;
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'OKdokument reports that creating the signature request failed: err.no.credit (item index 0)',
		});
		// OKdokument said it did nothing: the uploaded document is removed again.
		expect(result.error?.description).toContain(`The document had been uploaded first (document ID ${documentId}) and was deleted again`);
		expect(sandbox.getDocument(documentId)).toBeUndefined();
	});
});

describe('Create errors', () => {
	it('409 for a signature request ID that already exists: the connector’s report and a hint', async () => {
		const result = await create({ additionalFields: { signatureRequestId: KNOWN_ID } });

		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'OKdokument reports a conflict (HTTP 409: err.signature.request.id.exists)',
			httpCode: '409',
			context: {
				itemIndex: 0,
				data: { code: 'CONFLICT', message: 'err.signature.request.id.exists', result: KNOWN_ID, statusCode: 409, success: false },
			},
		});
		const documentId = createBody().id as string;
		expect(result.error?.description).toBe(
			`${CONFLICT_HINT} The document had been uploaded first (document ID ${documentId}) and was deleted again, so nothing is left behind.`,
		);
		expect(sandbox.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
			'POST /JSON/document',
			'POST /JSON/signatureRequest',
			`DELETE /JSON/document/${encodeURIComponent(documentId)}`,
		]);
		expect(sandbox.getDocument(documentId)).toBeUndefined();
	});

	it('says so when the uploaded document cannot be deleted after a refused creation', async () => {
		sandbox.setFault({ type: 'status', status: 403, times: 1, path: '/JSON/document/' });
		const result = await create({ additionalFields: { signatureRequestId: KNOWN_ID } });

		const documentId = createBody().id as string;
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '409', context: { itemIndex: 0, documentId } });
		expect(result.error?.description).toBe(
			`${CONFLICT_HINT} The document had been uploaded first (document ID ${documentId}) and could not be deleted again (This API key is not allowed to do that (HTTP 403: err.internal)): delete it with Document → Delete, or run Create again with Existing Document and this ID.`,
		);
		expect(sandbox.getDocument(documentId)).toBeDefined();
	});

	it('a refused upload creates nothing', async () => {
		sandbox.setFault({ type: 'status', status: 400, times: 1, path: '/JSON/document', body: { message: 'err.file.invalid', value: '' } });
		const result = await create({});

		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '400', message: 'OKdokument rejected the request (HTTP 400: err.file.invalid)' });
		expect(creations()).toHaveLength(0);
		expect(sandbox.listSignatureRequests()).toHaveLength(2);
	});

	it('400 for an unknown existing document: OKdokument’s code and what to check', async () => {
		const result = await create({ source: 'existingDocument', documentId: 'doc-gone' }, [{}]);

		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'OKdokument rejected the request (HTTP 400: err.document.not.exist)',
			httpCode: '400',
			context: { itemIndex: 0, data: { message: 'err.document.not.exist', value: 'doc-gone' } },
		});
		expect(result.error?.description).toMatch(/check the Document ID and the environment in the credential/);
	});

	it('a 500 is not retried: sending Create again could create a second request; the uploaded document is kept', async () => {
		sandbox.setFault({ type: 'status', status: 500, times: 1, ...atCreation });
		const result = await create({ options: { retryDelay: 0 } });

		expect(result.error).toMatchObject({ message: 'OKdokument failed to process the request (HTTP 500: err.internal)', httpCode: '500' });
		expect(sandbox.requests).toHaveLength(2);
		const documentId = createBody().id as string;
		expect(result.error?.description).toContain(
			`The document had been uploaded first (document ID ${documentId}) and is kept: the signature request may have been created all the same.`,
		);
		expect(sandbox.getDocument(documentId)).toBeDefined();
	});

	it('a 500 on the upload is not retried either (it may have been stored)', async () => {
		sandbox.setFault({ type: 'status', status: 500, times: 1, path: '/JSON/document' });
		const result = await create({ options: { retryDelay: 0 } });

		expect(result.error).toMatchObject({ httpCode: '500' });
		expect(sandbox.requests).toHaveLength(1);
	});

	it('while Update, which is safe to repeat, retries the same 500', async () => {
		sandbox.setFault({ type: 'status', status: 500, times: 1 });
		const result = await runUpdate({
			credential: sandboxCredential(sandbox),
			parameters: { signatureRequestId: KNOWN_ID, resultUrl: 'https://example.com/', options: { retryDelay: 0 } },
		});

		expect(result.error).toBeUndefined();
		expect(sandbox.requests).toHaveLength(2);
	});

	it('a timeout is not retried either', async () => {
		sandbox.setFault({ type: 'delay', ms: 1500, times: 1, ...atCreation });
		const result = await create({ options: { retryDelay: 0, timeout: 300 } });

		expect(result.error?.message).toBe(`Could not reach OKdokument at ${sandbox.url}: no answer came within 300 ms`);
		expect(sandbox.requests).toHaveLength(2);
	});

	it('a 503 (turned away unprocessed) is retried, and the request is created once', async () => {
		sandbox.setFault({ type: 'status', status: 503, times: 1, body: { message: 'err.service.unavailable', value: '' }, ...atCreation });
		const result = await create({ options: { retryDelay: 0 } });

		expect(result.error).toBeUndefined();
		expect(sandbox.requests.map((request) => request.fault)).toEqual([undefined, 'status', undefined]);
		expect(creations()).toHaveLength(2);
		expect(jsonOf(result)).toHaveLength(1);
	});

	it('with Continue (using error output), a failed item goes to the error output, paired with its input', async () => {
		seedDocument('doc-ok');
		const result = await create(
			{ source: 'existingDocument', documentId: '={{ $json.doc }}', options: { concurrency: 1 } },
			[{ doc: 'doc-ok' }, { doc: 'doc-missing' }],
			'continueErrorOutput',
		);

		expect(jsonOf(result, 0)).toEqual([expect.objectContaining({ documentId: 'doc-ok' })]);
		expect(pairedOf(result, 0)).toEqual([{ item: 0 }]);
		expect(jsonOf(result, 1)).toEqual([
			expect.objectContaining({ error: 'OKdokument rejected the request (HTTP 400: err.document.not.exist)', doc: 'doc-missing' }),
		]);
		expect(pairedOf(result, 1)).toEqual([{ item: 1 }]);
	});
});

describe('bad input is refused before anything is sent, naming the field and the item', () => {
	/** Item 0 is valid and goes out; item 1 carries the bad value in $json.v, mapped in by expression. */
	async function runWithSecondItem(parameters: INodeParameters, second: INodeExecutionData) {
		return await create({ ...parameters, options: { concurrency: 1 } }, [await fileItem(), second]);
	}
	const V = '={{ $json.v ?? "" }}';
	const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

	it.each<[string, INodeParameters, unknown, string]>([
		['a relative Result URL', { additionalFields: { resultUrl: V } }, '/thanks', 'Result URL is not an absolute http(s) URL: "/thanks"'],
		['a Send Info URL with another scheme', { additionalFields: { sendInfoUrl: V } }, 'ftp://x.example/', 'Send Info URL is not an absolute http(s) URL: "ftp://x.example/"'],
		['a Signature Request ID with a space', { additionalFields: { signatureRequestId: V } }, 'a b', 'Signature Request ID contains a space'],
		['an expiration in the past', { additionalFields: { expiration: V } }, '2020-01-01T00:00:00.000Z', 'Expiration is in the past: 2020-01-01T00:00:00.000Z'],
		['an expiration more than 10 days ahead', { additionalFields: { expiration: V } }, '2099-01-01T00:00:00.000Z', 'Expiration is more than 10 days ahead: 2099-01-01T00:00:00.000Z'],
		['an expiration that is not a date', { additionalFields: { expiration: V } }, 'next friday', 'Expiration is not a date: "next friday"'],
		['a field value without a field name', { additionalFields: { fieldConfig: { fields: [{ name: '={{ $json.v ?? "TC_x" }}', value: 'x' }] } } }, ' ', 'Field Values entry 1 has no field name'],
		['a Document State outside the list', { additionalFields: { documentState: V } }, 'signed', 'Document State is not one of tosign, tags, tostamp: "signed"'],
		['a Signer Email without a Sender Email', { rules: { emailTo: V } }, 'alice@example.com', 'Sender Email is empty, but OKdokument needs it when Signer Email is set'],
		['a Signer Email in Custom Rules without a Sender Email', { rules: { customRules: V } }, '{"emailTo": "alice@example.com"}', 'Sender Email is empty, but OKdokument needs it when Signer Email is set'],
		['a Signer Email that is no address', { rules: { emailFrom: 'office@example.com', emailTo: V } }, 'alice', 'Signer Email is not an e-mail address: "alice"'],
		['a bad address among several final ones', { rules: { emailFinal: V } }, 'a@example.com; b@', 'Send Signed Document To is not an e-mail address: "b@"'],
		['an OTP phone that is no phone number', { rules: { signOtpPhone: V } }, 'call me', 'OTP to Sign by SMS is not a phone number: "call me"'],
		['a signer name over 40 characters', { rules: { guiSignerName: V } }, 'x'.repeat(41), 'Signer Name is 41 characters long'],
		['a language OKdokument does not offer', { rules: { lang: V } }, 'de', 'Language is not a language OKdokument offers: "de"'],
		['Custom Rules that are not valid JSON', { rules: { customRules: V } }, '{"lang": cs}', 'Custom Rules is not valid JSON: '],
		['Custom Rules that are a JSON list', { rules: { customRules: V } }, '[1, 2]', 'Custom Rules must be a JSON object'],
		['Custom Rules that are neither JSON nor Name-Value', { rules: { customRules: V } }, 'please be quick', 'Custom Rules is neither a JSON object nor rules in the Name-Value form: "please be quick"'],
	])('refuses %s', async (_case, parameters, value, message) => {
		const result = await runWithSecondItem(parameters, await fileItem({ v: value as string }));

		expect(result.error).toMatchObject({ name: 'NodeOperationError', context: { itemIndex: 1 } });
		expect(result.error?.message.startsWith(message)).toBe(true);
		expect(result.error?.message).toMatch(/\(item index 1\)$/);
		expect(result.error?.description).toEqual(expect.any(String));
		// Item 0 went out (upload and creation); item 1 never reached OKdokument.
		expect(sandbox.requests).toHaveLength(2);
	});

	it('accepts an expiration just under 10 days ahead and a signer name of exactly 40 characters', async () => {
		const result = await runWithSecondItem(
			{ additionalFields: { expiration: '={{ $json.expires ?? "" }}' }, rules: { guiSignerName: V } },
			await fileItem({ expires: inDays(9.9), v: 'y'.repeat(40) }),
		);

		expect(result.error).toBeUndefined();
		expect(creations()).toHaveLength(2);
	});

	it('refuses a missing binary field', async () => {
		const result = await runWithSecondItem({}, { json: {} });

		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: "This operation expects the node's input data to contain a binary file 'data', but none was found [item 1]",
			context: { itemIndex: 1 },
		});
		expect(sandbox.requests).toHaveLength(2);
	});

	it('refuses a file over 10 MB (the shared binary check)', async () => {
		const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20);
		const result = await runWithSecondItem({}, await fileItem({}, big, 'huge.pdf'));

		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'The file in binary field "data" is 10.00 MB (10485761 bytes), more than the 10 MB OKdokument accepts (item index 1)',
			context: { itemIndex: 1 },
		});
		expect(sandbox.requests).toHaveLength(2);
	});

	it('refuses an empty Document ID for an existing document', async () => {
		const result = await create({ source: 'existingDocument', documentId: '  ' }, [{}]);

		expect(result.error).toMatchObject({ name: 'NodeOperationError', message: 'Document ID is empty (item index 0)' });
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('the sandbox’s POST /JSON/signatureRequest', () => {
	async function post(body: unknown) {
		const response = await fetch(`${sandbox.url}/JSON/signatureRequest`, {
			method: 'POST',
			headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		return { status: response.status, json: (await response.json()) as IDataObject };
	}

	it('accepts the file as filedata.$content too, as the docs allow', async () => {
		const answer = await post({ filedata: { $content: PDF_BASE64, filename: 'x.pdf' }, signatureRequestId: 'sr-dollar' });

		expect(answer).toEqual({
			status: 200,
			json: { message: 'msg.signature.request.id.created', result: 'sr-dollar', url: `${sandbox.url}/openDocument/sr-dollar`, documentId: expect.any(String) },
		});
		expect(sandbox.getDocument(answer.json.documentId as string)?.content.equals(PDF)).toBe(true);
	});

	it('refuses an unknown document, a body with no document, and an expiration that is not a string', async () => {
		expect(await post({ id: 'nope', changeState: 'tosign' })).toEqual({ status: 400, json: { message: 'err.document.not.exist', value: 'nope' } });
		expect((await post({ resulturl: 'https://example.com/' })).status).toBe(400);
		seedDocument('doc-1');
		expect(await post({ id: 'doc-1', expirationTime: 1702288000000 })).toEqual({
			status: 400,
			json: { message: 'err.invalid.expirationTime', value: '1702288000000' },
		});
	});

	it('counts each created request as a used signature request, and a refused one not', async () => {
		const before = (await (await fetch(`${sandbox.url}/JSON/counter`, { headers: { 'x-api-key': API_KEY } })).json()) as IDataObject;
		await post({ filedata: { content: PDF_BASE64 } });
		await post({ id: 'nope' });
		const after = (await (await fetch(`${sandbox.url}/JSON/counter`, { headers: { 'x-api-key': API_KEY } })).json()) as IDataObject;

		const used = (counter: IDataObject) => Number((counter.actual as IDataObject)['sandbox.usedSignatureRequests']);
		expect(used(after) - used(before)).toBe(1);
	});
});
