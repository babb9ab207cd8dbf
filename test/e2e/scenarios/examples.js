// @ts-check
'use strict';

/** The examples of Create → Wait → Download and of the trigger, in a running n8n, as a user runs them. */

const assert = require('node:assert/strict');

const lib = require('../../../scripts/lib/n8n');
const { SIGNED_MARKER, EXECUTION_TIMEOUT_MS, example } = require('../lib/fixtures');
const { executionProblem, finishedExecution, executionsOf, waitingExecution } = require('../lib/executions');
const { MAIN_VERSIONS } = require('.');

/** @typedef {import('../../../scripts/lib/n8n').RunningN8n} RunningN8n */
/** @typedef {import('../lib/context').Context} Context */

const SIGN_EXAMPLE = example('create-sign-download.json');
const TRIGGER_EXAMPLE = example('trigger-on-signed.json');

/**
 * The two examples of this feature, as a user runs them: create-sign-download.json started like the editor's
 * "Execute workflow" button (a manual execution, credential "OKdokument sandbox"), signed by the sandbox's signer, ends
 * with the signed PDF; trigger-on-signed.json, activated, starts on a signed request and takes the "signed" branch
 * with the PDF attached.
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 */
async function checkExamples(n8n, { sandbox, say, expectStored }) {
	// create-sign-download.json
	const manualTrigger = SIGN_EXAMPLE.nodes.find((/** @type {any} */ n) => n.type === 'n8n-nodes-base.manualTrigger');
	sandbox.clearRequests();
	const executionId = await n8n.runManually(SIGN_EXAMPLE.id, manualTrigger.name);
	const resumePrefix = `${n8n.webhookUrl}/webhook-waiting/${executionId}`;
	const record = await lib.waitFor(
		`a signature request calling back execution ${executionId}`,
		async () => {
			const found = sandbox.listSignatureRequests().find((r) => r.sendInfoURL === resumePrefix || r.sendInfoURL.startsWith(`${resumePrefix}?`));
			if (found) return found;
			const execution = await n8n.execution(executionId);
			if (!lib.UNFINISHED_EXECUTION_STATES.includes(execution.status)) throw new Error(`it ended before Create: ${executionProblem(execution)}`);
			return undefined;
		},
		{ timeoutMs: EXECUTION_TIMEOUT_MS },
	);
	await waitingExecution(n8n, executionId);
	const signing = await sandbox.sign(record.signatureRequestId);
	assert.equal(signing.callbackStatus, 200, `n8n answered the callback with ${signing.callbackStatus} ${signing.callbackError ?? ''}`);
	const signedPdf = sandbox.getDocument(record.documentId)?.signedContent;
	assert.ok(signedPdf && signedPdf.includes(SIGNED_MARKER), 'the sandbox holds a signed PDF');
	const finished = await finishedExecution(n8n, executionId);
	assert.equal(finished.status, 'success', executionProblem(finished));
	assert.equal(finished.mode, 'manual');
	assert.equal(lib.nodeOutputs(finished, 'Not signed'), undefined, '"Not signed" must not run');
	const [item] = lib.nodeItems(finished, 'Download the signed PDF')?.[0] ?? [];
	assert.ok(item, `"Download the signed PDF" produced nothing; nodes run: ${Object.keys(finished.data?.resultData?.runData ?? {}).join(', ')}`);
	assert.deepEqual(item.json, { documentId: record.documentId, fileName: 'contract.pdf', fileSize: signedPdf.length, mimeType: 'application/pdf' });
	assert.ok((await n8n.binaryData(item.binary?.data ?? {})).equals(signedPdf), 'the downloaded file is not the signed PDF');

	// trigger-on-signed.json
	const trigger = TRIGGER_EXAMPLE.nodes.find((/** @type {any} */ n) => n.type === lib.TRIGGER_NODE_TYPE);
	const webhookPath = `${trigger.webhookId}/okdokument`;
	await n8n.activateWorkflow(TRIGGER_EXAMPLE.id);
	await n8n.waitForWebhook(webhookPath);
	sandbox.addSignatureRequest({ signatureRequestId: 'sr-e2e-example-trigger', documentId: 'doc-e2e-example-trigger', sendInfoURL: `${n8n.webhookUrl}/webhook/${webhookPath}` });
	const signed = await sandbox.sign('sr-e2e-example-trigger');
	assert.equal(signed.callbackStatus, 200, `n8n answered the callback with ${signed.callbackStatus} ${signed.callbackError ?? ''}`);
	const [started] = await executionsOf(n8n, TRIGGER_EXAMPLE.id, 1);
	const run = await finishedExecution(n8n, started.id);
	assert.equal(run.status, 'success', executionProblem(run));
	assert.equal(lib.nodeOutputs(run, 'Canceled: tell someone'), undefined, 'the "canceled" branch must not run');
	const [stored] = lib.nodeItems(run, 'Signed: store the PDF')?.[0] ?? [];
	assert.ok(stored, `"Signed: store the PDF" got nothing; nodes run: ${Object.keys(run.data?.resultData?.runData ?? {}).join(', ')}`);
	assert.deepEqual([stored.json.state, stored.json.documentId, stored.json.confirmed], ['signed', 'doc-e2e-example-trigger', true]);
	const pdf = sandbox.getDocument('doc-e2e-example-trigger')?.signedContent;
	expectStored('doc-e2e-example-trigger');
	assert.ok(pdf && (await n8n.binaryData(stored.binary?.data ?? {})).equals(pdf), 'the PDF on the "signed" branch is not the signed PDF');
	say(`      create-sign-download.json: manual execution ${executionId} waiting → success; trigger-on-signed.json: execution ${run.id} took the "signed" branch`);
}

/** @type {import('.').Scenario} */
module.exports = {
	needs: 'server',
	// n8n 1.88 stores a manual execution resumed by a webhook as mode "webhook"; this check asserts "manual".
	versions: MAIN_VERSIONS,
	checks: [
		{
			name: 'examples create-sign-download.json (run as "Execute workflow" runs it) and trigger-on-signed.json (activated) end with the signed PDF',
			run: async (ctx) => checkExamples(await ctx.n8n(), ctx),
		},
	],
};
