// @ts-check
'use strict';

/**
 * Signature Request → Wait for Signature in a running n8n: a request Create made just before
 * (test/e2e/workflows/create-and-wait-for-signature.json), and requests that exist already
 * (test/e2e/workflows/wait-for-signature.json: the IDs come in the Webhook call). The signer is the sandbox's; what
 * n8n did (waiting, resuming, the PDF it stored) is read back through n8n's REST API.
 */

const assert = require('node:assert/strict');
const { randomBytes } = require('node:crypto');

const lib = require('../../../scripts/lib/n8n');
const { CALLBACK_TIMEOUT_MS } = require('../../../sandbox/signer');
const { EXECUTION_TIMEOUT_MS, testWorkflow } = require('../lib/fixtures');
const { postCallback, received, traffic } = require('../lib/sandbox');
const { executionProblem, finishedExecution, startByWebhook, waitingExecution } = require('../lib/executions');
const { signAndExpectSignedPdf } = require('../lib/send-and-wait');

/** @typedef {import('../../../scripts/lib/n8n').RunningN8n} RunningN8n */
/** @typedef {import('../lib/context').Context} Context */

const CREATE_AND_WAIT = testWorkflow('create-and-wait-for-signature.json');
const WAIT_ONLY = testWorkflow('wait-for-signature.json');
/** The Wait for Signature node of a workflow: its id ends the resume URL. */
const waitNode = (/** @type {any} */ workflow) => workflow.nodes.find((/** @type {any} */ n) => n.name === 'Wait for Signature');

/** The largest file OKdokument takes (sandbox/routes/documents.js), and a download slower than its callback timeout. */
const LARGE_PDF_BYTES = 10 * 1024 * 1024;
const DOWNLOAD_DELAY_MS = CALLBACK_TIMEOUT_MS + 2_000;
/** How long a call that must change nothing is given to change something anyway. */
const SETTLE_MS = 2_000;

/**
 * A PDF of `size` bytes whose body is random, so that no byte of it can be right by chance.
 * @param {number} size
 */
function largePdf(size) {
	const head = Buffer.from('%PDF-1.4\n% e2e: a large document\n% ', 'latin1');
	const tail = Buffer.from('\n%%EOF\n', 'latin1');
	return Buffer.concat([head, randomBytes(size - head.length - tail.length), tail]);
}

/**
 * A document and a request for it that exist before the workflow runs (made elsewhere), with no callback yet.
 * @param {import('../../../sandbox/server').Sandbox} sandbox
 * @param {string} signatureRequestId
 * @param {Buffer} [content]
 */
function existingRequest(sandbox, signatureRequestId, content = Buffer.from('%PDF-1.4\n% e2e: made elsewhere\n%%EOF\n', 'latin1')) {
	const document = sandbox.addDocument({ filename: `${signatureRequestId}.pdf`, content });
	sandbox.addSignatureRequest({ signatureRequestId, documentId: document.id });
	return { signatureRequestId, documentId: document.id };
}

/** n8n 1.x (1.123 or the oldest supported), which checks no resume token: the exact version decides, not `--version`. @param {Context} ctx */
const isN8n1 = (ctx) => ctx.instance.n8nVersion.startsWith('1.');

/**
 * The resume URL Wait for Signature gave OKdokument must be this execution's, for its node: on n8n 2.x with the
 * execution's resume token (n8n lets nothing else through), on 1.x without a query (n8n checks nothing there).
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 * @param {string} sendInfoURL
 * @param {{ executionId: string, nodeId: string }} waiting
 */
function assertResumeUrl(n8n, ctx, sendInfoURL, { executionId, nodeId }) {
	const url = new URL(sendInfoURL);
	assert.equal(`${url.origin}${url.pathname}`, `${n8n.webhookUrl}/webhook-waiting/${executionId}/${nodeId}`, `sendInfoURL ${sendInfoURL}`);
	if (isN8n1(ctx)) assert.equal(url.search, '', `n8n 1.x resume URLs carry no token: ${sendInfoURL}`);
	else {
		assert.deepEqual([...url.searchParams.keys()], ['signature'], `n8n 2.x: the execution's resume token, nothing else: ${sendInfoURL}`);
		assert.ok(url.searchParams.get('signature'), 'an empty resume token');
	}
}

/**
 * Create → Wait for Signature: Create makes the request without a callback, Wait for Signature points it at the
 * execution (PATCH) and waits; a forged call keeps it waiting; the signer's callback resumes it with the signed PDF.
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 */
async function checkCreateThenWait(n8n, ctx) {
	const { sandbox, version, say, expectStored } = ctx;
	const signatureRequestId = `sr-e2e-wfs-create-${version}`;
	sandbox.clearRequests();
	const waiting = await waitingExecution(n8n, await startByWebhook(n8n, CREATE_AND_WAIT, { signatureRequestId }));
	const record = sandbox.getSignatureRequest(signatureRequestId);
	assert.ok(record, `the sandbox has no signature request ${signatureRequestId}`);
	const { documentId, sendInfoURL } = record;
	assertResumeUrl(n8n, ctx, sendInfoURL, { executionId: waiting.id, nodeId: waitNode(CREATE_AND_WAIT).id });

	assert.deepEqual(traffic(sandbox), [
		['POST', '/JSON/document', true],
		['POST', '/JSON/signatureRequest', true],
		['PATCH', '/JSON/signatureRequest', true],
		['GET', `/JSON/document/metadata/${documentId}`, true],
	]);
	const [, creation, update] = received(sandbox);
	assert.deepEqual(creation.body, { signatureRequestId, id: documentId, changeState: 'tosign' }, 'Create sets no callback');
	assert.deepEqual(update.body, { signatureRequestId, sendInfoURL }, 'Wait for Signature points the callback at this execution');

	// A forged "signed" through the URL without its token: n8n 2.x refuses it (401), 1.x lets it reach the node, which
	// asks OKdokument and keeps waiting. Either way the execution still waits.
	const bare = new URL(sendInfoURL);
	bare.search = '';
	const forged = await postCallback(bare.toString(), { state: 'signed', id: documentId, signatureRequestId });
	assert.equal(forged.status, isN8n1(ctx) ? 200 : 401, `the forged call got ${forged.status}: ${forged.text.slice(0, 200)}`);
	await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
	assert.equal((await n8n.execution(waiting.id)).status, 'waiting', 'a forged call must not resume the execution');

	const { finished, bytes } = await signAndExpectSignedPdf(n8n, ctx, { executionId: waiting.id, signatureRequestId, documentId });
	const [item] = lib.nodeItems(finished, 'After signing')?.[0] ?? [];
	assert.deepEqual(item.json.callback, { state: 'signed', id: documentId, signatureRequestId }, 'the callback that resumed it');
	assert.equal(typeof item.json.eventId, 'string', 'every outcome has an eventId');
	expectStored(signatureRequestId);
	say(`      execution ${waiting.id}: Create, Update (callback → ${bare.pathname}), waiting; forged → ${forged.status}, still waiting; signed → ${finished.status} with the signed PDF (${bytes.length} bytes)`);
}

/**
 * A request the signer finished before the workflow ran: Wait for Signature continues at once, never waits, and
 * says so with callback: null; the signed PDF comes with it.
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 */
async function checkAlreadySigned(n8n, { sandbox, version, say }) {
	const ids = existingRequest(sandbox, `sr-e2e-wfs-done-${version}`);
	const signing = await sandbox.sign(ids.signatureRequestId);
	assert.deepEqual([signing.state, signing.callbackStatus], ['signed', null], 'signed before any callback was set');
	sandbox.clearRequests();

	const executionId = await startByWebhook(n8n, WAIT_ONLY, ids);
	/** @type {string[]} */
	const seen = [];
	const finished = await lib.waitFor(
		`execution ${executionId} to finish`,
		async () => {
			const execution = await n8n.execution(executionId);
			if (seen.at(-1) !== execution.status) seen.push(execution.status);
			if (execution.status === 'waiting') throw new Error(`the execution waits: ${seen.join(' → ')}`);
			return lib.UNFINISHED_EXECUTION_STATES.includes(execution.status) ? undefined : finishedExecution(n8n, executionId);
		},
		{ intervalMs: 100, timeoutMs: EXECUTION_TIMEOUT_MS, describe: () => seen.join(' → ') },
	);
	assert.equal(finished.status, 'success', executionProblem(finished));
	const [item] = lib.nodeItems(finished, 'After signing')?.[0] ?? [];
	assert.ok(item, `"After signing" got nothing; nodes run: ${Object.keys(finished.data?.resultData?.runData ?? {}).join(', ')}`);
	assert.deepEqual(
		[item.json.state, item.json.confirmed, item.json.callback, item.json.signatureRequestId, item.json.documentId],
		['signed', true, null, ids.signatureRequestId, ids.documentId],
	);
	const signedPdf = sandbox.getDocument(ids.documentId)?.signedContent;
	assert.ok(signedPdf && (await n8n.binaryData(item.binary?.data ?? {})).equals(signedPdf), 'the signed PDF came with it');
	assert.deepEqual(traffic(sandbox), [
		['PATCH', '/JSON/signatureRequest', true],
		['GET', `/JSON/document/metadata/${ids.documentId}`, true],
		['GET', `/JSON/document/${ids.documentId}`, true],
	]);
	assert.deepEqual(sandbox.callbacks.filter((c) => c.signatureRequestId === ids.signatureRequestId), [], 'no callback was ever sent');
	say(`      execution ${executionId}: ${seen.join(' → ')}, callback null, the signed PDF attached`);
}

/**
 * A 10 MB document whose download takes longer than OKdokument waits for its callback's answer: the node answers the
 * callback first (200 in time, so OKdokument does not mark the document errorsendinfo), then downloads, and the
 * execution goes on signed with every byte.
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 */
async function checkSlowLargeDownload(n8n, ctx) {
	const { sandbox, version, say } = ctx;
	const ids = existingRequest(sandbox, `sr-e2e-wfs-large-${version}`, largePdf(LARGE_PDF_BYTES));
	sandbox.clearRequests();
	const waiting = await waitingExecution(n8n, await startByWebhook(n8n, WAIT_ONLY, ids));
	const downloadPath = `/JSON/document/${ids.documentId}`;
	sandbox.setFault({ type: 'delay', ms: DOWNLOAD_DELAY_MS, path: downloadPath, times: 1 });
	try {
		const { bytes } = await signAndExpectSignedPdf(n8n, ctx, { executionId: waiting.id, ...ids });
		assert.ok(bytes.length > LARGE_PDF_BYTES, `${bytes.length} bytes`);
		assert.equal(sandbox.getDocument(ids.documentId)?.state, 'signed', 'OKdokument got its answer in time: not errorsendinfo');
		const [callback] = sandbox.callbacks.filter((c) => c.signatureRequestId === ids.signatureRequestId);
		const download = sandbox.requests.find((r) => r.method === 'GET' && r.path === downloadPath);
		assert.equal(download?.fault, 'delay', 'the download was the slow one');
		assert.ok(download.answeredAt && callback.answeredAt < download.answeredAt, 'the callback was answered before the download ended');
		say(
			`      execution ${waiting.id}: callback answered ${callback.status} after ${callback.answeredAt - callback.sentAt} ms (OKdokument waits ${CALLBACK_TIMEOUT_MS} ms), ` +
				`download of ${bytes.length} bytes took ${download.answeredAt - download.receivedAt} ms; document "signed"`,
		);
	} finally {
		sandbox.clearFaults();
	}
}

/** @type {import('.').Scenario} */
module.exports = {
	needs: 'server',
	topologies: ['single', 'queue'],
	checks: [
		{
			name: 'Create → Wait for Signature: the callback is pointed at the execution (Update), a forged call keeps it waiting, the signer’s callback resumes it with the signed PDF',
			run: async (ctx) => checkCreateThenWait(await ctx.n8n(), ctx),
		},
		{
			name: 'Wait for Signature, a request signed before the node ran: the execution goes on without waiting, with callback null and the signed PDF',
			run: async (ctx) => checkAlreadySigned(await ctx.n8n(), ctx),
		},
		{
			name: `Wait for Signature, a 10 MB PDF whose download outlasts OKdokument’s callback timeout: the callback gets 200 in time, the execution resumes signed with every byte`,
			run: async (ctx) => checkSlowLargeDownload(await ctx.n8n(), ctx),
		},
	],
};
