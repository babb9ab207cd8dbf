import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { API_KEY, jsonOf, KNOWN_ID, OTHER_ID, pairedOf, runOperation, sandboxCredential, useSandbox } from './support/okdokument';

const sandbox = useSandbox();

async function deleteRequest(parameters: INodeParameters, items?: IDataObject[], onError?: 'continueErrorOutput') {
	return await runOperation({
		credential: sandboxCredential(sandbox),
		resource: 'signatureRequest',
		operation: 'delete',
		parameters,
		items,
		onError,
	});
}

describe('Signature Request → Delete', () => {
	it('sends DELETE /JSON/signatureRequest/{id} without a body and reports the deletion', async () => {
		const result = await deleteRequest({ signatureRequestId: ` ${KNOWN_ID} ` });

		expect(result.error).toBeUndefined();
		expect(sandbox.requests).toHaveLength(1);
		const [request] = sandbox.requests;
		expect(request.method).toBe('DELETE');
		expect(request.path).toBe(`/JSON/signatureRequest/${KNOWN_ID}`);
		expect(request.query).toEqual({});
		expect(request.headers['x-api-key']).toBe(API_KEY);
		expect(request.rawBody).toBe('');

		expect(jsonOf(result)).toEqual([{ signatureRequestId: KNOWN_ID, deleted: true, message: 'msg.deleted' }]);
		expect(pairedOf(result)).toEqual([{ item: 0 }]);
		expect(sandbox.getSignatureRequest(KNOWN_ID)).toBeUndefined();
		expect(sandbox.getSignatureRequest(OTHER_ID)).toBeDefined();
	});

	it('encodes an ID with reserved characters as one path segment', async () => {
		sandbox.addSignatureRequest({ signatureRequestId: 'ORDER-2026/11#7?x' });
		const result = await deleteRequest({ signatureRequestId: 'ORDER-2026/11#7?x' });

		expect(result.error).toBeUndefined();
		expect(sandbox.requests[0].path).toBe('/JSON/signatureRequest/ORDER-2026%2F11%237%3Fx');
		expect(sandbox.getSignatureRequest('ORDER-2026/11#7?x')).toBeUndefined();
	});

	it('deletes one request per input item, in order, with pairedItem', async () => {
		const result = await deleteRequest({ signatureRequestId: '={{ $json.id }}' }, [{ id: KNOWN_ID }, { id: OTHER_ID }]);

		expect(sandbox.requests.map((request) => request.path).sort()).toEqual(
			[`/JSON/signatureRequest/${KNOWN_ID}`, `/JSON/signatureRequest/${OTHER_ID}`].sort(),
		);
		expect(jsonOf(result).map((json) => json.signatureRequestId)).toEqual([KNOWN_ID, OTHER_ID]);
		expect(pairedOf(result)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('400 err.signature.request.not.exist: an unknown, already deleted or expired ID', async () => {
		const result = await deleteRequest({ signatureRequestId: 'sr-gone' });

		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'OKdokument rejected the request (HTTP 400: err.signature.request.not.exist)',
			httpCode: '400',
			context: { itemIndex: 0, data: { message: 'err.signature.request.not.exist', value: 'sr-gone' } },
		});
		expect(result.error?.description).toMatch(/^The signature request does not exist, was deleted, or has expired/);
	});

	it('a second Delete of the same ID fails: the first one removed it', async () => {
		await deleteRequest({ signatureRequestId: KNOWN_ID });
		const again = await deleteRequest({ signatureRequestId: KNOWN_ID });

		expect(again.error).toMatchObject({ httpCode: '400' });
	});

	it('"success": false with HTTP 200 is a failure', async () => {
		sandbox.setFault({ type: 'status', status: 200, body: { code: 'ERROR', message: 'err.locked', result: KNOWN_ID, statusCode: 200, success: false } });
		const result = await deleteRequest({ signatureRequestId: KNOWN_ID });

		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'OKdokument reports that deleting the signature request failed: err.locked (item index 0)',
		});
	});

	it('refuses an empty ID before anything is sent', async () => {
		const result = await deleteRequest({ signatureRequestId: '={{ $json.id }}' }, [{ id: '' }]);

		expect(result.error).toMatchObject({ name: 'NodeOperationError', message: 'Signature Request ID is empty (item index 0)' });
		expect(sandbox.requests).toHaveLength(0);
	});

	it('with Continue (using error output), the unknown ID goes to the error output', async () => {
		const result = await deleteRequest(
			{ signatureRequestId: '={{ $json.id }}', options: { concurrency: 1 } },
			[{ id: KNOWN_ID }, { id: 'sr-gone' }],
			'continueErrorOutput',
		);

		expect(jsonOf(result, 0)).toEqual([{ signatureRequestId: KNOWN_ID, deleted: true, message: 'msg.deleted' }]);
		expect(jsonOf(result, 1)).toEqual([expect.objectContaining({ error: 'OKdokument rejected the request (HTTP 400: err.signature.request.not.exist)' })]);
		expect(pairedOf(result, 1)).toEqual([{ item: 1 }]);
	});
});
