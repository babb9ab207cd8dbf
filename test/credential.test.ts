import { OkDokumentApi } from '../credentials/OkDokumentApi.credentials';
import { API_KEY, FORBIDDEN_KEY, KNOWN_ID, runUpdate, useOtherHost, useSandbox } from './support/okdokument';
import { resolveCredentialTestRequest, testCredential } from './harness';

const sandbox = useSandbox();
const elsewhere = useOtherHost({ count: 1 });

describe('OKdokument API credential', () => {
	it('declares the public contract: type name and property names', () => {
		const credential = new OkDokumentApi();
		expect(credential.name).toBe('okDokumentApi');
		expect(credential.displayName).toBe('OKdokument API');
		expect(credential.properties.map((property) => property.name)).toEqual(['apiKey', 'environment', 'baseUrl']);
		expect(credential.properties[0].typeOptions).toEqual({ password: true });
	});

	it('authenticates with the key as it is in x-api-key, keeping the request’s other headers', async () => {
		const { authenticate } = new OkDokumentApi();
		if (typeof authenticate !== 'function') throw new Error('authenticate is not a function');
		const request = { url: '/JSON/counter', method: 'GET' as const, headers: { accept: 'application/json' } };

		const authenticated = await authenticate({ apiKey: API_KEY, environment: 'production' }, request);

		expect(authenticated).toEqual({ ...request, headers: { accept: 'application/json', 'x-api-key': API_KEY } });
		// The key does not stay behind in the options the node keeps for a retry.
		expect(request.headers).toEqual({ accept: 'application/json' });
		// As n8n's generic `={{$credentials.apiKey}}` resolved it: an empty header when there is no key.
		expect((await authenticate({ environment: 'production' }, { url: '/' })).headers).toEqual({ 'x-api-key': '' });
	});

	it('test passes for a good key, reading the usage counter with it', async () => {
		const result = await testCredential(OkDokumentApi, { apiKey: API_KEY, environment: 'custom', baseUrl: sandbox.url });

		expect(result.status).toBe('OK');
		expect(sandbox.requests.map((request) => [request.method, request.path, request.headers['x-api-key']])).toEqual([
			['GET', '/JSON/counter', API_KEY],
		]);
	});

	it('test fails for a wrong key, and says why', async () => {
		const result = await testCredential(OkDokumentApi, { apiKey: 'not-the-key', environment: 'custom', baseUrl: sandbox.url });

		expect(result).toEqual({
			status: 'Error',
			message: 'OKdokument rejected the API key (401). Check the key, and that it belongs to the selected environment.',
		});
	});

	it('test fails for a key without API access, and says why', async () => {
		const result = await testCredential(OkDokumentApi, { apiKey: FORBIDDEN_KEY, environment: 'custom', baseUrl: sandbox.url });

		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/does not allow it to use the API \(403\)/);
	});

	it('test fails on a redirect, says so, and sends the key nowhere else', async () => {
		sandbox.setFault({ type: 'redirect', status: 302, location: `${elsewhere.url}/JSON/counter` });
		const result = await testCredential(OkDokumentApi, { apiKey: API_KEY, environment: 'custom', baseUrl: sandbox.url });

		expect(elsewhere.reached).toEqual([]);
		expect(result).toEqual({
			status: 'Error',
			message:
				'OKdokument answered with a redirect (302). The API key is only sent to the address set here: choose the matching environment, or enter the address OKdokument has now as the Base URL.',
		});
	});

	it.each([
		['production', {}, 'https://api.okdokument.com'],
		['development', {}, 'https://apidev.okdokument.com'],
		['custom', { baseUrl: 'http://127.0.0.1:8787' }, 'http://127.0.0.1:8787'],
		['custom', { baseUrl: ' http://127.0.0.1:8787/ ' }, 'http://127.0.0.1:8787'],
	])('test request for the %s environment goes to %j → %s/JSON/counter', async (environment, extra, baseURL) => {
		const request = await resolveCredentialTestRequest(OkDokumentApi, { apiKey: API_KEY, environment, ...extra });

		expect(request).toMatchObject({ baseURL, url: '/JSON/counter', method: 'GET' });
	});
});

describe('the node reaches the environment the credential names', () => {
	it.each([
		['production', 'https://api.okdokument.com'],
		['development', 'https://apidev.okdokument.com'],
	])('%s → %s', async (environment, baseUrl) => {
		// No network here: the failure names where the node tried to go.
		const result = await runUpdate({
			credential: { apiKey: API_KEY, environment },
			parameters: { signatureRequestId: KNOWN_ID, resultUrl: 'https://example.com/', options: { timeout: 3000 } },
		});

		expect(result.error?.message).toMatch(new RegExp(`^Could not reach OKdokument at ${baseUrl.replace(/\./g, '\\.')}: `));
	});

	it('custom → the Base URL', async () => {
		const result = await runUpdate({
			credential: { apiKey: API_KEY, environment: 'custom', baseUrl: sandbox.url },
			parameters: { signatureRequestId: KNOWN_ID, resultUrl: 'https://example.com/' },
		});

		expect(result.error).toBeUndefined();
		expect(sandbox.requests).toHaveLength(1);
	});
});
