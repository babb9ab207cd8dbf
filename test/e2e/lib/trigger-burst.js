// @ts-check
'use strict';

/**
 * Bursts of genuine callbacks to the OKdokument Trigger (test/e2e/workflows/trigger-burst.json), as the scenario
 * trigger-burst.js and `npm run bench:trigger` send them: signature requests whose Send Info URL is the trigger's
 * production URL, signed all at once by the sandbox's signer (one callback each, in one burst), the same callbacks
 * sent again all at once (as OKdokument resends them, or to another n8n process), and what n8n started, counted
 * through its REST API.
 */

const lib = require('../../../scripts/lib/n8n');
const { pooled } = require('../../../scripts/lib/pooled');
const { sleep } = require('../../../scripts/lib/n8n/wait-for');
const { testWorkflow } = require('./fixtures');
const { postCallback } = require('./sandbox');
const { callbackPayload } = require('../../../sandbox/dialects');
const { executionProblem, finishedExecution } = require('./executions');

/** @typedef {import('../../../scripts/lib/n8n').RunningN8n} RunningN8n */
/** @typedef {import('../../../scripts/lib/n8n').ExecutionSummary} ExecutionSummary */
/** @typedef {import('../../../sandbox/server').Sandbox} Sandbox */

const WORKFLOW = testWorkflow('trigger-burst.json');
const WEBHOOK_PATH = `${WORKFLOW.nodes.find((/** @type {any} */ n) => n.type === lib.TRIGGER_NODE_TYPE).webhookId}/okdokument`;

/**
 * The trigger's production URL at one n8n process that serves webhooks.
 * @param {string} webhookUrl  e.g. n8n.webhookUrl
 */
const triggerUrl = (webhookUrl) => `${webhookUrl}/webhook/${WEBHOOK_PATH}`;

/** @typedef {{ signatureRequestId: string, documentId: string, url: string }} BurstRequest */
/** @typedef {{ signatureRequestId: string, status: number | null, error?: string, sentAt: number, answeredAt: number }} Delivery */

/**
 * `count` documents with a signature request each, named `<batch>-<n>`; the n-th one's callbacks go to the trigger at
 * `webhookUrls[n % webhookUrls.length]` (one process, or split evenly between several).
 * @param {Sandbox} sandbox
 * @param {string} batch
 * @param {number} count
 * @param {string[]} webhookUrls
 * @returns {BurstRequest[]}
 */
function addRequests(sandbox, batch, count, webhookUrls) {
	return Array.from({ length: count }, (_, n) => {
		const name = `${batch}-${n + 1}`;
		const documentId = `doc-burst-${name}`;
		const signatureRequestId = `sr-burst-${name}`;
		const url = triggerUrl(webhookUrls[n % webhookUrls.length]);
		sandbox.addDocument({ id: documentId, filename: `burst-${name}.pdf`, content: Buffer.from(`%PDF-1.4\n% burst ${name}\n%%EOF\n`, 'latin1') });
		sandbox.addSignatureRequest({ signatureRequestId, documentId, sendInfoURL: url });
		return { signatureRequestId, documentId, url };
	});
}

/**
 * The last callback the sandbox delivered for a request, as its log has it.
 * @param {Sandbox} sandbox
 * @param {string} signatureRequestId
 */
function lastDelivery(sandbox, signatureRequestId) {
	const delivery = sandbox.callbacks.filter((c) => c.signatureRequestId === signatureRequestId).pop();
	if (!delivery) throw new Error(`the sandbox delivered no callback for ${signatureRequestId}`);
	return delivery;
}

/**
 * One delivery of the sandbox's log, as a Delivery.
 * @param {{ signatureRequestId: string, status: number | null, error?: string, sentAt: number, answeredAt: number }} logged
 * @returns {Delivery}
 */
const toDelivery = ({ signatureRequestId, status, error, sentAt, answeredAt }) => ({ signatureRequestId, status, ...(error === undefined ? {} : { error }), sentAt, answeredAt });

/**
 * Every signer signs at once: one genuine callback per request, all in one burst. Resolves when n8n answered them all.
 * @param {Sandbox} sandbox
 * @param {BurstRequest[]} requests
 * @returns {Promise<Delivery[]>}
 */
async function signAll(sandbox, requests) {
	await Promise.all(requests.map((r) => sandbox.sign(r.signatureRequestId)));
	return requests.map((r) => toDelivery(lastDelivery(sandbox, r.signatureRequestId)));
}

/** How long the copies' confirmations may take to reach the sandbox before it answers those that did. */
const HOLD_MS = 60_000;

/**
 * The signer signs one request, and copies of its callback go out at the same moment: `copies` in all, OKdokument's
 * own delivery and its redeliveries to the Send Info URL, of which `elsewhere.copies` go to `elsewhere.url` instead
 * (another n8n process; the same body). n8n handles calls one after another, a little apart, so copies that arrive
 * together would still reach the node's check one by one; to make them meet there, the sandbox holds OKdokument's
 * answers to the confirmation each copy asks for (GET /JSON/document/metadata/<id>) until every copy has asked (or
 * HOLD_MS passed), then answers them all at once. Resolves when n8n answered every copy, with every delivery.
 * @param {Sandbox} sandbox
 * @param {{ signatureRequestId: string, documentId: string }} request
 * @param {number} copies
 * @param {{ url: string, copies: number }} [elsewhere]
 * @returns {Promise<Delivery[]>}
 */
async function signWithCopies(sandbox, { signatureRequestId, documentId }, copies, elsewhere = { url: '', copies: 0 }) {
	const since = Date.now();
	const confirmation = `/JSON/document/metadata/${encodeURIComponent(documentId)}`;
	sandbox.setFault({ type: 'hold', path: confirmation, times: copies });
	// sign() marks the request signed before its first await, so the redeliveries find a finished round.
	const signing = sandbox.sign(signatureRequestId);
	const payload = genuinePayload(sandbox, { signatureRequestId, documentId });
	const sent = Promise.all([
		signing,
		...Array.from({ length: copies - elsewhere.copies - 1 }, () => sandbox.redeliverCallback(signatureRequestId)),
		...Array.from({ length: elsewhere.copies }, () => post(elsewhere.url, payload, signatureRequestId)),
	]);
	let done = false;
	void sent.finally(() => {
		done = true;
	});
	const asked = () => sandbox.requests.filter((r) => r.path === confirmation && r.receivedAt >= since).length;
	while (!done && asked() < copies && Date.now() - since < HOLD_MS) await sleep(50);
	sandbox.clearFaults();
	sandbox.releaseHeld();
	const [, ...others] = await sent;
	const viaSandbox = sandbox.callbacks.filter((c) => c.signatureRequestId === signatureRequestId && c.sentAt >= since).map(toDelivery);
	return [...viaSandbox, ...others.filter((d) => d !== undefined && 'sentAt' in d)];
}

/**
 * Every signer signs at once, and each callback goes at the same moment to its Send Info URL (the sandbox's own
 * delivery) and, with the same body, to `elsewhere(request)`: two copies of every event, at two n8n processes.
 * @param {Sandbox} sandbox
 * @param {BurstRequest[]} requests
 * @param {(request: BurstRequest) => string} elsewhere
 * @returns {Promise<Delivery[]>}
 */
async function signAllTwice(sandbox, requests, elsewhere) {
	const copies = await Promise.all(
		requests.map(async (r) => {
			const signing = sandbox.sign(r.signatureRequestId);
			const [, other] = await Promise.all([signing, post(elsewhere(r), genuinePayload(sandbox, r), r.signatureRequestId)]);
			return other;
		}),
	);
	return [...requests.map((r) => toDelivery(lastDelivery(sandbox, r.signatureRequestId))), ...copies];
}

/**
 * The body of the callback the sandbox's signer sends for a signed request, in the dialect it speaks.
 * @param {Sandbox} sandbox
 * @param {{ signatureRequestId: string, documentId: string }} request
 */
const genuinePayload = (sandbox, { signatureRequestId, documentId }) => callbackPayload(sandbox.dialect, { outcome: 'signed', documentId, signatureRequestId, baseUrl: sandbox.url });

/**
 * A callback's body POSTed to `url`, as a delivery.
 * @param {string} url
 * @param {unknown} payload
 * @param {string} signatureRequestId
 * @returns {Promise<Delivery>}
 */
async function post(url, payload, signatureRequestId) {
	const sentAt = Date.now();
	const answer = await postCallback(url, payload).catch((/** @type {unknown} */ error) => ({ status: null, text: String(error) }));
	return { signatureRequestId, status: answer.status, ...(answer.status === null ? { error: answer.text } : {}), sentAt, answeredAt: Date.now() };
}

/**
 * The same callbacks once more, all at once: to the Send Info URL, as OKdokument would resend them (the sandbox's
 * redelivery), or with `to`, the same body POSTed to another URL (another n8n process).
 * @param {Sandbox} sandbox
 * @param {BurstRequest[]} requests
 * @param {(request: BurstRequest) => string} [to]
 * @returns {Promise<Delivery[]>}
 */
async function replay(sandbox, requests, to) {
	return Promise.all(
		requests.map(async (r) => {
			if (!to) {
				await sandbox.redeliverCallback(r.signatureRequestId);
				return toDelivery(lastDelivery(sandbox, r.signatureRequestId));
			}
			return await post(to(r), lastDelivery(sandbox, r.signatureRequestId).payload, r.signatureRequestId);
		}),
	);
}

/**
 * How the deliveries were answered: { "200": 198, "no answer": 2 }.
 * @param {{ status: number | null }[]} deliveries
 * @returns {Record<string, number>}
 */
function answers(deliveries) {
	/** @type {Record<string, number>} */
	const tally = {};
	for (const { status } of deliveries) {
		const key = status === null ? 'no answer' : String(status);
		tally[key] = (tally[key] ?? 0) + 1;
	}
	return tally;
}

/** @param {Record<string, number>} tally  e.g. answers(…) @returns {string} "200 ×198, no answer ×2" */
const describeAnswers = (tally) => Object.entries(tally).map(([status, n]) => `${status} ×${n}`).join(', ');

/**
 * The deliveries n8n did not answer with a 2xx, as "sr-… 500", at most `max` of them.
 * @param {Delivery[]} deliveries
 * @param {number} [max]
 */
function notAnswered2xx(deliveries, max = 5) {
	const bad = deliveries.filter((d) => d.status === null || d.status < 200 || d.status > 299);
	return { count: bad.length, examples: bad.slice(0, max).map((d) => `${d.signatureRequestId} ${d.status ?? d.error}`) };
}

/**
 * The workflow's executions (by default trigger-burst.json's) once there are at least `atLeast` and none is new or
 * running, then once more after `quietMs` (time for any that must not start to show): newest first.
 * @param {RunningN8n} n8n
 * @param {{ atLeast: number, quietMs: number, timeoutMs?: number, workflowId?: string }} options
 * @returns {Promise<ExecutionSummary[]>}
 */
async function settledExecutions(n8n, { atLeast, quietMs, timeoutMs = 180_000, workflowId = WORKFLOW.id }) {
	/** @type {ExecutionSummary[]} */
	let last = [];
	const unfinished = () => last.filter((e) => ['new', 'running'].includes(e.status));
	const settle = () =>
		lib.waitFor(
			`${atLeast} execution(s) of ${workflowId}, all finished`,
			async () => {
				last = await n8n.executions(workflowId);
				return last.length >= atLeast && unfinished().length === 0 ? last : undefined;
			},
			{ timeoutMs, intervalMs: 1000, describe: () => `${last.length}, ${unfinished().length} of them new or running` },
		);
	await settle();
	await sleep(quietMs);
	return await settle();
}

/**
 * @typedef {object} StartedEvent  what one execution's "Event" node received from the trigger
 * @property {string} executionId
 * @property {boolean} redacted  n8n 2.41 hides the items of a run whose check for dynamic credentials failed ("Could
 *   not check for resolvable credentials; redacting run for everyone", when its database query fails under load):
 *   the REST API then gives `json: {}` and the event is unknown
 * @property {string} [eventId]
 * @property {string} [state]
 * @property {string} [documentId]
 */

/**
 * The event each execution started with, read from n8n; every execution must have succeeded with one item.
 * @param {RunningN8n} n8n
 * @param {ExecutionSummary[]} executions
 * @returns {Promise<StartedEvent[]>}
 */
async function eventsOf(n8n, executions) {
	return pooled(executions, 8, async (summary) => {
		const execution = await finishedExecution(n8n, summary.id);
		if (execution.status !== 'success') throw new Error(executionProblem(execution));
		const items = lib.nodeItems(execution, 'Event')?.[0] ?? [];
		if (items.length !== 1) throw new Error(`execution ${summary.id}: "Event" got ${items.length} items, not 1`);
		const [item] = items;
		if (/** @type {any} */ (item).redaction?.redacted === true) return { executionId: summary.id, redacted: true };
		const { eventId, state, documentId } = item.json;
		return { executionId: summary.id, redacted: false, eventId, state, documentId };
	});
}

/**
 * How often each document of `requests` started the workflow, as far as n8n shows the events: `unreadable` events
 * (redacted by n8n) may be any of them, `foreign` ones are none of them.
 * @param {StartedEvent[]} events
 * @param {BurstRequest[]} requests
 */
function startsPerDocument(events, requests) {
	/** @type {Map<string, number>} */
	const starts = new Map(requests.map((r) => [r.documentId, 0]));
	const readable = events.filter((e) => !e.redacted);
	for (const e of readable) if (e.documentId !== undefined && starts.has(e.documentId)) starts.set(e.documentId, (starts.get(e.documentId) ?? 0) + 1);
	const counts = [...starts.values()];
	return {
		never: counts.filter((n) => n === 0).length,
		once: counts.filter((n) => n === 1).length,
		more: counts.filter((n) => n > 1).length,
		extra: counts.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
		unreadable: events.length - readable.length,
		foreign: readable.filter((e) => e.documentId === undefined || !starts.has(e.documentId)).length,
	};
}

/**
 * Why `events` are not each event of `requests` once, or undefined when they are (as far as n8n shows them: an
 * unreadable event counts for a document that shows none).
 * @param {StartedEvent[]} events
 * @param {BurstRequest[]} requests
 */
function notEachOnce(events, requests) {
	const counts = startsPerDocument(events, requests);
	const ok = counts.more === 0 && counts.foreign === 0 && counts.once + counts.unreadable === requests.length && events.length === requests.length;
	return ok ? undefined : `${events.length} executions for ${requests.length} events: ${JSON.stringify(counts)}`;
}

module.exports = { WORKFLOW, WEBHOOK_PATH, triggerUrl, addRequests, signAll, signAllTwice, signWithCopies, replay, answers, describeAnswers, notAnswered2xx, settledExecutions, eventsOf, startsPerDocument, notEachOnce };
