import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { DIALECTS, startSandbox, type Dialect, type RecordedRequest, type Sandbox } from '../sandbox/server';
import { useOtherHost } from './support/other-host';

// `npm run probe` (scripts/probe.js), run as the user runs it: a child process with the key in its environment,
// against the sandbox in both dialects.

const PROBE = resolve(__dirname, '..', 'scripts', 'probe.js');
const NO_NETWORK = join(__dirname, 'support', 'no-network.js');
/** Distinctive, with a long part after the "_" that a server might echo alone. */
const KEY = '3b9d5f7a1_c4e6a8b0d2f4e6a8c0b2d4f6e8a0c2e4';
const KEY_TAIL = KEY.split('_')[1];
const KEY_VARIABLE = 'OKDOKUMENT_API_KEY';

interface Finding {
	id: string;
	question: string;
	seen: string;
	setting: string;
	fit: string;
}

interface Leftover {
	kind: string;
	id: string;
	why: string;
	command: string;
}

interface ProbeReport {
	complete: boolean;
	calls: string;
	stopped: string | null;
	signatureRequestsUsed: { before?: number; after?: number; acceptedCreates: number };
	findings: Finding[];
	requests: Array<{ step: string; method: string; path: string; status: number | null; outcome: string; answer: string }>;
	cleanup: { complete: boolean; deleted: string[]; left: Leftover[]; verification: string };
}

interface ProbeResult {
	code: number | null;
	stdout: string;
	stderr: string;
	/** The report files, when written. */
	markdown?: string;
	jsonText?: string;
	report?: ProbeReport;
	/** Milliseconds from start to exit. */
	ms: number;
}

interface ProbeOptions {
	/** Replaces the environment's key; null runs without one. */
	key?: string | null;
	/** `node -r` this module into the probe. */
	preload?: string;
	/** Called once the child runs, e.g. to interrupt it. */
	whileRunning?: (child: ChildProcess) => void;
}

let workDir: string;

/** Runs scripts/probe.js with `args`, in a folder of its own (the default report path is relative). */
async function probe(args: string[], options: ProbeOptions = {}): Promise<ProbeResult> {
	const cwd = mkdtempSync(join(workDir, 'run-'));
	const out = join(cwd, 'report.md');
	const key = options.key === undefined ? KEY : options.key;
	const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...(key === null ? {} : { [KEY_VARIABLE]: key }) };
	const started = Date.now();
	const child = spawn(process.execPath, [...(options.preload ? ['-r', options.preload] : []), PROBE, '--out', out, ...args], { cwd, env });
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	options.whileRunning?.(child);
	const code = await new Promise<number | null>((done) => child.on('close', done));
	const result: ProbeResult = { code, stdout, stderr, ms: Date.now() - started };
	if (existsSync(out)) {
		result.markdown = readFileSync(out, 'utf8');
		result.jsonText = readFileSync(join(cwd, 'report.json'), 'utf8');
		result.report = JSON.parse(result.jsonText) as ProbeReport;
	}
	return result;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function until(condition: () => boolean, what: string): Promise<void> {
	const deadline = Date.now() + 10_000;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(10);
	}
}

function finding(result: ProbeResult, id: string): Finding {
	const found = result.report?.findings.find((f) => f.id === id);
	if (!found) throw new Error(`no finding ${id} in the report`);
	return found;
}

/** The IDs the report names as deleted or left. */
function reportedIds(report: ProbeReport | undefined, kind: 'document' | 'signature request'): string[] {
	const deleted = (report?.cleanup.deleted ?? []).filter((entry) => entry.startsWith(`${kind} `)).map((entry) => entry.slice(kind.length + 1));
	return [...deleted, ...(report?.cleanup.left ?? []).filter((left) => left.kind === kind).map((left) => left.id)];
}

/** What the account holds: signature requests, and documents as the API lists them. */
async function accountContents(sandbox: Sandbox): Promise<{ signatureRequests: string[]; documents: unknown[] }> {
	const response = await fetch(`${sandbox.url}/JSON/list/flat?state=*`, { headers: { 'x-api-key': KEY } });
	return {
		signatureRequests: sandbox.listSignatureRequests().map((record) => record.signatureRequestId),
		documents: (await response.json()) as unknown[],
	};
}

/** Everything the probe printed or wrote. */
const everything = (result: ProbeResult) => [result.stdout, result.stderr, result.markdown ?? '', result.jsonText ?? ''].join('\n');

function expectNoKey(result: ProbeResult): void {
	const text = everything(result);
	expect(text.includes(KEY)).toBe(false);
	expect(text.toLowerCase().includes(KEY_TAIL.toLowerCase())).toBe(false);
}

/** `curl -X DELETE …` as the report writes it: the key stays in the variable. */
const deleteCommand = (sandbox: Sandbox, path: string) => `curl -X DELETE -H "x-api-key: $${KEY_VARIABLE}" '${sandbox.url}${path}'`;

let sandbox: Sandbox;

beforeAll(async () => {
	workDir = mkdtempSync(join(tmpdir(), 'okdokument-probe-test-'));
	sandbox = await startSandbox({ apiKeys: { [KEY]: { permitted: true } } });
});
afterEach(() => sandbox.reset());
afterAll(async () => {
	await sandbox.stop();
	rmSync(workDir, { recursive: true, force: true });
});

/** What each dialect should make the probe report, question by question: [fit, seen, setting]. */
const EXPECTED: Record<Dialect, Record<string, [string, string, string]>> = {
	wiki: {
		sendInfoUrlSpelling: [
			'default',
			'Create with `sendInfoURL`: accepted (HTTP 200); PATCH with `sendInfoURL`: accepted (HTTP 200); with `sendInfoUrl`: accepted (HTTP 200); both are taken; which one is stored shows only in a callback, which the probe cannot receive',
			'none: the node sends `sendInfoURL`',
		],
		allowedFieldsEncoding: [
			'default',
			'lists `{"SIGNATURE":["SC_signature","SO_signature"]}`: accepted (HTTP 200); text `{"SIGNATURE":"SC_signature;SO_signature"}`: not tried (each accepted Create uses up a signature request, and one was enough)',
			'Allowed Fields Encoding: Lists (the default)',
		],
		rulesEncoding: [
			'default',
			'an object `{"signAnywhereEnabled":false,"lang":"en"}`: accepted (HTTP 200); text `signAnywhereEnabled-false_lang-en`: not tried (each accepted Create uses up a signature request, and one was enough)',
			'Signing Rules Encoding: Object (or the default, As Custom Rules Are Written, with Custom Rules as JSON)',
		],
		uploadBody: ['default', '`file: {content}`: accepted (HTTP 200)', 'none: the node sends `file: {content}`'],
		updateWay: ['default', 'PATCH: accepted (HTTP 200)', 'none: the node sends PATCH'],
		answerShapes: [
			'automatic',
			"Upload: `{message, result, code, statusCode, success}`, the connector's; Create: `{message, result, url, documentId}`, the wiki's; Update: `{message, result, url}`, the wiki's; Delete signature request, Delete document: `{message, result}`, the wiki's",
			'none: the node reads both',
		],
		errorShapes: ['automatic', "metadata:unknown (404): `{message, value}`, the wiki's", 'none: the node reads both'],
	},
	connector: {
		sendInfoUrlSpelling: [
			'default',
			'Create with `sendInfoURL`: accepted (HTTP 200); the POST with `sendInfoURL`: accepted (HTTP 200); with `sendInfoUrl`: refused (HTTP 400 err.invalid.sendInfoURL)',
			'none: the node sends `sendInfoURL`',
		],
		allowedFieldsEncoding: [
			'setting',
			'lists `{"SIGNATURE":["SC_signature","SO_signature"]}`: refused (HTTP 400 err.invalid.allowedFields); text `{"SIGNATURE":"SC_signature;SO_signature"}`: accepted (HTTP 200)',
			'Allowed Fields Encoding: Text Joined by Semicolons',
		],
		rulesEncoding: [
			'setting',
			'an object `{"signAnywhereEnabled":false,"lang":"en"}`: refused (HTTP 400 err.invalid.rules); text `signAnywhereEnabled-false_lang-en`: accepted (HTTP 200)',
			'Signing Rules Encoding: Name-Value Text',
		],
		uploadBody: ['default', '`file: {content}`: accepted (HTTP 200)', 'none: the node sends `file: {content}`'],
		updateWay: [
			'automatic',
			'PATCH: refused (HTTP 405 err.method.not.allowed); the POST: accepted (HTTP 200)',
			'none: after the 405 the node sends that POST by itself (it can change the Send Info URL only, not the Result URL)',
		],
		answerShapes: [
			'automatic',
			"Upload, Update, Delete signature request, Delete document: `{code, message, result, statusCode, success}`, the connector's; Create: `{code, message, result, statusCode, url, success}`, the connector's",
			'none: the node reads both',
		],
		errorShapes: [
			'automatic',
			"metadata:unknown (404), create:list+object (400), create:list+string (400), create:string+object (400), update:patch (405), update:spelling (400): `{code, message, result, statusCode, success}`, the connector's",
			'none: the node reads both',
		],
	},
};

/** The calls each dialect makes the probe send, in order, IDs replaced by what they are; they differ in the middle. */
const FIRST_CALLS = ['GET /JSON/counter', 'GET /JSON/document/metadata/{unknown}', 'POST /JSON/document'];
const LAST_CALLS = [
	'GET /JSON/document/metadata/{document}',
	'GET /JSON/document/{document}',
	'GET /JSON/list/flat',
	'DELETE /JSON/signatureRequest/{request}',
	'DELETE /JSON/document/{document}',
	'GET /JSON/list/flat',
	'GET /JSON/counter',
];
const EXPECTED_CALLS: Record<Dialect, string[]> = {
	wiki: [...FIRST_CALLS, 'POST /JSON/signatureRequest', 'PATCH /JSON/signatureRequest', 'PATCH /JSON/signatureRequest', ...LAST_CALLS],
	connector: [
		...FIRST_CALLS,
		...Array<string>(4).fill('POST /JSON/signatureRequest'),
		'PATCH /JSON/signatureRequest',
		'POST /JSON/signatureRequest/{request}',
		'POST /JSON/signatureRequest/{request}',
		...LAST_CALLS,
	],
};

const SIGNATURE_FIELDS = ['SC_signature', 'SO_signature'];
const CREATE_ENCODINGS = [
	{ allowedFields: { SIGNATURE: SIGNATURE_FIELDS }, rules: { signAnywhereEnabled: false, lang: 'en' } },
	{ allowedFields: { SIGNATURE: SIGNATURE_FIELDS }, rules: 'signAnywhereEnabled-false_lang-en' },
	{ allowedFields: { SIGNATURE: 'SC_signature;SO_signature' }, rules: { signAnywhereEnabled: false, lang: 'en' } },
	{ allowedFields: { SIGNATURE: 'SC_signature;SO_signature' }, rules: 'signAnywhereEnabled-false_lang-en' },
];

/** A PDF whose cross-reference table points at its objects, as a strict reader demands. */
function expectWellFormedPdf(pdf: Buffer): void {
	const text = pdf.toString('latin1');
	expect(text.startsWith('%PDF-1.4\n')).toBe(true);
	const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
	expect(text.slice(startxref, startxref + 5)).toBe('xref\n');
	const offsets = [...text.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((match) => Number(match[1]));
	expect(offsets).toHaveLength(7);
	offsets.forEach((offset, i) => expect(text.slice(offset, offset + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`));
	expect(text).toContain('/Type/Pages/Kids[3 0 R]/Count 1');
	for (const field of SIGNATURE_FIELDS) expect(text).toContain(`/FT/Sig/T(${field})`);
}

describe.each([...DIALECTS])('npm run probe against the sandbox (%s dialect)', (dialect) => {
	let result: ProbeResult;
	let requests: RecordedRequest[];
	let left: { signatureRequests: string[]; documents: unknown[] };
	beforeAll(async () => {
		sandbox.setDialect(dialect);
		result = await probe(['--base-url', sandbox.url]);
		requests = [...sandbox.requests];
		left = await accountContents(sandbox);
	});

	it('answers each question of docs/okdokument-api-shapes.md as this dialect does, with the node setting that matches', () => {
		expect(result.code).toBe(0);
		for (const [id, [fit, seen, setting]] of Object.entries(EXPECTED[dialect])) {
			expect(finding(result, id)).toMatchObject({ id, fit, seen, setting });
		}
		expect(finding(result, 'createWay')).toMatchObject({ fit: 'default', setting: 'none: the node always uploads first' });
		expect(finding(result, 'callbackShape').fit).toBe('not observable');
		expect(result.report?.findings.map((f) => f.id)).toEqual([
			'sendInfoUrlSpelling',
			'allowedFieldsEncoding',
			'rulesEncoding',
			'unmodelledKeys',
			'createWay',
			'uploadBody',
			'updateWay',
			'answerShapes',
			'errorShapes',
			'callbackShape',
		]);
	});

	it('sends the calls of this dialect, the encodings one at a time, and uses up one signature request', () => {
		const documentId = reportedIds(result.report, 'document')[0];
		const requestId = reportedIds(result.report, 'signature request')[0];
		const calls = requests.map((request) =>
			`${request.method} ${request.path}`
				.replace(/okdokument-probe-unknown-\w+$/, '{unknown}')
				.replace(encodeURIComponent(documentId), '{document}')
				.replace(encodeURIComponent(requestId), '{request}'),
		);
		expect(calls).toEqual(EXPECTED_CALLS[dialect]);
		expect(requests.every((request) => request.headers['x-api-key'] === KEY)).toBe(true);

		const creates = requests.filter((request) => request.method === 'POST' && request.path === '/JSON/signatureRequest');
		expect(creates.map((request) => request.body)).toEqual(
			CREATE_ENCODINGS.slice(0, creates.length).map((encodings) => ({
				id: documentId,
				changeState: 'tosign',
				signatureRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
				sendInfoURL: 'https://example.com/okdokument-probe?sent=create',
				...encodings,
			})),
		);
		expect((creates.at(-1)?.body as { signatureRequestId: string }).signatureRequestId).toBe(requestId);
		expect(result.report?.signatureRequestsUsed).toEqual({ text: expect.stringMatching(/^1 \(/), before: 0, after: 1, acceptedCreates: 1 });

		const upload = requests.find((request) => request.method === 'POST' && request.path === '/JSON/document');
		const body = upload?.body as { filename: string; state: string; file: { content: string } };
		expect(body).toEqual({ filename: expect.stringMatching(/^okdokument-probe-\w+\.pdf$/), state: 'tosign', file: { content: expect.any(String) } });
		expectWellFormedPdf(Buffer.from(body.file.content, 'base64'));
	});

	it('deletes everything it created, and proves it with the document list', () => {
		expect(left).toEqual({ signatureRequests: [], documents: [] });
		expect(result.report?.cleanup).toMatchObject({ complete: true, left: [], verification: 'verified' });
		expect(result.report?.cleanup.deleted).toHaveLength(2);
	});

	it('prints the Markdown report, the same as the file, with a table row for each question', () => {
		expect(result.stdout).toBe(result.markdown);
		expect(result.markdown).toContain(`- **Environment**: custom, ${sandbox.url}\n`);
		expect(result.markdown).toContain('- **Calls**: complete: every call was answered\n');
		expect(result.markdown).toContain('- **Signature requests used**: 1 (');
		expect(result.markdown).toContain('| Question | Seen | Node setting that matches | Fit |\n');
		for (const f of result.report?.findings ?? []) {
			expect(result.markdown).toContain(`| ${f.question} | ${f.seen} | ${f.setting} | ${f.fit} |\n`);
		}
		expectNoKey(result);
	});
});

describe('npm run probe when something fails', () => {
	const otherHost = useOtherHost({});

	it('goes on after a failed call, reports it, still deletes everything, and hides the key a server answer echoes', async () => {
		sandbox.setFault({ type: 'status', status: 500, path: '/JSON/document/metadata/doc_', body: { message: `err.internal for key ${KEY}`, value: KEY_TAIL } });
		const result = await probe(['--base-url', sandbox.url]);

		expect(result.code).toBe(1);
		expect(result.report).toMatchObject({ complete: false, calls: 'incomplete: metadata failed', stopped: null });
		expect(result.report?.requests.find((request) => request.step === 'metadata')?.status).toBe(500);
		expect(result.report?.requests.map((request) => request.step)).toContain('list');
		expect(await accountContents(sandbox)).toEqual({ signatureRequests: [], documents: [] });
		expect(result.report?.cleanup).toMatchObject({ complete: true, left: [] });
		// The echo reached the report, redacted.
		expect(result.markdown).toContain('`{"message":"err.internal for key [redacted]","value":"[redacted]"}`');
		expectNoKey(result);
	});

	it('stops at a call without an answer, deletes the rest, and names what it cannot be sure of', async () => {
		// The connection closes without an answer: the probe cannot know whether the Create happened.
		sandbox.setFault({ type: 'drop', path: '/JSON/signatureRequest', times: 1 });
		const result = await probe(['--base-url', sandbox.url, '--timeout', '1000']);

		const create = sandbox.requests.find((request) => request.method === 'POST' && request.path === '/JSON/signatureRequest');
		const requestId = (create?.body as { signatureRequestId: string }).signatureRequestId;
		expect(result.code).toBe(1);
		expect(result.report?.stopped).toBe('POST /JSON/signatureRequest: fetch failed: other side closed');
		expect(result.stderr).toContain('waiting 1000 ms for OKdokument to finish it before cleaning up');
		expect(result.report?.cleanup.left).toEqual([
			{
				kind: 'signature request',
				id: requestId,
				why: 'perhaps: its Create got no answer, and OKdokument did not know it yet at cleanup (HTTP 400)',
				command: deleteCommand(sandbox, `/JSON/signatureRequest/${requestId}`),
			},
		]);
		expect(result.report?.cleanup.deleted).toEqual([expect.stringMatching(/^document /)]);
		expect(result.markdown).toContain('## Left behind');
		expect(result.markdown).toContain(deleteCommand(sandbox, `/JSON/signatureRequest/${requestId}`));
		expect(await accountContents(sandbox)).toEqual({ signatureRequests: [], documents: [] });
		expectNoKey(result);
	});

	it('finds by its name, and deletes, a document whose upload got no answer', async () => {
		// The upload is stored (at 1.5 s) after the probe gave up waiting (at 1 s), and before the cleanup, which waits as
		// long again for such a call, lists the documents (at 2 s). (The first fault only takes the metadata call before
		// the upload, which the second one's path matches as well.)
		sandbox.setFault({ type: 'delay', ms: 0, path: '/JSON/document/metadata/', times: 1 });
		sandbox.setFault({ type: 'delay', ms: 1500, path: '/JSON/document', times: 1 });
		const result = await probe(['--base-url', sandbox.url, '--timeout', '1000']);

		expect(result.report?.stopped).toBe('POST /JSON/document: no answer within 1000 ms');
		expect(result.stderr).toContain('A call that may create something got no answer: waiting 1000 ms for OKdokument to finish it before cleaning up');
		expect(result.report?.cleanup).toMatchObject({ complete: true, deleted: [expect.stringMatching(/^document doc_/)], left: [], verification: 'verified' });
		expect(await accountContents(sandbox)).toEqual({ signatureRequests: [], documents: [] });
		expect(result.code).toBe(1);
	});

	it('when every encoding is refused, tries a Create without them, then without the Send Info URL, still only one accepted', async () => {
		sandbox.setFault({ type: 'status', status: 400, path: '/JSON/signatureRequest', times: 5 });
		const result = await probe(['--base-url', sandbox.url]);

		const creates = sandbox.requests.filter((request) => request.method === 'POST' && request.path === '/JSON/signatureRequest');
		const bodyKeys = creates.map((request) => Object.keys(request.body as object).sort().join(','));
		expect(bodyKeys.slice(4)).toEqual(['changeState,id,sendInfoURL,signatureRequestId', 'changeState,id,signatureRequestId']);
		expect(creates).toHaveLength(6);
		expect(result.report?.signatureRequestsUsed).toMatchObject({ before: 0, after: 1, acceptedCreates: 1 });
		expect(finding(result, 'sendInfoUrlSpelling')).toMatchObject({
			seen: expect.stringMatching(/^Create with `sendInfoURL`: refused \(only a Create without it was accepted\); PATCH with/),
			fit: 'problem',
		});
		expect(finding(result, 'allowedFieldsEncoding')).toMatchObject({ seen: expect.stringContaining('lists `{"SIGNATURE":["SC_signature","SO_signature"]}`: not determined'), fit: 'unknown' });
		expect(finding(result, 'createWay').fit).toBe('default');
		expect(await accountContents(sandbox)).toEqual({ signatureRequests: [], documents: [] });
	});

	it('sends no second Create after a 5xx (it may have used up a signature request) and deletes the first', async () => {
		sandbox.setFault({ type: 'status', status: 502, path: '/JSON/signatureRequest', times: 1 });
		const result = await probe(['--base-url', sandbox.url]);

		const creates = sandbox.requests.filter((request) => request.method === 'POST' && request.path === '/JSON/signatureRequest');
		expect(creates).toHaveLength(1);
		const requestId = (creates[0].body as { signatureRequestId: string }).signatureRequestId;
		expect(sandbox.requests.filter((request) => request.method === 'DELETE').map((request) => request.path)).toEqual([
			`/JSON/signatureRequest/${requestId}`,
			expect.stringMatching(/^\/JSON\/document\/doc_/),
		]);
		expect(result.code).toBe(1);
		expect(result.report).toMatchObject({ calls: 'incomplete: create:list+object failed', cleanup: { complete: true, left: [] } });
		expect(finding(result, 'createWay')).toMatchObject({ fit: 'unknown', setting: 'not known: run the probe again later' });
		expect(finding(result, 'allowedFieldsEncoding')).toMatchObject({
			seen: 'lists `{"SIGNATURE":["SC_signature","SO_signature"]}`: failed (HTTP 502 err.internal); text `{"SIGNATURE":"SC_signature;SO_signature"}`: not tried (the Creates stopped before it)',
			fit: 'unknown',
		});
		expect(await accountContents(sandbox)).toEqual({ signatureRequests: [], documents: [] });
	});

	it('never follows a redirect, which would take the key to another host', async () => {
		const elsewhere = `${otherHost.url}/JSON/counter`;
		sandbox.setFault({ type: 'redirect', status: 307, location: elsewhere });
		const result = await probe(['--base-url', sandbox.url]);
		expect(result.report?.stopped).toBe(`GET /JSON/counter answered with a redirect (307) to ${elsewhere}; not followed`);
		expect(otherHost.reached).toEqual([]);
		expect(result.code).toBe(1);
	});

	it('stops at the counter after a wrong key, having sent nothing else', async () => {
		const result = await probe(['--base-url', sandbox.url], { key: '0000wrong_0000000000000000' });
		expect(result.code).toBe(1);
		expect(result.report?.stopped).toBe('OKdokument refused the API key (401)');
		expect(sandbox.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /JSON/counter']);
	});
});

describe('npm run probe interrupted (Ctrl-C)', () => {
	const METADATA = '/JSON/document/metadata/doc_';
	const interruptAt = (path: string, then?: (child: ChildProcess) => void) => (child: ChildProcess) => {
		void until(() => sandbox.requests.some((request) => request.path.startsWith(path)), `a request to ${path}`).then(() => {
			child.kill('SIGINT');
			then?.(child);
		});
	};

	it('stops the calls at once and deletes what it created', async () => {
		sandbox.setFault({ type: 'delay', ms: 5000, path: METADATA, times: 1 });
		const result = await probe(['--base-url', sandbox.url], { whileRunning: interruptAt(METADATA) });

		expect(result.ms).toBeLessThan(4000);
		expect(result.code).toBe(1);
		expect(result.stderr).toContain('SIGINT: stopping the calls and deleting what the probe created');
		expect(result.report?.stopped).toBe('interrupted (Ctrl-C)');
		expect(result.report?.requests.find((request) => request.step === 'metadata')?.outcome).toBe('interrupted');
		expect(result.report?.cleanup).toMatchObject({ complete: true, left: [], verification: 'verified' });
		expect(await accountContents(sandbox)).toEqual({ signatureRequests: [], documents: [] });
	});

	it('leaves without cleaning up at the second Ctrl-C, and says what is left and how to delete it', async () => {
		sandbox.setFault({ type: 'delay', ms: 5000, path: METADATA, times: 1 });
		sandbox.setFault({ type: 'delay', ms: 5000, path: '/JSON/signatureRequest/', times: 1 });
		const secondPress = (child: ChildProcess) =>
			void until(() => sandbox.requests.some((request) => request.method === 'DELETE'), 'the cleanup')
				.then(() => sleep(600)) // one press of Ctrl-C can arrive twice (npm forwards it): the probe ignores a repeat within 500 ms
				.then(() => child.kill('SIGINT'));
		const result = await probe(['--base-url', sandbox.url], { whileRunning: interruptAt(METADATA, secondPress) });

		const [documentId] = reportedIds(result.report, 'document');
		const [requestId] = reportedIds(result.report, 'signature request');
		const why = 'not deleted: the probe was told to leave without cleaning up';
		expect(result.code).toBe(1);
		expect(result.report?.cleanup).toEqual({
			complete: false,
			text: expect.stringContaining('INCOMPLETE: 2 left behind'),
			deleted: [],
			left: [
				{ kind: 'signature request', id: requestId, why, command: deleteCommand(sandbox, `/JSON/signatureRequest/${requestId}`) },
				{ kind: 'document', id: documentId, why, command: deleteCommand(sandbox, `/JSON/document/${documentId}`) },
			],
			verification: 'not verified',
		});
		expect(sandbox.getDocument(documentId)).toBeDefined(); // the report tells the truth
		expect(result.markdown).toContain(deleteCommand(sandbox, `/JSON/document/${documentId}`));
		expect(result.stderr).toContain('Something could not be deleted');
		expectNoKey(result);
	});
});

describe('npm run probe: what it refuses before sending anything', () => {
	// The preload turns every outgoing connection into a line "NETWORK ATTEMPT …" on stderr and an error.
	it.each([
		[['--environment', 'production']],
		[['--base-url', 'https://API.okdokument.com/']],
		[['--environment', 'custom', '--base-url', 'https://api.okdokument.com']],
	])('refuses Production without --confirm-production: %j', async (args) => {
		const result = await probe(args, { preload: NO_NETWORK });
		expect(result.code).toBe(2);
		expect(result.stderr).toContain(
			'Refusing to probe Production (https://api.okdokument.com) without --confirm-production as well',
		);
		expect(result.stderr).not.toContain('NETWORK ATTEMPT');
		expect(result.report).toBeUndefined();
	});

	it('goes to Production when asked twice (the preload stops the first call: it catches what the refusals above did not send)', async () => {
		const result = await probe(['--environment', 'production', '--confirm-production'], { preload: NO_NETWORK });
		expect(result.stderr).toContain('NETWORK ATTEMPT tls.connect');
		expect(result.stderr).toContain('Probing OKdokument production at https://api.okdokument.com');
		expect(result.code).toBe(1);
		expect(result.report?.stopped).toBe('GET /JSON/counter: fetch failed: no network in this test');
		expect(result.report?.requests.map((request) => request.step)).toEqual(['counter']);
		expectNoKey(result);
	});

	it.each([[['--api-key', KEY]], [[`--api-key=${KEY}`]], [['--key', KEY]]])(
		'never takes the key from the command line, nor repeats it: %#',
		async (args) => {
			const result = await probe(args, { key: null, preload: NO_NETWORK });
			expect(result.code).toBe(2);
			expect(result.stderr).toContain(`The key is read from ${KEY_VARIABLE} only: a command line shows in ps`);
			expectNoKey(result);
		},
	);

	it('asks for the key when the environment has none', async () => {
		const result = await probe([], { key: null, preload: NO_NETWORK });
		expect(result.code).toBe(2);
		expect(result.stderr).toContain(`Set ${KEY_VARIABLE} to the API key of the development environment`);
		expect(result.stderr).not.toContain('NETWORK ATTEMPT');
	});
});
