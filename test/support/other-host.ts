/**
 * A host other than OKdokument, for the tests that check that nothing (the API key least of all) goes there.
 * Free of the harness, so that tests of the scripts can use it without loading n8n.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A host other than OKdokument: it answers every request with `answer` and records the headers it got. */
export interface OtherHost {
	/** e.g. 'http://127.0.0.1:12345', no trailing slash. */
	url: string;
	/** The headers of every request it received, in order. Cleared before each test. */
	reached: IncomingHttpHeaders[];
}

/** Another host for one test file, started before its tests and stopped at the end. */
export function useOtherHost(answer: unknown): OtherHost {
	const host: OtherHost = { url: '', reached: [] };
	const server = createServer((request, response) => {
		host.reached.push(request.headers);
		request.resume();
		response.writeHead(200, { 'content-type': 'application/json' });
		response.end(JSON.stringify(answer));
	});
	beforeAll(async () => {
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		host.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	beforeEach(() => {
		host.reached.length = 0;
	});
	afterAll(async () => {
		await new Promise<void>((resolve) => server.close(() => resolve()));
	});
	return host;
}
