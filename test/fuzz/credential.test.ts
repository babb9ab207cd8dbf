/**
 * Generated credentials (API Key, Environment, Base URL), each tried with Account → Get Usage in n8n's engine and
 * with n8n's credential test, against a sandbox that may echo the key back in every place an answer can hold it.
 * Properties: a Base URL or key the node cannot use is refused before anything is sent, naming the credential's
 * field; a usable one sends the key to the Base URL and nowhere else; the key appears in no output, error or
 * stored execution; the credential test passes only for the right key at the right address.
 */
import fc from 'fast-check';

import { OkDokumentApi } from '../../credentials/OkDokumentApi.credentials';
import type { Fault } from '../../sandbox/server';
import { resolveCredentialTestRequest, testCredential } from '../harness';
import { API_KEY, runOperation, useSandbox } from '../support/okdokument';
import { fuzzParameters, scaled, SIZES } from './budget';
import * as oracle from './oracles';
import { anyText, CONTROL_CHARACTERS, INVISIBLE_CHARACTERS, LOOK_ALIKES, mutated, notText } from './values';

const sandbox = useSandbox();

const label = (name: string) => new OkDokumentApi().properties.find((property) => property.name === name)!.displayName;
const PRODUCTION = 'https://api.okdokument.com';
const DEVELOPMENT = 'https://apidev.okdokument.com';

/**
 * The Base URL as the README describes it: scheme and host (a path before /JSON may follow), a trailing slash is
 * fine. n8n's HTTP client (which the credential test uses too) reads it as a browser would, so that decides.
 */
function baseUrl(value: unknown): oracle.Verdict<string> {
	if (typeof value !== 'string') return oracle.refuse('not text');
	const text = value.trim().replace(/\/+$/, '');
	// Each request's URL is this text with a path added: a space or control character in it breaks that URL.
	if (oracle.hasForbiddenCharacter(text)) return oracle.refuse('a character no URL holds');
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return oracle.refuse('not a URL');
	}
	// "http:host" is a relative URL to n8n's HTTP client: the scheme must be followed by "//".
	if (!['http:', 'https:'].includes(url.protocol) || !/^https?:\/\//i.test(text)) return oracle.refuse('not http(s)://');
	// A query or fragment would swallow the /JSON/… path each request adds; /JSON is what each request adds.
	if (url.search !== '' || url.hash !== '' || /[?#]/.test(text)) return oracle.refuse('a query or fragment');
	if (/\/JSON$/i.test(url.pathname)) return oracle.refuse('ends in /JSON');
	return oracle.accept(text);
}

/** An API key as OKdokument issues them: printable ASCII, no spaces (around it they are trimmed). */
function apiKey(value: unknown): oracle.Verdict<string> {
	if (typeof value !== 'string') return oracle.refuse('not text');
	const key = value.trim();
	if (key === '') return oracle.refuse('empty');
	return /^[\x21-\x7e]+$/.test(key) ? oracle.accept(key) : oracle.refuse('not printable ASCII');
}

/** Whether text holds the key as it is, escaped in JSON (as stored data holds it) or encoded in a URL. */
function leaks(text: string, key: string): boolean {
	const escaped = JSON.stringify(key).slice(1, -1);
	let encoded: string | undefined;
	try {
		encoded = encodeURIComponent(key);
	} catch {
		encoded = undefined;
	}
	return [key, escaped, JSON.stringify(escaped).slice(1, -1), encoded].some((form) => form !== undefined && text.includes(form));
}

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const plausibleKey = fc.oneof(fc.tuple(hex(9), hex(32)).map(([a, b]) => `${a}_${b}`), fc.constant(API_KEY));
const keys = fc.oneof(
	{ weight: 3, arbitrary: plausibleKey },
	{ weight: 3, arbitrary: mutated(plausibleKey) },
	// Printable characters that an answer escapes (JSON, a URL, HTML), and characters no key has.
	{ weight: 2, arbitrary: fc.tuple(plausibleKey, fc.constantFrom('"', '\\', '/', '<', '&', '%', '+', '?', '#')).map(([key, odd]) => `${key.slice(0, 8)}${odd}${key.slice(8)}`) },
	{ weight: 1, arbitrary: fc.tuple(plausibleKey, fc.constantFrom('é', ...LOOK_ALIKES, ...INVISIBLE_CHARACTERS, ...CONTROL_CHARACTERS)).map(([key, odd]) => `${key.slice(0, 8)}${odd}${key.slice(8)}`) },
	{ weight: 1, arbitrary: fc.oneof(anyText, notText) },
);

/** The sandbox's address written the ways people write it, and not quite: {host} and {port} are filled in at run time. */
const baseUrls = fc
	.tuple(
		fc.constantFrom('', ' ', '\t'),
		fc.constantFrom('http://', 'HTTP://', 'https://', 'ftp://', '', 'http:', 'http:///'),
		fc.constantFrom('{host}', 'localhost:{port}', 'user:secret@{host}', '{host}\t'),
		fc.constantFrom('', '/', '//', '/JSON', '/json/', '?x=1', '#top', '/api', ' /', '%20'),
		fc.constantFrom('', ' ', '\n'),
	)
	.map((parts) => parts.join(''));
const filledIn = (template: string) => {
	const { host, port } = new URL(sandbox.url);
	return template.replace('{host}', host).replace('{port}', port);
};

const ANSWERS = ['as OKdokument', 'key in a 401 report', 'key in a report with JSON escapes', 'key in a 200 failure', 'key in a redirect', 'an HTML page', 'no answer'] as const;
type Answer = (typeof ANSWERS)[number];
/** How the sandbox answers: as OKdokument does, or echoing the key in a report, a redirect, a page, or not at all. */
const answers = fc.constantFrom<Answer>(...ANSWERS);
function faultFor(answer: Answer, key: string): Fault | undefined {
	switch (answer) {
		case 'key in a 401 report':
			return { type: 'status', status: 401, body: { message: `unknown key ${key}`, value: key } };
		case 'key in a report with JSON escapes': {
			// Escapes a JSON writer may use and JSON.stringify does not: \/ (PHP) and \u00XX for every other sign.
			const escaped = key.replace(/[^A-Za-z0-9]/g, (sign) => (sign === '/' ? '\\/' : `\\u${sign.charCodeAt(0).toString(16).padStart(4, '0')}`));
			return { type: 'text', status: 401, body: `{"message":"unknown key ${escaped}","value":"${escaped}"}` };
		}
		case 'key in a 200 failure':
			return { type: 'status', status: 200, body: { message: `key ${key}`, value: key, success: false } };
		case 'key in a redirect':
			return { type: 'redirect', status: 302, location: `https://elsewhere.example/login?key=${encodeURIComponent(key)}&raw=${key}` };
		case 'an HTML page':
			return { type: 'html', status: 502 };
		case 'no answer':
			return { type: 'drop' };
		default:
			return undefined;
	}
}

/** One credential, tried with Get Usage and with n8n's credential test, checked against the oracles above. */
async function checkCredential(key: unknown, template: string, answer: Answer): Promise<void> {
	sandbox.reset();
	const url = filledIn(template);
	const credential = { apiKey: key as string, environment: 'custom', baseUrl: url };
	const base = baseUrl(url);
	const usable = apiKey(key);
	const fault = usable.accepted ? faultFor(answer, usable.value) : undefined;
	if (fault) sandbox.setFault(fault);

	// No retries: a dropped connection or a 502 would be tried again after a second (the retries have tests of their own).
	const result = await runOperation({ credential, resource: 'account', operation: 'getUsage', parameters: { options: { retry: false } }, onError: 'continueErrorOutput' });
	const about = `key ${JSON.stringify(key)}, Base URL ${JSON.stringify(url)}, answer ${JSON.stringify(fault)}`;
	const [succeeded = [], failed = []] = result.outputs;
	const error = String(failed[0]?.json.error ?? result.error?.message ?? '');
	if (!base.accepted || !usable.accepted) {
		const refusal = label(base.accepted ? 'apiKey' : 'baseUrl');
		expect({ about, requests: sandbox.requests.length, names: error.includes(refusal) && error.includes('credential') }).toEqual({ about, requests: 0, names: true });
	} else {
		const sent = sandbox.requests.map((request) => ({ path: request.path, key: request.headers['x-api-key'] }));
		// A path in the Base URL comes before /JSON (the sandbox serves none: such a request fails); the
		// sandbox speaks plain HTTP, so an https:// Base URL reaches no request handler.
		const { pathname, protocol } = new URL(base.value);
		const prefix = pathname.replace(/\/+$/, '');
		const expected = protocol === 'http:' ? [{ path: `${prefix}/JSON/counter`, key: usable.value }] : [];
		expect({ about, sent: sent.slice(0, 1) }).toEqual({ about, sent: expected });
		const right = usable.value === API_KEY && fault === undefined && prefix === '' && protocol === 'http:';
		expect({ about, succeeded: succeeded.length, failed: failed.length, error }).toEqual({ about, succeeded: right ? 1 : 0, failed: right ? 0 : 1, error: right ? '' : expect.any(String) });
	}
	const secret = usable.accepted ? usable.value : typeof key === 'string' ? key.trim() : '';
	if (secret.length >= 12) {
		expect({ about, leaked: leaks(JSON.stringify(result.run), secret) }).toEqual({ about, leaked: false });
	}

	sandbox.clearRequests();
	const tested = await testCredential(OkDokumentApi, credential);
	const passes = base.accepted && usable.accepted && usable.value === API_KEY && fault === undefined && /^http:$/.test(new URL(base.value).protocol) && new URL(base.value).pathname === '/';
	// A Base URL the node refuses for a tab inside may still pass the test (n8n's URL parser drops tabs).
	const tabbed = !base.accepted && /\t/.test(url.trim());
	if (!tabbed) expect({ about, test: tested.status }).toEqual({ about, test: passes ? 'OK' : 'Error' });
	if (secret.length >= 12) expect({ about, leaked: leaks(tested.message, secret) }).toEqual({ about, leaked: false });
}

describe('the credential', () => {
	it('API Key: refused before sending, or sent to the Base URL as it is; echoed back, it is nowhere in what n8n keeps', async () => {
		await fc.assert(
			fc.asyncProperty(keys, answers, async (key, answer) => await checkCredential(key, 'http://{host}', answer)),
			fuzzParameters('credential: API Key', scaled(SIZES.credentials / 2)),
		);
	});

	it('Base URL: refused before sending, or the key goes to it and nowhere else', async () => {
		await fc.assert(
			fc.asyncProperty(fc.oneof(fc.constant(API_KEY), plausibleKey), baseUrls, async (key, template) => await checkCredential(key, template, 'as OKdokument')),
			fuzzParameters('credential: Base URL', scaled(SIZES.credentials / 2)),
		);
	});

	it('Environment: whatever it holds, the credential test and the node agree on where requests go', async () => {
		// (Text that starts with "=" is an expression to n8n, resolved before the node or the test sees it.)
		const environments = fc
			.oneof(fc.constantFrom('production', 'development', 'custom', 'Production', ' development', ''), anyText, notText)
			.filter((value) => !(typeof value === 'string' && value.startsWith('=')));
		await fc.assert(
			fc.asyncProperty(environments, async (environment) => {
				const request = await resolveCredentialTestRequest(OkDokumentApi, { apiKey: API_KEY, environment: environment as string, baseUrl: 'http://127.0.0.1:1' });
				const expected = environment === 'custom' ? 'http://127.0.0.1:1' : environment === 'development' ? DEVELOPMENT : PRODUCTION;
				expect({ environment, baseURL: request.baseURL }).toEqual({ environment, baseURL: expected });
			}),
			fuzzParameters('environment', scaled(SIZES.credentials)),
		);
	});
});
