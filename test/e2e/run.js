#!/usr/bin/env node
// @ts-check
'use strict';

/*
 * End-to-end tests in real n8n (1.123.81 and 2.41.1), as users get the package: packed, installed the way
 * Settings → Community Nodes installs it, credentials and workflows imported, workflows run with
 * `n8n execute --id`, OKdokument played by the local sandbox (sandbox/server.js, in this process).
 *
 *   node test/e2e/run.js [--version 1|2|all] [--keep] [--no-server] [--expression-engine vm|legacy]
 *
 * A plain Node script (node:assert, no jest), so that `npm test` stays fast. It prints one line per check, a summary
 * per n8n version and, last, `e2e: N passed, N failed` alone on a line; the exit code is 1 when anything failed.
 * User folders of passing versions are deleted (kept with --keep, always kept on failure).
 */

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const lib = require('../../scripts/lib/n8n-instance');
const { startSandbox, demoSignatureRequests } = require('../../sandbox/server');

const REPO = path.resolve(__dirname, '..', '..');
const WORKFLOWS_DIR = path.join(__dirname, 'workflows');
const EXAMPLES_DIR = path.join(REPO, 'examples');

/** Distinctive fake keys, so that a scan for them cannot match anything by chance. */
const API_KEY = '8d1f0e2a5_e2e1c0ffee7b4c9d2e6f0a1b3c5d';
const WRONG_KEY = '3a7c5e9b1_e2e0badbee0f2d4b6a8c0e1f3a5b';
const SECRETS = [API_KEY, WRONG_KEY, API_KEY.split('_')[1], WRONG_KEY.split('_')[1]];

const KNOWN_ID = '6f0c2a9e-1b7d-4c1a-9f57-2d8e4b1c3a55';
const KNOWN_ID_2 = 'sr-e2e-known-2';

const CREDENTIALS = {
	good: { id: 'e2eCredGood', name: 'OKdokument e2e', type: lib.CREDENTIAL_TYPE },
	wrongKey: { id: 'e2eCredWrongKey', name: 'OKdokument e2e, wrong key', type: lib.CREDENTIAL_TYPE },
	// The credential the examples reference (the one `npm run dev` imports).
	examples: { id: 'okdSandbox', name: 'OKdokument sandbox', type: lib.CREDENTIAL_TYPE },
};

/* ------------------------------------------------------------------------------------------------ runner */

/**
 * @param {string[]} argv
 * @returns {{ versions: string[], keep: boolean, server: boolean, expressionEngine: string | undefined }}
 */
function parseArgs(argv) {
	let versions = ['1', '2'];
	let keep = false;
	let server = true;
	/** @type {string | undefined} */
	let expressionEngine;
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s);
		if (flag === '--version' || flag === '-v') {
			const value = inline ?? argv[++i];
			if (value === 'all' || value === 'both') versions = ['1', '2'];
			else if (value === '1' || value === '2') versions = [value];
			else throw new Error(`--version takes 1, 2 or all, not "${value}"`);
		} else if (flag === '--expression-engine') {
			expressionEngine = inline ?? argv[++i];
			if (expressionEngine !== 'vm' && expressionEngine !== 'legacy') throw new Error('--expression-engine takes vm or legacy');
		} else if (flag === '--keep') keep = true;
		else if (flag === '--no-server') server = false;
		else if (flag === '--help' || flag === '-h') {
			process.stdout.write('Usage: node test/e2e/run.js [--version 1|2|all] [--keep] [--no-server] [--expression-engine vm|legacy]\n');
			process.exit(0);
		} else throw new Error(`Unknown argument "${argv[i]}"`);
	}
	return { versions, keep, server, expressionEngine };
}

/** @typedef {{ name: string, ok: boolean, ms: number, error?: string }} CheckResult */

class Suite {
	/** @param {string} label */
	constructor(label) {
		this.label = label;
		/** @type {CheckResult[]} */
		this.results = [];
		/** @type {string[]} */
		this.crashes = [];
	}

	/**
	 * Runs one check; a failure is recorded and printed, never thrown.
	 * @param {string} name
	 * @param {() => Promise<void> | void} fn
	 * @returns {Promise<boolean>}
	 */
	async check(name, fn) {
		const started = Date.now();
		try {
			await fn();
			const ms = Date.now() - started;
			this.results.push({ name, ok: true, ms });
			say(`  ✓ ${name} (${lib.formatDuration(ms)})`);
			return true;
		} catch (error) {
			const ms = Date.now() - started;
			const message = error instanceof Error ? error.message : String(error);
			this.results.push({ name, ok: false, ms, error: message });
			say(`  ✗ ${name} (${lib.formatDuration(ms)})`);
			say(indent(message, '      '));
			return false;
		}
	}

	get passed() {
		return this.results.filter((r) => r.ok).length;
	}

	get failed() {
		return this.results.filter((r) => !r.ok).length;
	}
}

/** Everything this run printed or read from n8n, scanned for the keys at the end of each version. @type {string[]} */
let captured = [];

/** @param {string} line */
function say(line) {
	process.stdout.write(`${line}\n`);
}

/**
 * @param {string} text
 * @param {string} prefix
 * @returns {string}
 */
function indent(text, prefix) {
	return text
		.split('\n')
		.map((l) => `${prefix}${l}`)
		.join('\n');
}

/**
 * @param {string} file
 * @returns {any}
 */
function readJson(file) {
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * Lines n8n printed that are not part of the execution JSON, for failure messages.
 * @param {{ stdout: string, stderr: string }} run
 * @returns {string}
 */
function printedExcerpt(run) {
	const lines = `${run.stdout}\n${run.stderr}`.split(/\r?\n/).filter((l) => l.trim() !== '' && !/^[\s{}[\]]/.test(l));
	return lines.slice(-15).join('\n');
}

/** Runs where n8n itself crashed (not the workflow), for the summary. @type {string[]} */
let crashes = [];

/**
 * Runs a workflow and fails with n8n's own words when it did not really run.
 *
 * n8n 1.123 and 2.41 on Node 24 sometimes die with SIGSEGV after printing the result. The crash is in V8 garbage
 * collection on an isolated-vm thread of their default "vm" expression engine while the process exits. It happens
 * more often under load. Such a
 * run is run once more, after clearing the sandbox's request log. If the second run crashes the same way, its printed
 * result is complete and is used, but the exit code is not observable: assertExit then checks the printed status.
 * Both cases are reported. A crash before any result, or twice before any result, fails the check.
 * @param {import('../../scripts/lib/n8n-instance').Instance} instance
 * @param {string} workflowId
 * @param {import('../../sandbox/server').Sandbox} sandbox
 */
async function execute(instance, workflowId, sandbox) {
	for (let attempt = 1; ; attempt++) {
		const run = await lib.executeWorkflow(instance, workflowId);
		captured.push(run.stdout, run.stderr);
		fs.writeFileSync(
			path.join(instance.userFolder, `e2e-${workflowId}${attempt > 1 ? `-attempt${attempt}` : ''}.out`),
			`${run.stdout}\n--- stderr ---\n${run.stderr}`,
		);
		if (run.crashed) crashes.push(`${workflowId} (${run.signal ?? `exit ${run.code}`}${run.crashedAfterResult ? ' after its result' : ''})`);
		if (run.crashed && attempt === 1) {
			say(`    ⚠ ${run.problem}; running ${workflowId} once more`);
			sandbox.clearRequests();
			continue;
		}
		if (run.crashedAfterResult) {
			say(`    ⚠ ${run.problem} again; using its complete printed result (exit code not observable)`);
			return run;
		}
		if (run.problem) {
			throw new Error(
				`${run.problem} (exit ${run.code ?? run.signal}, ${lib.formatDuration(run.durationMs)}, attempt ${attempt}). ` +
					`n8n printed:\n${printedExcerpt(run)}`,
			);
		}
		return run;
	}
}

/**
 * The exit code, or (after a crash while exiting) the status n8n printed: 0 ↔ "success", 1 ↔ "error".
 * @param {import('../../scripts/lib/n8n-instance').ExecuteResult} run
 * @param {0 | 1} code
 */
function assertExit(run, code) {
	if (run.crashedAfterResult) assert.equal(run.status, code === 0 ? 'success' : 'error', 'printed status (n8n crashed while exiting)');
	else assert.equal(run.code, code, 'exit code');
}

/**
 * @param {import('../../sandbox/server').Sandbox} sandbox
 * @returns {{ method: string, path: string, apiKey: unknown, body: any }[]}
 */
function received(sandbox) {
	return sandbox.requests.map((r) => ({ method: r.method, path: r.path, apiKey: r.headers['x-api-key'], body: r.body }));
}

/* ------------------------------------------------------------------------------------------------ one version */

/**
 * @param {string} version
 * @param {string} tarball
 * @param {{ keep: boolean, server: boolean, expressionEngine: string | undefined }} options
 * @returns {Promise<Suite>}
 */
async function runVersion(version, tarball, options) {
	const started = Date.now();
	const suite = new Suite(`n8n ${version}`);
	captured = [];
	crashes = [];
	const sandbox = await startSandbox({
		apiKeys: { [API_KEY]: { permitted: true } },
		signatureRequests: [{ signatureRequestId: KNOWN_ID }, { signatureRequestId: KNOWN_ID_2 }, ...demoSignatureRequests(3)],
	});
	/** @type {import('../../scripts/lib/n8n-instance').Instance | undefined} */
	let instance;
	try {
		instance = await lib.createInstance({
			version,
			root: path.join(REPO, '.e2e'),
			name: 'e2e',
			// n8n's default is "vm" (isolated-vm); "legacy" avoids its crashes at exit (see execute()).
			env: options.expressionEngine ? { N8N_EXPRESSION_ENGINE: options.expressionEngine } : {},
		});
		suite.label = `n8n ${instance.n8nVersion}`;
		say(`\n== n8n ${instance.n8nVersion} (Node ${instance.runtime.nodeVersion}), user folder ${instance.userFolder}`);
		const inst = instance;

		const ready =
			(await suite.check('install the packed tarball as Community Nodes does; n8n loads n8n-nodes-okdokument.okDokument', async () => {
				const installed = await lib.installPackage(inst, tarball);
				assert.ok(installed.nodeTypes.includes(lib.NODE_TYPE), `node types: ${installed.nodeTypes.join(', ')}`);
				assert.ok(installed.credentialTypes.includes(lib.CREDENTIAL_TYPE), `credential types: ${installed.credentialTypes.join(', ')}`);
				assert.ok(
					!fs.existsSync(path.join(installed.packageDir, 'node_modules', 'n8n-workflow')),
					'n8n-workflow must not be installed next to the package',
				);
			})) &&
			(await suite.check('import 3 credentials and 7 workflows (4 test workflows, 3 examples)', async () => {
				const data = { environment: 'custom', baseUrl: sandbox.url };
				const creds = await lib.importCredentials(inst, [
					{ ...CREDENTIALS.good, data: { ...data, apiKey: API_KEY } },
					{ ...CREDENTIALS.wrongKey, data: { ...data, apiKey: WRONG_KEY } },
					{ ...CREDENTIALS.examples, data: { ...data, apiKey: API_KEY } },
				]);
				captured.push(creds.stdout, creds.stderr);
				const workflows = [
					...fs.readdirSync(WORKFLOWS_DIR).filter((f) => f.endsWith('.json')).sort().map((f) => readJson(path.join(WORKFLOWS_DIR, f))),
					...fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json')).sort().map((f) => readJson(path.join(EXAMPLES_DIR, f))),
				];
				assert.equal(workflows.length, 7, `expected 7 workflow files, found ${workflows.length}`);
				const wf = await lib.importWorkflows(inst, workflows);
				captured.push(wf.stdout, wf.stderr);
			}));
		if (!ready) return suite;

		await suite.check('(1) happy path: the PATCH carries the exact body and key; the output item is OKdokument’s answer', async () => {
			sandbox.clearRequests();
			const run = await execute(inst, 'e2eHappy', sandbox);
			assertExit(run, 0);
			assert.equal(run.status, 'success');
			assert.deepEqual(received(sandbox), [
				{
					method: 'PATCH',
					path: '/JSON/signatureRequest',
					apiKey: API_KEY,
					body: {
						signatureRequestId: KNOWN_ID,
						sendInfoURL: 'https://hooks.example.com/okdokument/e2e?step=1',
						resulturl: 'https://example.com/thank-you',
					},
				},
			]);
			assert.match(String(sandbox.requests[0].headers['content-type']), /^application\/json/);
			assert.deepEqual(lib.nodeOutputs(run.output, 'Update'), [
				[{ message: 'msg.updated', result: KNOWN_ID, url: `${sandbox.url}/${KNOWN_ID}` }],
			]);
			assert.equal(sandbox.getSignatureRequest(KNOWN_ID)?.sendInfoURL, 'https://hooks.example.com/okdokument/e2e?step=1');
		});

		await suite.check('(2) unknown ID: the run fails (exit 1) with OKdokument’s text "View ID does not exist: <id>"', async () => {
			sandbox.clearRequests();
			const run = await execute(inst, 'e2eUnknownId', sandbox);
			assertExit(run, 1);
			assert.equal(run.status, 'error');
			assert.deepEqual(
				received(sandbox).map((r) => [r.method, r.path, r.body?.signatureRequestId]),
				[['PATCH', '/JSON/signatureRequest', 'sr-e2e-missing-1']],
			);
			assert.ok(run.nodesRun.includes('Update'), `runData holds ${run.nodesRun.join(', ')}`);
			const error = run.output.data.resultData.error;
			assert.equal(error?.message, 'View ID does not exist: sr-e2e-missing-1');
			assert.equal(error?.node?.name, 'Update');
			assert.equal(String(error?.httpCode), '400');
			const printed = `${run.stdout}\n${run.stderr}`.split('\n').filter((l) => !/^\s/.test(l)).join('\n');
			assert.match(printed, /^View ID does not exist: sr-e2e-missing-1$/m, 'n8n prints the message on a line of its own');
		});

		await suite.check('(3) error output: the failed item reaches the node on the error output, the others the success branch', async () => {
			sandbox.clearRequests();
			const run = await execute(inst, 'e2eErrorOutput', sandbox);
			assertExit(run, 0);
			assert.equal(run.status, 'success');
			assert.deepEqual(
				received(sandbox).map((r) => r.body?.signatureRequestId).sort(),
				[KNOWN_ID, 'sr-e2e-missing-2', KNOWN_ID_2].sort(),
				'one PATCH per item',
			);
			const update = lib.nodeOutputs(run.output, 'Update');
			assert.ok(update, 'Update ran');
			assert.deepEqual(
				update[0].map((j) => j.result),
				[KNOWN_ID, KNOWN_ID_2],
				`success output of Update holds the two updates (it holds: ${JSON.stringify(update[0])})`,
			);
			assert.equal(update[1]?.length, 1, `error output of Update holds one item (it holds: ${JSON.stringify(update[1])})`);
			const failed = lib.nodeOutputs(run.output, 'Failed');
			assert.ok(failed, `the node on the error output ("Failed") never ran; nodes run: ${run.nodesRun.join(', ')}`);
			assert.equal(failed[0].length, 1);
			const item = failed[0][0];
			assert.equal(item.error, 'View ID does not exist: sr-e2e-missing-2');
			assert.equal(item.details?.httpCode, '400');
			assert.equal(item.details?.itemIndex, 1);
			assert.equal(item.ids, 'sr-e2e-missing-2', 'the input item’s fields come along on the error output');
			const updated = lib.nodeOutputs(run.output, 'Updated');
			assert.deepEqual(
				updated?.[0].map((j) => j.message),
				['msg.updated', 'msg.updated'],
			);
		});

		await suite.check('(4) wrong API key: the run fails with the 401 message', async () => {
			sandbox.clearRequests();
			const run = await execute(inst, 'e2eWrongKey', sandbox);
			assertExit(run, 1);
			assert.equal(run.status, 'error');
			assert.deepEqual(
				received(sandbox).map((r) => [r.method, r.path, r.apiKey]),
				[['PATCH', '/JSON/signatureRequest', WRONG_KEY]],
			);
			const error = run.output.data.resultData.error;
			assert.match(String(error?.message), /^OKdokument rejected the API key \(HTTP 401/);
			assert.equal(String(error?.httpCode), '401');
			assert.match(`${run.stdout}\n${run.stderr}`, /^OKdokument rejected the API key \(HTTP 401.*\)$/m);
		});

		await suite.check('(5) example bulk-update-with-error-output.json runs: 2 updated, 2 on the error branch', async () => {
			sandbox.clearRequests();
			const run = await execute(inst, 'exBulkErrors', sandbox);
			assertExit(run, 0);
			assert.equal(sandbox.requests.length, 4, 'one PATCH per ID');
			const updated = lib.nodeOutputs(run.output, 'Updated');
			const failed = lib.nodeOutputs(run.output, 'Could not update');
			assert.deepEqual(
				updated?.[0].map((j) => j.signatureRequestId),
				['sr-demo-1', 'sr-demo-2'],
				`"Updated" got: ${JSON.stringify(updated)}`,
			);
			assert.ok(failed, `"Could not update" never ran; nodes run: ${run.nodesRun.join(', ')}`);
			assert.deepEqual(
				failed[0].map((j) => [j.signatureRequestId, j.reason]),
				[
					['sr-demo-unknown', 'View ID does not exist: sr-demo-unknown'],
					['no-such-request', 'View ID does not exist: no-such-request'],
				],
			);
		});

		if (options.server) {
			await suite.check('(6) n8n start: owner setup and login work; the editor gets okDokument and okDokumentTool; the examples open', async () => {
				const n8n = await lib.startN8n(inst, { port: await lib.freePort() });
				try {
					const cookie = await n8n.login();
					assert.match(cookie, /^n8n-auth=/);
					const types = await n8n.nodeTypeNames();
					assert.ok(types.includes(lib.NODE_TYPE), `${lib.NODE_TYPE} is not among the editor's ${types.length} node types`);
					assert.ok(types.includes(lib.TOOL_NODE_TYPE), `${lib.TOOL_NODE_TYPE} is not among the editor's node types`);
					for (const id of ['exCallbackWait', 'exBulkErrors', 'exAiAgentTool']) {
						const res = await n8n.request('GET', `/rest/workflows/${id}`);
						assert.equal(res.status, 200, `GET /rest/workflows/${id}: ${res.text.slice(0, 200)}`);
						const nodes = (res.json?.data ?? res.json)?.nodes ?? [];
						assert.ok(
							nodes.some((/** @type {{ type: string }} */ n) => n.type.startsWith('n8n-nodes-okdokument.')),
							`${id} has no OKdokument node`,
						);
					}
					const creds = await n8n.request('GET', '/rest/credentials');
					assert.equal(creds.status, 200);
					captured.push(creds.text);
				} finally {
					await n8n.stop();
					captured.push(fs.readFileSync(n8n.logFile, 'utf8'));
				}
			});
		}

		await suite.check('(7) the API keys appear nowhere: not in anything n8n printed, not in its database or other files', async () => {
			const dataDir = path.join(inst.userFolder, '.n8n');
			/** @type {{ name: string, bytes: Buffer }[]} */
			const sources = captured.map((text, i) => ({ name: `printed output #${i + 1}`, bytes: Buffer.from(text, 'utf8') }));
			/** @param {string} dir */
			const walk = (dir) => {
				for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
					const full = path.join(dir, entry.name);
					if (entry.isDirectory()) {
						if (full !== path.join(dataDir, 'nodes')) walk(full);
					} else if (entry.isFile()) {
						sources.push({ name: path.relative(inst.userFolder, full), bytes: fs.readFileSync(full) });
					}
				}
			};
			walk(inst.userFolder);
			const databases = sources.filter((s) => /database\.sqlite/.test(s.name));
			assert.ok(databases.length > 0 && databases.some((d) => d.bytes.length > 0), 'no SQLite database found to scan');
			// Guard against scanning the wrong thing: the stored executions must be in what was scanned.
			assert.ok(
				databases.some((d) => d.bytes.includes('View ID does not exist: sr-e2e-missing-1')),
				'the database does not hold the executions (nothing meaningful was scanned)',
			);
			const leaks = [];
			for (const secret of SECRETS) {
				for (const source of sources) {
					if (source.bytes.includes(secret)) leaks.push(`"${secret}" in ${source.name}`);
				}
			}
			assert.deepEqual(leaks, [], 'API key found');
			say(`      scanned ${sources.length} outputs and files (${databases.map((d) => `${d.name} ${Math.round(d.bytes.length / 1024)} KiB`).join(', ')})`);
		});
		return suite;
	} catch (error) {
		suite.results.push({ name: 'setup', ok: false, ms: 0, error: error instanceof Error ? error.message : String(error) });
		say(`  ✗ setup: ${error instanceof Error ? error.message : String(error)}`);
		return suite;
	} finally {
		await sandbox.stop();
		if (instance) {
			if (suite.failed === 0 && !options.keep) {
				fs.rmSync(instance.userFolder, { recursive: true, force: true });
				fs.rmSync(instance.requestedFolder, { recursive: true, force: true });
			} else {
				say(`  user folder kept: ${instance.userFolder}`);
			}
		}
		suite.crashes = crashes;
		const note = crashes.length > 0 ? `; n8n crashed: ${crashes.join(', ')}` : '';
		say(`${suite.label}: ${suite.passed} passed, ${suite.failed} failed (${lib.formatDuration(Date.now() - started)})${note}`);
	}
}

/* ------------------------------------------------------------------------------------------------ main */

async function main() {
	const options = parseArgs(process.argv.slice(2));
	const started = Date.now();
	say(`e2e: n8n ${options.versions.join(' and ')}; building and packing the package…`);
	/** @type {Suite[]} */
	const suites = [];
	let tarball;
	const pack = new Suite('pack');
	await pack.check('npm run build && npm pack', async () => {
		tarball = await lib.packTarball({ repoDir: REPO, outDir: path.join(REPO, '.e2e', 'pack') });
	});
	suites.push(pack);
	if (tarball) {
		for (const version of options.versions) suites.push(await runVersion(version, tarball, options));
	}
	const passed = suites.reduce((n, s) => n + s.passed, 0);
	const failed = suites.reduce((n, s) => n + s.failed, 0);
	say('');
	for (const suite of suites.slice(1)) {
		const note = suite.crashes.length > 0 ? ` (n8n crashed: ${suite.crashes.join(', ')})` : '';
		say(`  ${suite.label}: ${suite.passed} passed, ${suite.failed} failed${note}`);
	}
	say(`  total time ${lib.formatDuration(Date.now() - started)}`);
	say(`e2e: ${passed} passed, ${failed} failed`);
	process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((error) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	say('e2e: 0 passed, 1 failed');
	process.exitCode = 1;
});
