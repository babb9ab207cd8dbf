// @ts-check
'use strict';

/**
 * The OKdokument Trigger in a running n8n (its workflow activated): a callback that OKdokument confirms starts one
 * execution with the signed PDF; a forged one starts nothing.
 */

const assert = require('node:assert/strict');

const lib = require('../../../scripts/lib/n8n');
const { SIGNED_MARKER, testWorkflow } = require('../lib/fixtures');
const { traffic, postCallback } = require('../lib/sandbox');
const { executionProblem, finishedExecution, executionsOf } = require('../lib/executions');
const { sleep } = require('../../../scripts/lib/n8n/wait-for');

/** @typedef {import('../../../scripts/lib/n8n').RunningN8n} RunningN8n */
/** @typedef {import('../lib/context').Context} Context */

/** The trigger's webhookId is fixed in trigger.json, so its production URL is known before activation. */
const TRIGGER_WORKFLOW = testWorkflow('trigger.json');

/** @returns {{ workflowId: string, webhookPath: string, url: (n8n: RunningN8n) => string }} */
function triggerTarget() {
	const trigger = TRIGGER_WORKFLOW.nodes.find((/** @type {any} */ n) => n.type === lib.TRIGGER_NODE_TYPE);
	// The production URL of a trigger with a webhookId: <WEBHOOK_URL>webhook/<webhookId>/<path>.
	const webhookPath = `${trigger.webhookId}/okdokument`;
	return { workflowId: TRIGGER_WORKFLOW.id, webhookPath, url: (n8n) => `${n8n.webhookUrl}/webhook/${webhookPath}` };
}

/**
 * The bytes of the file the trigger attached, read as the editor reads them (n8n's REST API). In queue mode the row
 * in Postgres is also checked to be filed under the execution the callback started: a file that a trigger's webhook
 * attached is filed by n8n 2.41.1 under the execution "temp", which the REST API answers 404 for; the trigger
 * downloads the PDF when its execution runs, so that this does not happen.
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 * @param {{ id?: string, data?: string }} binary
 * @param {string} executionId
 * @returns {Promise<{ bytes: Buffer, how: string }>}
 */
async function attachedFile(n8n, { topology }, binary, executionId) {
	const bytes = await n8n.binaryData(binary);
	if (topology.kind !== 'queue') return { bytes, how: 'from n8n' };
	const queue = /** @type {import('../../../scripts/lib/n8n/queue').RunningQueue} */ (n8n);
	const stored = await queue.storedBinary(String(binary.id));
	assert.ok(stored, `no row for ${binary.id} in binary_data`);
	assert.deepEqual([stored.sourceType, stored.sourceId], ['execution', String(executionId)], 'the file is filed under the execution the callback started');
	return { bytes, how: `from n8n (filed under execution ${executionId} in Postgres)` };
}

/**
 * trigger.json, activated: a signature request whose sendInfoURL is the trigger's production URL is signed; the
 * callback gets 200, exactly one execution starts, the trigger confirmed the state with OKdokument and attached the
 * signed PDF byte for byte.
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 */
async function checkTriggerSigned(n8n, ctx) {
	const { sandbox, version, say, expectStored } = ctx;
	const { workflowId, url, webhookPath } = triggerTarget();
	const signatureRequestId = `sr-e2e-trigger-signed-${version}`;
	const documentId = `doc-e2e-trigger-signed-${version}`;
	sandbox.clearRequests();
	const activated = await n8n.activateWorkflow(workflowId);
	assert.equal(activated.active, true);
	const servedAfterMs = await n8n.waitForWebhook(webhookPath);
	assert.deepEqual(await n8n.executions(workflowId), [], 'no execution before the signer signs');
	sandbox.addSignatureRequest({ signatureRequestId, documentId, sendInfoURL: url(n8n) });

	const signing = await sandbox.sign(signatureRequestId);
	assert.equal(signing.callbackStatus, 200, `n8n answered the callback with ${signing.callbackStatus} ${signing.callbackError ?? ''}`);
	assert.equal(signing.state, 'signed', 'the document stays signed (not errorsendinfo)');
	const signedPdf = sandbox.getDocument(documentId)?.signedContent;
	assert.ok(signedPdf && signedPdf.includes(SIGNED_MARKER), 'the sandbox holds a signed PDF');

	const executions = await executionsOf(n8n, workflowId, 1);
	assert.equal(executions.length, 1, 'one callback, one execution');
	const finished = await finishedExecution(n8n, executions[0].id);
	assert.equal(finished.status, 'success', executionProblem(finished));
	expectStored(documentId);
	const items = lib.nodeItems(finished, 'OKdokument Trigger');
	assert.equal(items?.[0]?.length, 1, `trigger output: ${JSON.stringify(items)?.slice(0, 300)}`);
	const [item] = items[0];
	assert.equal(item.json.state, 'signed');
	assert.equal(item.json.documentId, documentId);
	assert.equal(item.json.signatureRequestId, signatureRequestId);
	assert.equal(item.json.confirmed, true);
	assert.equal(item.json.document?.state, 'signed', 'the state OKdokument confirmed');
	assert.deepEqual(item.json.callback, { state: 'signed', id: documentId, signatureRequestId });
	const binary = item.binary?.data;
	assert.ok(binary, `the trigger attached no PDF: ${JSON.stringify(item.binary)}`);
	assert.equal(binary.mimeType, 'application/pdf');
	assert.equal(binary.fileName, `${documentId}.pdf`);
	const { bytes, how } = await attachedFile(n8n, ctx, binary, finished.id);
	assert.ok(bytes.equals(signedPdf), `the attached file (${bytes.length} bytes) is not the signed PDF (${signedPdf.length} bytes)`);
	assert.deepEqual(lib.nodeOutputs(finished, 'Signing finished'), [[{ state: 'signed', documentId, signatureRequestId, confirmed: true }]]);
	assert.deepEqual(traffic(sandbox), [
		['GET', `/JSON/document/metadata/${documentId}`, true],
		['GET', `/JSON/document/${documentId}`, true],
	]);
	say(`      webhook served ${lib.formatDuration(servedAfterMs)} after activation; execution ${finished.id} (${executions[0].mode}): signed, confirmed, PDF ${bytes.length} bytes read ${how}`);
}

/**
 * A forged callback (state "signed" for a document OKdokument still has in "tosign") to the trigger's production
 * URL: n8n answers 200, the trigger asked OKdokument, and no execution starts, neither at once nor a few seconds
 * later. Then a real cancel to the same URL does start one (state canceled, confirmed, no file), which shows the
 * trigger was listening all along and that the count is not stale.
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 */
async function checkTriggerForged(n8n, { sandbox, version, say }) {
	const { workflowId, url } = triggerTarget();
	const forgedDocument = `doc-e2e-forged-${version}`;
	const forgedRequest = `sr-e2e-forged-${version}`;
	const canceledRequest = `sr-e2e-trigger-canceled-${version}`;
	const canceledDocument = `doc-e2e-trigger-canceled-${version}`;
	sandbox.addDocument({ id: forgedDocument, filename: 'forged.pdf', content: Buffer.from('%PDF-1.4\n% not signed\n%%EOF\n', 'latin1') });
	sandbox.addSignatureRequest({ signatureRequestId: forgedRequest, documentId: forgedDocument, sendInfoURL: url(n8n) });
	sandbox.addSignatureRequest({ signatureRequestId: canceledRequest, documentId: canceledDocument, sendInfoURL: url(n8n) });
	const before = (await n8n.executions(workflowId)).map((e) => e.id);

	sandbox.clearRequests();
	const forged = await postCallback(url(n8n), { state: 'signed', id: forgedDocument, signatureRequestId: forgedRequest });
	assert.equal(forged.status, 200, `n8n answered the forged callback with ${forged.status}: ${forged.text.slice(0, 300)}`);
	assert.deepEqual(traffic(sandbox), [['GET', `/JSON/document/metadata/${forgedDocument}`, true]], 'the trigger asks OKdokument, and downloads nothing');
	await sleep(3000);
	assert.deepEqual((await n8n.executions(workflowId)).map((e) => e.id), before, 'the forged callback started an execution');
	assert.equal(sandbox.getDocument(forgedDocument)?.state, 'tosign');

	const canceling = await sandbox.cancel(canceledRequest);
	assert.equal(canceling.callbackStatus, 200, `n8n answered the cancel callback with ${canceling.callbackStatus} ${canceling.callbackError ?? ''}`);
	assert.equal(canceling.state, 'canceled');
	const after = await executionsOf(n8n, workflowId, before.length + 1);
	const started = after.filter((e) => !before.includes(e.id));
	assert.equal(started.length, 1, `executions started since the forged callback: ${started.map((e) => e.id).join(', ')}`);
	const finished = await finishedExecution(n8n, started[0].id);
	assert.equal(finished.status, 'success', executionProblem(finished));
	const [item] = lib.nodeItems(finished, 'OKdokument Trigger')?.[0] ?? [];
	assert.ok(item, 'the trigger emitted nothing for the cancel');
	assert.deepEqual(
		[item.json.state, item.json.documentId, item.json.signatureRequestId, item.json.confirmed],
		['canceled', canceledDocument, canceledRequest, true],
	);
	assert.equal(item.binary?.data, undefined, 'no file for a canceled document');
	for (const summary of after) {
		const execution = summary.id === finished.id ? finished : await n8n.execution(summary.id);
		const documentId = lib.nodeOutputs(execution, 'OKdokument Trigger')?.[0]?.[0]?.documentId;
		assert.notEqual(documentId, forgedDocument, `execution ${summary.id} carries the forged document`);
	}
	say(`      forged callback: HTTP ${forged.status}, no execution after 3 s; the cancel after it started execution ${finished.id}`);
}

/** @type {import('.').Scenario} */
module.exports = {
	needs: 'server',
	topologies: ['single', 'queue'],
	checks: [
		{
			name: 'OKdokument Trigger (activated): a signed request starts the workflow, confirmed, with the signed PDF',
			run: async (ctx) => checkTriggerSigned(await ctx.n8n(), ctx),
		},
		{
			name: 'OKdokument Trigger: a forged "signed" callback gets 200 and starts nothing; a real cancel right after it does',
			run: async (ctx) => checkTriggerForged(await ctx.n8n(), ctx),
		},
	],
};
