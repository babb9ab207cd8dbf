import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { OkDokumentApi } from '../credentials/OkDokumentApi.credentials';
import { OkDokument } from '../nodes/OkDokument/OkDokument.node';
import { runNode } from './harness';
import { jsonOf, KNOWN_ID, OTHER_ID, pairedOf, runUpdate, sandboxCredential, useSandbox } from './support/okdokument';

const sandbox = useSandbox();

const hookFor = (id: string) => `https://hooks.example.com/signed/${id}`;

/** One item per ID, each asking for its own callback URL. */
async function updateMany(ids: string[], options: INodeParameters, onError?: 'continueErrorOutput') {
	return await runUpdate({
		credential: sandboxCredential(sandbox),
		items: ids.map((id) => ({ id })),
		parameters: {
			signatureRequestId: '={{ $json.id }}',
			sendInfoUrl: `={{ "${hookFor('')}" + $json.id }}`,
			options,
		},
		onError,
	});
}

function seedRequests(count: number): string[] {
	const ids = Array.from({ length: count }, (_, i) => `bulk-${String(i).padStart(4, '0')}`);
	for (const id of ids) sandbox.addSignatureRequest({ signatureRequestId: id });
	return ids;
}

describe('500 items against 20% transient faults (429 with Retry-After, 503, dropped connections)', () => {
	it('with retries, every item succeeds exactly once, in order, and the sandbox holds what was asked', async () => {
		const ids = seedRequests(500);
		sandbox.setChaos({ rate: 0.2, seed: 7, retryAfterSeconds: 0 });

		const result = await updateMany(ids, { retryDelay: 5, maxAttempts: 6 }, 'continueErrorOutput');

		const faults = sandbox.requests.filter((request) => request.fault);
		expect(faults.length).toBeGreaterThan(60);
		expect(new Set(faults.map((request) => request.fault))).toEqual(new Set(['chaos:429', 'chaos:503', 'chaos:drop']));
		expect(sandbox.requests).toHaveLength(500 + faults.length);

		expect(jsonOf(result, 1)).toEqual([]);
		expect(jsonOf(result, 0).map((json) => json.result)).toEqual(ids);
		expect(pairedOf(result, 0)).toEqual(ids.map((_, item) => ({ item })));
		for (const id of ids) expect(sandbox.getSignatureRequest(id)?.sendInfoURL).toBe(hookFor(id));
		// Each ID was applied once: successful PATCHes per ID, faults excluded.
		const applied = sandbox.requests.filter((request) => !request.fault).map((request) => (request.body as IDataObject).signatureRequestId);
		expect(applied.sort()).toEqual([...ids].sort());
	});

	it('without retries, the failed items go to the error output and the others succeed', async () => {
		const ids = seedRequests(500);
		sandbox.setChaos({ rate: 0.2, seed: 7, retryAfterSeconds: 0 });

		const result = await updateMany(ids, { retry: false }, 'continueErrorOutput');

		const failedIds = sandbox.requests.filter((request) => request.fault).map((request) => (request.body as IDataObject).signatureRequestId);
		expect(failedIds.length).toBeGreaterThan(60);
		expect(sandbox.requests).toHaveLength(500);
		const failedSet = new Set(failedIds);
		expect(jsonOf(result, 0).map((json) => json.result)).toEqual(ids.filter((id) => !failedSet.has(id)));
		expect(jsonOf(result, 1).map((json) => json.id)).toEqual(ids.filter((id) => failedSet.has(id)));
		expect(jsonOf(result, 1).map((json) => json.error)).toEqual(
			expect.arrayContaining([
				'OKdokument is receiving too many requests (HTTP 429: err.too.many.requests)',
				'OKdokument failed to process the request (HTTP 503: err.service.unavailable)',
				`Could not reach OKdokument at ${sandbox.url}: the connection was closed before OKdokument answered`,
			]),
		);
		const pairs = [...(result.outputs[0] ?? []), ...(result.outputs[1] ?? [])].map((item) => (item.pairedItem as { item: number }).item);
		expect(pairs.sort((a, b) => a - b)).toEqual(ids.map((_, item) => item));
		for (const id of ids) expect(sandbox.getSignatureRequest(id)?.sendInfoURL).toBe(failedSet.has(id) ? '' : hookFor(id));
	});
});

describe('retries', () => {
	const once = { signatureRequestId: KNOWN_ID, resultUrl: 'https://example.com/' };
	const run = async (options: INodeParameters) =>
		await runUpdate({ credential: sandboxCredential(sandbox), parameters: { ...once, options } });

	it.each([
		['429', { type: 'status', status: 429 }],
		['500, since an update sends the same body again', { type: 'status', status: 500 }],
		['502', { type: 'html', status: 502 }],
		['503', { type: 'empty', status: 503 }],
		['504', { type: 'status', status: 504 }],
		['a dropped connection', { type: 'drop' }],
		['a timeout', { type: 'delay', ms: 1500 }],
	] as const)('retries %s, then succeeds', async (_name, fault) => {
		sandbox.setFault({ ...fault, times: 2 });
		const result = await run({ retryDelay: 1, timeout: 500 });

		expect(result.error).toBeUndefined();
		expect(sandbox.requests).toHaveLength(3);
		expect(jsonOf(result)).toEqual([{ message: 'msg.updated', result: KNOWN_ID, url: `${sandbox.url}/${KNOWN_ID}` }]);
	});

	it.each([
		['400', { signatureRequestId: 'unknown-id' }, undefined],
		['401', {}, { apiKey: 'wrong' }],
		['403', {}, { apiKey: '2d8f6b4a0_0f1e2d3c4b5a69788796a5b4c3d2e1f0' }],
	])('never retries %s', async (_status, parameters, credential) => {
		const result = await runUpdate({
			credential: sandboxCredential(sandbox, credential ?? {}),
			parameters: { ...once, ...parameters, options: { retryDelay: 1 } },
		});

		expect(result.error?.message).not.toMatch(/attempts/);
		expect(sandbox.requests).toHaveLength(1);
	});

	it('says how many attempts were made when it gives up', async () => {
		sandbox.setFault({ type: 'status', status: 503 });
		const result = await run({ retryDelay: 1, maxAttempts: 4 });

		expect(result.error).toMatchObject({
			message: 'OKdokument failed to process the request (HTTP 503: err.internal) (after 4 attempts)',
			httpCode: '503',
			context: { attempts: 4, itemIndex: 0 },
			failure: { cause: 'temporarily-unavailable' },
		});
		expect(sandbox.requests).toHaveLength(4);
	});

	it('honours Retry-After in seconds', async () => {
		sandbox.setChaos({ rate: 1, kinds: ['429'], retryAfterSeconds: 1 });
		setTimeout(() => sandbox.setChaos(undefined), 300);
		const result = await run({ retryDelay: 1 });

		expect(result.error).toBeUndefined();
		const [first, second] = sandbox.requests;
		expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(950);
	});

	it('does not wait for a Retry-After beyond one minute: a rate-limited failure with the hint', async () => {
		sandbox.setChaos({ rate: 1, kinds: ['429'], retryAfterSeconds: 120 });
		const result = await run({ retryDelay: 1 });

		expect(result.error).toMatchObject({
			httpCode: '429',
			failure: { cause: 'rate-limited', retryAfterMs: 120_000 },
		});
		expect(result.error?.description).toMatch(/^OKdokument asked to wait 120 s, longer than the node waits \(60 s\)\./);
		expect(sandbox.requests).toHaveLength(1);
	});

	it('stops waiting for the next attempt when the execution is cancelled', async () => {
		sandbox.setFault({ type: 'status', status: 503 });
		const started = Date.now();
		const result = await runNode({
			nodeTypes: [OkDokument],
			credentialTypes: [OkDokumentApi],
			node: {
				type: 'okDokument',
				parameters: { resource: 'signatureRequest', operation: 'update', ...once, options: { retryDelay: 20_000 } },
			},
			credentials: { okDokumentApi: sandboxCredential(sandbox) },
			items: [{ json: {} }],
			cancelAfterMs: 500,
		});

		expect(Date.now() - started).toBeLessThan(8_000);
		expect(sandbox.requests).toHaveLength(1);
		expect(result.run.status).toBe('canceled');
	});

	it('with retries off, a transient failure fails at once', async () => {
		sandbox.setFault({ type: 'status', status: 503 });
		const result = await run({ retry: false });

		expect(result.error?.message).toBe('OKdokument failed to process the request (HTTP 503: err.internal)');
		expect(sandbox.requests).toHaveLength(1);
	});
});

describe('requests in parallel', () => {
	it.each([
		[1, 1],
		[3, 3],
		[undefined, 5],
	])('concurrency %s keeps at most %s requests in flight, and the output in input order', async (concurrency, expected) => {
		const ids = seedRequests(12);
		sandbox.setLatency(40);
		const result = await updateMany(ids, concurrency === undefined ? {} : { concurrency });

		expect(sandbox.maxConcurrentRequests).toBe(expected);
		expect(jsonOf(result).map((json) => json.result)).toEqual(ids);
		expect(pairedOf(result)).toEqual(ids.map((_, item) => ({ item })));
	});

	it('keeps the output in input order when answers arrive out of order', async () => {
		const ids = seedRequests(4);
		// The first two requests answer late, so items 2 and 3 finish first.
		sandbox.setFault({ type: 'delay', ms: 200, times: 2 });
		const result = await updateMany(ids, { concurrency: 4 });

		expect(sandbox.requests.map((request) => (request.body as IDataObject).signatureRequestId).slice(0, 2).sort()).toEqual(
			ids.slice(0, 2),
		);
		expect(jsonOf(result).map((json) => json.result)).toEqual(ids);
	});
});

describe('options are read for each item when they are expressions, once when they are not', () => {
	const idsOf = (requests: typeof sandbox.requests) =>
		requests.map((request) => (request.body as IDataObject).signatureRequestId);
	const twoItems = async (items: IDataObject[], options: INodeParameters) =>
		await runUpdate({
			credential: sandboxCredential(sandbox),
			items,
			parameters: { signatureRequestId: '={{ $json.id }}', resultUrl: 'https://example.com/', options },
			onError: 'continueErrorOutput',
		});

	it('each item retries as its own Max Attempts expression says, with the fixed Retry Delay', async () => {
		sandbox.setFault({ type: 'status', status: 503 });
		const result = await twoItems(
			[
				{ id: KNOWN_ID, attempts: 2 },
				{ id: OTHER_ID, attempts: 4 },
			],
			{ concurrency: 1, retryDelay: 1, maxAttempts: '={{ $json.attempts }}' },
		);

		expect(idsOf(sandbox.requests)).toEqual([KNOWN_ID, KNOWN_ID, OTHER_ID, OTHER_ID, OTHER_ID, OTHER_ID]);
		expect(jsonOf(result, 1).map((json) => json.error)).toEqual([
			'OKdokument failed to process the request (HTTP 503: err.internal) (after 2 attempts)',
			'OKdokument failed to process the request (HTTP 503: err.internal) (after 4 attempts)',
		]);
	});

	it('each item waits as long as its own Timeout expression says', async () => {
		sandbox.setFault({ type: 'delay', ms: 600 });
		const result = await twoItems(
			[
				{ id: KNOWN_ID, timeout: 200 },
				{ id: OTHER_ID, timeout: 5000 },
			],
			{ concurrency: 1, retry: false, timeout: '={{ $json.timeout }}' },
		);

		expect(jsonOf(result, 1).map((json) => json.error)).toEqual([
			`Could not reach OKdokument at ${sandbox.url}: no answer came within 200 ms`,
		]);
		expect(jsonOf(result, 0).map((json) => json.result)).toEqual([OTHER_ID]);
	});

	it('fixed options apply to every item, not only to the one that read them', async () => {
		sandbox.setFault({ type: 'status', status: 503 });
		const result = await twoItems([{ id: KNOWN_ID }, { id: OTHER_ID }], { concurrency: 1, retryDelay: 1, maxAttempts: 2 });

		expect(idsOf(sandbox.requests)).toEqual([KNOWN_ID, KNOWN_ID, OTHER_ID, OTHER_ID]);
		expect(jsonOf(result, 1).map((json) => json.error)).toEqual([
			'OKdokument failed to process the request (HTTP 503: err.internal) (after 2 attempts)',
			'OKdokument failed to process the request (HTTP 503: err.internal) (after 2 attempts)',
		]);
	});
});
