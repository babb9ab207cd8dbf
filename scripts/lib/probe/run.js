// @ts-check
'use strict';

/**
 * One probe run: the calls (steps.js), then the cleanup (cleanup.js) whatever happened, then the counter once more,
 * to tell how many signature requests the run used.
 */

const { randomUUID } = require('node:crypto');

const { createClient, accepted } = require('./client');
const { cleanup } = require('./cleanup');
const { probeSteps, Stop } = require('./steps');
const { isObject } = require('./shapes');

/** @typedef {import('./client').Call} Call */
/** @typedef {import('./options').ProbeOptions} ProbeOptions */

/**
 * Ctrl-C: the first aborts the calls and goes on to the cleanup; the second (`cleanup`) leaves without it.
 * @typedef {{ calls: AbortController, cleanup: AbortController }} Interruption
 */

/**
 * @typedef {object} ProbeRun
 * @property {string} runId
 * @property {string} startedAt
 * @property {string} finishedAt
 * @property {ProbeOptions['environment']} environment
 * @property {string} baseUrl
 * @property {Call[]} calls
 * @property {string} [stopped] why the calls stopped before the end
 * @property {string | undefined} documentId the uploaded document
 * @property {{ before?: number, after?: number, acceptedCreates: number }} usage
 * @property {import('./cleanup').CleanupResult} cleanup
 */

/** The account's used signature requests, from the counter's `<account>.usedSignatureRequests`. @param {Call | undefined} call */
function usedRequests(call) {
	if (!call || !accepted(call) || !isObject(call.json) || !isObject(call.json.actual)) return undefined;
	const entry = Object.entries(call.json.actual).find(([key]) => key.endsWith('.usedSignatureRequests'));
	const used = Number(entry?.[1]);
	return entry && Number.isFinite(used) ? used : undefined;
}

/**
 * @param {ProbeOptions} options
 * @param {{ interruption: Interruption, onCall?: (call: Call) => void, log: (line: string) => void }} hooks
 * @returns {Promise<ProbeRun>}
 */
async function runProbe(options, { interruption, onCall, log }) {
	const startedAt = new Date().toISOString();
	const runId = randomUUID().slice(0, 8);
	const client = createClient({ baseUrl: options.baseUrl, apiKey: options.apiKey, timeoutMs: options.timeoutMs, onCall });
	/** @type {import('./steps').Created} */
	const created = { signatureRequests: new Map(), documents: new Map(), uncertainUpload: undefined, filename: `okdokument-probe-${runId}.pdf` };
	/** @param {AbortController} controller @returns {import('./steps').StepContext['call']} */
	const callsUntil = (controller) => (step, method, path, extra = {}) => client.call(step, method, path, { ...extra, signal: controller.signal });

	/** @type {string | undefined} */
	let stopped;
	try {
		await probeSteps({ call: callsUntil(interruption.calls), created, runId });
	} catch (error) {
		if (!(error instanceof Stop)) log(`The probe failed: ${error instanceof Error ? error.stack : String(error)}`);
		stopped = error instanceof Error ? error.message : String(error);
	}
	if (interruption.calls.signal.aborted) stopped = 'interrupted (Ctrl-C)';
	const documentId = [...created.documents.keys()][0];

	const stoppedCleanup = () => interruption.cleanup.signal.aborted;
	const cleanupCall = callsUntil(interruption.cleanup);
	const cleaned = await cleanup({
		call: cleanupCall,
		created,
		baseUrl: options.baseUrl,
		leave: interruption.cleanup.signal,
		settleMs: options.timeoutMs,
		log,
	});
	const createsSent = client.calls.some((call) => call.step.startsWith('create:'));
	const counterAfter = createsSent && !stoppedCleanup() ? await cleanupCall('counter:after', 'GET', '/JSON/counter') : undefined;
	const acceptedCreates = client.calls.filter((call) => call.step.startsWith('create:') && accepted(call)).length;
	return {
		runId,
		startedAt,
		finishedAt: new Date().toISOString(),
		environment: options.environment,
		baseUrl: options.baseUrl,
		calls: client.calls,
		...(stopped === undefined ? {} : { stopped }),
		documentId,
		usage: { before: usedRequests(client.calls.find((call) => call.step === 'counter')), after: usedRequests(counterAfter), acceptedCreates },
		cleanup: cleaned,
	};
}

module.exports = { runProbe };
