// @ts-check
'use strict';

/** Workflows run with `n8n execute`, as the scenarios need them: n8n's crashes while exiting told apart and retried. */

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const lib = require('../../../scripts/lib/n8n');

/** @typedef {import('../../../scripts/lib/n8n').ExecuteResult} ExecuteResult */

/**
 * Lines n8n printed that are not part of the execution JSON, for failure messages.
 * @param {{ stdout: string, stderr: string }} run
 * @returns {string}
 */
function printedExcerpt(run) {
	const lines = `${run.stdout}\n${run.stderr}`.split(/\r?\n/).filter((l) => l.trim() !== '' && !/^[\s{}[\]]/.test(l));
	return lines.slice(-15).join('\n');
}

/**
 * Runs a workflow and fails with n8n's own words when it did not really run. What n8n printed goes to the context's
 * capture (for the secrets scan) and to `<userFolder>/e2e-<id>.out`.
 *
 * n8n 1.123 and 2.41 on Node 24 sometimes die with SIGSEGV after printing the result. The crash is in V8 garbage
 * collection on an isolated-vm thread of their default "vm" expression engine while the process exits. It happens
 * more often under load. Its printed result is complete and is used, but the exit code is not observable: assertExit
 * then checks the printed status. (Running it again would be wrong: the sandbox's one-time faults are used up.) A
 * crash before any result is run once more, after clearing the sandbox's request log; twice fails the check. Both
 * cases are reported.
 * @param {import('./context').Context} ctx
 * @param {string} workflowId
 * @returns {Promise<ExecuteResult>}
 */
async function executeWorkflow(ctx, workflowId) {
	for (let attempt = 1; ; attempt++) {
		const run = await lib.executeWorkflow(ctx.instance, workflowId);
		ctx.capture(run.stdout, run.stderr);
		fs.writeFileSync(
			path.join(ctx.instance.userFolder, `e2e-${workflowId}${attempt > 1 ? `-attempt${attempt}` : ''}.out`),
			`${run.stdout}\n--- stderr ---\n${run.stderr}`,
		);
		if (run.crashed) ctx.crashes.push(`${workflowId} (${run.signal ?? `exit ${run.code}`}${run.crashedAfterResult ? ' after its result' : ''})`);
		if (run.crashedAfterResult) {
			ctx.say(`    ⚠ ${run.problem}; using its complete printed result (exit code not observable)`);
			return run;
		}
		if (run.crashed && attempt === 1) {
			ctx.say(`    ⚠ ${run.problem}; running ${workflowId} once more`);
			ctx.sandbox.clearRequests();
			continue;
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
 * @param {ExecuteResult} run
 * @param {0 | 1} code
 */
function assertExit(run, code) {
	if (run.crashedAfterResult) assert.equal(run.status, code === 0 ? 'success' : 'error', 'printed status (n8n crashed while exiting)');
	else assert.equal(run.code, code, 'exit code');
}

module.exports = { executeWorkflow, assertExit };
