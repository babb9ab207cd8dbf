// @ts-check
'use strict';

/** Executions read back from a running n8n: polling until one finishes or appears, and why one failed. */

const assert = require('node:assert/strict');

const lib = require('../../../scripts/lib/n8n');
const { EXECUTION_TIMEOUT_MS } = require('./fixtures');
const { postCallback } = require('./sandbox');

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
 * Whether a stored execution is finished, its data included. n8n 1.123 on SQLite (its default pool size 0) stores an
 * execution's status and its data in two writes outside a transaction (ExecutionRepository.updateExistingExecution):
 * between them a resumed execution reads as "success" with the data it had while waiting, whose execution stack
 * still holds the node to resume. A successful run ends with an empty stack.
 * @param {StoredExecution} execution
 */
function isFinished(execution) {
	if (lib.UNFINISHED_EXECUTION_STATES.includes(execution.status)) return false;
	const stack = execution.data?.executionData?.nodeExecutionStack;
	return execution.status !== 'success' || !Array.isArray(stack) || stack.length === 0;
}

/**
 * Polls an execution until n8n has finished it (any state but new, running, waiting) and stored its final data.
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
			return isFinished(last) ? last : undefined;
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

/**
 * Activates a workflow, clears the sandbox's request log and starts the workflow by POSTing `body` to its Webhook
 * node's production URL (which must answer 200); returns the execution that call started.
 * @param {RunningN8n} n8n
 * @param {import('../../../sandbox/server').Sandbox} sandbox
 * @param {{ workflowId: string, webhookPath: string, body: unknown }} start
 * @returns {Promise<ExecutionSummary>}
 */
async function startByWebhook(n8n, sandbox, { workflowId, webhookPath, body }) {
	await n8n.activateWorkflow(workflowId);
	await n8n.waitForWebhook(webhookPath);
	const before = (await n8n.executions(workflowId)).length;
	sandbox.clearRequests();
	const started = await postCallback(`${n8n.webhookUrl}/webhook/${webhookPath}`, body);
	assert.equal(started.status, 200, `the Webhook node answered ${started.status}: ${started.text.slice(0, 300)}`);
	const [newest] = await executionsOf(n8n, workflowId, before + 1);
	return newest;
}

module.exports = { executionProblem, finishedExecution, waitingExecution, executionsOf, startByWebhook };
