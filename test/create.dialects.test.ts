import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { readBinary, storeBinary } from './harness';
import { eachDialect, jsonOf, runOperation, sandboxCredential, useSandbox } from './support/okdokument';

/**
 * Signature Request → Create against both documented dialects of OKdokument (sandbox/README.md):
 * the wiki's answers carry documentId, the connector's do not; the connector types rules and
 * allowedFields as strings. What the node sends by default must work in both, and what only one
 * dialect accepts must be the user's choice.
 */
const sandbox = useSandbox();

/** A PDF whose bytes are not valid UTF-8, so any text round trip would show. */
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n% dialects\n%'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3]), Buffer.from('\n%%EOF\n')]);

async function fileItem(): Promise<INodeExecutionData> {
	return { json: {}, binary: { data: await storeBinary(PDF, { fileName: 'contract.pdf', mimeType: 'application/pdf' }) } };
}

async function create(parameters: INodeParameters = {}) {
	return await runOperation({
		credential: sandboxCredential(sandbox),
		resource: 'signatureRequest',
		operation: 'create',
		parameters,
		items: [await fileItem()],
	});
}

const creations = () => sandbox.requests.filter((request) => request.path === '/JSON/signatureRequest');
function createBody(): IDataObject {
	expect(creations()).toHaveLength(1);
	return creations()[0].body as IDataObject;
}

eachDialect(sandbox, 'Create → Download', () => {
	it('Create yields the document ID whichever answer comes back; Download with it gives the signed PDF', async () => {
		const created = await create();

		expect(created.error).toBeUndefined();
		const [json] = jsonOf(created);
		// Only the wiki's answer names the document (sandbox.dialects.test.ts); the node knows it from the upload.
		const [upload] = sandbox.requests;
		expect(upload.path).toBe('/JSON/document');
		expect(json).toEqual({
			signatureRequestId: expect.any(String),
			url: `${sandbox.url}/openDocument/${json.signatureRequestId as string}`,
			documentId: createBody().id,
			message: 'msg.signature.request.id.created',
		});
		expect(sandbox.getSignatureRequest(json.signatureRequestId as string)?.documentId).toBe(json.documentId);

		await sandbox.sign(json.signatureRequestId as string);
		const downloaded = await runOperation({
			credential: sandboxCredential(sandbox),
			resource: 'document',
			operation: 'download',
			parameters: { documentId: '={{ $json.documentId }}' },
			items: created.outputs[0],
		});

		expect(downloaded.error).toBeUndefined();
		const [item] = downloaded.outputs[0];
		expect(item.json).toMatchObject({ documentId: json.documentId, fileName: 'contract.pdf', mimeType: 'application/pdf' });
		const signed = await readBinary(item.binary!.data);
		expect(signed.equals(sandbox.getDocument(json.documentId as string)!.signedContent!)).toBe(true);
		expect(signed.subarray(0, PDF.length).equals(PDF)).toBe(true);
	});

	it('a refused creation deletes the uploaded document again, whichever error shape OKdokument uses', async () => {
		const result = await create({ source: 'newDocument', additionalFields: { signatureRequestId: 'sr-known-2' } });

		const documentId = createBody().id as string;
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '409', context: { itemIndex: 0, documentId } });
		expect(result.error?.description).toContain(`(document ID ${documentId}) and was deleted again`);
		expect(sandbox.getDocument(documentId)).toBeUndefined();
	});
});
