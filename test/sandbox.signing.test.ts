import { spawnSync } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';

import { startSandbox, type Sandbox } from '../sandbox/server';

const KEY = '1b2c3d4e5_signing0tests0key';
/** A PDF whose bytes are not valid UTF-8, so a text round trip would show. */
const ORIGINAL_PDF = Buffer.concat([Buffer.from('%PDF-1.4\n% Original for the signing tests\n%'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3]), Buffer.from('\n%%EOF\n')]);

interface ReceivedCallback {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
	body: string;
	at: number;
}

/** Stands in for the service behind sendInfoURL: records each request, answers as told. */
class Receiver {
	readonly received: ReceivedCallback[] = [];
	/** The status to answer, or 'hang' to never answer. */
	reply: number | 'hang' = 200;
	delayMs = 0;
	/** Runs before each answer, while OKdokument waits for it. */
	beforeAnswer?: () => Promise<void>;
	answeredAt = 0;
	private readonly server: Server = createServer((req, res) => this.handle(req, res));
	private readonly sockets = new Set<Socket>();
	url = '';

	async start(): Promise<this> {
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	async stop(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	private handle(req: import('node:http').IncomingMessage, res: ServerResponse): void {
		let body = '';
		req.setEncoding('utf8');
		req.on('data', (chunk: string) => (body += chunk));
		req.on('end', () => {
			this.received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, at: Date.now() });
			if (this.reply === 'hang') return;
			const status = this.reply;
			setTimeout(async () => {
				await this.beforeAnswer?.();
				this.answeredAt = Date.now();
				res.writeHead(status, { 'content-type': 'text/plain' });
				res.end('ok');
			}, this.delayMs);
		});
	}
}

let sandbox: Sandbox;
let receiver: Receiver;

beforeAll(async () => {
	sandbox = await startSandbox({ apiKeys: { [KEY]: { permitted: true } } });
});
beforeEach(async () => {
	receiver = await new Receiver().start();
});
afterEach(async () => {
	await receiver.stop();
	sandbox.reset();
});
afterAll(async () => {
	await sandbox.stop();
});

/** A document and a request for it, as Create would leave them. */
function seedRequest(
	overrides: { sendInfoURL?: string; resulturl?: string; filename?: string; expirationTime?: string } = {},
	signatureRequestId = 'sr-sign-1',
) {
	const document = sandbox.addDocument({ filename: overrides.filename ?? 'contract.pdf', content: ORIGINAL_PDF });
	sandbox.addSignatureRequest({
		signatureRequestId,
		documentId: document.id,
		sendInfoURL: overrides.sendInfoURL ?? `${receiver.url}/hooks/okdokument?source=sandbox`,
		resulturl: overrides.resulturl ?? 'https://example.com/done?order=42',
		...(overrides.expirationTime ? { expirationTime: overrides.expirationTime } : {}),
	});
	return { signatureRequestId, documentId: document.id };
}

async function api(path: string): Promise<Response> {
	return await fetch(`${sandbox.url}${path}`, { headers: { 'x-api-key': KEY } });
}

function queryOf(url: string): Record<string, string> {
	return Object.fromEntries(new URL(url).searchParams);
}

describe('Sandbox signer: sign()', () => {
	it('signs, then POSTs exactly the documented callback (JSON, no authentication) and waits for its answer', async () => {
		const { signatureRequestId, documentId } = seedRequest();
		receiver.delayMs = 150;
		const before = Date.now();

		const result = await sandbox.sign(signatureRequestId);
		const resolvedAt = Date.now();

		expect(receiver.received).toHaveLength(1);
		const [callback] = receiver.received;
		expect(callback.method).toBe('POST');
		expect(callback.url).toBe('/hooks/okdokument?source=sandbox');
		expect(callback.headers['content-type']).toBe('application/json');
		expect(Object.keys(callback.headers).sort()).toEqual(['connection', 'content-length', 'content-type', 'host']);
		expect(callback.body).toBe(JSON.stringify({ state: 'signed', id: documentId, signatureRequestId }));
		expect(resolvedAt).toBeGreaterThanOrEqual(receiver.answeredAt);
		expect(receiver.answeredAt - callback.at).toBeGreaterThanOrEqual(140);

		expect(result).toEqual({ callbackStatus: 200, state: 'signed', redirect: expect.any(String) });
		expect(queryOf(result.redirect)).toEqual({
			order: '42',
			name: 'contract',
			docid: documentId,
			lang: 'en',
			result: 'success',
			ts: expect.stringMatching(/^\d{13}$/),
		});
		expect(result.redirect.startsWith('https://example.com/done?')).toBe(true);
		const ts = Number(queryOf(result.redirect).ts);
		expect(ts).toBeGreaterThanOrEqual(before);
		expect(ts).toBeLessThanOrEqual(resolvedAt);
		expect(sandbox.getSignatureRequest(signatureRequestId)?.state).toBe('signed');
	});

	it('the document is signed before the callback goes out, so the receiver can confirm it; Download then gives the signed PDF', async () => {
		const { signatureRequestId, documentId } = seedRequest();
		const seenByReceiver: unknown[] = [];
		receiver.beforeAnswer = async () => {
			const info = await api(`/JSON/document/metadata/${documentId}`);
			seenByReceiver.push(((await info.json()) as { state: string }).state);
		};

		await sandbox.sign(signatureRequestId);

		expect(seenByReceiver).toEqual(['signed']);
		const download = await api(`/JSON/document/${documentId}`);
		const signed = Buffer.from(await download.arrayBuffer());
		expect(download.headers.get('content-type')).toBe('application/pdf');
		expect(signed.equals(sandbox.getDocument(documentId)!.signedContent!)).toBe(true);
		expect(signed.subarray(0, ORIGINAL_PDF.length).equals(ORIGINAL_PDF)).toBe(true);
		expect(signed.subarray(ORIGINAL_PDF.length).toString('latin1')).toBe(
			`\n% Signed in the OKdokument sandbox: contract.pdf (signature request ${signatureRequestId})\n`,
		);
	});

	it('a document signed again (Create with the existing document, changeState tosign) keeps the first signature and gets a second', async () => {
		const { signatureRequestId, documentId } = seedRequest();
		await sandbox.sign(signatureRequestId);
		const created = await fetch(`${sandbox.url}/JSON/signatureRequest`, {
			method: 'POST',
			headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
			body: JSON.stringify({ signatureRequestId: 'sr-sign-round-2', id: documentId, changeState: 'tosign', sendInfoURL: `${receiver.url}/round-2` }),
		});
		expect(created.status).toBe(200);
		expect(sandbox.getDocument(documentId)?.state).toBe('tosign');

		const result = await sandbox.sign('sr-sign-round-2');

		expect(result).toMatchObject({ callbackStatus: 200, state: 'signed' });
		const download = await api(`/JSON/document/${documentId}`);
		const signed = Buffer.from(await download.arrayBuffer());
		expect(signed.equals(sandbox.getDocument(documentId)!.signedContent!)).toBe(true);
		expect(signed.subarray(0, ORIGINAL_PDF.length).equals(ORIGINAL_PDF)).toBe(true);
		expect(signed.subarray(ORIGINAL_PDF.length).toString('latin1')).toBe(
			`\n% Signed in the OKdokument sandbox: contract.pdf (signature request ${signatureRequestId})\n` +
				'\n% Signed in the OKdokument sandbox: contract.pdf (signature request sr-sign-round-2)\n',
		);
	});

	it('passes the browser locale on as lang', async () => {
		const { signatureRequestId } = seedRequest();
		const result = await sandbox.sign(signatureRequestId, { lang: 'sk' });
		expect(queryOf(result.redirect).lang).toBe('sk');
	});

	it('without a Send Info URL there is no callback, and the document stays signed', async () => {
		const { signatureRequestId, documentId } = seedRequest({ sendInfoURL: '', resulturl: '' });

		const result = await sandbox.sign(signatureRequestId);

		expect(receiver.received).toEqual([]);
		expect(result).toMatchObject({ callbackStatus: null, state: 'signed' });
		expect(result.callbackError).toBeUndefined();
		expect(sandbox.getDocument(documentId)?.state).toBe('signed');
		// No result URL: OKdokument's own thank-you page.
		expect(result.redirect.startsWith(`${sandbox.url}/thankYouPage.html?`)).toBe(true);
	});
});

describe('Sandbox signer: many signings at once', () => {
	it('200 requests signed at the same moment: each callback goes out once, to its own URL, and is answered', async () => {
		receiver.delayMs = 50;
		const ids = Array.from({ length: 200 }, (_, i) => seedRequest({ sendInfoURL: `${receiver.url}/hooks/${i}` }, `sr-burst-${i}`).signatureRequestId);

		const results = await Promise.all(ids.map((id) => sandbox.sign(id)));

		expect(results.map((r) => [r.callbackStatus, r.state])).toEqual(ids.map(() => [200, 'signed']));
		expect(receiver.received.map((r) => r.url).sort()).toEqual(ids.map((_, i) => `/hooks/${i}`).sort());
	});

	it('and Node warns of no listener leak (in a process of its own: jest does not pass on the process’s warnings)', () => {
		const script = `
			const http = require('node:http');
			const { startSandbox } = require(${JSON.stringify(join(__dirname, '..', 'sandbox', 'server.js'))});
			(async () => {
				const receiver = http.createServer((req, res) => { req.resume(); req.on('end', () => setTimeout(() => res.end('ok'), 50)); });
				await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
				const sandbox = await startSandbox({});
				const ids = Array.from({ length: 50 }, (_, i) => 'sr-burst-' + i);
				for (const id of ids) sandbox.addSignatureRequest({ signatureRequestId: id, sendInfoURL: 'http://127.0.0.1:' + receiver.address().port + '/' + id });
				const results = await Promise.all(ids.map((id) => sandbox.sign(id)));
				console.log(JSON.stringify(results.map((r) => r.callbackStatus)));
				await sandbox.stop();
				receiver.close();
			})();`;
		const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });

		expect(child.status).toBe(0);
		expect(JSON.parse(child.stdout)).toEqual(Array.from({ length: 50 }, () => 200));
		expect(child.stderr).not.toMatch(/MaxListenersExceededWarning/);
	});
});

describe('Sandbox signer: cancel()', () => {
	it('cancels: state canceled, no signed PDF, callback with "canceled", result=close', async () => {
		const { signatureRequestId, documentId } = seedRequest();

		const result = await sandbox.cancel(signatureRequestId);

		expect(receiver.received.map((callback) => callback.body)).toEqual([
			JSON.stringify({ state: 'canceled', id: documentId, signatureRequestId }),
		]);
		expect(result).toMatchObject({ callbackStatus: 200, state: 'canceled' });
		expect(queryOf(result.redirect).result).toBe('close');
		expect(sandbox.getDocument(documentId)).toMatchObject({ state: 'canceled' });
		expect(sandbox.getDocument(documentId)?.signedContent).toBeUndefined();
	});
});

describe('Sandbox signer: a callback that fails leaves the document in errorsendinfo', () => {
	it.each([500, 404, 201])('the receiver answers %i (the docs expect 200)', async (status) => {
		receiver.reply = status;
		const { signatureRequestId, documentId } = seedRequest();

		const result = await sandbox.sign(signatureRequestId);

		expect(result).toMatchObject({ callbackStatus: status, state: 'errorsendinfo' });
		expect(sandbox.getDocument(documentId)?.state).toBe('errorsendinfo');
		expect(sandbox.getSignatureRequest(signatureRequestId)?.state).toBe('errorsendinfo');
		const info = (await (await api(`/JSON/document/metadata/${documentId}`)).json()) as { state: string };
		expect(info.state).toBe('errorsendinfo');
		// The signature itself happened: the signed PDF is there.
		expect(sandbox.getDocument(documentId)?.signedContent).toBeDefined();
	});

	it('nothing listens at the Send Info URL', async () => {
		const { signatureRequestId, documentId } = seedRequest();
		await receiver.stop();

		const result = await sandbox.cancel(signatureRequestId);

		expect(result).toMatchObject({ callbackStatus: null, state: 'errorsendinfo' });
		expect(result.callbackError).toMatch(/ECONNREFUSED/);
		expect(sandbox.getDocument(documentId)?.state).toBe('errorsendinfo');
	});

	it('stopping the sandbox gives up on a callback that gets no answer', async () => {
		const own = await startSandbox({ apiKeys: { [KEY]: { permitted: true } } });
		const document = own.addDocument({ content: ORIGINAL_PDF });
		own.addSignatureRequest({ signatureRequestId: 'sr-hang', documentId: document.id, sendInfoURL: `${receiver.url}/hang` });
		receiver.reply = 'hang';

		const signing = own.sign('sr-hang');
		while (receiver.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
		await own.stop();
		const result = await signing;

		expect(result).toMatchObject({ callbackStatus: null, state: 'errorsendinfo' });
		expect(result.callbackError).toMatch(/abort/i);
	});
});

describe('Sandbox signer: a callback that is never delivered, and a later delivery', () => {
	it('deliverCallback: false sends nothing and leaves the document in errorsendinfo, signed PDF kept', async () => {
		const { signatureRequestId, documentId } = seedRequest();

		const result = await sandbox.sign(signatureRequestId, { deliverCallback: false });

		expect(receiver.received).toHaveLength(0);
		expect(result).toMatchObject({ callbackStatus: null, state: 'errorsendinfo' });
		expect(result.callbackError).toMatch(/not delivered/);
		expect(sandbox.getDocument(documentId)?.state).toBe('errorsendinfo');
		expect(sandbox.getDocument(documentId)?.signedContent).toBeDefined();
		expect(sandbox.getSignatureRequest(signatureRequestId)).toMatchObject({ state: 'errorsendinfo', outcome: 'signed' });
	});

	it.each(['signed', 'canceled'] as const)(
		'redeliverCallback() POSTs the same %s callback again; the state stays errorsendinfo',
		async (outcome) => {
			const { signatureRequestId, documentId } = seedRequest();
			await (outcome === 'signed' ? sandbox.sign : sandbox.cancel)(signatureRequestId, { deliverCallback: false });

			const answer = await sandbox.redeliverCallback(signatureRequestId);

			expect(answer).toEqual({ status: 200 });
			expect(receiver.received).toHaveLength(1);
			expect(receiver.received[0].url).toBe('/hooks/okdokument?source=sandbox');
			expect(receiver.received[0].body).toBe(JSON.stringify({ state: outcome, id: documentId, signatureRequestId }));
			expect(sandbox.getDocument(documentId)?.state).toBe('errorsendinfo');
		},
	);

	it('redeliverCallback() refuses a request that is not finished, and an unknown one', async () => {
		const { signatureRequestId } = seedRequest();
		await expect(sandbox.redeliverCallback(signatureRequestId)).rejects.toThrow(/not finished/);
		await expect(sandbox.redeliverCallback('sr-nope')).rejects.toThrow(/does not exist/);
		expect(receiver.received).toHaveLength(0);
	});
});

describe('Sandbox signer: what cannot be signed', () => {
	it('an unknown request, a finished one and an expired one are refused, and nothing is sent', async () => {
		const { signatureRequestId } = seedRequest();
		await sandbox.sign(signatureRequestId);
		seedRequest({ expirationTime: String(Date.now() - 1000) }, 'sr-expired');
		receiver.received.length = 0;

		await expect(sandbox.sign('sr-unknown')).rejects.toThrow('Signature request sr-unknown does not exist');
		await expect(sandbox.cancel(signatureRequestId)).rejects.toThrow(`Signature request ${signatureRequestId} is already finished (signed)`);
		await expect(sandbox.sign('sr-expired')).rejects.toThrow('Signature request sr-expired has expired');
		expect(receiver.received).toEqual([]);
		expect(sandbox.getSignatureRequest('sr-expired')?.state).toBe('tosign');
	});

	it('a request seeded without a document gets a sample one, so the CLI’s demo requests can be signed', async () => {
		sandbox.addSignatureRequest({ signatureRequestId: 'sr-demo', sendInfoURL: `${receiver.url}/cb` });

		const result = await sandbox.sign('sr-demo');

		expect(result.state).toBe('signed');
		expect(sandbox.getDocument('doc-sr-demo')).toMatchObject({ filename: 'doc-sr-demo.pdf', state: 'signed' });
		expect(receiver.received.map((callback) => JSON.parse(callback.body))).toEqual([
			{ state: 'signed', id: 'doc-sr-demo', signatureRequestId: 'sr-demo' },
		]);
	});
});

describe('Sandbox signer: the /openDocument pages for a browser', () => {
	it('shows the document with Sign and Cancel forms, without an API key', async () => {
		seedRequest({ filename: 'Offer <2024> & "terms".pdf' }, 'sr/page 1');

		const response = await fetch(`${sandbox.url}/openDocument/${encodeURIComponent('sr/page 1')}`);
		const html = await response.text();

		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
		expect(html).toContain('Offer &#60;2024&#62; &#38; &#34;terms&#34;.pdf');
		expect(html).not.toContain('<2024>');
		expect(html).toContain('<form method="post" action="/openDocument/sr%2Fpage%201/sign"><button type="submit">Sign</button></form>');
		expect(html).toContain('<form method="post" action="/openDocument/sr%2Fpage%201/cancel"><button type="submit">Cancel</button></form>');
	});

	it('Sign runs the simulation, callback included, then redirects (302) to the result URL with the docs’ parameters', async () => {
		const { signatureRequestId, documentId } = seedRequest();

		const response = await fetch(`${sandbox.url}/openDocument/${signatureRequestId}/sign`, {
			method: 'POST',
			redirect: 'manual',
			headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'cs-CZ,cs;q=0.9,en;q=0.5' },
		});

		expect(response.status).toBe(302);
		const location = response.headers.get('location') ?? '';
		expect(location.startsWith('https://example.com/done?')).toBe(true);
		expect(queryOf(location)).toMatchObject({ name: 'contract', docid: documentId, lang: 'cs', result: 'success' });
		expect(receiver.received.map((callback) => JSON.parse(callback.body))).toEqual([
			{ state: 'signed', id: documentId, signatureRequestId },
		]);
		expect(sandbox.getDocument(documentId)?.state).toBe('signed');
	});

	it('Cancel without a result URL lands on the thank-you page', async () => {
		const { signatureRequestId, documentId } = seedRequest({ resulturl: '' });

		const response = await fetch(`${sandbox.url}/openDocument/${signatureRequestId}/cancel`, { method: 'POST', redirect: 'manual' });
		const location = response.headers.get('location') ?? '';
		const page = await fetch(location);

		expect(response.status).toBe(302);
		expect(location.startsWith(`${sandbox.url}/thankYouPage.html?`)).toBe(true);
		expect(queryOf(location)).toMatchObject({ name: 'contract', docid: documentId, lang: 'en', result: 'close' });
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('<h1>Thank you</h1>');
		expect(sandbox.getDocument(documentId)?.state).toBe('canceled');
	});

	it('an unknown or finished request gets a 400 page, and nothing happens', async () => {
		const { signatureRequestId } = seedRequest();
		await sandbox.sign(signatureRequestId);
		receiver.received.length = 0;

		const unknown = await fetch(`${sandbox.url}/openDocument/sr-nope`);
		const finished = await fetch(`${sandbox.url}/openDocument/${signatureRequestId}/cancel`, { method: 'POST', redirect: 'manual' });

		expect(unknown.status).toBe(400);
		expect(await unknown.text()).toContain('Signature request sr-nope does not exist');
		expect(finished.status).toBe(400);
		expect(await finished.text()).toContain('is already finished (signed)');
		expect(receiver.received).toEqual([]);
	});
});

describe('Sandbox signer in the connector dialect: callbacks in the connector’s shape', () => {
	beforeEach(() => sandbox.setDialect('connector'));
	const connectorCallback = (signatureRequestId: string, signed: boolean) => ({
		code: signed ? 'SUCCESS' : 'CANCELED',
		message: signed ? 'msg.signature.request.signed' : 'msg.signature.request.canceled',
		result: signatureRequestId,
		statusCode: 200,
		url: `${sandbox.url}/openDocument/${signatureRequestId}`,
		success: signed,
	});

	it('sign() POSTs {code, message, result, statusCode, url, success}: no document id', async () => {
		const { signatureRequestId, documentId } = seedRequest();

		const result = await sandbox.sign(signatureRequestId);

		expect(result).toMatchObject({ callbackStatus: 200, state: 'signed' });
		expect(receiver.received).toHaveLength(1);
		expect(receiver.received[0]).toMatchObject({ method: 'POST', url: '/hooks/okdokument?source=sandbox' });
		expect(receiver.received[0].headers['content-type']).toBe('application/json');
		expect(receiver.received[0].body).toBe(JSON.stringify(connectorCallback(signatureRequestId, true)));
		expect(receiver.received[0].body).not.toContain(documentId);
	});

	it('cancel() sends success: false, and the Cancel button of the signing page the same', async () => {
		const first = seedRequest({}, 'sr-cancel-1');
		const second = seedRequest({}, 'sr-cancel-2');

		await sandbox.cancel(first.signatureRequestId);
		const response = await fetch(`${sandbox.url}/openDocument/${second.signatureRequestId}/cancel`, { method: 'POST', redirect: 'manual' });

		expect(response.status).toBe(302);
		expect(receiver.received.map((callback) => JSON.parse(callback.body))).toEqual([
			connectorCallback('sr-cancel-1', false),
			connectorCallback('sr-cancel-2', false),
		]);
	});

	it('deliverCallback: false sends nothing; redeliverCallback() then sends the connector’s callback', async () => {
		const { signatureRequestId, documentId } = seedRequest();

		const signing = await sandbox.sign(signatureRequestId, { deliverCallback: false });
		expect(signing).toMatchObject({ callbackStatus: null, state: 'errorsendinfo' });
		expect(receiver.received).toHaveLength(0);

		expect(await sandbox.redeliverCallback(signatureRequestId)).toEqual({ status: 200 });
		expect(receiver.received.map((callback) => JSON.parse(callback.body))).toEqual([connectorCallback(signatureRequestId, true)]);
		expect(sandbox.getDocument(documentId)?.state).toBe('errorsendinfo');
	});
});
