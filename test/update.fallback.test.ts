import type { INodeParameters } from 'n8n-workflow';

import { eachDialect, jsonOf, KNOWN_ID, OTHER_ID, pairedOf, runUpdate, sandboxCredential, useSandbox } from './support/okdokument';

/**
 * Update where OKdokument does not allow PATCH: the connector's dialect answers 405 and offers
 * POST /JSON/signatureRequest/{id} with {"sendInfoURL": …} instead (sandbox/README.md).
 */
const sandbox = useSandbox();

const HOOK = 'https://n8n.example.com/webhook-waiting/42';
const AFTER_PATCH_REFUSED =
	'OKdokument refused PATCH /JSON/signatureRequest (HTTP 405), so the Send Info URL was sent with POST /JSON/signatureRequest/{id} instead, which failed.';

async function update(parameters: INodeParameters, items?: Array<{ id: string }>) {
	return await runUpdate({
		credential: sandboxCredential(sandbox),
		parameters: { options: { concurrency: 1 }, ...parameters },
		...(items ? { items } : {}),
	});
}

const sent = () => sandbox.requests.map((request) => `${request.method} ${request.path} ${request.rawBody}`);

eachDialect(sandbox, 'Update of the Send Info URL alone', (dialect) => {
	it('the wiki: one PATCH, as documented; the connector: PATCH answers 405, then once POST /JSON/signatureRequest/{id}', async () => {
		const result = await update({ signatureRequestId: KNOWN_ID, sendInfoUrl: HOOK });

		expect(result.error).toBeUndefined();
		const patch = `PATCH /JSON/signatureRequest ${JSON.stringify({ signatureRequestId: KNOWN_ID, sendInfoURL: HOOK })}`;
		if (dialect === 'wiki') {
			expect(sent()).toEqual([patch]);
			expect(jsonOf(result)).toEqual([{ message: 'msg.updated', result: KNOWN_ID, url: `${sandbox.url}/${KNOWN_ID}` }]);
		} else {
			expect(sent()).toEqual([patch, `POST /JSON/signatureRequest/${KNOWN_ID} ${JSON.stringify({ sendInfoURL: HOOK })}`]);
			expect(sandbox.requests[1].headers['content-type']).toMatch(/^application\/json\b/);
			expect(jsonOf(result)).toEqual([{ code: 'SUCCESS', message: 'msg.updated', result: KNOWN_ID, statusCode: 200, success: true }]);
		}
		expect(pairedOf(result)).toEqual([{ item: 0 }]);
		expect(sandbox.getSignatureRequest(KNOWN_ID)?.sendInfoURL).toBe(HOOK);
	});

	it('an unknown request: OKdokument’s 400 from whichever call answered it, with the item', async () => {
		const result = await update({ signatureRequestId: '={{ $json.id }}', sendInfoUrl: HOOK }, [{ id: OTHER_ID }, { id: 'sr-nope' }]);

		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '400', context: { itemIndex: 1 } });
		expect(result.error?.description).toMatch(/does not exist, was deleted, or has expired/);
		if (dialect === 'wiki') {
			expect(result.error?.message).toBe('View ID does not exist: sr-nope');
			expect(sent()).toHaveLength(2);
		} else {
			expect(result.error).toMatchObject({
				message: 'OKdokument rejected the request (HTTP 400: err.signature.request.not.exist)',
				context: { data: { code: 'BAD_REQUEST', message: 'err.signature.request.not.exist', result: 'sr-nope', statusCode: 400, success: false } },
			});
			expect(result.error?.description?.startsWith(AFTER_PATCH_REFUSED)).toBe(true);
			expect(sent().map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual([
				'PATCH /JSON/signatureRequest',
				`POST /JSON/signatureRequest/${OTHER_ID}`,
				'PATCH /JSON/signatureRequest',
				'POST /JSON/signatureRequest/sr-nope',
			]);
		}
	});
});

describe('Update with a Result URL where PATCH is not allowed (connector dialect)', () => {
	beforeEach(() => sandbox.setDialect('connector'));

	it.each<[string, INodeParameters]>([
		['with a Send Info URL', { sendInfoUrl: HOOK, resultUrl: 'https://example.com/thanks' }],
		['alone', { resultUrl: 'https://example.com/thanks' }],
	])('fails %s with OKdokument’s 405 and says why the fallback cannot carry it; nothing else is sent', async (_case, urls) => {
		const result = await update({ signatureRequestId: KNOWN_ID, ...urls });

		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'OKdokument does not allow PATCH here (HTTP 405), and the Result URL cannot be changed any other way',
			httpCode: '405',
			context: {
				itemIndex: 0,
				data: { code: 'METHOD_NOT_ALLOWED', message: 'err.method.not.allowed', result: 'PATCH', statusCode: 405, success: false },
			},
		});
		expect(result.error?.description).toMatch(
			/POST \/JSON\/signatureRequest\/\{id\} \(the one OKdokument’s Power Automate connector uses\), carries only the Send Info URL, so the Result URL cannot be changed here\. Leave Result URL empty/,
		);
		expect(sent()).toHaveLength(1);
		expect(sandbox.getSignatureRequest(KNOWN_ID)).toMatchObject({ sendInfoURL: '', resulturl: '' });
	});
});

describe('the fallback is taken once, and only for a 405', () => {
	it('a 405 to the fallback too ends there, naming both calls', async () => {
		sandbox.setFault({ type: 'status', status: 405, times: 2, body: { message: 'err.method.not.allowed', value: '' } });
		const result = await update({ signatureRequestId: KNOWN_ID, sendInfoUrl: HOOK });

		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '405', context: { itemIndex: 0 } });
		expect(result.error?.description?.startsWith(AFTER_PATCH_REFUSED)).toBe(true);
		expect(sent().map((line) => line.split(' ')[0])).toEqual(['PATCH', 'POST']);
	});

	it.each([400, 404, 409, 501])('a %i to PATCH is reported as it is, without a second call', async (status) => {
		sandbox.setFault({ type: 'status', status, body: { message: 'err.x', value: KNOWN_ID } });
		const result = await update({ signatureRequestId: KNOWN_ID, sendInfoUrl: HOOK, options: { retry: false } });

		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: String(status), context: { itemIndex: 0, data: { message: 'err.x', value: KNOWN_ID } } });
		expect(result.error?.description).not.toContain('405');
		expect(sent().map((line) => line.split(' ')[0])).toEqual(['PATCH']);
	});
});
