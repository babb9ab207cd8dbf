// @ts-check
'use strict';

/** Executions read back from a running n8n: polling until one finishes or appears, and why one failed. */

const lib = require('../../../scripts/lib/n8n');
const { EXECUTION_TIMEOUT_MS } = require('./fixtures');

/** @typedef {import('../../../scripts/lib/n8n').RunningN8n} RunningN8n */
/** @typedef {import('../../../scripts/lib/n8n').StoredExecution} StoredExecution */
/** @typedef {import('../../../scripts/lib/n8n').ExecutionSummary} ExecutionSummary */

/**
 * Why an execution did not succeed, in n8n's words.
 * @param {StoredExecution} execution
 * @returns {string}
 */
function executionProblem(execution) {
	const result = execution.data?.resultData ?? {};
	const error = result.error ? `: ${result.error.message}${result.error.description ? ` (${result.error.description})` : ''}` : '';
	return `execution ${execution.id} is "${execution.status}"${error}; last node run: ${result.lastNodeExecuted ?? 'none'}; nodes run: ${Object.keys(result.runData ?? {}).join(', ')}`;
}

/**
 * Polls an execution until n8n has finished it (any state but new, running, waiting) and stored what it finished
 * with. While n8n 1.x resumes an execution, a read can already say "success" with the data of the resume's start
 * (the waiting node still on the stack, the later nodes missing); a finished successful run has an empty stack.
 * @param {RunningN8n} n8n
 * @param {string} executionId
 * @returns {Promise<StoredExecution>}
 */
async function finishedExecution(n8n, executionId) {
	/** @type {StoredExecution | undefined} */
	let last;
	return lib.waitFor(
		`execution ${executionId} to finish`,
		async () => {
			last = await n8n.execution(executionId);
			const midResume = last.status === 'success' && (last.data?.executionData?.nodeExecutionStack?.length ?? 0) > 0;
			return lib.UNFINISHED_EXECUTION_STATES.includes(last.status) || midResume ? undefined : last;
		},
		{ timeoutMs: EXECUTION_TIMEOUT_MS, describe: () => (last ? executionProblem(last) : 'nothing') },
	);
}

/**
 * Polls until an execution is "waiting" (at a Wait node, or for a callback); fails at once when it ends instead.
 * @param {RunningN8n} n8n
 * @param {string} executionId
 * @param {string} [what]  what it waits for, for the messages
 * @returns {Promise<StoredExecution>}
 */
async function waitingExecution(n8n, executionId, what = 'the signer') {
	/** @type {string} */
	let status = 'nothing';
	return lib.waitFor(
		`execution ${executionId} to wait for ${what}`,
		async () => {
			const execution = await n8n.execution(executionId);
			status = execution.status;
			if (!lib.UNFINISHED_EXECUTION_STATES.includes(status)) throw new Error(`it ended before it waited for ${what}: ${executionProblem(execution)}`);
			return status === 'waiting' ? execution : undefined;
		},
		{ timeoutMs: EXECUTION_TIMEOUT_MS, describe: () => status },
	);
}

/**
 * Polls until the workflow has at least `count` executions; returns them, newest first.
 * @param {RunningN8n} n8n
 * @param {string} workflowId
 * @param {number} count
 * @returns {Promise<ExecutionSummary[]>}
 */
async function executionsOf(n8n, workflowId, count) {
	/** @type {ExecutionSummary[]} */
	let last = [];
	return lib.waitFor(
		`${count} execution(s) of workflow ${workflowId}`,
		async () => {
			last = await n8n.executions(workflowId);
			return last.length >= count ? last : undefined;
		},
		{ timeoutMs: EXECUTION_TIMEOUT_MS, describe: () => `${last.length}: ${last.map((e) => `${e.id} ${e.status}`).join(', ') || 'none'}` },
	);
}

module.exports = { executionProblem, finishedExecution, waitingExecution, executionsOf };
