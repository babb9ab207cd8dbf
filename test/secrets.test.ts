import { API_KEY, KNOWN_ID, runUpdate, sandboxCredential, useSandbox } from './support/okdokument';
import type { RunNodeResult } from './harness';
import type { Fault } from '../sandbox/server';

const sandbox = useSandbox();

/** Everything of a run that n8n would show or store. */
function everythingStored(result: RunNodeResult): string {
	return [
		JSON.stringify(result.run),
		JSON.stringify(result.outputs),
		JSON.stringify(result.error ?? null),
		JSON.stringify(result.executionErrorJson ?? null),
		JSON.stringify(result.taskData ?? null),
		String(result.error?.stack ?? ''),
	].join('\n');
}

const keyEchoingReport = { message: `err.unauthorized for key ${API_KEY}`, value: API_KEY };

const scenarios: Array<[string, { fault?: Fault; id?: string; url?: string; baseUrl?: string }]> = [
	['a success', {}],
	['a 400', { id: 'unknown-id' }],
	['a 401 for a wrong key', {}],
	['a 500 HTML page', { fault: { type: 'html', status: 500 } }],
	['a dropped connection', { fault: { type: 'drop' } }],
	['a refused connection', { baseUrl: 'http://127.0.0.1:9' }],
	['a timeout', { fault: { type: 'delay', ms: 2000 } }],
	['refused input', { url: 'not-a-url' }],
	['a server that echoes the key in a JSON report', { fault: { type: 'status', status: 500, body: keyEchoingReport } }],
	['a server that echoes the key in a 200', { fault: { type: 'status', status: 200, body: keyEchoingReport } }],
	['a server that echoes the key in plain text', { fault: { type: 'text', status: 502, body: `bad key ${API_KEY}` } }],
];

describe('the API key appears in no output item, error or stored execution data', () => {
	it.each(scenarios)('%s', async (name, scenario) => {
		if (scenario.fault) sandbox.setFault(scenario.fault);
		for (const onError of ['stopWorkflow', 'continueErrorOutput', 'continueRegularOutput'] as const) {
			const result = await runUpdate({
				credential: sandboxCredential(sandbox, {
					...(scenario.baseUrl ? { baseUrl: scenario.baseUrl } : {}),
					// The key is still sent: the wrong-key case only adds a second, wrong credential value.
					...(name.includes('wrong key') ? { apiKey: `${API_KEY}-wrong` } : {}),
				}),
				parameters: {
					signatureRequestId: scenario.id ?? KNOWN_ID,
					resultUrl: scenario.url ?? 'https://example.com/',
					options: { timeout: 400, retryDelay: 1 },
				},
				onError,
			});

			// The run is real: the key went out in the header whenever a request was sent.
			if (!scenario.url && !scenario.baseUrl) {
				expect(sandbox.requests.at(-1)?.headers['x-api-key']).toMatch(new RegExp(`^${API_KEY}`));
			}
			expect(everythingStored(result)).not.toContain(API_KEY);
		}
	});

	it('replaces an echoed key with *** in what the user reads', async () => {
		sandbox.setFault({ type: 'status', status: 500, body: keyEchoingReport });
		const result = await runUpdate({
			credential: sandboxCredential(sandbox),
			parameters: { signatureRequestId: KNOWN_ID, resultUrl: 'https://example.com/', options: { retry: false } },
		});

		expect(result.error?.message).toBe('err.unauthorized for key ***');
		expect(result.error?.context).toMatchObject({ data: { value: '***' } });
	});
});
