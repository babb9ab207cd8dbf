import { DIALECTS, startSandbox, type Sandbox } from '../sandbox/server';

const KEY = '3e4f5a6b7_dialect0tests0key';
const PDF = Buffer.from('%PDF-1.4\n%\u00e2\u00e3\n%%EOF\n', 'latin1');

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({
		apiKeys: { [KEY]: { permitted: true } },
		signatureRequests: [{ signatureRequestId: 'sr-1', documentId: 'doc-1' }],
		dialect: 'connector',
	});
});
afterEach(() => sandbox.reset());
afterAll(async () => {
	await sandbox.stop();
});

async function call(method: string, path: string, body?: unknown, key: string | null = KEY) {
	const response = await fetch(`${sandbox.url}${path}`, {
		method,
		headers: {
			...(key === null ? {} : { 'x-api-key': key }),
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	return { status: response.status, allow: response.headers.get('allow'), json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

async function upload(): Promise<string> {
	const answer = await call('POST', '/JSON/document', { filename: 'a.pdf', file: { content: PDF.toString('base64') } });
	return (answer.json as { result: string }).result;
}

describe('sandbox dialects: the switch', () => {
	it('offers the wiki (the default) and the connector', async () => {
		expect(DIALECTS).toEqual(['wiki', 'connector']);
		const plain = await startSandbox();
		try {
			expect(plain.dialect).toBe('wiki');
		} finally {
			await plain.stop();
		}
	});

	it('starts in the dialect given, switches with setDialect, and reset() returns to the start', () => {
		expect(sandbox.dialect).toBe('connector');
		sandbox.setDialect('wiki');
		expect(sandbox.dialect).toBe('wiki');
		sandbox.reset();
		expect(sandbox.dialect).toBe('connector');
	});

	it('refuses a dialect it does not know', async () => {
		expect(() => sandbox.setDialect('swagger' as never)).toThrow(/Unknown dialect swagger; expected one of wiki, connector/);
		await expect(startSandbox({ dialect: 'soap' as never })).rejects.toThrow(/Unknown dialect soap/);
	});
});

describe('sandbox in the connector dialect: answers', () => {
	it('Create for an uploaded document: {code, message, result, statusCode, url, success}, no documentId', async () => {
		const documentId = await upload();
		const answer = await call('POST', '/JSON/signatureRequest', { id: documentId, changeState: 'tosign', signatureRequestId: 'sr-new' });

		expect(answer).toMatchObject({ status: 200 });
		expect(answer.json).toEqual({
			code: 'SUCCESS',
			message: 'msg.signature.request.id.created',
			result: 'sr-new',
			statusCode: 200,
			url: `${sandbox.url}/openDocument/sr-new`,
			success: true,
		});
		expect(sandbox.getSignatureRequest('sr-new')).toMatchObject({ documentId, state: 'tosign' });
	});

	it('the upload answers {code, message, result, statusCode, success}, Delete the same way', async () => {
		const answer = await call('POST', '/JSON/document', { file: PDF.toString('base64') });
		expect(answer.json).toEqual({ code: 'SUCCESS', message: 'msg.document.uploaded', result: expect.any(String), statusCode: 200, success: true });

		const documentId = (answer.json as { result: string }).result;
		expect((await call('DELETE', `/JSON/document/${documentId}`)).json).toEqual({
			code: 'SUCCESS',
			message: 'msg.deleted',
			result: documentId,
			statusCode: 200,
			success: true,
		});
		expect((await call('DELETE', '/JSON/signatureRequest/sr-1')).json).toEqual({
			code: 'SUCCESS',
			message: 'msg.deleted',
			result: 'sr-1',
			statusCode: 200,
			success: true,
		});
	});

	it('errors are {code, message, result, statusCode, success: false}, from routes, auth, routing and faults alike', async () => {
		expect(await call('GET', '/JSON/document/metadata/doc-nope')).toEqual({
			status: 404,
			allow: null,
			json: { code: 'NOT_FOUND', message: 'err.not.found', result: 'doc-nope', statusCode: 404, success: false },
		});
		expect((await call('GET', '/JSON/counter', undefined, null)).json).toEqual({
			code: 'UNAUTHORIZED',
			message: 'err.unauthorized',
			result: '',
			statusCode: 401,
			success: false,
		});
		sandbox.setFault({ type: 'status', status: 503, times: 1 });
		expect((await call('GET', '/JSON/counter')).json).toEqual({
			code: 'SERVICE_UNAVAILABLE',
			message: 'err.internal',
			result: '',
			statusCode: 503,
			success: false,
		});
		// A fault with its own body sends exactly that body.
		sandbox.setFault({ type: 'status', status: 500, times: 1, body: { message: 'err.custom', value: 'x' } });
		expect((await call('GET', '/JSON/counter')).json).toEqual({ message: 'err.custom', value: 'x' });
	});

	it('Create needs id and changeState: no inline filedata, as the connector has none', async () => {
		expect((await call('POST', '/JSON/signatureRequest', { filedata: { content: PDF.toString('base64') } })).json).toEqual({
			code: 'BAD_REQUEST',
			message: 'err.missing.document',
			result: 'id',
			statusCode: 400,
			success: false,
		});
		const documentId = await upload();
		expect((await call('POST', '/JSON/signatureRequest', { id: documentId })).json).toMatchObject({
			message: 'err.missing.changeState',
			statusCode: 400,
		});
	});

	it('types rules and allowedFields as the connector does: strings only', async () => {
		const documentId = await upload();
		const create = (settings: object) => call('POST', '/JSON/signatureRequest', { id: documentId, changeState: 'tosign', ...settings });

		expect((await create({ rules: { signAnywhereEnabled: false } })).json).toMatchObject({ statusCode: 400, message: 'err.invalid.rules' });
		expect((await create({ allowedFields: { SIGNATURE: ['_SC1_'] } })).json).toMatchObject({ statusCode: 400, message: 'err.invalid.allowedFields' });
		const accepted = await create({ rules: 'signAnywhereEnabled-false', allowedFields: { SIGNATURE: '_SC1_;_SO2_' } });
		expect(accepted.json).toMatchObject({ success: true });
		expect(sandbox.getSignatureRequest((accepted.json as { result: string }).result)).toMatchObject({
			rules: 'signAnywhereEnabled-false',
			allowedFields: { SIGNATURE: '_SC1_;_SO2_' },
		});
	});

	it('PATCH is not allowed (405, Allow: POST); POST /JSON/signatureRequest/{id} sets the callback instead', async () => {
		expect(await call('PATCH', '/JSON/signatureRequest', { signatureRequestId: 'sr-1', sendInfoURL: 'https://hooks.example.com/a' })).toEqual({
			status: 405,
			allow: 'POST',
			json: { code: 'METHOD_NOT_ALLOWED', message: 'err.method.not.allowed', result: 'PATCH', statusCode: 405, success: false },
		});
		expect(sandbox.getSignatureRequest('sr-1')?.sendInfoURL).toBe('');

		expect((await call('POST', '/JSON/signatureRequest/sr-1', { sendInfoURL: 'https://hooks.example.com/a' })).json).toEqual({
			code: 'SUCCESS',
			message: 'msg.updated',
			result: 'sr-1',
			statusCode: 200,
			success: true,
		});
		expect(sandbox.getSignatureRequest('sr-1')?.sendInfoURL).toBe('https://hooks.example.com/a');
	});

	it('POST /JSON/signatureRequest/{id} refuses an unknown request and a missing sendInfoURL', async () => {
		expect((await call('POST', '/JSON/signatureRequest/sr-nope', { sendInfoURL: 'https://hooks.example.com/a' })).json).toMatchObject({
			statusCode: 400,
			message: 'err.signature.request.not.exist',
			result: 'sr-nope',
		});
		expect((await call('POST', '/JSON/signatureRequest/sr-1', { resulturl: 'https://example.com/' })).json).toMatchObject({
			statusCode: 400,
			message: 'err.invalid.sendInfoURL',
		});
	});
});

describe('sandbox in the wiki dialect: what the connector dialect changes stays as the wiki has it', () => {
	beforeEach(() => sandbox.setDialect('wiki'));

	it('Create answers with documentId; errors are {message, value}; PATCH works; POST /{id} is not allowed', async () => {
		const created = await call('POST', '/JSON/signatureRequest', { filedata: { content: PDF.toString('base64') }, signatureRequestId: 'sr-w' });
		expect(created.json).toEqual({
			message: 'msg.signature.request.id.created',
			result: 'sr-w',
			url: `${sandbox.url}/openDocument/sr-w`,
			documentId: expect.any(String),
		});
		expect((await call('GET', '/JSON/document/metadata/doc-nope')).json).toEqual({ message: 'err.not.found', value: 'doc-nope' });
		expect((await call('PATCH', '/JSON/signatureRequest', { signatureRequestId: 'sr-1', sendInfoURL: 'https://hooks.example.com/b' })).status).toBe(200);
		expect(await call('POST', '/JSON/signatureRequest/sr-1', { sendInfoURL: 'https://hooks.example.com/c' })).toEqual({
			status: 405,
			allow: 'DELETE',
			json: { message: 'err.method.not.allowed', value: 'POST' },
		});
		expect(sandbox.getSignatureRequest('sr-1')?.sendInfoURL).toBe('https://hooks.example.com/b');
	});

	it('accepts both encodings of rules and allowedFields', async () => {
		const documentId = await upload();
		for (const settings of [
			{ rules: { signAnywhereEnabled: false }, allowedFields: { SIGNATURE: ['_SC1_', '_SO2_'] } },
			{ rules: 'signAnywhereEnabled-false', allowedFields: { SIGNATURE: '_SC1_;_SO2_' } },
		]) {
			const answer = await call('POST', '/JSON/signatureRequest', { id: documentId, changeState: 'tosign', ...settings });
			expect(answer.status).toBe(200);
		}
	});
});
