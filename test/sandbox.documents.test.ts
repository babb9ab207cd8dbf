import { API_KEY, useSandbox } from './support/okdokument';

const sandbox = useSandbox();

const PDF = Buffer.from('%PDF-1.4\n%\u00e2\u00e3\n%%EOF\n', 'latin1');

async function call(method: string, path: string, body?: unknown) {
	const response = await fetch(`${sandbox.url}${path}`, {
		method,
		headers: { 'x-api-key': API_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const bytes = Buffer.from(await response.arrayBuffer());
	const isJson = /json/.test(response.headers.get('content-type') ?? '');
	return { status: response.status, headers: response.headers, bytes, json: isJson ? JSON.parse(bytes.toString()) : undefined };
}

describe('sandbox: documents as the docs describe them', () => {
	it.each([
		['file: {content} (wiki)', { content: PDF.toString('base64') }],
		['file: {$content} (wiki alias)', { $content: PDF.toString('base64') }],
		['a bare base64 file (connector)', PDF.toString('base64')],
	])('POST /JSON/document accepts %s and answers both documented shapes', async (_case, file) => {
		const answer = await call('POST', '/JSON/document', { filename: 'a.pdf', state: 'tags', file });

		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({
			message: 'msg.document.uploaded',
			result: expect.any(String),
			code: 'SUCCESS',
			statusCode: 200,
			success: true,
		});
		const stored = sandbox.getDocument(answer.json.result);
		expect(stored).toMatchObject({ filename: 'a.pdf', state: 'tosign' });
		expect(stored?.content.equals(PDF)).toBe(true);
	});

	it.each([
		['no file', { filename: 'a.pdf' }, 'err.invalid.file'],
		['a file that is not base64', { file: { content: 'not base64!' } }, 'err.invalid.file'],
		['an empty file', { file: { content: '' } }, 'err.invalid.file'],
		['a state that is not an upload state', { state: 'signed', file: { content: PDF.toString('base64') } }, 'err.invalid.state'],
	])('POST /JSON/document refuses %s with 400', async (_case, body, message) => {
		const answer = await call('POST', '/JSON/document', body);

		expect(answer.status).toBe(400);
		expect(answer.json).toMatchObject({ message });
	});

	it('GET /JSON/list/flat needs a state; * lists all, a code filters', async () => {
		const unsigned = sandbox.addDocument({ content: PDF });
		const signed = sandbox.addDocument({ content: PDF, state: 'signed' });

		expect((await call('GET', '/JSON/list/flat')).status).toBe(400);
		expect((await call('GET', '/JSON/list/flat?state=*')).json.map((d: { id: string }) => d.id)).toEqual([unsigned.id, signed.id]);
		expect((await call('GET', '/JSON/list/flat?state=signed')).json.map((d: { id: string }) => d.id)).toEqual([signed.id]);
	});

	it('GET /JSON/document/:id sends the signed PDF once signed, with a Content-Disposition; 404 otherwise', async () => {
		const signedPdf = Buffer.concat([PDF, Buffer.from('% signed')]);
		const document = sandbox.addDocument({ filename: 'zmluva č.pdf', content: PDF, state: 'signed', signedContent: signedPdf });

		const answer = await call('GET', `/JSON/document/${document.id}`);
		expect(answer.status).toBe(200);
		expect(answer.headers.get('content-type')).toBe('application/pdf');
		expect(answer.headers.get('content-disposition')).toBe(
			`attachment; filename="zmluva _.pdf"; filename*=UTF-8''zmluva%20%C4%8D.pdf`,
		);
		expect(answer.bytes.equals(signedPdf)).toBe(true);

		const missing = await call('GET', '/JSON/document/nope');
		expect(missing).toMatchObject({ status: 404, json: { message: 'err.not.found', value: 'nope' } });
	});

	it('GET /JSON/document/metadata/:id and DELETE /JSON/document/:id', async () => {
		const document = sandbox.addDocument({ filename: 'a.pdf', content: PDF });

		const info = await call('GET', `/JSON/document/metadata/${document.id}`);
		expect(info.json).toEqual({
			filename: 'a.pdf',
			state: 'tosign',
			modification: document.modification,
			id: document.id,
			date: document.date,
			number: document.number,
		});
		expect((await call('DELETE', `/JSON/document/${document.id}`)).json).toEqual({ message: 'msg.deleted', result: document.id });
		expect(sandbox.getDocument(document.id)).toBeUndefined();
		expect((await call('DELETE', `/JSON/document/${document.id}`)).status).toBe(404);
		expect((await call('GET', `/JSON/document/metadata/${document.id}`)).status).toBe(404);
	});
});
