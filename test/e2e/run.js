#!/usr/bin/env node
// @ts-check
'use strict';

/*
 * End-to-end tests in real n8n (1.123.81 and 2.41.1), as users get the package: packed, installed the way
 * Settings → Community Nodes installs it, credentials and workflows imported, workflows run with
 * `n8n execute --id`, OKdokument played by the local sandbox (sandbox/server.js, in this process).
 * Then one `n8n start` per version serves the checks that need a running n8n: the editor's node types, a Wait node
 * resumed by OKdokument's callback (Create → Wait → Download), and the OKdokument Trigger (activated workflow,
 * confirmed callbacks start it, a forged one does not), and the examples of that feature run as a user runs them.
 * The sandbox's signer (`sandbox.sign` / `sandbox.cancel`) plays the person who signs.
 *
 *   node test/e2e/run.js [--version 1|2|all] [--only NAME,NAME…] [--keep] [--no-server] [--no-editor]
 *                        [--expression-engine vm|legacy]
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

const fs = require('node:fs');
const path = require('node:path');

const lib = require('../../scripts/lib/n8n');
const { CHROMIUM, REDIS, ensureDebianPackages } = require('../../scripts/lib/debian-packages');
const { Checks } = require('./lib/checks');
const { createContext } = require('./lib/context');
const { REPO } = require('./lib/fixtures');
const { startE2eSandbox } = require('./lib/sandbox');
const { setupChecks } = require('./lib/setup');
const { SCENARIOS, PHASES, loadScenarios } = require('./scenarios');
const { runEditorChecks } = require('./editor');

const EDITOR = 'editor';
const USAGE =
	'Usage: node test/e2e/run.js [--version 1|2|all] [--only NAME,NAME…] [--keep] [--no-server] [--no-editor] [--expression-engine vm|legacy]\n' +
	`  --only  scenarios (${SCENARIOS.join(', ')}) and/or ${EDITOR}\n`;

/**
 * @typedef {object} Options
 * @property {string[]} versions
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
	let versions = ['1', '2'];
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
			const value = inline ?? argv[++i];
			if (value === 'all' || value === 'both') versions = ['1', '2'];
			else if (value === '1' || value === '2') versions = [value];
			else throw new Error(`--version takes 1, 2 or all, not "${value}"`);
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
	return { versions, keep, server, editor, expressionEngine, only };
}

/** @param {string} line */
function say(line) {
	process.stdout.write(`${line}\n`);
}

/**
 * The scenarios this run runs, in order.
 * @param {Options} options
 */
function selectedScenarios(options) {
	return loadScenarios().filter((s) => (!options.only || options.only.includes(s.name)) && (options.server || s.needs !== 'server'));
}

/**
 * One n8n version: a fresh instance and sandbox, the install and import, then every selected scenario's checks, the
 * running n8n started on first use and stopped before the 'stopped' scenarios.
 * @param {string} version
 * @param {string} tarball
 * @param {Options} options
 * @returns {Promise<Checks>}
 */
async function runVersion(version, tarball, options) {
	const started = Date.now();
	const suite = new Checks(say, `n8n ${version}`);
	const sandbox = await startE2eSandbox();
	/** @type {import('../../scripts/lib/n8n').Instance | undefined} */
	let instance;
	/** @type {import('./lib/context').Context | undefined} */
	let ctx;
	try {
		instance = await lib.createInstance({
			version,
			root: path.join(REPO, '.e2e'),
			name: 'e2e',
			// n8n's default is "vm" (isolated-vm); "legacy" avoids its crashes at exit (see test/e2e/lib/cli-runs.js).
			env: options.expressionEngine ? { N8N_EXPRESSION_ENGINE: options.expressionEngine } : {},
		});
		suite.label = `n8n ${instance.n8nVersion}`;
		say(`\n== n8n ${instance.n8nVersion} (Node ${instance.runtime.nodeVersion}), user folder ${instance.userFolder}`);
		const context = createContext({ version, instance, sandbox, say });
		ctx = context.ctx;
		const current = ctx;

		for (const check of setupChecks(tarball)) {
			if (!(await suite.run(check.name, () => check.run(current)))) return suite;
		}
		const scenarios = selectedScenarios(options);
		for (const phase of PHASES) {
			try {
				for (const scenario of scenarios.filter((s) => s.needs === phase)) {
					for (const check of scenario.checks) await suite.run(`(${check.number}) ${check.name}`, () => check.run(current));
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
		if (instance) {
			if (suite.failed === 0 && !options.keep) {
				fs.rmSync(instance.userFolder, { recursive: true, force: true });
				fs.rmSync(instance.requestedFolder, { recursive: true, force: true });
			} else {
				say(`  user folder kept: ${instance.userFolder}`);
			}
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
	// Chromium only when the editor checks run (and no other browser was chosen); Redis for queue mode, in the same step.
	try {
		await ensureDebianPackages({ needed: options.editor && !process.env.CHROMIUM_PATH ? [CHROMIUM] : [], alsoInstall: [REDIS] }, (line) => say(`e2e: ${line}`));
	} catch (error) {
		say(`e2e: ${error instanceof Error ? error.message : String(error)}`);
		say('e2e: 0 passed, 1 failed');
		process.exitCode = 1;
		return;
	}
	const which = options.only ? ` (only ${options.only.join(', ')})` : '';
	say(`e2e: n8n ${options.versions.join(' and ')}${which}; building and packing the package…`);
	/** @type {Checks[]} */
	const suites = [];
	let tarball;
	const pack = new Checks(say, 'pack');
	await pack.run('npm run build && npm pack', async () => {
		tarball = await lib.packTarball({ repoDir: REPO, outDir: path.join(REPO, '.e2e', 'pack') });
	});
	suites.push(pack);
	if (tarball) {
		for (const version of options.versions) {
			if (runScenarios) suites.push(await runVersion(version, tarball, options));
			if (options.editor) suites.push(await runEditor(version, tarball));
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

main().catch((error) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	say('e2e: 0 passed, 1 failed');
	process.exitCode = 1;
});
