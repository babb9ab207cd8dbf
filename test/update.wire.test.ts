import { API_KEY, jsonOf, KNOWN_ID, OTHER_ID, pairedOf, runUpdate, sandboxCredential, useSandbox } from './support/okdokument';

const sandbox = useSandbox();

describe('Signature Request → Update on the wire', () => {
	it('sends PATCH /JSON/signatureRequest with the key, JSON content type and exactly the documented body', async () => {
		const result = await runUpdate({
			credential: sandboxCredential(sandbox),
			parameters: {
				signatureRequestId: KNOWN_ID,
				sendInfoUrl: 'https://n8n.example.com/webhook-waiting/42',
				resultUrl: 'https://example.com/thank-you?from=okdokument',
			},
		});

		expect(result.error).toBeUndefined();
		expect(sandbox.requests).toHaveLength(1);
		const [request] = sandbox.requests;
		expect(request.method).toBe('PATCH');
		expect(request.path).toBe('/JSON/signatureRequest');
		expect(request.query).toEqual({});
		expect(request.headers['x-api-key']).toBe(API_KEY);
		expect(request.headers['content-type']).toMatch(/^application\/json\b/);
		expect(request.rawBody).toBe(
			JSON.stringify({
				signatureRequestId: KNOWN_ID,
				sendInfoURL: 'https://n8n.example.com/webhook-waiting/42',
				resulturl: 'https://example.com/thank-you?from=okdokument',
			}),
		);

		expect(jsonOf(result)).toEqual([
			{ message: 'msg.updated', result: KNOWN_ID, url: `${sandbox.url}/${KNOWN_ID}` },
		]);
		expect(pairedOf(result)).toEqual([{ item: 0 }]);
		expect(sandbox.getSignatureRequest(KNOWN_ID)).toMatchObject({
			sendInfoURL: 'https://n8n.example.com/webhook-waiting/42',
			resulturl: 'https://example.com/thank-you?from=okdokument',
		});
	});

	it('omits an empty Result URL from the body instead of sending it empty', async () => {
		sandbox.addSignatureRequest({ signatureRequestId: KNOWN_ID, resulturl: 'https://keep.example.com/' });
		await runUpdate({
			credential: sandboxCredential(sandbox),
			parameters: { signatureRequestId: KNOWN_ID, sendInfoUrl: 'https://hooks.example.com/a', resultUrl: '' },
		});

		expect(sandbox.requests.map((request) => request.rawBody)).toEqual([
			JSON.stringify({ signatureRequestId: KNOWN_ID, sendInfoURL: 'https://hooks.example.com/a' }),
		]);
		expect(sandbox.getSignatureRequest(KNOWN_ID)?.resulturl).toBe('https://keep.example.com/');
	});

	it('omits an empty Send Info URL, and trims every value', async () => {
		await runUpdate({
			credential: sandboxCredential(sandbox),
			parameters: {
				signatureRequestId: `  ${KNOWN_ID}\n`,
				sendInfoUrl: '   ',
				resultUrl: ' https://example.com/done ',
			},
		});

		expect(sandbox.requests.map((request) => request.body)).toEqual([
			{ signatureRequestId: KNOWN_ID, resulturl: 'https://example.com/done' },
		]);
	});

	it('evaluates expressions per item and answers one item per input item, in order, with pairedItem', async () => {
		const result = await runUpdate({
			credential: sandboxCredential(sandbox),
			items: [
				{ id: KNOWN_ID, customer: 'alice' },
				{ id: OTHER_ID, customer: 'bob' },
				{ id: KNOWN_ID, customer: 'carol' },
			],
			parameters: {
				signatureRequestId: '={{ $json.id }}',
				sendInfoUrl: '={{ "https://hooks.example.com/signed/" + $json.customer }}',
				resultUrl: '={{ "https://example.com/thanks?c=" + $json.customer + "&i=" + $itemIndex }}',
			},
		});

		expect(result.error).toBeUndefined();
		expect(sandbox.requests.map((request) => request.body)).toEqual([
			{ signatureRequestId: KNOWN_ID, sendInfoURL: 'https://hooks.example.com/signed/alice', resulturl: 'https://example.com/thanks?c=alice&i=0' },
			{ signatureRequestId: OTHER_ID, sendInfoURL: 'https://hooks.example.com/signed/bob', resulturl: 'https://example.com/thanks?c=bob&i=1' },
			{ signatureRequestId: KNOWN_ID, sendInfoURL: 'https://hooks.example.com/signed/carol', resulturl: 'https://example.com/thanks?c=carol&i=2' },
		]);
		expect(jsonOf(result).map((json) => json.result)).toEqual([KNOWN_ID, OTHER_ID, KNOWN_ID]);
		expect(pairedOf(result)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(sandbox.getSignatureRequest(KNOWN_ID)?.sendInfoURL).toBe('https://hooks.example.com/signed/carol');
	});

	it('accepts IDs that are not UUIDs, as callers may choose their own', async () => {
		sandbox.addSignatureRequest({ signatureRequestId: 'ORDER-2026/11#7' });
		const result = await runUpdate({
			credential: sandboxCredential(sandbox),
			parameters: { signatureRequestId: 'ORDER-2026/11#7', resultUrl: 'http://intranet.local/done' },
		});

		expect(result.error).toBeUndefined();
		expect(sandbox.requests[0].body).toEqual({ signatureRequestId: 'ORDER-2026/11#7', resulturl: 'http://intranet.local/done' });
	});

	it('joins a custom base URL that ends in slashes without producing //JSON', async () => {
		const result = await runUpdate({
			credential: sandboxCredential(sandbox, { baseUrl: `${sandbox.url}//` }),
			parameters: { signatureRequestId: KNOWN_ID, resultUrl: 'https://example.com/' },
		});

		expect(result.error).toBeUndefined();
		expect(sandbox.requests.map((request) => request.path)).toEqual(['/JSON/signatureRequest']);
	});
});
