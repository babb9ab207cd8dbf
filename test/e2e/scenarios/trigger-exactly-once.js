// @ts-check
'use strict';

/**
 * The OKdokument Trigger delivers each signing event once, in a running n8n (trigger-exactly-once.json, activated,
 * Catch Missed Events on every minute for e2e-once-*.pdf): a genuine callback sent again starts nothing, before and
 * after a restart of n8n; a callback lost while n8n was down is emitted by the check when n8n starts again, one that
 * failed while it ran by the next check, each once; a lost callback of another workflow's document is not emitted.
 */

const assert = require('node:assert/strict');

const lib = require('../../../scripts/lib/n8n');
const { testWorkflow } = require('../lib/fixtures');
const { executionProblem, finishedExecution } = require('../lib/executions');
const { sleep } = require('../../../scripts/lib/n8n/wait-for');

/** @typedef {import('../../../scripts/lib/n8n').RunningN8n} RunningN8n */
/** @typedef {import('../lib/context').Context} Context */

const WORKFLOW = testWorkflow('trigger-exactly-once.json');
const TRIGGER = WORKFLOW.nodes.find((/** @type {any} */ n) => n.type === lib.TRIGGER_NODE_TYPE);
const WEBHOOK_PATH = `${TRIGGER.webhookId}/okdokument`;
/** How long to watch for an execution that must not start. */
const QUIET_MS = 4000;
/** A check runs every minute (at second 0): the next one, and its execution, within this. */
const NEXT_CHECK_MS = 100_000;

/** @param {RunningN8n} n8n */
const triggerUrl = (n8n) => `${n8n.url}/webhook/${WEBHOOK_PATH}`;

/**
 * What each execution of the workflow received from the trigger, oldest first: [executionId, mode, json].
 * @param {RunningN8n} n8n
 */
async function events(n8n) {
	const summaries = (await n8n.executions(WORKFLOW.id)).reverse();
	const result = [];
	for (const summary of summaries) {
		const execution = await finishedExecution(n8n, summary.id);
		assert.equal(execution.status, 'success', executionProblem(execution));
		for (const json of lib.nodeOutputs(execution, 'Event')?.[0] ?? []) result.push({ id: summary.id, mode: summary.mode, json });
	}
	return result;
}

/**
 * Waits until the workflow has `count` executions, then a little longer, and returns the events.
 * @param {RunningN8n} n8n
 * @param {number} count
 * @param {number} [timeoutMs]
 */
async function eventsOnceThereAre(n8n, count, timeoutMs) {
	if (count > 0) await lib.waitFor(`${count} execution(s) of ${WORKFLOW.id}`, async () => ((await n8n.executions(WORKFLOW.id)).length >= count ? true : undefined), { timeoutMs: timeoutMs ?? 90_000, intervalMs: 1000 });
	await sleep(QUIET_MS);
	return await events(n8n);
}

/** A request for a document called `filename` whose Send Info URL is `sendInfoURL`. @param {Context} ctx @param {string} name @param {string} filename @param {string} sendInfoURL */
function request(ctx, name, filename, sendInfoURL) {
	const signatureRequestId = `sr-e2e-once-${name}-${ctx.version}`;
	const documentId = `doc-e2e-once-${name}-${ctx.version}`;
	ctx.sandbox.addDocument({ id: documentId, filename, content: Buffer.from(`%PDF-1.4\n% ${filename}\n%%EOF\n`, 'latin1') });
	ctx.sandbox.addSignatureRequest({ signatureRequestId, documentId, sendInfoURL });
	return { signatureRequestId, documentId };
}

/** Shared by the two checks: the requests and what n8n was at. @type {Record<string, { signatureRequestId: string, documentId: string }>} */
const requests = {};

/**
 * Restarts n8n; while it is down, two signers sign: one of this workflow's documents (its callback to the trigger
 * fails: nothing listens) and another workflow's (its callback fails too). Once per version.
 * @param {Context} ctx
 * @returns {Promise<RunningN8n>}
 */
async function restartWithLostCallbacks(ctx) {
	const url = triggerUrl(await ctx.n8n());
	const n8n = await ctx.restartN8n(async () => {
		requests.lostWhileDown = request(ctx, 'lost', 'e2e-once-2.pdf', url);
		requests.otherWorkflow = request(ctx, 'other', 'offer-other-workflow.pdf', 'http://127.0.0.1:9/webhook/another-workflow/okdokument');
		for (const lost of [requests.lostWhileDown, requests.otherWorkflow]) {
			const result = await ctx.sandbox.sign(lost.signatureRequestId);
			assert.equal(result.state, 'errorsendinfo', `the callback reached something: ${JSON.stringify(result)}`);
		}
	});
	await n8n.waitForWebhook(WEBHOOK_PATH);
	return n8n;
}

/**
 * Activated; a signed request's callback starts one execution; OKdokument sends the same callback again: 200, no
 * second execution. n8n restarts (and while it is down, two signers sign: see the next check); the same callback once
 * more: 200, still no second execution.
 * @param {Context} ctx
 */
async function checkRepeats(ctx) {
	const { sandbox, say } = ctx;
	let n8n = await ctx.n8n();
	await n8n.activateWorkflow(WORKFLOW.id);
	await n8n.waitForWebhook(WEBHOOK_PATH);
	requests.signed = request(ctx, 'signed', 'e2e-once-1.pdf', triggerUrl(n8n));

	const signing = await sandbox.sign(requests.signed.signatureRequestId);
	assert.equal(signing.callbackStatus, 200, `n8n answered the callback with ${signing.callbackStatus} ${signing.callbackError ?? ''}`);
	const first = await eventsOnceThereAre(n8n, 1);
	assert.deepEqual(
		first.map((e) => [e.mode, e.json.state, e.json.documentId, e.json.arrivedVia]),
		[['webhook', 'signed', requests.signed.documentId, 'callback']],
	);
	const again = await sandbox.redeliverCallback(requests.signed.signatureRequestId);
	assert.equal(again.status, 200, `n8n answered the repeated callback with ${again.status} ${again.error ?? ''}`);
	assert.equal((await eventsOnceThereAre(n8n, 1)).length, 1, 'the repeated callback started the workflow again');

	const downFor = Date.now();
	n8n = await restartWithLostCallbacks(ctx);
	const afterRestart = await sandbox.redeliverCallback(requests.signed.signatureRequestId);
	assert.equal(afterRestart.status, 200, `after the restart n8n answered the repeated callback with ${afterRestart.status}`);
	const now = await eventsOnceThereAre(n8n, 0);
	assert.deepEqual(
		now.filter((e) => e.json.documentId === requests.signed.documentId).length,
		1,
		`after the restart the repeated callback started the workflow again: ${JSON.stringify(now.map((e) => e.json))}`,
	);
	say(`      one execution for the signed request; its callback sent twice more (before and after a restart of ${lib.formatDuration(Date.now() - downFor)}) started nothing`);
}

/**
 * The check when n8n started again emitted the callback lost while it was down (deliveryFailed, arrivedVia catchUp),
 * not the other workflow's; a callback that fails while n8n runs is emitted by the next check (within a minute); the
 * late callbacks of both are repeats.
 * @param {Context} ctx
 */
async function checkCatchUp(ctx) {
	const { sandbox, say } = ctx;
	if (!requests.lostWhileDown) {
		// The check before this one stopped before it restarted n8n.
		await (await ctx.n8n()).activateWorkflow(WORKFLOW.id);
		await restartWithLostCallbacks(ctx);
	}
	const n8n = await ctx.n8n();
	const lostDocuments = await lib.waitFor(
		'the check at start-up to emit the callback lost while n8n was down',
		async () => {
			const found = (await events(n8n)).filter((e) => e.json.arrivedVia === 'catchUp');
			return found.length > 0 ? found : undefined;
		},
		{ timeoutMs: NEXT_CHECK_MS, intervalMs: 1000 },
	);
	assert.deepEqual(
		lostDocuments.map((e) => [e.mode, e.json.state, e.json.documentId, e.json.confirmed, e.json.document?.state]),
		[['trigger', 'deliveryFailed', requests.lostWhileDown.documentId, true, 'errorsendinfo']],
	);

	requests.failedWhileUp = request(ctx, 'failed', 'e2e-once-3.pdf', triggerUrl(n8n));
	const unanswered = await sandbox.sign(requests.failedWhileUp.signatureRequestId, { deliverCallback: false });
	assert.equal(unanswered.state, 'errorsendinfo');
	const started = Date.now();
	const caughtLater = await lib.waitFor(
		'the next check to emit the callback that failed while n8n ran',
		async () => {
			const found = (await events(n8n)).filter((e) => e.json.documentId === requests.failedWhileUp.documentId);
			return found.length > 0 ? found : undefined;
		},
		{ timeoutMs: NEXT_CHECK_MS, intervalMs: 2000 },
	);
	assert.deepEqual(caughtLater.map((e) => [e.mode, e.json.state, e.json.arrivedVia]), [['trigger', 'deliveryFailed', 'catchUp']]);
	const caughtAfterMs = Date.now() - started;

	for (const late of [requests.lostWhileDown, requests.failedWhileUp]) {
		const answer = await sandbox.redeliverCallback(late.signatureRequestId);
		assert.equal(answer.status, 200, `n8n answered a late callback with ${answer.status}`);
	}
	await sleep(QUIET_MS);
	const all = await events(n8n);
	const count = (/** @type {string} */ documentId) => all.filter((e) => e.json.documentId === documentId).length;
	assert.deepEqual(
		Object.fromEntries(Object.entries(requests).map(([name, r]) => [name, count(r.documentId)])),
		{ ...(requests.signed ? { signed: 1 } : {}), lostWhileDown: 1, otherWorkflow: 0, failedWhileUp: 1 },
		'events per request (the other workflow’s document is outside the trigger’s file name pattern)',
	);
	say(`      lost while down: emitted at start-up; failed while up: emitted ${lib.formatDuration(caughtAfterMs)} later; late callbacks for both started nothing`);
}

/** @type {import('.').Scenario} */
module.exports = {
	needs: 'server',
	checks: [
		{
			name: 'OKdokument Trigger: a genuine callback sent again starts nothing, before and after a restart of n8n',
			run: checkRepeats,
		},
		{
			name: 'OKdokument Trigger, Catch Missed Events: a callback lost while n8n was down, and one that failed while it ran, each emitted once; another workflow’s not',
			run: checkCatchUp,
		},
	],
};
