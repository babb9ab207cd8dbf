import { jsonOf, KNOWN_ID, OTHER_ID, pairedOf, runUpdate, sandboxCredential, useSandbox } from './support/okdokument';

const sandbox = useSandbox();

/** Four items: a success, an unknown ID (HTTP 400), a bad URL (refused locally), a success. */
const mixedItems = [
	{ id: KNOWN_ID, url: 'https://example.com/a' },
	{ id: 'gone-request', url: 'https://example.com/b' },
	{ id: OTHER_ID, url: 'not-a-url' },
	{ id: OTHER_ID, url: 'https://example.com/d' },
];
const parameters = { signatureRequestId: '={{ $json.id }}', resultUrl: '={{ $json.url }}' };

const unknownIdFailure = {
	error: 'View ID does not exist: gone-request',
	message: expect.stringMatching(/^The signature request does not exist, was deleted, or has expired/),
};
const badUrlFailure = {
	error: 'Result URL is not an absolute http(s) URL: "not-a-url" (item index 2)',
	message: expect.stringMatching(/^Enter a full URL/),
};

describe('Continue On Fail: every input item yields exactly one output item, in order', () => {
	it('Continue (regular output): failures stay in place with what went wrong and what to do', async () => {
		const result = await runUpdate({
			credential: sandboxCredential(sandbox),
			items: mixedItems,
			parameters,
			onError: 'continueRegularOutput',
		});

		expect(result.error).toBeUndefined();
		expect(result.outputs).toHaveLength(1);
		expect(jsonOf(result)).toEqual([
			{ message: 'msg.updated', result: KNOWN_ID, url: `${sandbox.url}/${KNOWN_ID}` },
			unknownIdFailure,
			badUrlFailure,
			{ message: 'msg.updated', result: OTHER_ID, url: `${sandbox.url}/${OTHER_ID}` },
		]);
		expect(pairedOf(result)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		// The bad URL never left n8n.
		expect(sandbox.requests.map((request) => (request.body as { signatureRequestId: string }).signatureRequestId)).toEqual([
			KNOWN_ID,
			'gone-request',
			OTHER_ID,
		]);
	});

	it('Continue (using error output): successes on the first output, failures on the error output', async () => {
		const result = await runUpdate({
			credential: sandboxCredential(sandbox),
			items: mixedItems,
			parameters,
			onError: 'continueErrorOutput',
		});

		expect(result.error).toBeUndefined();
		expect(result.outputs).toHaveLength(2);
		expect(jsonOf(result, 0).map((json) => json.result)).toEqual([KNOWN_ID, OTHER_ID]);
		expect(pairedOf(result, 0)).toEqual([{ item: 0 }, { item: 3 }]);
		// n8n merges the paired input item into what reaches the error output.
		expect(jsonOf(result, 1)).toEqual([
			{ ...mixedItems[1], ...unknownIdFailure },
			{ ...mixedItems[2], ...badUrlFailure },
		]);
		expect(pairedOf(result, 1)).toEqual([{ item: 1 }, { item: 2 }]);
	});

	it('Continue (using error output) with every item failing sends them all to the error output', async () => {
		sandbox.setFault({ type: 'status', status: 500 });
		const result = await runUpdate({
			credential: sandboxCredential(sandbox),
			items: [{ id: KNOWN_ID }, { id: OTHER_ID }],
			parameters: {
				signatureRequestId: '={{ $json.id }}',
				sendInfoUrl: 'https://hooks.example.com/x',
				options: { retry: false },
			},
			onError: 'continueErrorOutput',
		});

		expect(jsonOf(result, 0)).toEqual([]);
		expect(jsonOf(result, 1).map((json) => json.error)).toEqual([
			'OKdokument failed to process the request (HTTP 500: err.internal)',
			'OKdokument failed to process the request (HTTP 500: err.internal)',
		]);
		expect(pairedOf(result, 1)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('Stop Workflow (the default), one request at a time: the first failure stops the run, later items are not sent', async () => {
		const result = await runUpdate({
			credential: sandboxCredential(sandbox),
			items: mixedItems,
			parameters: { ...parameters, options: { concurrency: 1 } },
		});

		expect(result.error).toMatchObject({ httpCode: '400', context: { itemIndex: 1 } });
		expect(sandbox.requests).toHaveLength(2);
	});

	it('Stop Workflow with requests in parallel: the failure of the lowest item index is reported', async () => {
		// Item 1 answers last, after item 2 was already refused locally.
		sandbox.setFault({ type: 'delay', ms: 150, path: '/JSON/signatureRequest', times: 2 });
		const result = await runUpdate({ credential: sandboxCredential(sandbox), items: mixedItems, parameters });

		expect(result.error).toMatchObject({ httpCode: '400', context: { itemIndex: 1 } });
	});
});
