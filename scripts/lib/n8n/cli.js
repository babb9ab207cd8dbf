// @ts-check
'use strict';

/**
 * n8n's command line, run to completion: `n8n import:credentials`, `n8n import:workflow` and
 * `n8n execute --id … --rawOutput`, with what it printed parsed and judged (a crash is not a workflow failure).
 */

const fs = require('node:fs');
const path = require('node:path');

const { runN8n, commandError } = require('./processes');

/** @typedef {import('./instance').Instance} Instance */
/** @typedef {import('./processes').RunResult} RunResult */

/**
 * @typedef {object} CredentialInput
 * @property {string} id     n8n credential id (16 characters or fewer)
 * @property {string} name
 * @property {string} type   e.g. "okDokumentApi"
 * @property {Record<string, unknown>} data  plain values; n8n encrypts them on import
 */

/**
 * Writes `items` to a temporary file in the user folder, runs the import, deletes the file (credentials are plain
 * there), and checks n8n reported importing all of them.
 * @param {Instance} instance
 * @param {'credentials' | 'workflow'} kind
 * @param {unknown[]} items
 * @returns {Promise<RunResult>}
 */
async function runImport(instance, kind, items) {
	if (items.length === 0) throw new Error(`import:${kind}: nothing to import`);
	const file = path.join(instance.userFolder, `.import-${kind}-${process.pid}-${Date.now()}.json`);
	fs.writeFileSync(file, JSON.stringify(items), { mode: 0o600 });
	let result;
	try {
		result = await runN8n(instance, [`import:${kind}`, `--input=${file}`]);
	} finally {
		fs.rmSync(file, { force: true });
	}
	const noun = kind === 'credentials' ? 'credential' : 'workflow';
	const expected = `Successfully imported ${items.length} ${items.length === 1 ? `${noun}.` : `${noun}s.`}`;
	const printed = `${result.stdout}\n${result.stderr}`;
	if (result.code !== 0 || !printed.includes(expected)) {
		throw commandError(`n8n import:${kind} (expected "${expected}")`, result);
	}
	return result;
}

/**
 * `n8n import:credentials` of all given credentials in one call (each call pays n8n's start-up, 6–10 s).
 * @param {Instance} instance
 * @param {CredentialInput[]} credentials
 * @returns {Promise<RunResult>}
 */
async function importCredentials(instance, credentials) {
	for (const c of credentials) {
		if (!c.id || c.id.length > 16) throw new Error(`credential "${c.name}": id must be 1–16 characters`);
	}
	return runImport(instance, 'credentials', credentials);
}

/**
 * `n8n import:workflow` of all given workflows in one call. Workflow ids must be 16 characters or fewer.
 * @param {Instance} instance
 * @param {Record<string, unknown>[]} workflows
 * @returns {Promise<RunResult>}
 */
async function importWorkflows(instance, workflows) {
	for (const w of workflows) {
		if (typeof w.id !== 'string' || w.id.length === 0 || w.id.length > 16) {
			throw new Error(`workflow "${w.name}": id must be a string of 1–16 characters`);
		}
	}
	return runImport(instance, 'workflow', workflows.map((w) => ({ active: false, settings: {}, ...w })));
}

/**
 * @typedef {object} ExecuteResult
 * @property {number | null} code       exit code (0: success, 1: the workflow failed)
 * @property {NodeJS.Signals | null} signal
 * @property {string} stdout
 * @property {string} stderr
 * @property {any} output               the execution n8n printed (`{ data: { resultData: { runData, error? } }, status, … }`), or undefined
 * @property {boolean} executed         true only when n8n printed an execution whose runData holds at least one node
 * @property {'success' | 'error' | string | undefined} status  `output.status` (see printedStatus)
 * @property {string[]} nodesRun        names of the nodes in runData
 * @property {string | undefined} problem  why this run must not count as a clean result (no output, did not run, crash, timeout), else undefined
 * @property {boolean} crashed          n8n died from a signal or exited with a code other than 0 and 1
 * @property {boolean} crashedAfterResult  it crashed after printing a complete execution. Seen with n8n 1.123 and 2.41
 *   under load: SIGSEGV while exiting, in V8 garbage collection on a thread of isolated-vm, which their default "vm"
 *   expression engine uses. The output is complete; the exit code is not.
 * @property {boolean} timedOut
 * @property {number} durationMs
 */

/**
 * Finds the execution JSON n8n printed: `n8n execute` prints it with JSON.stringify(…, null, 2) on success, and
 * through its logger after "Execution was NOT successful" on failure; both start with a line that is exactly "{".
 * @param {string} text
 * @returns {any}
 */
function parseExecutionJson(text) {
	const lines = text.split(/\r?\n/);
	let found;
	for (let i = 0; i < lines.length; i++) {
		if (lines[i] !== '{') continue;
		for (let j = i + 1; j < lines.length; j++) {
			if (lines[j] !== '}') continue;
			try {
				const value = JSON.parse(lines.slice(i, j + 1).join('\n'));
				if (value && typeof value === 'object' && value.data && value.data.resultData) {
					found = value;
					i = j;
				}
				break;
			} catch {
				// a "}" line inside a string: keep looking for the real end
			}
		}
	}
	return found;
}

/**
 * The execution's status as printed. n8n 1.88 prints the execution before it has set its final status (it prints
 * "running"); its execute command decides success or failure by whether resultData holds an error, and so does this.
 * @param {any} output
 * @returns {string | undefined}
 */
function printedStatus(output) {
	const status = output?.status;
	if (status !== 'running' || !output.stoppedAt) return status;
	return output.data?.resultData?.error ? 'error' : 'success';
}

/**
 * `n8n execute --id=<id> --rawOutput`. Never a silent success: when n8n printed no execution, or the execution ran
 * no node, `executed` is false and `problem` says why ("--id has to be set!" and an unknown id both exit without
 * running anything; the former even exits 0).
 * @param {Instance} instance
 * @param {string} workflowId
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<ExecuteResult>}
 */
async function executeWorkflow(instance, workflowId, options = {}) {
	if (!workflowId) throw new Error('executeWorkflow needs a workflow id');
	const result = await runN8n(instance, ['execute', `--id=${workflowId}`, '--rawOutput'], {
		timeoutMs: options.timeoutMs ?? 120_000,
	});
	const output = parseExecutionJson(result.stdout) ?? parseExecutionJson(`${result.stdout}\n${result.stderr}`);
	const runData = output?.data?.resultData?.runData;
	const nodesRun = runData && typeof runData === 'object' ? Object.keys(runData) : [];
	const executed = nodesRun.length > 0;
	const status = printedStatus(output);
	const printed = `${result.stdout}\n${result.stderr}`;
	const crashed = !result.timedOut && (result.signal !== null || (result.code !== 0 && result.code !== 1));
	// A finished execution: status "success" or "error" ("finished" is printed for successes only).
	const crashedAfterResult = crashed && executed && (status === 'success' || status === 'error' || status === 'crashed');
	/** @type {string | undefined} */
	let problem;
	if (result.timedOut) problem = 'n8n execute timed out';
	else if (crashedAfterResult) {
		problem = `n8n printed a complete execution (status "${status}") and then crashed while exiting (${result.signal ?? `exit ${result.code}`})`;
	} else if (result.signal) problem = `n8n execute was killed by ${result.signal} before it printed a result`;
	else if (/"--id" has to be set/.test(printed)) problem = 'n8n did not run anything: "--id" has to be set!';
	else if (/The workflow with the id ".*" does not exist/.test(printed)) problem = `workflow ${workflowId} does not exist in this instance`;
	else if (!output) problem = 'n8n printed no execution result';
	else if (!executed) problem = 'the execution ran no node (empty runData)';
	else if (result.code === 0 && status !== 'success') problem = `exit code 0 but execution status "${status}"`;
	else if (result.code !== 0 && result.code !== 1) problem = `n8n execute exited with ${result.code} (a crash, not a workflow failure)`;
	else if (result.code === 1 && status === 'success') problem = 'exit code 1 after a successful execution (crashed while exiting?)';
	return {
		code: result.code,
		signal: result.signal,
		stdout: result.stdout,
		stderr: result.stderr,
		output,
		executed,
		status,
		nodesRun,
		problem,
		crashed,
		crashedAfterResult,
		timedOut: result.timedOut,
		durationMs: result.durationMs,
	};
}

module.exports = { importCredentials, importWorkflows, executeWorkflow, parseExecutionJson };
