import { createServer, type Server } from 'node:net';

import { FORBIDDEN_KEY, KNOWN_ID, runUpdate, sandboxCredential, useOtherHost, useSandbox } from './support/okdokument';

const sandbox = useSandbox();

/**
 * Two items, sent one after the other and without retries, so that each failure is seen
 * as the first attempt reports it (retries have their own tests).
 */
async function runTwoItems(credentialOverrides = {}, secondId = KNOWN_ID, options = {}) {
	return await runUpdate({
		credential: sandboxCredential(sandbox, credentialOverrides),
		items: [{ id: KNOWN_ID }, { id: secondId }],
		parameters: {
			signatureRequestId: '={{ $json.id }}',
			resultUrl: 'https://example.com/done',
			options: { concurrency: 1, retry: false, ...options },
		},
	});
}

describe('HTTP failures become NodeApiErrors that carry OKdokument’s report', () => {
	it('400: the API’s own text, what to check, httpCode, the item and the JSON report', async () => {
		const result = await runTwoItems({}, 'no-such-request');

		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'View ID does not exist: no-such-request',
			httpCode: '400',
			context: {
				itemIndex: 1,
				data: { message: 'View ID does not exist: no-such-request', value: 'no-such-request' },
			},
		});
		expect(result.error?.description).toMatch(/does not exist, was deleted, or has expired.*Check the Signature Request ID/);
		expect(sandbox.requests).toHaveLength(2);
	});

	it('401: a wrong key points at the credential', async () => {
		const result = await runTwoItems({ apiKey: 'wrong-key-123' });

		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'OKdokument rejected the API key (HTTP 401: err.unauthorized)',
			httpCode: '401',
			context: { itemIndex: 0, data: { message: 'err.unauthorized' } },
		});
		expect(result.error?.description).toMatch(/Check the API key and the environment in the OKdokument credential/);
	});

	it('403: a key without permission says so', async () => {
		const result = await runTwoItems({ apiKey: FORBIDDEN_KEY });

		expect(result.error).toMatchObject({
			message: 'This API key is not allowed to do that (HTTP 403: err.forbidden)',
			httpCode: '403',
			context: { itemIndex: 0, data: { message: 'err.forbidden' } },
		});
		expect(result.error?.description).toMatch(/lacks permission/);
	});

	it('500 with a JSON report: OKdokument’s failure, retrying may help', async () => {
		sandbox.setFault({ type: 'status', status: 500, body: { message: 'err.internal', value: 'db' } });
		const result = await runTwoItems();

		expect(result.error).toMatchObject({
			message: 'OKdokument failed to process the request (HTTP 500: err.internal)',
			httpCode: '500',
			context: { itemIndex: 0, data: { message: 'err.internal', value: 'db' } },
		});
		expect(result.error?.description).toMatch(/on OKdokument’s side.*Retrying later may help/);
	});

	it('502 with a proxy’s HTML page: named as such, never a JSON parse message', async () => {
		sandbox.setFault({ type: 'html', status: 502 });
		const result = await runTwoItems();

		expect(result.error).toMatchObject({
			message: 'OKdokument failed to process the request (HTTP 502)',
			httpCode: '502',
			context: { itemIndex: 0 },
		});
		expect(result.error?.description).toMatch(/an HTML page \("502 Bad Gateway"\) instead of a JSON report/);
		expect(JSON.stringify(result.error)).not.toMatch(/Unexpected token|JSON\.parse|is not valid JSON/);
	});

	it('an error status with an empty body says the body was empty', async () => {
		sandbox.setFault({ type: 'empty', status: 503 });
		const result = await runTwoItems();

		expect(result.error).toMatchObject({ message: 'OKdokument failed to process the request (HTTP 503)', httpCode: '503' });
		expect(result.error?.description).toMatch(/^The answer had an empty body instead of a JSON report\./);
	});

	it('a 200 whose body is not JSON fails the item instead of passing text along', async () => {
		sandbox.setFault({ type: 'text', status: 200, body: 'OK, maybe' });
		const result = await runTwoItems();

		expect(result.error).toMatchObject({
			message: 'OKdokument answered HTTP 200 but the answer could not be read',
			httpCode: '200',
			context: { itemIndex: 0 },
		});
		expect(result.error?.description).toMatch(/The answer was not JSON: "OK, maybe"/);
	});

	it('a failure on the second item names item 1', async () => {
		// Faults apply in order: the first request passes (a delay of 0), the second gets a 500.
		sandbox.setFault({ type: 'delay', ms: 0, times: 1 });
		sandbox.setFault({ type: 'status', status: 500, times: 1 });
		const result = await runTwoItems();

		expect(result.error).toMatchObject({ httpCode: '500', context: { itemIndex: 1 } });
	});
});

describe('No answer at all: network failures name the base URL and the cause', () => {
	let closedPort: number;
	beforeAll(async () => {
		// A port that was just free: nothing listens there.
		const probe: Server = createServer();
		await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
		closedPort = (probe.address() as { port: number }).port;
		await new Promise<void>((resolve) => probe.close(() => resolve()));
	});

	it('connection refused', async () => {
		const baseUrl = `http://127.0.0.1:${closedPort}`;
		const result = await runTwoItems({ baseUrl });

		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: `Could not reach OKdokument at ${baseUrl}: the connection was refused (nothing is listening at that address)`,
			context: { itemIndex: 0 },
		});
		expect(result.error?.description).toMatch(/ECONNREFUSED.*Check the environment or base URL in the OKdokument credential/);
	});

	it('connection dropped without an answer', async () => {
		sandbox.setFault({ type: 'drop' });
		const result = await runTwoItems();

		expect(result.error?.message).toBe(
			`Could not reach OKdokument at ${sandbox.url}: the connection was closed before OKdokument answered`,
		);
		expect(result.error?.context).toMatchObject({ itemIndex: 0 });
	});

	it('a host name that does not resolve', async () => {
		const result = await runTwoItems({ baseUrl: 'http://okdokument.invalid' }, KNOWN_ID, { timeout: 5000 });

		expect(result.error?.message).toMatch(
			/^Could not reach OKdokument at http:\/\/okdokument\.invalid: the host name could not be resolved/,
		);
	});

	it('no answer within the timeout option', async () => {
		sandbox.setFault({ type: 'delay', ms: 3000 });
		const started = Date.now();
		const result = await runTwoItems({}, KNOWN_ID, { timeout: 300 });

		expect(result.error?.message).toBe(`Could not reach OKdokument at ${sandbox.url}: no answer came within 300 ms`);
		expect(result.error?.description).toMatch(/raise the timeout in the node options/);
		expect(Date.now() - started).toBeLessThan(2500);
	});
});

describe('A redirect is not followed: the API key goes nowhere but to the base URL', () => {
	// It answers as OKdokument would, so a followed redirect would pass as a success.
	const elsewhere = useOtherHost({ message: 'msg.updated', result: 'elsewhere' });

	it.each([301, 307, 308])('HTTP %i: an error naming where it pointed, nothing sent there, no retry', async (status) => {
		const location = `${elsewhere.url}/JSON/signatureRequest`;
		sandbox.setFault({ type: 'redirect', status, location });
		const result = await runUpdate({
			credential: sandboxCredential(sandbox),
			items: [{ id: KNOWN_ID }],
			parameters: { signatureRequestId: '={{ $json.id }}', resultUrl: 'https://example.com/done' },
		});

		// Followed, the redirect would carry the key there: only Authorization and Cookie are dropped across hosts.
		expect(elsewhere.reached).toEqual([]);
		expect(sandbox.requests).toHaveLength(1);
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: `OKdokument answered with a redirect (HTTP ${status})`,
			httpCode: String(status),
			context: { itemIndex: 0 },
		});
		expect(result.error?.description).toBe(
			`The node does not follow redirects, so that the API key is only ever sent to the base URL of the OKdokument credential, not to ${location}. If OKdokument has moved, choose the matching environment or enter the new address as the Base URL; if a proxy in between redirects, check its settings.`,
		);
	});
});
