// @ts-check
'use strict';

/**
 * test/e2e/workflows/send-and-wait.json as the scenarios drive it (Webhook → Sample PDF → Convert to File → Send and
 * Wait → After signing): started through its Webhook node until it waits, then signed by the sandbox's signer and
 * read back from n8n with the signed PDF. Used by the Send and Wait scenario and by queue mode's faults.
 */

const assert = require('node:assert/strict');

const lib = require('../../../scripts/lib/n8n');
const { SIGNED_MARKER, testWorkflow } = require('./fixtures');
const { executionProblem, finishedExecution, startByWebhook, waitingExecution } = require('./executions');

/** @typedef {import('../../../scripts/lib/n8n').RunningN8n} RunningN8n */
/** @typedef {import('./context').Context} Context */

const WORKFLOW = testWorkflow('send-and-wait.json');
const WEBHOOK_PATH = WORKFLOW.nodes.find((/** @type {any} */ n) => n.type === 'n8n-nodes-base.webhook').parameters.path;
const NODE = WORKFLOW.nodes.find((/** @type {any} */ n) => n.name === 'Send and Wait');
const PDF_BASE64 = WORKFLOW.nodes
	.find((/** @type {any} */ n) => n.name === 'Sample PDF')
	.parameters.assignments.assignments.find((/** @type {any} */ a) => a.name === 'pdfBase64').value;

/**
 * Starts the workflow through its Webhook node and returns the execution once it waits, with the request it created.
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 * @param {{ signatureRequestId: string, waitSeconds?: number }} body
 */
async function startWaiting(n8n, { sandbox }, body) {
	const newest = await startByWebhook(n8n, sandbox, { workflowId: WORKFLOW.id, webhookPath: WEBHOOK_PATH, body });
	const waiting = await waitingExecution(n8n, newest.id);
	const record = sandbox.getSignatureRequest(body.signatureRequestId);
	assert.ok(record, `the sandbox has no signature request ${body.signatureRequestId}`);
	return { executionId: waiting.id, record };
}

/**
 * The sandbox's signer signs; OKdokument's callback must get 200 and resume the execution, which must end with
 * state "signed", confirmed, and the signed PDF byte for byte in the next node's binary.
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 * @param {{ executionId: string, signatureRequestId: string, documentId: string }} request
 * @returns {Promise<{ finished: import('../../../scripts/lib/n8n').StoredExecution, bytes: Buffer }>}
 */
async function signAndExpectSignedPdf(n8n, { sandbox }, { executionId, signatureRequestId, documentId }) {
	const signing = await sandbox.sign(signatureRequestId);
	assert.equal(signing.callbackStatus, 200, `n8n answered the callback with ${signing.callbackStatus} ${signing.callbackError ?? ''}`);
	assert.equal(signing.state, 'signed');
	const finished = await finishedExecution(n8n, executionId);
	assert.equal(finished.status, 'success', executionProblem(finished));
	const [item] = lib.nodeItems(finished, 'After signing')?.[0] ?? [];
	assert.ok(item, `"After signing" got nothing; nodes run: ${Object.keys(finished.data?.resultData?.runData ?? {}).join(', ')}`);
	assert.deepEqual(
		[item.json.state, item.json.confirmed, item.json.signatureRequestId, item.json.documentId, item.json.document?.state],
		['signed', true, signatureRequestId, documentId, 'signed'],
	);
	const signedPdf = sandbox.getDocument(documentId)?.signedContent;
	assert.ok(signedPdf?.includes(SIGNED_MARKER), 'the sandbox holds a signed PDF');
	const bytes = await n8n.binaryData(item.binary?.data ?? {});
	assert.ok(bytes.equals(signedPdf), `the PDF the next node got (${bytes.length} bytes) is not the signed PDF (${signedPdf.length} bytes)`);
	return { finished, bytes };
}

module.exports = { WORKFLOW, WEBHOOK_PATH, NODE, PDF_BASE64, startWaiting, signAndExpectSignedPdf };
