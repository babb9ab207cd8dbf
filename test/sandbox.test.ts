import * as http from 'node:http';
import { DEFAULT_API_KEY, startSandbox, type Sandbox } from '../sandbox/server';

const KEY = 'key-with-rights';
const READ_ONLY_KEY = 'read-only-key';

interface Answer {
	status: number;
	contentType: string | null;
	text: string;
	json: unknown;
}

describe('OKdokument sandbox', () => {
	let sandbox: Sandbox;

	async function call(
		method: string,
		path: string,
		{ key = KEY, body, headers = {} }: { key?: string | null; body?: string | object; headers?: Record<string, string> } = {},
	): Promise<Answer> {
		const allHeaders: Record<string, string> = { ...headers };
		if (key !== null) allHeaders['x-api-key'] = key;
		if (body !== undefined) allHeaders['content-type'] ??= 'application/json';
		const res = await fetch(`${sandbox.url}${path}`, {
			method,
			headers: allHeaders,
			body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
		});
		const text = await res.text();
		let json: unknown;
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
		return { status: res.status, contentType: res.headers.get('content-type'), text, json };
	}

	const patch = (body: string | object, key?: string) => call('PATCH', '/JSON/signatureRequest', { body, key });

	beforeAll(async () => {
		sandbox = await startSandbox({
			apiKeys: { [KEY]: { permitted: true }, [READ_ONLY_KEY]: { permitted: false } },
			signatureRequests: [
				{ signatureRequestId: 'abc', documentId: 'doc-1', sendInfoURL: '', resulturl: '' },
				{ signatureRequestId: 'def', documentId: 'doc-2', sendInfoURL: 'https://old.example/cb', resulturl: 'https://old.example/done' },
			],
		});
	});

	afterAll(async () => {
		await sandbox.stop();
	});

	beforeEach(() => {
		sandbox.reset();
	});

	it('exposes a loopback URL without a trailing slash', () => {
		expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(sandbox.url).toBe(`http://127.0.0.1:${sandbox.port}`);
		expect(DEFAULT_API_KEY).toMatch(/^[0-9a-f]+_[0-9a-z]+$/);
	});

	describe('auth', () => {
		it('answers 401 without a key', async () => {
			const answer = await call('GET', '/JSON/counter', { key: null });
			expect(answer.status).toBe(401);
			expect(answer.contentType).toBe('application/json');
			expect(answer.json).toEqual({ message: 'err.unauthorized', value: '' });
		});

		it('answers 401 for an unknown key and never echoes it', async () => {
			const answer = await call('PATCH', '/JSON/signatureRequest', { key: 'wrong-key-1234', body: { signatureRequestId: 'abc' } });
			expect(answer.status).toBe(401);
			expect(answer.json).toEqual({ message: 'err.unauthorized', value: '' });
			expect(answer.text).not.toContain('wrong-key-1234');
			expect(sandbox.getSignatureRequest('abc')?.sendInfoURL).toBe('');
		});

		it('answers 403 for a key without permission', async () => {
			const answer = await call('GET', '/JSON/counter', { key: READ_ONLY_KEY });
			expect(answer.status).toBe(403);
			expect(answer.contentType).toBe('application/json');
			expect(answer.json).toEqual({ message: 'err.forbidden', value: '/JSON/counter' });
			expect(answer.text).not.toContain(READ_ONLY_KEY);
		});

		it('accepts DEFAULT_API_KEY when no keys are configured', async () => {
			const other = await startSandbox();
			try {
				const ok = await fetch(`${other.url}/JSON/counter`, { headers: { 'x-api-key': DEFAULT_API_KEY } });
				expect(ok.status).toBe(200);
				const denied = await fetch(`${other.url}/JSON/counter`, { headers: { 'x-api-key': KEY } });
				expect(denied.status).toBe(401);
			} finally {
				await other.stop();
			}
		});
	});

	describe('PATCH /JSON/signatureRequest', () => {
		it('updates both URLs and answers msg.updated', async () => {
			const answer = await patch({ signatureRequestId: 'abc', sendInfoURL: 'https://n8n.example/webhook/cb', resulturl: 'https://example.com/thanks' });
			expect(answer.status).toBe(200);
			expect(answer.contentType).toBe('application/json');
			expect(answer.json).toEqual({ message: 'msg.updated', result: 'abc', url: `${sandbox.url}/abc` });
			expect(sandbox.getSignatureRequest('abc')).toEqual({
				signatureRequestId: 'abc',
				documentId: 'doc-1',
				sendInfoURL: 'https://n8n.example/webhook/cb',
				resulturl: 'https://example.com/thanks',
				state: 'tosign',
			});
		});

		it('updates only the fields present, accepting the sendInfoUrl spelling', async () => {
			expect((await patch({ signatureRequestId: 'def', sendInfoUrl: 'https://new.example/cb' })).status).toBe(200);
			expect(sandbox.getSignatureRequest('def')).toMatchObject({ sendInfoURL: 'https://new.example/cb', resulturl: 'https://old.example/done' });
			expect((await patch({ signatureRequestId: 'def', resulturl: 'https://new.example/done' })).status).toBe(200);
			expect(sandbox.getSignatureRequest('def')).toMatchObject({ sendInfoURL: 'https://new.example/cb', resulturl: 'https://new.example/done' });
		});

		it('answers 400 with the documented body for an unknown id', async () => {
			const answer = await patch({ signatureRequestId: 'no-such-id', sendInfoURL: 'https://x.example' });
			expect(answer.status).toBe(400);
			expect(answer.contentType).toBe('application/json');
			expect(answer.text).toBe('{"message":"View ID does not exist: no-such-id","value":"no-such-id"}');
		});

		it('answers 400 for a missing id', async () => {
			const answer = await patch({ sendInfoURL: 'https://x.example' });
			expect(answer.status).toBe(400);
			expect(answer.json).toEqual({ message: 'View ID does not exist: ', value: '' });
		});

		it('answers 400 err.invalid.json for a body that is not JSON', async () => {
			for (const body of ['{not json', '', '[1,2]']) {
				const answer = await patch(body);
				expect(answer.status).toBe(400);
				expect(answer.json).toEqual({ message: 'err.invalid.json', value: '' });
			}
		});

		it('does not leak state changes across reset()', async () => {
			await patch({ signatureRequestId: 'abc', sendInfoURL: 'https://changed.example' });
			sandbox.reset();
			expect(sandbox.getSignatureRequest('abc')?.sendInfoURL).toBe('');
		});
	});

	describe('GET /JSON/counter', () => {
		it('returns a usage map of strings derived from the state', async () => {
			const answer = await call('GET', '/JSON/counter');
			expect(answer.status).toBe(200);
			expect(answer.contentType).toBe('application/json');
			const body = answer.json as Record<string, Record<string, string>>;
			expect(Object.keys(body).sort()).toEqual(['actual', 'deleted.f', 'downloaded', 'files', 'signatureRequests']);
			expect(body.actual).toEqual({
				'sandbox.storedFiles': '2',
				'sandbox.deleted.f': '0',
				'sandbox.usedSignatureRequests': '2',
				'sandbox.downloaded': '0',
				'sandbox.availableSignatureRequests': '98',
			});
			const now = new Date();
			const month = `${now.getUTCFullYear()}.${now.getUTCMonth() + 1}.sandbox`;
			expect(body.signatureRequests).toEqual({ [month]: '2' });
			expect(body.files).toEqual({ [month]: '2' });
			for (const group of Object.values(body)) {
				for (const value of Object.values(group)) expect(typeof value).toBe('string');
			}
		});

		it('counts signature requests added later', async () => {
			sandbox.addSignatureRequest({ signatureRequestId: 'ghi' });
			const body = (await call('GET', '/JSON/counter')).json as Record<string, Record<string, string>>;
			expect(body.actual['sandbox.usedSignatureRequests']).toBe('3');
			expect(body.actual['sandbox.storedFiles']).toBe('3');
		});
	});

	describe('routing', () => {
		it('answers 404 JSON for an unknown path', async () => {
			const answer = await call('GET', '/JSON/nothing/here');
			expect(answer.status).toBe(404);
			expect(answer.contentType).toBe('application/json');
			expect(answer.json).toEqual({ message: 'err.not.found', value: '/JSON/nothing/here' });
		});

		it('answers 405 JSON for a known path with the wrong method', async () => {
			const res = await fetch(`${sandbox.url}/JSON/counter`, { method: 'POST', headers: { 'x-api-key': KEY } });
			expect(res.status).toBe(405);
			expect(res.headers.get('content-type')).toBe('application/json');
			expect(res.headers.get('allow')).toBe('GET');
			expect(await res.json()).toEqual({ message: 'err.method.not.allowed', value: 'POST' });
		});

		it('checks the key before routing under /JSON', async () => {
			expect((await call('GET', '/JSON/nothing', { key: null })).status).toBe(401);
		});
	});

	describe('request log', () => {
		it('records every request with method, path, query, headers and body', async () => {
			const before = Date.now();
			await patch({ signatureRequestId: 'abc', sendInfoURL: 'https://cb.example' });
			await call('GET', '/JSON/counter?x=1&state=signed', { key: null });
			await patch('not json at all');
			expect(sandbox.requests).toHaveLength(3);
			const [first, second, third] = sandbox.requests;
			expect(first).toMatchObject({
				method: 'PATCH',
				path: '/JSON/signatureRequest',
				query: {},
				rawBody: '{"signatureRequestId":"abc","sendInfoURL":"https://cb.example"}',
				body: { signatureRequestId: 'abc', sendInfoURL: 'https://cb.example' },
			});
			expect(first.headers['x-api-key']).toBe(KEY);
			expect(first.headers['content-type']).toBe('application/json');
			expect(first.receivedAt).toBeGreaterThanOrEqual(before);
			expect(second).toMatchObject({ method: 'GET', path: '/JSON/counter', query: { x: '1', state: 'signed' }, rawBody: '', body: undefined });
			expect(second.headers['x-api-key']).toBeUndefined();
			expect(third.rawBody).toBe('not json at all');
			expect(third.body).toBeUndefined();
			expect(third.receivedAt).toBeGreaterThanOrEqual(first.receivedAt);
		});

		it('clearRequests() empties the log in place', async () => {
			const log = sandbox.requests;
			await call('GET', '/JSON/counter');
			sandbox.clearRequests();
			expect(log).toHaveLength(0);
			expect(sandbox.requests).toBe(log);
		});

		it('writes one line per request without the key when a log sink is given', async () => {
			const lines: string[] = [];
			const loud = await startSandbox({ log: (line) => lines.push(line) });
			try {
				await fetch(`${loud.url}/JSON/counter`, { headers: { 'x-api-key': DEFAULT_API_KEY } });
				await fetch(`${loud.url}/JSON/counter`, { headers: { 'x-api-key': 'secret-wrong-key' } });
			} finally {
				await loud.stop();
			}
			expect(lines).toHaveLength(2);
			expect(lines[0]).toMatch(/^GET \/JSON\/counter 200 /);
			expect(lines[1]).toMatch(/^GET \/JSON\/counter 401 /);
			expect(lines.join('\n')).not.toMatch(/secret-wrong-key|5a4db0c1e/);
		});
	});

	describe('state helpers', () => {
		it('addSignatureRequest fills defaults and replaces by id', () => {
			expect(sandbox.addSignatureRequest({ signatureRequestId: 'new-1' })).toEqual({
				signatureRequestId: 'new-1',
				documentId: 'doc-new-1',
				sendInfoURL: '',
				resulturl: '',
				state: 'tosign',
			});
			sandbox.addSignatureRequest({ signatureRequestId: 'new-1', documentId: 'doc-x', state: 'signed' });
			expect(sandbox.getSignatureRequest('new-1')).toMatchObject({ documentId: 'doc-x', state: 'signed' });
			expect(() => sandbox.addSignatureRequest({ signatureRequestId: '' })).toThrow(TypeError);
		});

		it('getSignatureRequest returns a copy', () => {
			const record = sandbox.getSignatureRequest('abc');
			if (!record) throw new Error('seed missing');
			record.sendInfoURL = 'mutated';
			expect(sandbox.getSignatureRequest('abc')?.sendInfoURL).toBe('');
			expect(sandbox.getSignatureRequest('missing')).toBeUndefined();
		});

		it('listSignatureRequests returns copies of every request, API-created ones included', async () => {
			const before = sandbox.listSignatureRequests().map((r) => r.signatureRequestId);
			expect(before).toEqual(expect.arrayContaining(['abc', 'def']));
			const created = await call('POST', '/JSON/signatureRequest', {
				body: { filedata: { content: Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64') }, sendInfoURL: 'https://cb.example/x' },
			});
			expect(created.status).toBe(200);
			const id = (created.json as { result: string }).result;
			const listed = sandbox.listSignatureRequests();
			expect(listed.map((r) => r.signatureRequestId)).toEqual([...before, id]);
			expect(listed[listed.length - 1]).toMatchObject({ sendInfoURL: 'https://cb.example/x', state: 'tosign' });
			listed[0].sendInfoURL = 'mutated';
			expect(sandbox.listSignatureRequests()[0].sendInfoURL).not.toBe('mutated');
		});

		it('reset() restores the seed and clears the log and faults', async () => {
			sandbox.addSignatureRequest({ signatureRequestId: 'temp' });
			await patch({ signatureRequestId: 'def', sendInfoURL: 'https://changed.example' });
			sandbox.setFault({ type: 'status', status: 500 });
			sandbox.reset();
			expect(sandbox.getSignatureRequest('temp')).toBeUndefined();
			expect(sandbox.getSignatureRequest('def')?.sendInfoURL).toBe('https://old.example/cb');
			expect(sandbox.requests).toHaveLength(0);
			expect((await call('GET', '/JSON/counter')).status).toBe(200);
		});
	});

	describe('faults', () => {
		it('status: answers the status with a JSON report, default err.internal', async () => {
			sandbox.setFault({ type: 'status', status: 500, times: 1 });
			const answer = await patch({ signatureRequestId: 'abc', sendInfoURL: 'https://cb.example' });
			expect(answer.status).toBe(500);
			expect(answer.contentType).toBe('application/json');
			expect(answer.json).toEqual({ message: 'err.internal', value: '' });
			expect(sandbox.getSignatureRequest('abc')?.sendInfoURL).toBe('');
			expect(sandbox.requests).toHaveLength(1);
		});

		it('status: uses a custom body', async () => {
			sandbox.setFault({ type: 'status', status: 409, body: { code: 'CONFLICT', success: false } });
			const answer = await call('GET', '/JSON/counter');
			expect(answer.status).toBe(409);
			expect(answer.json).toEqual({ code: 'CONFLICT', success: false });
		});

		it('html: answers a proxy-style HTML page', async () => {
			sandbox.setFault({ type: 'html', status: 502 });
			const answer = await call('GET', '/JSON/counter');
			expect(answer.status).toBe(502);
			expect(answer.contentType).toBe('text/html');
			expect(answer.text).toContain('<title>502 Bad Gateway</title>');
			expect(answer.json).toBeUndefined();
		});

		it('empty: answers the status with no body', async () => {
			sandbox.setFault({ type: 'empty', status: 500 });
			const answer = await call('GET', '/JSON/counter');
			expect(answer.status).toBe(500);
			expect(answer.text).toBe('');
			expect(answer.contentType).toBeNull();
		});

		it('text: answers plain text, even with a 200', async () => {
			sandbox.setFault({ type: 'text', status: 200, body: 'not json', times: 1 });
			const ok = await call('GET', '/JSON/counter');
			expect(ok.status).toBe(200);
			expect(ok.contentType).toMatch(/^text\/plain/);
			expect(ok.text).toBe('not json');
			sandbox.setFault({ type: 'text', status: 503, body: 'Service Unavailable' });
			const unavailable = await call('GET', '/JSON/counter');
			expect(unavailable.status).toBe(503);
			expect(unavailable.text).toBe('Service Unavailable');
		});

		it('delay: answers normally but late', async () => {
			sandbox.setFault({ type: 'delay', ms: 300, times: 1 });
			const started = Date.now();
			const answer = await patch({ signatureRequestId: 'abc', sendInfoURL: 'https://late.example' });
			expect(Date.now() - started).toBeGreaterThanOrEqual(280);
			expect(answer.status).toBe(200);
			expect(sandbox.getSignatureRequest('abc')?.sendInfoURL).toBe('https://late.example');
		});

		it('hold: answers normally once released, every held request at once', async () => {
			sandbox.setFault({ type: 'hold', times: 2, path: '/JSON/counter' });
			const answered: number[] = [];
			const calls = [call('GET', '/JSON/counter'), call('GET', '/JSON/counter')].map((pending) =>
				pending.then((answer) => {
					answered.push(Date.now());
					return answer.status;
				}),
			);
			while (sandbox.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
			await new Promise((resolve) => setTimeout(resolve, 100));
			expect(answered).toHaveLength(0);
			expect(sandbox.releaseHeld()).toBe(2);
			expect(await Promise.all(calls)).toEqual([200, 200]);
			expect((await call('GET', '/JSON/counter')).status).toBe(200);
			expect(sandbox.releaseHeld()).toBe(0);
		});

		it('drop: closes the socket without an answer but still records the request', async () => {
			sandbox.setFault({ type: 'drop', times: 1 });
			await expect(call('GET', '/JSON/counter')).rejects.toThrow();
			expect(sandbox.requests).toHaveLength(1);
			expect(sandbox.requests[0].path).toBe('/JSON/counter');
			expect((await call('GET', '/JSON/counter')).status).toBe(200);
			expect(sandbox.requests).toHaveLength(2);
		});

		it('respects times and path, in the order the faults were set', async () => {
			sandbox.setFault({ type: 'status', status: 503, times: 1, path: '/JSON/counter' });
			sandbox.setFault({ type: 'html', status: 504, times: 1, path: '/JSON/counter' });
			expect((await patch({ signatureRequestId: 'abc' })).status).toBe(200);
			expect((await call('GET', '/JSON/counter')).status).toBe(503);
			expect((await call('GET', '/JSON/counter')).status).toBe(504);
			expect((await call('GET', '/JSON/counter')).status).toBe(200);
			expect(sandbox.requests.map((r) => r.path)).toEqual(['/JSON/signatureRequest', '/JSON/counter', '/JSON/counter', '/JSON/counter']);
		});

		it('applies before auth, and clearFaults() removes them', async () => {
			sandbox.setFault({ type: 'status', status: 500 });
			expect((await call('GET', '/JSON/counter', { key: null })).status).toBe(500);
			expect((await call('GET', '/JSON/counter')).status).toBe(500);
			sandbox.clearFaults();
			expect((await call('GET', '/JSON/counter')).status).toBe(200);
		});

		it('rejects malformed faults', () => {
			expect(() => sandbox.setFault({ type: 'nope' } as never)).toThrow(TypeError);
			expect(() => sandbox.setFault({ type: 'drop', times: 0 })).toThrow(TypeError);
			expect(() => sandbox.setFault({ type: 'delay' } as never)).toThrow(TypeError);
		});
	});

	describe('stop()', () => {
		it('is prompt with a keep-alive connection open, and idempotent', async () => {
			const other = await startSandbox();
			const agent = new http.Agent({ keepAlive: true });
			try {
				const status = await new Promise<number | undefined>((resolve, reject) => {
					http
						.get(`${other.url}/JSON/counter`, { agent, headers: { 'x-api-key': DEFAULT_API_KEY } }, (res) => {
							res.resume();
							res.on('end', () => resolve(res.statusCode));
						})
						.on('error', reject);
				});
				expect(status).toBe(200);
				await new Promise((resolve) => setImmediate(resolve));
				expect(Object.values(agent.freeSockets).flat()).toHaveLength(1); // idle keep-alive socket

				const started = Date.now();
				await other.stop();
				expect(Date.now() - started).toBeLessThan(1000);
				await other.stop();
				await expect(fetch(`${other.url}/JSON/counter`)).rejects.toThrow();
			} finally {
				agent.destroy();
			}
		});

		it.each([
			['a delayed answer without waiting for its timer', { type: 'delay', ms: 20_000 } as const],
			['a held request', { type: 'hold' } as const],
		])('aborts %s', async (_what, fault) => {
			const other = await startSandbox();
			other.setFault(fault);
			const pending = fetch(`${other.url}/JSON/counter`, { headers: { 'x-api-key': DEFAULT_API_KEY } });
			const outcome = pending.then(
				() => 'answered',
				() => 'failed',
			);
			while (other.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
			const started = Date.now();
			await other.stop();
			expect(Date.now() - started).toBeLessThan(1000);
			expect(await outcome).toBe('failed');
		});
	});
});
