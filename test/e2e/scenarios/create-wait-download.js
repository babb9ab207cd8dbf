// @ts-check
'use strict';

/**
 * Create → Wait → Download in a running n8n: the execution waits for OKdokument's callback, the sandbox's signer signs,
 * the callback resumes it, and the signed PDF comes out of Download.
 */

const assert = require('node:assert/strict');

const lib = require('../../../scripts/lib/n8n');
const { SIGNED_MARKER, EXECUTION_TIMEOUT_MS, testWorkflow } = require('../lib/fixtures');
const { received, traffic, postCallback } = require('../lib/sandbox');
const { executionProblem, finishedExecution } = require('../lib/executions');

/** @typedef {import('../../../scripts/lib/n8n').RunningN8n} RunningN8n */
/** @typedef {import('../lib/context').Context} Context */

/** Started through its Webhook node; the Wait node's resume URL becomes the request's Send Info URL. */
const SIGN_WAIT_WORKFLOW = testWorkflow('create-wait-download.json');

/**
 * create-wait-download.json, started through its Webhook node in the running n8n: Create uploads the workflow's
 * PDF with Send Info URL = the execution's resume URL, the execution waits, the sandbox's signer signs and POSTs the
 * callback there (must get 200), the execution resumes, Document → Get sees "signed", and Download's binary output is
 * byte for byte the signed PDF the sandbox holds.
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 */
async function checkCreateWaitDownload(n8n, { sandbox, version, say, expectStored }) {
	const workflowId = SIGN_WAIT_WORKFLOW.id;
	const webhook = SIGN_WAIT_WORKFLOW.nodes.find((/** @type {any} */ n) => n.type === 'n8n-nodes-base.webhook');
	const pdfBase64 = SIGN_WAIT_WORKFLOW.nodes
		.find((/** @type {any} */ n) => n.name === 'Sample PDF')
		.parameters.assignments.assignments.find((/** @type {any} */ a) => a.name === 'pdfBase64').value;
	const original = Buffer.from(pdfBase64, 'base64');
	const signatureRequestId = `sr-e2e-wait-${version}`;

	sandbox.clearRequests();
	assert.deepEqual(await n8n.executions(workflowId), [], 'no execution before the workflow is started');
	await n8n.activateWorkflow(workflowId);
	const servedAfterMs = await n8n.waitForWebhook(webhook.parameters.path);
	const started = await postCallback(`${n8n.webhookUrl}/webhook/${webhook.parameters.path}`, { signatureRequestId });
	assert.equal(started.status, 200, `the Webhook node answered ${started.status}: ${started.text.slice(0, 300)}`);

	// 1. The execution pauses at the Wait node, and the sandbox holds the request with the resume URL.
	/** @type {import('../../../scripts/lib/n8n').ExecutionSummary | undefined} */
	let seen;
	const waiting = await lib.waitFor(
		'the execution to wait at "Wait for the signer"',
		async () => {
			[seen] = await n8n.executions(workflowId);
			if (seen && !lib.UNFINISHED_EXECUTION_STATES.includes(seen.status)) {
				throw new Error(`the execution ended before the signer signed: ${executionProblem(await n8n.execution(seen.id))}`);
			}
			return seen?.status === 'waiting' ? seen : undefined;
		},
		{ timeoutMs: EXECUTION_TIMEOUT_MS, describe: () => (seen ? `execution ${seen.id} ${seen.status}` : 'no execution') },
	);
	assert.equal((await n8n.executions(workflowId)).length, 1, 'one webhook call, one execution');
	const record = sandbox.getSignatureRequest(signatureRequestId);
	assert.ok(record, `the sandbox has no signature request ${signatureRequestId}`);
	const resumePrefix = `${n8n.webhookUrl}/webhook-waiting/${waiting.id}`;
	assert.ok(
		record.sendInfoURL === resumePrefix || record.sendInfoURL.startsWith(`${resumePrefix}?`),
		`sendInfoURL is "${record.sendInfoURL}", not the resume URL of execution ${waiting.id} (${resumePrefix}[?signature=…])`,
	);
	const [upload, creation] = received(sandbox);
	assert.deepEqual(
		traffic(sandbox),
		[
			['POST', '/JSON/document', true],
			['POST', '/JSON/signatureRequest', true],
		],
		'Create uploads the file, then creates the request; nothing is downloaded before signing',
	);
	assert.deepEqual(upload.body, { filename: 'e2e-contract.pdf', state: 'tosign', file: { content: pdfBase64 } });
	assert.deepEqual(creation.body, {
		signatureRequestId,
		id: record.documentId,
		changeState: 'tosign',
		sendInfoURL: record.sendInfoURL,
		resulturl: 'https://example.com/thank-you',
	});
	const uploaded = sandbox.getDocument(record.documentId);
	assert.ok(uploaded?.content.equals(original), 'the document OKdokument got is the PDF the workflow made');
	assert.equal(uploaded?.state, 'tosign');

	// 2. The signer signs; OKdokument's callback must reach the Wait node.
	const signing = await sandbox.sign(signatureRequestId);
	assert.equal(signing.callbackStatus, 200, `n8n answered the callback with ${signing.callbackStatus} ${signing.callbackError ?? ''}`);
	assert.equal(signing.state, 'signed');
	const signedPdf = sandbox.getDocument(record.documentId)?.signedContent;
	assert.ok(signedPdf && signedPdf.includes(SIGNED_MARKER) && !signedPdf.equals(original), 'the sandbox holds a signed PDF');

	// 3. The execution resumes and ends with the signed PDF.
	const finished = await finishedExecution(n8n, waiting.id);
	assert.equal(finished.status, 'success', executionProblem(finished));
	expectStored(signatureRequestId);
	const callback = lib.nodeOutputs(finished, 'Wait for the signer')?.[0]?.[0];
	assert.deepEqual(callback?.body, { state: 'signed', id: record.documentId, signatureRequestId }, 'what the Wait node received');
	assert.deepEqual(
		lib.nodeOutputs(finished, 'Check with OKdokument')?.[0]?.map((j) => [j.id, j.state]),
		[[record.documentId, 'signed']],
	);
	assert.equal(lib.nodeOutputs(finished, 'Not signed'), undefined, '"Not signed" must not run');
	const download = lib.nodeItems(finished, 'Download');
	assert.equal(download?.[0]?.length, 1, `Download output: ${JSON.stringify(download)?.slice(0, 300)}`);
	const [item] = download[0];
	assert.deepEqual(item.json, { documentId: record.documentId, fileName: 'e2e-contract.pdf', fileSize: signedPdf.length, mimeType: 'application/pdf' });
	const binary = item.binary?.data;
	assert.ok(binary, `Download put no binary into "data": ${JSON.stringify(item.binary)}`);
	assert.equal(binary.mimeType, 'application/pdf');
	assert.match(String(binary.fileName), /\.pdf$/);
	const bytes = await n8n.binaryData(binary);
	assert.ok(bytes.equals(signedPdf), `the binary n8n stored (${bytes.length} bytes) is not the signed PDF (${signedPdf.length} bytes)`);
	assert.deepEqual(traffic(sandbox), [
		['POST', '/JSON/document', true],
		['POST', '/JSON/signatureRequest', true],
		['GET', `/JSON/document/metadata/${record.documentId}`, true],
		['GET', `/JSON/document/${record.documentId}`, true],
	]);
	say(
		`      webhook served ${lib.formatDuration(servedAfterMs)} after activation; ` +
			`execution ${waiting.id}: waiting → ${finished.status}; callback → ${signing.callbackStatus}; signed PDF ${bytes.length} bytes, ` +
			`read ${typeof binary.id === 'string' && binary.id ? 'through /rest/binary-data' : 'inline from the execution'}`,
	);
}

/** @type {import('.').Scenario} */
module.exports = {
	needs: 'server',
	topologies: ['single', 'queue'],
	checks: [
		{
			name: 'Create → Wait → Download in a running n8n: the sandbox signer’s callback resumes the Wait node; Download returns the signed PDF',
			run: async (ctx) => checkCreateWaitDownload(await ctx.n8n(), ctx),
		},
	],
};
