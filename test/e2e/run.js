#!/usr/bin/env node
// @ts-check
'use strict';

/*
 * End-to-end tests in real n8n (1.123.81, 2.41.1 and 1.88.0), as users get the package: packed, installed the way
 * Settings → Community Nodes installs it, credentials and workflows imported, workflows run with
 * `n8n execute --id`, OKdokument played by the local sandbox (sandbox/server.js, in this process).
 * Then one `n8n start` per version serves the checks that need a running n8n: the editor's node types, a Wait node
 * resumed by OKdokument's callback (Create → Wait → Download), and the OKdokument Trigger (activated workflow,
 * confirmed callbacks start it, a forged one does not), and the examples of that feature run as a user runs them.
 * The sandbox's signer (`sandbox.sign` / `sandbox.cancel`) plays the person who signs.
 *
 * Then the same scenarios (those that name the topology 'queue') run once more in n8n 2.41.1's queue mode: Postgres,
 * Redis, a main, two workers and a webhook processor, each with the package installed (test/e2e/lib/topologies.js),
 * plus the queue's own faults: a worker killed while an execution waits, Redis restarted. After each check there, the
 * runner proves from the processes' logs that every execution the check caused ran on a worker
 * (test/e2e/lib/queue-proof.js). `--mode single` or `--mode queue` runs only one of the two.
 *
 *   node test/e2e/run.js [--version 1|2|oldest|all] [--mode single|queue|all] [--only NAME,NAME…] [--keep] [--no-server]
 *                        [--no-editor] [--expression-engine vm|legacy] [--queue-without-package NAME,…]
 *
 * Which version runs what (test/e2e/scenarios/index.js):
 * - n8n 1.123.81 ('1') and 2.41.1 ('2'), the versions users run most: every scenario, and the editor checks.
 * - n8n 2.41.1 in queue mode: the scenarios that name the topology 'queue'. Queue mode is set up for 2.x only.
 * - n8n 1.88.0 ('oldest'), the oldest n8n the package supports, in one process: every scenario that does not say
 *   otherwise, which is every one but the examples (an n8n 1.88 difference in how it records a resumed manual
 *   execution; see scenarios/examples.js) and the MCP Server Trigger (n8n's node, not the package's: scenarios/mcp.js):
 *   the package loads, every operation, Update's errors and error output, the trigger with its memory, its bursts and
 *   Catch Missed Events, Create → Wait → Download, Wait for Signature, 200 items through a webhook, the secrets scan,
 *   and Send and Wait for Signature refusing, as this n8n cannot sign resume URLs. Not the editor
 *   checks: test/e2e/editor.js drives the editors of 1.123 and 2.41. Not queue mode (2.x only). That costs 2.5 to
 *   4 minutes on a warm cache (measured at load averages 6 to 25), and the install of 1.88.0 on a cold one, side by
 *   side with the others (scripts/n8n-runtime.js).
 * `--version` takes one of these names or several separated by commas; `all` (the default) is every one, `both` is 1,2.
 *
 * --queue-without-package worker-2 leaves that process of the queue without the package, as a forgotten install on
 * one machine would: the run must then fail (it does, with "Unrecognized node type").
 *
 * The checks live in test/e2e/scenarios/<name>.js, one file per feature, listed in test/e2e/scenarios/index.js
 * (which says how to add one). --only runs the named scenarios alone (after the install and import every version
 * starts with), e.g. `--only trigger,create-wait-download`; `editor` names the editor checks.
 *
 * After the checks in n8n itself, each version's editor is checked in Chromium (test/e2e/editor.js); --no-editor
 * skips that. Run as root on a fresh machine, the run first installs what it takes from Debian's packages (chromium,
 * and redis-server for queue mode); as another user it stops at once with the command to run.
 *
 * A plain Node script (node:assert, no jest), so that `npm test` stays fast. It prints one line per check, a summary
 * per n8n version and, last, `e2e: N passed, N failed` alone on a line; the exit code is 1 when anything failed.
 * User folders of passing versions are deleted (kept with --keep, always kept on failure).
 */

const assert = require('node:assert/strict');
const path = require('node:path');

const lib = require('../../scripts/lib/n8n');
const runtime = require('../../scripts/n8n-runtime');
const { CHROMIUM, REDIS, POSTGRES, ensureDebianPackages } = require('../../scripts/lib/debian-packages');
const { onInterrupt } = require('../../scripts/lib/n8n/shutdown');
const { Checks } = require('./lib/checks');
const { createContext } = require('./lib/context');
const { REPO } = require('./lib/fixtures');
const { startE2eSandbox } = require('./lib/sandbox');
const { setupChecks } = require('./lib/setup');
const { singleProcess, queueMode } = require('./lib/topologies');
const { latestExecutionId, proveRanOnWorkers } = require('./lib/queue-proof');
const { SCENARIOS, PHASES, VERSIONS, MAIN_VERSIONS, loadScenarios } = require('./scenarios');
const { runEditorChecks } = require('./editor');

const EDITOR = 'editor';
/** Queue mode is set up for this n8n version (scripts/lib/n8n/queue.js). */
const QUEUE_VERSION = '2';
/** test/e2e/editor.js knows the editors of these versions; the oldest's editor is not checked (see above). */
const EDITOR_VERSIONS = MAIN_VERSIONS;
const USAGE =
	`Usage: node test/e2e/run.js [--version ${VERSIONS.join('|')}|all] [--mode single|queue|all] [--only NAME,NAME…] [--keep] [--no-server] [--no-editor]\n` +
	'                            [--expression-engine vm|legacy] [--queue-without-package NAME,…]\n' +
	`  --only  scenarios (${SCENARIOS.join(', ')}) and/or ${EDITOR}\n` +
	'  --mode  single: one n8n process per version; queue: n8n 2.x in queue mode; all (default): both\n' +
	`  --version  one or more of ${VERSIONS.join(', ')}, separated by commas; all (default): every one; both: 1,2\n`;

/**
 * @typedef {object} Options
 * @property {string[]} versions
 * @property {('single' | 'queue')[]} modes
 * @property {string[]} withoutPackage  queue processes left without the package
 * @property {boolean} keep
 * @property {boolean} server
 * @property {boolean} editor
 * @property {string | undefined} expressionEngine
 * @property {string[] | undefined} only   scenario names (and "editor"), or undefined for all
 */

/**
 * @param {string[]} argv
 * @returns {Options}
 */
function parseArgs(argv) {
	let versions = [...VERSIONS];
	/** @type {('single' | 'queue')[]} */
	let modes = ['single', 'queue'];
	/** @type {string[]} */
	let withoutPackage = [];
	let keep = false;
	let server = true;
	let editor = true;
	/** @type {string | undefined} */
	let expressionEngine;
	/** @type {string[] | undefined} */
	let only;
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s);
		if (flag === '--version' || flag === '-v') {
			const value = String(inline ?? argv[++i]);
			const names = value === 'all' ? VERSIONS : value === 'both' ? MAIN_VERSIONS : value.split(',').map((v) => v.trim());
			if (names.length === 0 || names.some((v) => !VERSIONS.includes(v))) {
				throw new Error(`--version takes ${VERSIONS.join(', ')} (several separated by commas), all or both, not "${value}"`);
			}
			versions = VERSIONS.filter((v) => names.includes(v));
		} else if (flag === '--mode') {
			const value = inline ?? argv[++i];
			if (value === 'all') modes = ['single', 'queue'];
			else if (value === 'single' || value === 'queue') modes = [value];
			else throw new Error(`--mode takes single, queue or all, not "${value}"`);
		} else if (flag === '--queue-without-package') {
			withoutPackage = String(inline ?? argv[++i] ?? '').split(',').map((name) => name.trim()).filter(Boolean);
			if (withoutPackage.length === 0) throw new Error('--queue-without-package takes process names, e.g. worker-2');
		} else if (flag === '--expression-engine') {
			expressionEngine = inline ?? argv[++i];
			if (expressionEngine !== 'vm' && expressionEngine !== 'legacy') throw new Error('--expression-engine takes vm or legacy');
		} else if (flag === '--only') {
			const names = String(inline ?? argv[++i] ?? '')
				.split(',')
				.map((name) => name.trim())
				.filter(Boolean);
			const unknown = names.filter((name) => name !== EDITOR && !SCENARIOS.includes(name));
			if (names.length === 0 || unknown.length > 0) {
				throw new Error(`--only takes names from: ${[...SCENARIOS, EDITOR].join(', ')} (not "${unknown.join(', ') || '(nothing)'}")`);
			}
			only = [...(only ?? []), ...names];
		} else if (flag === '--keep') keep = true;
		else if (flag === '--no-server') server = false;
		else if (flag === '--no-editor') editor = false;
		else if (flag === '--help' || flag === '-h') {
			process.stdout.write(USAGE);
			process.exit(0);
		} else throw new Error(`Unknown argument "${argv[i]}"`);
	}
	if (only && !only.includes(EDITOR)) editor = false;
	if (!modes.includes('single')) editor = false;
	return { versions, modes, withoutPackage, keep, server, editor, expressionEngine, only };
}

/** @param {string} line */
function say(line) {
	process.stdout.write(`${line}\n`);
}

/**
 * The scenarios this run runs, in order, with the checks of one version in one topology.
 * @param {Options} options
 * @param {Target} target
 */
function selectedScenarios(options, { version, mode }) {
	return loadScenarios()
		.filter((s) => (!options.only || options.only.includes(s.name)) && (options.server || s.needs !== 'server'))
		.map((s) => ({ ...s, checks: s.checks.filter((check) => check.topologies.includes(mode) && check.versions.includes(version)) }))
		.filter((s) => s.checks.length > 0);
}

/**
 * @typedef {object} Target  one n8n version in one topology
 * @property {string} version
 * @property {'single' | 'queue'} mode
 */

/**
 * One target: a fresh topology and sandbox, the install and import, then every selected scenario's checks, the
 * running n8n started on first use and stopped before the 'stopped' scenarios. In queue mode every check that ran
 * against the running n8n is followed by the proof that its executions ran on workers.
 * @param {Target} target
 * @param {string} tarball
 * @param {Options} options
 * @returns {Promise<Checks>}
 */
async function runTarget({ version, mode }, tarball, options) {
	const started = Date.now();
	const suite = new Checks(say, `n8n ${version}${mode === 'queue' ? ', queue mode' : ''}`);
	const sandbox = await startE2eSandbox();
	/** @type {import('./lib/topologies').Topology | undefined} */
	let topology;
	/** @type {import('./lib/context').Context | undefined} */
	let ctx;
	try {
		// n8n's default is "vm" (isolated-vm); "legacy" avoids its crashes at exit (see test/e2e/lib/cli-runs.js).
		const env = options.expressionEngine ? { N8N_EXPRESSION_ENGINE: options.expressionEngine } : {};
		topology = mode === 'queue' ? await queueMode({ env, withoutPackage: options.withoutPackage }) : await singleProcess({ version, env });
		suite.label = topology.label;
		say(`\n== ${topology.description}`);
		const context = createContext({ version, topology, sandbox, say });
		ctx = context.ctx;
		const current = ctx;

		for (const check of setupChecks(tarball)) {
			if (!(await suite.run(check.name, () => check.run(current)))) return suite;
		}
		const scenarios = selectedScenarios(options, { version, mode });
		for (const phase of PHASES) {
			try {
				for (const scenario of scenarios.filter((s) => s.needs === phase)) {
					for (const check of scenario.checks) {
						await suite.run(`(${check.number}) ${check.name}`, async () => {
							if (mode !== 'queue' || phase !== 'server') return check.run(current);
							const n8n = /** @type {import('../../scripts/lib/n8n/queue').RunningQueue} */ (await current.n8n());
							const since = await latestExecutionId(n8n);
							const note = await check.run(current);
							return [typeof note === 'string' ? note : '', (await proveRanOnWorkers(n8n, since)) ?? ''].filter(Boolean).join('\n');
						});
					}
				}
			} finally {
				if (phase === 'server') await context.stopN8n();
			}
		}
		return suite;
	} catch (error) {
		suite.results.push({ name: 'setup', ok: false, ms: 0, error: error instanceof Error ? error.message : String(error) });
		say(`  ✗ setup: ${error instanceof Error ? error.message : String(error)}`);
		return suite;
	} finally {
		await sandbox.stop();
		const kept = await topology?.dispose(suite.failed > 0 || options.keep);
		if (kept) say(`  kept: ${kept}`);
		const { leftovers } = topology ?? {};
		if (leftovers && !kept) {
			await suite.run(`${topology?.label} stopped cleanly: no process, port or folder of it left`, async () => {
				assert.deepEqual(await leftovers(), [], 'left behind');
			});
		}
		suite.crashes = ctx?.crashes ?? [];
		const note = suite.crashes.length > 0 ? `; n8n crashed: ${suite.crashes.join(', ')}` : '';
		say(`${suite.label}: ${suite.passed} passed, ${suite.failed} failed (${lib.formatDuration(Date.now() - started)})${note}`);
	}
}

/**
 * The editor in Chromium. On n8n 1.x the credential dialog shows n8n's own text for a wrong key, not the
 * credential test's rule message (n8n-workflow 1.x drops the response the rules need), so that is accepted there.
 * @param {string} version
 * @param {string} tarball
 * @returns {Promise<Checks>}
 */
async function runEditor(version, tarball) {
	const suite = new Checks(say, `editor on n8n ${version}.x`);
	say('');
	say(`${suite.label}: Chromium, node panel, icons in both themes, the node's fields, the credential test`);
	const outcome = await runEditorChecks({ version, tarball, acceptN8n1Generic401: true, print: say });
	suite.label = `editor on n8n ${outcome.n8nVersion ?? version}`;
	suite.results.push(...outcome.details);
	if (outcome.details.length === 0) suite.results.push({ name: 'editor checks ran', ok: false, ms: outcome.ms, error: 'no check ran' });
	return suite;
}

async function main() {
	/** @type {Options} */
	let options;
	try {
		options = parseArgs(process.argv.slice(2));
	} catch (error) {
		process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
		say('e2e: 0 passed, 1 failed');
		process.exitCode = 1;
		return;
	}
	const started = Date.now();
	const runScenarios = !options.only || options.only.some((name) => name !== EDITOR);
	// Stop what runs (the queue's processes, Postgres, Redis) on Ctrl-C; the library's exit hooks do the rest.
	onInterrupt(() => say('e2e: interrupted'));
	const queueRuns = options.modes.includes('queue') && options.versions.includes(QUEUE_VERSION);
	const editorRuns = options.editor && options.versions.some((v) => EDITOR_VERSIONS.includes(v));
	// Chromium only when the editor checks run (and no other browser was chosen); Redis and PostgreSQL's server for
	// queue mode, in the same step.
	try {
		await ensureDebianPackages(
			{
				needed: [...(editorRuns && !process.env.CHROMIUM_PATH ? [CHROMIUM] : []), ...(queueRuns ? [REDIS, POSTGRES] : [])],
				alsoInstall: [REDIS, POSTGRES],
			},
			(line) => say(`e2e: ${line}`),
		);
	} catch (error) {
		say(`e2e: ${error instanceof Error ? error.message : String(error)}`);
		say('e2e: 0 passed, 1 failed');
		process.exitCode = 1;
		return;
	}
	const which = options.only ? ` (only ${options.only.join(', ')})` : '';
	/** @type {Target[]} */
	const targets = [
		...(options.modes.includes('single') ? options.versions.map((version) => ({ version, mode: /** @type {const} */ ('single') })) : []),
		...(queueRuns ? [{ version: QUEUE_VERSION, mode: /** @type {const} */ ('queue') }] : []),
	];
	if (options.modes.includes('queue') && !queueRuns) say(`e2e: queue mode runs on n8n ${QUEUE_VERSION}.x only; not with --version ${options.versions.join(',')}`);
	say(`e2e: ${targets.map((t) => `n8n ${t.version}${t.mode === 'queue' ? ' in queue mode' : ''}`).join(', ')}${which}; building and packing the package…`);
	/** @type {Checks[]} */
	const suites = [];
	let tarball;
	const pack = new Checks(say, 'pack');
	// Every n8n the run needs, installed side by side on a cold cache before any check runs (scripts/n8n-runtime.js).
	const versions = [...new Set(targets.map((t) => t.version))];
	const prepared = await pack.run(`n8n ready: ${versions.map((v) => runtime.resolveRecipe(v).n8nVersion).join(', ')}`, async () => {
		const runtimes = await runtime.ensureRuntimes(versions);
		return runtimes.map((r) => `n8n ${r.n8nVersion} on Node ${r.nodeVersion}: ${r.status}`).join('; ');
	});
	await pack.run('npm run build && npm pack', async () => {
		tarball = await lib.packTarball({ repoDir: REPO, outDir: path.join(REPO, '.e2e', 'pack') });
	});
	suites.push(pack);
	if (tarball && prepared) {
		for (const target of targets) {
			if (runScenarios) suites.push(await runTarget(target, tarball, options));
			if (options.editor && target.mode === 'single' && EDITOR_VERSIONS.includes(target.version)) suites.push(await runEditor(target.version, tarball));
		}
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

main()
	.catch((error) => {
		process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
		say('e2e: 0 passed, 1 failed');
		process.exitCode = 1;
	})
	// Exit even if something we started is still running (its pipes would keep us alive): the exit hooks kill it.
	.finally(() => process.exit());
