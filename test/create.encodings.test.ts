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
