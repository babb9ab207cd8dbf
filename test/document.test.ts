import type { IBinaryData, IDataObject, INodeExecutionData, INodeParameters, INodeProperties } from 'n8n-workflow';

import { readBinary, storeBinary } from './harness';
import { API_KEY, jsonOf, pairedOf, runOperation, sandboxCredential, useSandbox } from './support/okdokument';
import { OkDokument } from '../nodes/OkDokument/OkDokument.node';

const sandbox = useSandbox();

const MB = 1024 * 1024;
/** A PDF whose bytes are not valid UTF-8, so any text round trip would show. */
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n%'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3, 0x00, 0xff]), Buffer.from('\n1 0 obj<<>>endobj\n%%EOF\n')]);
const SIGNED_PDF = Buffer.concat([PDF, Buffer.from('% signed\n')]);
const NOT_FOUND_HINT =
	'The document does not exist or was deleted (OKdokument deletes signed documents 10 days after signing, unsigned after 30 days). Check the Document ID and the environment in the credential.';

async function run(operation: string, parameters: INodeParameters, items?: Array<IDataObject | INodeExecutionData>, onError?: 'continueErrorOutput') {
	return await runOperation({
		credential: sandboxCredential(sandbox),
		resource: 'document',
		operation,
		parameters,
		items,
		onError,
	});
}

async function fileItem(content: Buffer, fileName = 'contract.pdf', property = 'data', json: IDataObject = {}): Promise<INodeExecutionData> {
	return { json, binary: { [property]: await storeBinary(content, { fileName, mimeType: 'application/pdf' }) } };
}

function expectNothingSent() {
	expect(sandbox.requests).toHaveLength(0);
}

describe('Document → Upload', () => {
	it('sends POST /JSON/document with the file as base64 in file.content, the name and the state', async () => {
		const result = await run('upload', {}, [await fileItem(PDF, 'contract.pdf', 'data', { customer: 'alice' })]);

		expect(result.error).toBeUndefined();
		expect(sandbox.requests).toHaveLength(1);
		const [request] = sandbox.requests;
		expect(request.method).toBe('POST');
		expect(request.path).toBe('/JSON/document');
		expect(request.query).toEqual({});
		expect(request.headers['x-api-key']).toBe(API_KEY);
		expect(request.headers['content-type']).toMatch(/^application\/json\b/);
		expect(request.rawBody).toBe(
			JSON.stringify({ filename: 'contract.pdf', state: 'tosign', file: { content: PDF.toString('base64') } }),
		);

		const [json] = jsonOf(result);
		expect(json).toEqual({
			documentId: expect.stringMatching(/^doc_/),
			fileName: 'contract.pdf',
			// 0.2.0's name for it, kept for one release.
			filename: 'contract.pdf',
			state: 'tosign',
			message: 'msg.document.uploaded',
		});
		expect(pairedOf(result)).toEqual([{ item: 0 }]);
		const stored = sandbox.getDocument(json.documentId as string);
		expect(stored?.content.equals(PDF)).toBe(true);
		expect(stored?.filename).toBe('contract.pdf');
	});

	it('takes the file from a named binary field, a File Name override and another state', async () => {
		const result = await run(
			'upload',
			{ binaryPropertyName: 'attachment', fileName: ' offer.docx ', state: 'tags' },
			[await fileItem(PDF, 'ignored.pdf', 'attachment')],
		);

		expect(result.error).toBeUndefined();
		expect(sandbox.requests[0].body).toEqual({ filename: 'offer.docx', state: 'tags', file: { content: PDF.toString('base64') } });
		expect(jsonOf(result)[0]).toMatchObject({ fileName: 'offer.docx', filename: 'offer.docx', state: 'tags' });
	});

	it('leaves filename out when neither the binary nor the File Name has one', async () => {
		const inline: IBinaryData = { data: PDF.toString('base64'), mimeType: 'application/pdf' };
		const result = await run('upload', { state: 'tostamp' }, [{ json: {}, binary: { data: inline } }]);

		expect(result.error).toBeUndefined();
		expect(sandbox.requests[0].rawBody).toBe(JSON.stringify({ state: 'tostamp', file: { content: PDF.toString('base64') } }));
		expect(jsonOf(result)[0]).toMatchObject({ filename: null, state: 'tostamp' });
	});

	it('uploads one document per item, with pairedItem', async () => {
		const result = await run('upload', { fileName: '={{ $json.name }}' }, [
			await fileItem(PDF, 'a.pdf', 'data', { name: 'first.pdf' }),
			await fileItem(SIGNED_PDF, 'b.pdf', 'data', { name: 'second.pdf' }),
		]);

		expect(result.error).toBeUndefined();
		expect(jsonOf(result).map((json) => json.filename)).toEqual(['first.pdf', 'second.pdf']);
		expect(pairedOf(result)).toEqual([{ item: 0 }, { item: 1 }]);
		const ids = jsonOf(result).map((json) => json.documentId as string);
		expect(new Set(ids).size).toBe(2);
		expect(sandbox.getDocument(ids[1])?.content.equals(SIGNED_PDF)).toBe(true);
	});

	it('accepts a file of exactly 10 MB', async () => {
		const result = await run('upload', {}, [await fileItem(Buffer.alloc(10 * MB, 0x25))]);

		expect(result.error).toBeUndefined();
		expect(sandbox.getDocument(jsonOf(result)[0].documentId as string)?.content.length).toBe(10 * MB);
	});

	it.each([
		['stored by n8n (its size is known without reading it)', async () => (await fileItem(Buffer.alloc(10 * MB + 1))).binary!.data],
		['inline in the item', async () => ({ data: Buffer.alloc(10 * MB + 1).toString('base64'), mimeType: 'application/pdf', fileName: 'big.pdf' })],
	])('refuses a file of 10 MB + 1 byte %s before sending anything', async (_case, makeBinary) => {
		const result = await run('upload', {}, [{ json: {}, binary: { data: await makeBinary() } }]);

		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'The file in binary field "data" is 10.00 MB (10485761 bytes), more than the 10 MB OKdokument accepts (item index 0)',
			context: { itemIndex: 0 },
		});
		expect(result.error?.description).toMatch(/at most 10485760 bytes/);
		expectNothingSent();
	});

	it('refuses an empty file before sending anything, naming the field and the item', async () => {
		const result = await run('upload', {}, [await fileItem(PDF), await fileItem(Buffer.alloc(0), 'empty.pdf')]);

		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'The file in binary field "data" is empty (item index 1)',
			context: { itemIndex: 1 },
		});
		expect(sandbox.requests).toHaveLength(1); // item 0 only
	});

	it('refuses an item without the named binary field', async () => {
		const result = await run('upload', { binaryPropertyName: 'file' }, [await fileItem(PDF, 'a.pdf', 'file'), await fileItem(PDF, 'a.pdf', 'data')]);

		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: "The item has no binary field 'file' [item 1]",
			context: { itemIndex: 1 },
		});
		expect(sandbox.requests).toHaveLength(1);
	});

	it('refuses an item without any binary', async () => {
		const result = await run('upload', {}, [{ note: 'no file' }]);

		expect(result.error).toMatchObject({ name: 'NodeOperationError', context: { itemIndex: 0 } });
		expect(result.error?.message).toMatch(/binary file 'data', but none was found/);
		expectNothingSent();
	});

	it('refuses a state that is not an upload state', async () => {
		const result = await run('upload', { state: '={{ "signed" }}' }, [await fileItem(PDF)]);

		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'Document State is not one of tosign, tags, tostamp: "signed" (item index 0)',
		});
		expectNothingSent();
	});

	it.each([
		['the connector’s shape', { code: 'SUCCESS', message: 'msg.document.uploaded', result: 'doc-sw', statusCode: 200, success: true }, 'doc-sw'],
		['an "id"', { message: 'msg.document.uploaded', id: 'doc-id' }, 'doc-id'],
		['a "documentId"', { documentId: 'doc-documentId' }, 'doc-documentId'],
	])('reads the document ID from %s', async (_case, answer, documentId) => {
		sandbox.setFault({ type: 'status', status: 200, body: answer });
		const result = await run('upload', {}, [await fileItem(PDF)]);

		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toEqual([
			{ documentId, fileName: 'contract.pdf', filename: 'contract.pdf', state: 'tosign', message: (answer as IDataObject).message ?? null },
		]);
	});

	it('fails the item when a 200 answer holds no document ID', async () => {
		sandbox.setFault({ type: 'status', status: 200, body: { message: 'msg.document.uploaded' } });
		const result = await run('upload', {}, [await fileItem(PDF)]);

		expect(result.error).toMatchObject({
			message: 'OKdokument accepted the upload but its answer holds no document ID (item index 0)',
			context: { itemIndex: 0 },
		});
		expect(result.error?.description).toContain('{"message":"msg.document.uploaded"}');
	});

	it('fails the item when a 200 answer says "success": false', async () => {
		sandbox.setFault({ type: 'status', status: 200, body: { code: 'ERROR', message: 'err.conversion', success: false, result: '' } });
		const result = await run('upload', {}, [await fileItem(PDF)]);

		expect(result.error).toMatchObject({
			message: 'OKdokument reports that the upload failed: err.conversion (item index 0)',
			context: { itemIndex: 0 },
		});
	});

	it('does not send an upload again after the connection dropped (it may have been stored)', async () => {
		sandbox.setFault({ type: 'drop', times: 1 });
		const result = await run('upload', { options: { retryDelay: 0 } }, [await fileItem(PDF)]);

		expect(result.error).toMatchObject({ name: 'NodeApiError', context: { itemIndex: 0 } });
		expect(sandbox.requests).toHaveLength(1);
	});

	it('reports OKdokument’s 400 with what to check', async () => {
		sandbox.setFault({ type: 'status', status: 400, body: { message: 'err.invalid.file', value: 'file' } });
		const result = await run('upload', {}, [await fileItem(PDF)]);

		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'OKdokument rejected the request (HTTP 400: err.invalid.file)',
			httpCode: '400',
			context: { itemIndex: 0, data: { message: 'err.invalid.file', value: 'file' } },
		});
		expect(result.error?.description).toMatch(/check that the file is a PDF/);
	});
});

describe('Document → Get', () => {
	it('sends GET /JSON/document/metadata/<id> and outputs the metadata as returned', async () => {
		const document = sandbox.addDocument({ filename: 'offer.pdf', content: PDF, state: 'signed' });
		const result = await run('get', { documentId: ` ${document.id} ` });

		expect(result.error).toBeUndefined();
		expect(sandbox.requests).toHaveLength(1);
		expect(sandbox.requests[0]).toMatchObject({ method: 'GET', path: `/JSON/document/metadata/${document.id}`, query: {}, rawBody: '' });
		expect(sandbox.requests[0].headers['x-api-key']).toBe(API_KEY);
		expect(jsonOf(result)).toEqual([
			{
				filename: 'offer.pdf',
				state: 'signed',
				modification: document.modification,
				id: document.id,
				date: document.date,
				number: document.number,
			},
		]);
		expect(pairedOf(result)).toEqual([{ item: 0 }]);
	});

	it('encodes the ID as one path segment', async () => {
		const document = sandbox.addDocument({ id: 'a/b?c#d%e', content: PDF });
		const result = await run('get', { documentId: document.id });

		expect(result.error).toBeUndefined();
		expect(sandbox.requests[0].path).toBe('/JSON/document/metadata/a%2Fb%3Fc%23d%25e');
		expect(jsonOf(result)[0].id).toBe('a/b?c#d%e');
	});

	it('404: OKdokument’s report, the retention hint, httpCode and the item', async () => {
		const document = sandbox.addDocument({ content: PDF });
		const result = await run('get', { documentId: '={{ $json.id }}' }, [{ id: document.id }, { id: 'deleted-doc' }]);

		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'OKdokument could not find what was asked for (HTTP 404: err.not.found)',
			description: NOT_FOUND_HINT,
			httpCode: '404',
			context: { itemIndex: 1, data: { message: 'err.not.found', value: 'deleted-doc' } },
		});
	});

	it('404 with Continue (using error output): the failed item goes to the error output', async () => {
		const document = sandbox.addDocument({ content: PDF });
		const result = await run('get', { documentId: '={{ $json.id }}' }, [{ id: 'gone' }, { id: document.id }], 'continueErrorOutput');

		expect(result.error).toBeUndefined();
		expect(jsonOf(result, 0).map((json) => json.id)).toEqual([document.id]);
		expect(jsonOf(result, 1)).toEqual([
			expect.objectContaining({
				error: 'OKdokument could not find what was asked for (HTTP 404: err.not.found)',
				message: NOT_FOUND_HINT,
			}),
		]);
		expect(pairedOf(result, 1)).toEqual([{ item: 0 }]);
	});

	it.each([
		['an empty ID', '', 'Document ID is empty (item index 1)'],
		['an ID with a space', 'abc def', 'Document ID contains a space (item index 1)'],
	])('refuses %s before sending anything for that item', async (_case, id, message) => {
		const document = sandbox.addDocument({ content: PDF });
		const result = await run('get', { documentId: '={{ $json.id }}' }, [{ id: document.id }, { id }]);

		expect(result.error).toMatchObject({ name: 'NodeOperationError', message, context: { itemIndex: 1 } });
		expect(sandbox.requests.map((request) => request.path)).toEqual([`/JSON/document/metadata/${document.id}`]);
	});
});

describe('Document → Get Many', () => {
	function seedThree() {
		return [
			sandbox.addDocument({ filename: 'one.pdf', content: PDF }),
			sandbox.addDocument({ filename: 'two.pdf', content: PDF, state: 'signed' }),
			sandbox.addDocument({ filename: 'three.pdf', content: PDF, state: 'signed' }),
		];
	}

	it('sends GET /JSON/list/flat?state=* by default and outputs one item per document', async () => {
		const documents = seedThree();
		const result = await run('getAll', {});

		expect(result.error).toBeUndefined();
		expect(sandbox.requests).toHaveLength(1);
		expect(sandbox.requests[0]).toMatchObject({ method: 'GET', path: '/JSON/list/flat', query: { state: '*' } });
		expect(jsonOf(result)).toEqual(
			documents.map((document) => ({
				filename: document.filename,
				state: document.state,
				modification: document.modification,
				id: document.id,
				url: `${sandbox.url}/rest/document/${document.id}`,
				date: document.date,
				number: document.number,
				group: 'api_user',
			})),
		);
		expect(pairedOf(result)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
	});

	it('filters by state on the wire', async () => {
		const [, two, three] = seedThree();
		const result = await run('getAll', { state: 'signed', returnAll: true });

		expect(sandbox.requests[0].query).toEqual({ state: 'signed' });
		expect(jsonOf(result).map((json) => json.id)).toEqual([two.id, three.id]);
	});

	it('keeps only Limit documents unless Return All is on', async () => {
		const documents = seedThree();
		const limited = await run('getAll', { limit: 2 });
		const all = await run('getAll', { returnAll: true, limit: 1 });

		expect(jsonOf(limited).map((json) => json.id)).toEqual(documents.slice(0, 2).map((document) => document.id));
		expect(jsonOf(all)).toHaveLength(3);
	});

	it('outputs nothing when no document matches', async () => {
		seedThree();
		const result = await run('getAll', { state: 'canceled' });

		expect(result.error).toBeUndefined();
		expect(sandbox.requests[0].query).toEqual({ state: 'canceled' });
		expect(jsonOf(result)).toEqual([]);
	});

	it('lists once per input item, each document paired with its item', async () => {
		const [one] = seedThree();
		const result = await run('getAll', { state: '={{ $json.state }}' }, [{ state: 'tosign' }, { state: 'signed' }]);

		expect(sandbox.requests.map((request) => request.query.state)).toEqual(['tosign', 'signed']);
		expect(jsonOf(result).map((json) => json.state)).toEqual(['tosign', 'signed', 'signed']);
		expect(jsonOf(result)[0].id).toBe(one.id);
		expect(pairedOf(result)).toEqual([{ item: 0 }, { item: 1 }, { item: 1 }]);
	});

	it.each([
		['a state that does not exist', { state: '={{ "archived" }}' }, 'State "archived" is not a document state (item index 0)'],
		['a limit of 0', { limit: '={{ 0 }}' }, 'Limit must be a whole number of at least 1, not 0 (item index 0)'],
		['a fractional limit', { limit: 2.5 }, 'Limit must be a whole number of at least 1, not 2.5 (item index 0)'],
	])('refuses %s before sending anything', async (_case, parameters, message) => {
		const result = await run('getAll', parameters as INodeParameters);

		expect(result.error).toMatchObject({ name: 'NodeOperationError', message, context: { itemIndex: 0 } });
		expectNothingSent();
	});

	it('offers every documented state, All by default, and shows Limit only without Return All', () => {
		const properties = new OkDokument().description.properties.filter(
			(property: INodeProperties) => property.displayOptions?.show?.operation?.includes('getAll'),
		);
		const state = properties.find((property) => property.name === 'state');
		expect(state?.default).toBe('*');
		expect((state?.options as Array<{ value: string }>).map((option) => option.value).sort()).toEqual(
			['*', 'canceled', 'errorsendinfo', 'signed', 'tags', 'tosign', 'tostamp'].sort(),
		);
		const limit = properties.find((property) => property.name === 'limit');
		expect(limit).toMatchObject({ default: 50, typeOptions: { minValue: 1 } });
		expect(limit?.displayOptions?.show?.returnAll).toEqual([false]);
	});

	it('reports a 200 that is not a list as unreadable', async () => {
		sandbox.setFault({ type: 'status', status: 200, body: { message: 'msg.ok' } });
		const result = await run('getAll', {});

		expect(result.error).toMatchObject({
			message: 'OKdokument answered HTTP 200 but the answer could not be read',
			httpCode: '200',
			context: { itemIndex: 0 },
		});
	});
});

describe('Document → Download', () => {
	it('sends GET /JSON/document/<id> and outputs the PDF as binary, with a fresh json', async () => {
		const document = sandbox.addDocument({ filename: 'offer.pdf', content: PDF });
		const result = await run('download', { documentId: document.id }, [{ customer: 'alice' }]);

		expect(result.error).toBeUndefined();
		expect(sandbox.requests).toHaveLength(1);
		expect(sandbox.requests[0]).toMatchObject({ method: 'GET', path: `/JSON/document/${document.id}`, query: {}, rawBody: '' });
		expect(sandbox.requests[0].headers['x-api-key']).toBe(API_KEY);

		const [item] = result.outputs[0];
		expect(item.json).toEqual({ documentId: document.id, fileName: 'offer.pdf', fileSize: PDF.length, mimeType: 'application/pdf' });
		expect(Object.keys(item.binary ?? {})).toEqual(['data']);
		expect(item.binary?.data).toMatchObject({ fileName: 'offer.pdf', mimeType: 'application/pdf', fileExtension: 'pdf' });
		expect((await readBinary(item.binary!.data)).equals(PDF)).toBe(true);
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('returns the signed PDF once signed, into a custom binary field, under a custom file name', async () => {
		const document = sandbox.addDocument({ filename: 'offer.pdf', content: PDF, state: 'signed', signedContent: SIGNED_PDF });
		const result = await run('download', { documentId: document.id, binaryPropertyName: 'signedPdf', fileName: '={{ "signed-" + $json.n + ".pdf" }}' }, [{ n: 7 }]);

		expect(result.error).toBeUndefined();
		const [item] = result.outputs[0];
		expect(Object.keys(item.binary ?? {})).toEqual(['signedPdf']);
		expect(item.binary?.signedPdf).toMatchObject({ fileName: 'signed-7.pdf', mimeType: 'application/pdf' });
		expect((await readBinary(item.binary!.signedPdf)).equals(SIGNED_PDF)).toBe(true);
		expect(item.json).toEqual({ documentId: document.id, fileName: 'signed-7.pdf', fileSize: SIGNED_PDF.length, mimeType: 'application/pdf' });
	});

	it.each([
		['a converted Word file', 'offer.docx', 'offer.pdf'],
		['a name without extension', 'offer', 'offer.pdf'],
		['a non-ASCII name (from filename*, not the ASCII fallback)', 'zmluva-č.pdf', 'zmluva-č.pdf'],
		['a name with a percent sign (taken literally)', '100% done.pdf', '100% done.pdf'],
	])('names the PDF after %s', async (_case, filename, expected) => {
		const document = sandbox.addDocument({ filename, content: PDF });
		const result = await run('download', { documentId: document.id });

		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].binary?.data.fileName).toBe(expected);
	});

	it('falls back to <documentId>.pdf without a Content-Disposition', async () => {
		sandbox.setFault({ type: 'text', status: 200, body: '%PDF-1.4 plain' });
		const result = await run('download', { documentId: 'doc-1' });

		expect(result.error).toBeUndefined();
		const [item] = result.outputs[0];
		expect(item.binary?.data).toMatchObject({ fileName: 'doc-1.pdf', mimeType: 'application/pdf' });
		expect((await readBinary(item.binary!.data)).toString()).toBe('%PDF-1.4 plain');
	});

	it('fails the item when a 200 carries a JSON report instead of the PDF', async () => {
		sandbox.setFault({ type: 'status', status: 200, body: { message: 'err.not.ready', value: 'doc-1' } });
		const result = await run('download', { documentId: 'doc-1' });

		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'OKdokument answered HTTP 200 but the answer could not be read',
			httpCode: '200',
			context: { itemIndex: 0, data: { message: 'err.not.ready', value: 'doc-1' } },
		});
	});

	it('404: the retention hint, httpCode and the item', async () => {
		const result = await run('download', { documentId: 'expired-doc' });

		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'OKdokument could not find what was asked for (HTTP 404: err.not.found)',
			description: NOT_FOUND_HINT,
			httpCode: '404',
			context: { itemIndex: 0, data: { message: 'err.not.found', value: 'expired-doc' } },
		});
	});

	it('refuses an empty output field name before sending anything', async () => {
		const result = await run('download', { documentId: 'doc-1', binaryPropertyName: '={{ "" }}' });

		expect(result.error).toMatchObject({ name: 'NodeOperationError', message: 'Put Output File in Field is empty (item index 0)' });
		expectNothingSent();
	});
});

describe('Document → Delete', () => {
	it('sends DELETE /JSON/document/<id> and outputs what was deleted', async () => {
		const document = sandbox.addDocument({ content: PDF });
		const result = await run('delete', { documentId: document.id });

		expect(result.error).toBeUndefined();
		expect(sandbox.requests).toHaveLength(1);
		expect(sandbox.requests[0]).toMatchObject({ method: 'DELETE', path: `/JSON/document/${document.id}`, query: {}, rawBody: '' });
		expect(sandbox.requests[0].headers['x-api-key']).toBe(API_KEY);
		expect(jsonOf(result)).toEqual([{ documentId: document.id, deleted: true, message: 'msg.deleted' }]);
		expect(pairedOf(result)).toEqual([{ item: 0 }]);
		expect(sandbox.getDocument(document.id)).toBeUndefined();
	});

	it('404 the second time: the retention hint, httpCode and the item', async () => {
		const document = sandbox.addDocument({ content: PDF });
		const result = await run('delete', { documentId: '={{ $json.id }}', options: { concurrency: 1 } }, [{ id: document.id }, { id: document.id }]);

		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'OKdokument could not find what was asked for (HTTP 404: err.not.found)',
			description: NOT_FOUND_HINT,
			httpCode: '404',
			context: { itemIndex: 1, data: { message: 'err.not.found', value: document.id } },
		});
	});

	it('fails the item when a 200 answer says "success": false', async () => {
		sandbox.setFault({ type: 'status', status: 200, body: { code: 'ERROR', message: 'err.locked', result: 'doc-1', statusCode: 200, success: false } });
		const result = await run('delete', { documentId: 'doc-1' });

		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'OKdokument reports that deleting the document failed: err.locked (item index 0)',
			context: { itemIndex: 0 },
		});
	});

	it('refuses an empty ID before sending anything', async () => {
		const result = await run('delete', { documentId: '={{ "  " }}' });

		expect(result.error).toMatchObject({ name: 'NodeOperationError', message: 'Document ID is empty (item index 0)' });
		expectNothingSent();
	});
});
