import type { IDataObject } from 'n8n-workflow';

import { storeBinary } from './harness';
import { API_KEY, jsonOf, pairedOf, runOperation, sandboxCredential, useSandbox } from './support/okdokument';

const sandbox = useSandbox();

async function getUsage(items?: IDataObject[]) {
	return await runOperation({ credential: sandboxCredential(sandbox), resource: 'account', operation: 'getUsage', items });
}

function thisMonth(): string {
	const now = new Date();
	return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
}

describe('Account → Get Usage', () => {
	it('sends GET /JSON/counter and turns the counters into numbers without the account prefix', async () => {
		const result = await getUsage();

		expect(result.error).toBeUndefined();
		expect(sandbox.requests).toHaveLength(1);
		const [request] = sandbox.requests;
		expect(request.method).toBe('GET');
		expect(request.path).toBe('/JSON/counter');
		expect(request.query).toEqual({});
		expect(request.headers['x-api-key']).toBe(API_KEY);
		expect(request.rawBody).toBe('');

		// The test sandbox is seeded with two signature requests (and so two documents).
		const [json] = jsonOf(result);
		expect(json).toEqual({
			storedFiles: 2,
			deletedFiles: 0,
			usedSignatureRequests: 2,
			downloaded: 0,
			availableSignatureRequests: 98,
			account: 'sandbox',
			monthly: { [thisMonth()]: { downloaded: 0, files: 2, deletedFiles: 0, signatureRequests: 2 } },
			raw: expect.objectContaining({ actual: expect.objectContaining({ 'sandbox.usedSignatureRequests': '2' }) }),
		});
		expect(pairedOf(result)).toEqual([{ item: 0 }]);
	});

	it('follows the account: a Create uses a request and stores a file, a Delete removes the request only', async () => {
		const file = await storeBinary(Buffer.from('%PDF-1.4\n%%EOF\n'), { fileName: 'a.pdf', mimeType: 'application/pdf' });
		await runOperation({
			credential: sandboxCredential(sandbox),
			resource: 'signatureRequest',
			operation: 'create',
			parameters: { additionalFields: { signatureRequestId: 'sr-usage' } },
			items: [{ json: {}, binary: { data: file } }],
		});
		await runOperation({
			credential: sandboxCredential(sandbox),
			resource: 'signatureRequest',
			operation: 'delete',
			parameters: { signatureRequestId: 'sr-usage' },
		});
		const [json] = jsonOf(await getUsage());

		expect(json).toMatchObject({ usedSignatureRequests: 3, availableSignatureRequests: 97, storedFiles: 3 });
	});

	it('reads the documented example: prefixed keys, strings, unknown counters, several months', async () => {
		const counter = {
			actual: {
				'abc.storedFiles': '3',
				'abc.deleted.f': '1',
				'abc.usedSignatureRequests': '12',
				'abc.downloaded': '5',
				'abc.availableSignatureRequests': '88',
				'abc.smsSent': '4',
				'abc.plan': 'business',
			},
			downloaded: { '2026.11.abc': '0', '2026.9.abc': '2' },
			files: { '2026.11.abc': '1', '2026.9.abc': '2' },
			'deleted.f': { '2026.11.abc': '0' },
			signatureRequests: { '2026.11.abc': '2', '2026.9.abc': '10', total: '12' },
			sms: { '2026.11.abc': '4' },
		};
		sandbox.setFault({ type: 'status', status: 200, body: counter });
		const result = await getUsage();

		expect(jsonOf(result)).toEqual([
			{
				storedFiles: 3,
				deletedFiles: 1,
				usedSignatureRequests: 12,
				downloaded: 5,
				availableSignatureRequests: 88,
				smsSent: 4,
				plan: 'business',
				account: 'abc',
				monthly: {
					'2026-09': { downloaded: 2, files: 2, signatureRequests: 10 },
					'2026-11': { downloaded: 0, files: 1, deletedFiles: 0, signatureRequests: 2, sms: 4 },
				},
				raw: counter,
			},
		]);
		expect(Object.keys(jsonOf(result)[0].monthly as IDataObject)).toEqual(['2026-09', '2026-11']);
	});

	it('tolerates an answer without the usual groups', async () => {
		sandbox.setFault({ type: 'status', status: 200, body: { actual: { usedSignatureRequests: 'n/a' } } });
		const result = await getUsage();

		expect(jsonOf(result)).toEqual([
			{ usedSignatureRequests: 'n/a', account: null, monthly: {}, raw: { actual: { usedSignatureRequests: 'n/a' } } },
		]);
	});

	it('a wrong key fails with the credential hint', async () => {
		const result = await runOperation({
			credential: sandboxCredential(sandbox, { apiKey: 'wrong-key-123' }),
			resource: 'account',
			operation: 'getUsage',
		});

		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '401', context: { itemIndex: 0 } });
	});
});
