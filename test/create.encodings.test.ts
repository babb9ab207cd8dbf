import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { storeBinary } from './harness';
import { eachDialect, jsonOf, runOperation, sandboxCredential, useSandbox } from './support/okdokument';

/**
 * Where OKdokument's two documentations disagree on an encoding (allowedFields, rules), the node
 * sends what the user chose; by default what it sent before the choice existed. Both dialects of
 * the sandbox (sandbox/README.md) show what each encoding meets: the wiki takes both, the connector
 * types rules and allowedFields as strings.
 */
const sandbox = useSandbox();

const PDF = Buffer.from('%PDF-1.4\n% encodings\n%%EOF\n');

async function fileItem(json: IDataObject = {}): Promise<INodeExecutionData> {
	return { json, binary: { data: await storeBinary(PDF, { fileName: 'contract.pdf', mimeType: 'application/pdf' }) } };
}

async function create(parameters: INodeParameters, json: IDataObject = {}) {
	return await runOperation({
		credential: sandboxCredential(sandbox),
		resource: 'signatureRequest',
		operation: 'create',
		parameters,
		items: [await fileItem(json)],
	});
}

const creations = () => sandbox.requests.filter((request) => request.path === '/JSON/signatureRequest');
/** The body of the one POST /JSON/signatureRequest the test sent. */
function createBody(): IDataObject {
	expect(creations()).toHaveLength(1);
	return creations()[0].body as IDataObject;
}

/** The outcome the dialect gives a body it refuses for `setting`: OKdokument's 400, in its error shape. */
function expectRefusedByConnector(result: Awaited<ReturnType<typeof create>>, setting: string) {
	expect(result.error).toMatchObject({
		name: 'NodeApiError',
		message: `OKdokument rejected the request (HTTP 400: err.invalid.${setting})`,
		httpCode: '400',
		context: { itemIndex: 0, data: { code: 'BAD_REQUEST', message: `err.invalid.${setting}`, statusCode: 400, success: false } },
	});
}

function createdRequest(result: Awaited<ReturnType<typeof create>>) {
	expect(result.error).toBeUndefined();
	return sandbox.getSignatureRequest(jsonOf(result)[0].signatureRequestId as string);
}

const ALLOWED_FIELDS = {
	fields: [
		{ type: 'SIGNATURE', names: '_SC1_, _SO2_' },
		{ type: 'TEXT', names: 'TO_note' },
	],
};

eachDialect(sandbox, 'Allowed Fields on the wire', (dialect) => {
	it('by default as lists, {"SIGNATURE": ["_SC1_", "_SO2_"]}: the wiki takes them, the connector refuses them', async () => {
		const result = await create({ additionalFields: { allowedFields: ALLOWED_FIELDS } });

		const sent = { SIGNATURE: ['_SC1_', '_SO2_'], TEXT: ['TO_note'] };
		expect(createBody().allowedFields).toEqual(sent);
		if (dialect === 'wiki') expect(createdRequest(result)?.allowedFields).toEqual(sent);
		else expectRefusedByConnector(result, 'allowedFields');
	});

	it('as Text Joined by Semicolons, {"SIGNATURE": "_SC1_;_SO2_"}: both take them', async () => {
		const result = await create({ additionalFields: { allowedFields: ALLOWED_FIELDS, allowedFieldsEncoding: 'string' } });

		const sent = { SIGNATURE: '_SC1_;_SO2_', TEXT: 'TO_note' };
		expect(createBody().allowedFields).toEqual(sent);
		expect(createdRequest(result)?.allowedFields).toEqual(sent);
	});

	it('Lists, chosen explicitly, are the default’s lists', async () => {
		await create({ additionalFields: { allowedFields: ALLOWED_FIELDS, allowedFieldsEncoding: 'list' } });

		expect(createBody().allowedFields).toEqual({ SIGNATURE: ['_SC1_', '_SO2_'], TEXT: ['TO_note'] });
	});
});

it('refuses an Allowed Fields Encoding an expression made up, before anything is sent', async () => {
	const result = await create({ additionalFields: { allowedFieldsEncoding: '={{ $json.encoding }}' } }, { encoding: 'csv' });

	expect(result.error).toMatchObject({
		name: 'NodeOperationError',
		message: 'Allowed Fields Encoding is not one of list, string: "csv" (item index 0)',
	});
	expect(sandbox.requests).toHaveLength(0);
});

/** Rule fields and JSON Custom Rules that overlap in `lang`. */
const RULES = {
	signAnywhereEnabled: false,
	lang: 'en',
	emailFinal: 'office@example.com; archive@example.com',
	guiSignerName: 'Jana Novakova',
	customRules: '{"guiSignerDate": "dd.MM.yyyy HH:mm", "lang": "sk", "guiSignatureNumber": 1}',
};

eachDialect(sandbox, 'Signing Rules on the wire', (dialect) => {
	it('by default an object, Custom Rules (JSON) merged over the fields: the wiki takes it, the connector refuses it', async () => {
		const result = await create({ rules: RULES });

		const sent = {
			signAnywhereEnabled: false,
			lang: 'sk',
			emailFinal: 'office@example.com;archive@example.com',
			guiSignerName: 'Jana Novakova',
			guiSignerDate: 'dd.MM.yyyy HH:mm',
			guiSignatureNumber: 1,
		};
		expect(createBody().rules).toEqual(sent);
		if (dialect === 'wiki') expect(createdRequest(result)?.rules).toEqual(sent);
		else expectRefusedByConnector(result, 'rules');
	});

	it('Name-Value Text: the fields and Custom Rules in one text, Custom Rules winning, final addresses joined by "|"; both take it', async () => {
		const result = await create({ rules: RULES, additionalFields: { rulesEncoding: 'string' } });

		const sent =
			'signAnywhereEnabled-false_emailFinal-office@example.com|archive@example.com_guiSignerName-Jana Novakova' +
			'_guiSignerDate-dd.MM.yyyy HH:mm_lang-sk_guiSignatureNumber-1';
		expect(createBody().rules).toBe(sent);
		expect(createdRequest(result)?.rules).toBe(sent);
	});

	it('by default, Custom Rules written as Name-Value text carry the rule fields with them in that form; both take it', async () => {
		const result = await create({
			rules: { nameFrom: 'Example Ltd', guiReadRequired: true, customRules: ' signAnywhereEnabled-false_emailFinal-a@example.com|b@example.com ' },
		});

		const sent = 'guiReadRequired-true_nameFrom-Example Ltd_signAnywhereEnabled-false_emailFinal-a@example.com|b@example.com';
		expect(createBody().rules).toBe(sent);
		expect(createdRequest(result)?.rules).toBe(sent);
	});

	it('Object: Custom Rules written as Name-Value text become typed keys, "|" becomes ";"', async () => {
		const result = await create({
			rules: { nameFrom: 'Example Ltd', customRules: 'signAnywhereEnabled-false_emailFinal-a@example.com|b@example.com_guiSignerDate-dd.MM.yyyy' },
			additionalFields: { rulesEncoding: 'object' },
		});

		const sent = { nameFrom: 'Example Ltd', signAnywhereEnabled: false, emailFinal: 'a@example.com;b@example.com', guiSignerDate: 'dd.MM.yyyy' };
		expect(createBody().rules).toEqual(sent);
		if (dialect === 'wiki') expect(createdRequest(result)?.rules).toEqual(sent);
		else expectRefusedByConnector(result, 'rules');
	});
});

describe('Signing Rules that the chosen encoding cannot carry are refused before anything is sent', () => {
	it.each<[string, INodeParameters, string]>([
		['a rule value with "-" in Name-Value Text', { rules: { guiSignerName: 'Jana Nováková-Malá' } }, 'Signer Name contains "-", which the Name-Value form of the rules cannot carry: "Jana Nováková-Malá"'],
		['an address with "_" in Name-Value Text', { rules: { emailTo: 'jana_n@example.com', emailFrom: 'office@example.com' } }, 'Signer Email contains "_", which the Name-Value form of the rules cannot carry: "jana_n@example.com"'],
		['a JSON Custom Rule whose value is an object', { rules: { customRules: '{"sigData": {"a": "b"}}' } }, 'Custom Rules has a value for sigData that the Name-Value form cannot carry: "{"a":"b"}"'],
		['a JSON Custom Rule whose name holds "_"', { rules: { customRules: '{"emailFinal_nameFrom": "Jon"}' } }, 'Custom Rules has a rule name the Name-Value form cannot carry: "emailFinal_nameFrom"'],
	])('refuses %s', async (_case, parameters, message) => {
		const result = await create({ ...parameters, additionalFields: { rulesEncoding: 'string' } });

		expect(result.error).toMatchObject({ name: 'NodeOperationError', message: `${message} (item index 0)`, context: { itemIndex: 0 } });
		expect(result.error?.description).toMatch(/Set Signing Rules Encoding to Object/);
		expect(sandbox.requests).toHaveLength(0);
	});

	it.each<[string, string, string]>([
		['a value holding "_" splits into a part that is not Name-Value', 'guiSignerName-John_Doe', 'Custom Rules has a part that is not Name-Value: "Doe"'],
		['a value holding "-" is ambiguous', 'openOtpEmail-jan-novak@example.com', 'Custom Rules has a value with "-" for openOtpEmail: "jan-novak@example.com"'],
	])('Name-Value Custom Rules: %s', async (_case, customRules, message) => {
		const result = await create({ rules: { customRules } });

		expect(result.error).toMatchObject({ name: 'NodeOperationError', message: `${message} (item index 0)` });
		expect(sandbox.requests).toHaveLength(0);
	});

	it('an encoding an expression made up', async () => {
		const result = await create({ additionalFields: { rulesEncoding: '={{ $json.encoding }}' } }, { encoding: 'yaml' });

		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'Signing Rules Encoding is not one of auto, object, string: "yaml" (item index 0)',
		});
		expect(sandbox.requests).toHaveLength(0);
	});
});

const SIG_DATA = { RecipientEmail: 'jana@example.com', InternalDocumentID: '42', AdditionalInfo: 'n8n' };

eachDialect(sandbox, 'Additional Body Fields (JSON) on the wire', () => {
	it('adds keys the node does not model after everything the node sets', async () => {
		const result = await create({
			additionalFields: {
				resultUrl: 'https://example.com/done',
				additionalBodyFields: JSON.stringify({ sigData: SIG_DATA, notifyOnView: true }),
			},
		});

		expect(result.error).toBeUndefined();
		const documentId = jsonOf(result)[0].documentId as string;
		expect(creations()[0].rawBody).toBe(
			JSON.stringify({ id: documentId, changeState: 'tosign', resulturl: 'https://example.com/done', sigData: SIG_DATA, notifyOnView: true }),
		);
	});
});

describe('Additional Body Fields (JSON) that are refused before anything is sent', () => {
	it('takes an object an expression returns, and leaves an empty object out', async () => {
		await create({ additionalFields: { additionalBodyFields: '={{ $json.extra }}' } }, { extra: { sigData: SIG_DATA } });
		expect(createBody().sigData).toEqual(SIG_DATA);

		sandbox.reset();
		await create({ additionalFields: { additionalBodyFields: '{}' } });
		expect(Object.keys(createBody())).toEqual(['id', 'changeState']);
	});

	it('Send and Wait for Signature reads the same fields: its callback URL cannot be replaced either', async () => {
		const result = await runOperation({
			credential: sandboxCredential(sandbox),
			resource: 'signatureRequest',
			operation: 'sendAndWait',
			parameters: {
				signerEmail: 'jana@example.com',
				senderEmail: 'office@example.com',
				additionalFields: {
					allowedFields: ALLOWED_FIELDS,
					allowedFieldsEncoding: 'string',
					additionalBodyFields: JSON.stringify({ sendInfoURL: 'https://evil.example.com/' }),
				},
			},
			items: [await fileItem()],
		});

		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'Additional Body Fields (JSON) would overwrite "sendInfoURL", which the node sets itself (item index 0)',
		});
		expect(sandbox.requests).toHaveLength(0);
	});

	it.each<[string, unknown, string]>([
		['the callback URL, even when Send Info URL is empty', { sendInfoURL: 'https://evil.example.com/' }, 'would overwrite "sendInfoURL", which the node sets itself'],
		['the document and its state', { id: 'doc-other', changeState: 'signed' }, 'would overwrite "id", "changeState", which the node sets itself'],
		['the signature request ID', { signatureRequestId: 'sr-x' }, 'would overwrite "signatureRequestId", which the node sets itself'],
		['a setting the node has a field for, even when that field is empty', { rules: 'signAnywhereEnabled-false', resulturl: 'https://x.example/' }, 'would overwrite "rules", "resulturl", which the node sets itself'],
		['the wiki’s inline document', { filedata: { content: 'JVBERg==' } }, 'would overwrite "filedata", which the node sets itself'],
		['a list', [1, 2], 'must be a JSON object, not a list'],
		['a number', 42, 'must be a JSON object, not number'],
		['text that is not JSON', '{"sigData": }', 'is not valid JSON: '],
	])('refuses %s', async (_case, extra, problem) => {
		const result = await create({
			additionalFields: { additionalBodyFields: typeof extra === 'string' ? extra : JSON.stringify(extra) },
		});

		expect(result.error).toMatchObject({ name: 'NodeOperationError', context: { itemIndex: 0 } });
		expect(result.error?.message.startsWith(`Additional Body Fields (JSON) ${problem}`)).toBe(true);
		expect(result.error?.message).toMatch(/\(item index 0\)$/);
		expect(sandbox.requests).toHaveLength(0);
	});
});
