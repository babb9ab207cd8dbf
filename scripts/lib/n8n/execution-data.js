// @ts-check
'use strict';

/**
 * What is inside an execution, whether `n8n execute` printed it (cli.js) or the REST API read it back (rest-api.js):
 * the items each node produced, and the states in which it can still change.
 */

/** Execution states that can still change. */
const UNFINISHED_EXECUTION_STATES = ['new', 'running', 'waiting', 'unknown'];

/**
 * The whole items (`{ json, binary? }`) one node produced, per output, from the last run of that node. Undefined
 * when the node did not run.
 * @param {any} output   ExecuteResult.output, or StoredExecution (both have data.resultData.runData)
 * @param {string} nodeName
 * @returns {{ json: Record<string, any>, binary?: Record<string, any> }[][] | undefined}
 */
function nodeItems(output, nodeName) {
	const runs = output?.data?.resultData?.runData?.[nodeName];
	if (!Array.isArray(runs) || runs.length === 0) return undefined;
	const main = runs[runs.length - 1]?.data?.main;
	if (!Array.isArray(main)) return [];
	return main.map((items) => (Array.isArray(items) ? items : []));
}

/**
 * Like nodeItems, but only each item's JSON: `[[json, …] /* output 0 *\/, [json, …] /* output 1 *\/]`.
 * @param {any} output   ExecuteResult.output, or StoredExecution
 * @param {string} nodeName
 * @returns {Record<string, any>[][] | undefined}
 */
function nodeOutputs(output, nodeName) {
	return nodeItems(output, nodeName)?.map((items) => items.map((item) => item.json));
}

module.exports = { UNFINISHED_EXECUTION_STATES, nodeItems, nodeOutputs };
