// @ts-check
'use strict';

/**
 * Signature Request → Send and Wait for Signature in a running n8n: Webhook → … → Send and Wait → After signing
 * (test/e2e/workflows/send-and-wait.json). What n8n itself does with the resume URL (its signature check, keeping
 * the execution waiting, resuming it, the time-out) is read back from n8n, never from the node's own logs.
 */

const assert = require('node:assert/strict');

const lib = require('../../../scripts/lib/n8n');
const { EXECUTION_TIMEOUT_MS, example } = require('../lib/fixtures');
const { postCallback, received, traffic } = require('../lib/sandbox');
const { executionProblem, executionsOf, finishedExecution, startByWebhook, waitingExecution } = require('../lib/executions');
const { WORKFLOW, NODE, PDF_BASE64, startWaiting, signAndExpectSignedPdf } = require('../lib/send-and-wait');
const { SIGNED_RESUME_URL_VERSIONS } = require('.');

/** @typedef {import('../../../scripts/lib/n8n').RunningN8n} RunningN8n */
/** @typedef {import('../lib/context').Context} Context */

const MANY_EXAMPLE = example('send-many-and-wait.json');
const ONE_EXAMPLE = example('send-one-and-wait.json');

/** How long a call that must change nothing is given to change something anyway. */
const SETTLE_MS = 2_000;

/**
 * The execution's status as n8n stores it, after giving a call time to change it.
 * @param {RunningN8n} n8n
 * @param {string} executionId
 */
async function settledStatus(n8n, executionId) {
	await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
	return (await n8n.execution(executionId)).status;
}

/**
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 */
async function checkSigned(n8n, ctx) {
	const { sandbox, version, say, expectStored } = ctx;
	const signatureRequestId = `sr-e2e-saw-signed-${version}`;
	const { executionId, record } = await startWaiting(n8n, ctx, { signatureRequestId });
	const { documentId, sendInfoURL } = record;

	// The request on the wire: the upload, then the request whose callback is this execution's signed resume URL.
	const url = new URL(sendInfoURL);
	assert.equal(`${url.origin}${url.pathname}`, `${n8n.webhookUrl}/webhook-waiting/${executionId}/${NODE.id}`, `sendInfoURL ${sendInfoURL}`);
	assert.deepEqual([...url.searchParams.keys()], ['signatureRequestId', 'documentId', 'signature']);
	assert.equal(url.searchParams.get('signatureRequestId'), signatureRequestId);
	assert.equal(url.searchParams.get('documentId'), documentId);
	assert.match(String(url.searchParams.get('signature')), /^[0-9a-f]{64}$/);
	assert.deepEqual(traffic(sandbox), [
		['POST', '/JSON/document', true],
		['POST', '/JSON/signatureRequest', true],
	]);
	const [upload, creation] = received(sandbox);
	assert.deepEqual(upload.body, { filename: 'e2e-send-and-wait.pdf', state: 'tosign', file: { content: PDF_BASE64 } });
	assert.deepEqual(creation.body, {
		signatureRequestId,
		id: documentId,
		changeState: 'tosign',
		sendInfoURL,
		resulturl: 'https://example.com/thank-you',
		rules: { emailFrom: 'office@example.com', emailTo: 'signer@example.com' },
	});
	assert.deepEqual(
		sandbox.emails.filter((email) => email.signatureRequestId === signatureRequestId).map((email) => [email.to, email.replyTo]),
		[['signer@example.com', 'office@example.com']],
		'OKdokument e-mails the signer the link',
	);

	// A forged "signed" through the genuine URL: answered 200, and n8n still holds the execution as waiting.
	const forged = await postCallback(sendInfoURL, { state: 'signed', id: documentId, signatureRequestId });
	assert.equal(forged.status, 200, `the forged callback got ${forged.status}: ${forged.text.slice(0, 200)}`);
	assert.equal(await settledStatus(n8n, executionId), 'waiting', 'a forged callback must not resume the execution');

	// An altered signature: n8n itself refuses it, before the node runs.
	const altered = new URL(sendInfoURL);
	const signature = String(altered.searchParams.get('signature'));
	altered.searchParams.set('signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
	const refused = await postCallback(altered.toString(), { state: 'signed', id: documentId, signatureRequestId });
	assert.equal(refused.status, 401, `a URL with an altered signature got ${refused.status}, not 401: ${refused.text.slice(0, 200)}`);
	const otherDocument = new URL(sendInfoURL);
	otherDocument.searchParams.set('documentId', 'doc-forged');
	assert.equal((await postCallback(otherDocument.toString(), { state: 'signed', id: 'doc-forged' })).status, 401, 'a URL naming another document must get 401');
	assert.equal(await settledStatus(n8n, executionId), 'waiting', 'a refused call must not resume the execution');
	assert.deepEqual(traffic(sandbox).slice(2), [['GET', `/JSON/document/metadata/${documentId}`, true]], 'only the forged call reached the node, which asked OKdokument');

	// The sandbox's signer signs: OKdokument's callback resumes it with the signed PDF.
	const { finished, bytes } = await signAndExpectSignedPdf(n8n, ctx, { executionId, signatureRequestId, documentId });

	// OKdokument calls again after the end: n8n's "no action required", no second run.
	const again = await sandbox.redeliverCallback(signatureRequestId);
	assert.equal(again.status, 200, `a repeated callback got ${again.status}`);
	assert.equal((await n8n.executions(WORKFLOW.id)).filter((e) => e.id === executionId).length, 1);
	assert.equal((await n8n.execution(executionId)).status, 'success');
	expectStored(signatureRequestId);
	say(`      execution ${executionId}: forged → still waiting, altered signature → 401, signed → ${finished.status} with the signed PDF (${bytes.length} bytes), repeat → ${again.status}`);
}

/**
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 */
async function checkCanceled(n8n, ctx) {
	const signatureRequestId = `sr-e2e-saw-canceled-${ctx.version}`;
	const { executionId } = await startWaiting(n8n, ctx, { signatureRequestId });
	const canceling = await ctx.sandbox.cancel(signatureRequestId);
	assert.equal(canceling.callbackStatus, 200, `n8n answered the callback with ${canceling.callbackStatus} ${canceling.callbackError ?? ''}`);
	const finished = await finishedExecution(n8n, executionId);
	assert.equal(finished.status, 'success', executionProblem(finished));
	const [item] = lib.nodeItems(finished, 'After signing')?.[0] ?? [];
	assert.deepEqual([item?.json.state, item?.json.confirmed], ['canceled', true]);
	assert.equal(item.binary, undefined, 'a canceled request carries no PDF');
	ctx.say(`      execution ${executionId}: canceled → ${finished.status}, no PDF`);
}

/**
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 */
async function checkTimedOut(n8n, ctx) {
	const signatureRequestId = `sr-e2e-saw-timeout-${ctx.version}`;
	const { executionId, record } = await startWaiting(n8n, ctx, { signatureRequestId, waitSeconds: 5 });
	const finished = await finishedExecution(n8n, executionId);
	assert.equal(finished.status, 'success', executionProblem(finished));
	const [item] = lib.nodeItems(finished, 'After signing')?.[0] ?? [];
	assert.ok(item, `"After signing" got nothing; nodes run: ${Object.keys(finished.data?.resultData?.runData ?? {}).join(', ')}`);
	assert.deepEqual(
		[item.json.state, item.json.confirmed, item.json.signatureRequestId, item.json.documentId],
		['timedOut', false, signatureRequestId, record.documentId],
	);
	assert.equal(item.binary, undefined, 'a time-out carries no file (not even the unsigned input)');
	assert.equal(ctx.sandbox.getSignatureRequest(signatureRequestId)?.state, 'tosign', 'the request stays in OKdokument as it is');
	ctx.say(`      execution ${executionId}: no callback within 5 s → ${finished.status} with state "timedOut"`);
}

/**
 * No signer e-mail: the paused workflow could never send the link, so the node refuses before anything is sent. The
 * execution fails with the node's message, and OKdokument received nothing: no upload, no request, no e-mail.
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 */
async function checkNoSigner(n8n, { sandbox, version, say }) {
	const signatureRequestId = `sr-e2e-saw-nosigner-${version}`;
	const requestsBefore = sandbox.listSignatureRequests().length;
	const emailsBefore = sandbox.emails.length;
	sandbox.clearRequests();
	const executionId = await startByWebhook(n8n, WORKFLOW, { signatureRequestId, signerEmail: '' });
	const failed = await finishedExecution(n8n, executionId);
	assert.equal(failed.status, 'error', executionProblem(failed));
	const { error, lastNodeExecuted } = failed.data?.resultData ?? {};
	assert.equal(lastNodeExecuted, NODE.name);
	assert.equal(error?.message, 'Signer Email is empty (item index 0)');
	assert.match(String(error?.description), /^Nothing was sent\. Send and Wait for Signature pauses this workflow until the signer finishes, so no later node can send the signer the link/);
	assert.match(String(error?.description), /Signature Request → Create, then that node with Create’s url, then Signature Request → Wait for Signature\.$/);
	assert.deepEqual(sandbox.requests, [], 'nothing reached OKdokument');
	assert.equal(sandbox.listSignatureRequests().length, requestsBefore, 'no signature request');
	assert.equal(sandbox.emails.length, emailsBefore, 'no e-mail');
	say(`      execution ${executionId}: ${failed.status}, "${error.message}"; OKdokument received nothing`);
}

/**
 * The many-documents example: its Execute Workflow node starts the one-document sub-workflow per item without
 * waiting; each sub-execution waits for its own signer, and signing both resumes both.
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 */
async function checkSendMany(n8n, { sandbox, say }) {
	const manualTrigger = MANY_EXAMPLE.nodes.find((/** @type {any} */ n) => n.type === 'n8n-nodes-base.manualTrigger');
	const before = new Set(sandbox.listSignatureRequests().map((r) => r.signatureRequestId));
	const parentId = await n8n.runManually(MANY_EXAMPLE.id, manualTrigger.name);
	const parent = await finishedExecution(n8n, parentId);
	assert.equal(parent.status, 'success', executionProblem(parent));
	const children = await executionsOf(n8n, ONE_EXAMPLE.id, 2);
	assert.equal(children.length, 2, 'one sub-execution per document');
	for (const child of children) await waitingExecution(n8n, child.id);
	const requests = await lib.waitFor(
		'two new signature requests',
		async () => {
			const fresh = sandbox.listSignatureRequests().filter((r) => !before.has(r.signatureRequestId));
			return fresh.length >= 2 ? fresh : undefined;
		},
		{ timeoutMs: EXECUTION_TIMEOUT_MS },
	);
	assert.deepEqual(requests.map((r) => sandbox.getDocument(r.documentId)?.filename).sort(), ['contract-Alice.pdf', 'contract-Bob.pdf']);
	const fresh = new Set(requests.map((r) => r.signatureRequestId));
	assert.deepEqual(
		sandbox.emails.filter((email) => fresh.has(email.signatureRequestId)).map((email) => [sandbox.getDocument(email.documentId)?.filename, email.to]).sort(),
		[['contract-Alice.pdf', 'alice@example.com'], ['contract-Bob.pdf', 'bob@example.com']],
		'OKdokument e-mails each document to its own signer',
	);
	for (const request of requests) {
		const signing = await sandbox.sign(request.signatureRequestId);
		assert.equal(signing.callbackStatus, 200, `n8n answered the callback with ${signing.callbackStatus} ${signing.callbackError ?? ''}`);
	}
	for (const child of children) {
		const finished = await finishedExecution(n8n, child.id);
		assert.equal(finished.status, 'success', executionProblem(finished));
		const [item] = lib.nodeItems(finished, 'Signed: store the PDF')?.[0] ?? [];
		assert.deepEqual([item?.json.state, item?.json.confirmed], ['signed', true], `sub-execution ${child.id}`);
		assert.ok(item.binary?.data, 'the signed PDF reaches the "signed" branch');
	}
	say(`      parent ${parentId} → ${parent.status}; sub-executions ${children.map((c) => c.id).join(', ')}: waiting → signed`);
}

/** @type {import('.').Scenario} */
module.exports = {
	needs: 'server',
	topologies: ['single', 'queue'],
	versions: SIGNED_RESUME_URL_VERSIONS,
	checks: [
		{
			name: 'Send and Wait: its signed resume URL is the callback; a forged callback keeps it waiting; an altered signature gets 401 from n8n; the signature resumes it with the signed PDF',
			run: async (ctx) => checkSigned(await ctx.n8n(), ctx),
		},
		{ name: 'Send and Wait: the signer cancels, the execution goes on as canceled, without a PDF', run: async (ctx) => checkCanceled(await ctx.n8n(), ctx) },
		{ name: 'Send and Wait: a 5 s wait limit ends with state "timedOut" and the request’s IDs', run: async (ctx) => checkTimedOut(await ctx.n8n(), ctx) },
		{
			name: 'Send and Wait without a signer e-mail: the execution fails with the node’s message, and nothing reached OKdokument (no upload, no request, no e-mail)',
			run: async (ctx) => checkNoSigner(await ctx.n8n(), ctx),
		},
		{
			name: 'Send and Wait, many documents: the example waits in one sub-execution per document',
			topologies: ['single', 'queue'],
			run: async (ctx) => checkSendMany(await ctx.n8n(), ctx) },
	],
};
