// @ts-check
'use strict';

/**
 * The examples that wait for a signer without Send and Wait, in a running n8n, as a user runs them ("Execute workflow",
 * or activated): Create → Wait → Download, the trigger, Create → Send Email → Wait for Signature, and two signers in
 * order. The sandbox's signer signs; the Send Email node sends to this run's mail catcher (test/e2e/lib/mail.js).
 */

const assert = require('node:assert/strict');

const lib = require('../../../scripts/lib/n8n');
const { SIGNED_MARKER, EXECUTION_TIMEOUT_MS, example } = require('../lib/fixtures');
const { executionProblem, finishedExecution, executionsOf, waitingExecution } = require('../lib/executions');
const { e2eMailCatcher } = require('../lib/mail');
const { MAIN_VERSIONS } = require('.');

/** @typedef {import('../../../scripts/lib/n8n').RunningN8n} RunningN8n */
/** @typedef {import('../lib/context').Context} Context */

const SIGN_EXAMPLE = example('create-sign-download.json');
const TRIGGER_EXAMPLE = example('trigger-on-signed.json');
const SEND_LINK_EXAMPLE = example('create-send-link-and-wait.json');
const TWO_SIGNERS_EXAMPLE = example('two-signers-in-order.json');

/** @typedef {import('../../../sandbox/server').SignatureRequestRecord} SignatureRequestRecord */

/**
 * Starts an example as the editor's "Execute workflow" button does.
 * @param {RunningN8n} n8n
 * @param {any} workflow
 */
function runExample(n8n, workflow) {
	const manualTrigger = workflow.nodes.find((/** @type {any} */ n) => n.type === 'n8n-nodes-base.manualTrigger');
	return n8n.runManually(workflow.id, manualTrigger.name);
}

/**
 * The signature request whose callback is this execution's resume URL (set by Create, Update or Wait for Signature),
 * once there is one that `accept` accepts; fails at once when the execution ends first.
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 * @param {string} executionId
 * @param {(record: SignatureRequestRecord) => boolean} [accept]
 * @returns {Promise<SignatureRequestRecord>}
 */
function requestCallingBack(n8n, { sandbox }, executionId, accept = () => true) {
	const resumePrefix = `${n8n.webhookUrl}/webhook-waiting/${executionId}`;
	const callsBack = (/** @type {string} */ url) => url === resumePrefix || url.startsWith(`${resumePrefix}?`) || url.startsWith(`${resumePrefix}/`);
	return lib.waitFor(
		`a signature request calling back execution ${executionId}`,
		async () => {
			const found = sandbox.listSignatureRequests().find((r) => callsBack(r.sendInfoURL) && accept(r));
			if (found) return found;
			const execution = await n8n.execution(executionId);
			if (!lib.UNFINISHED_EXECUTION_STATES.includes(execution.status)) throw new Error(`it ended first: ${executionProblem(execution)}`);
			return undefined;
		},
		{ timeoutMs: EXECUTION_TIMEOUT_MS },
	);
}

/**
 * The two examples of this feature, as a user runs them: create-sign-download.json started like the editor's
 * "Execute workflow" button (a manual execution, credential "OKdokument sandbox"), signed by the sandbox's signer, ends
 * with the signed PDF; trigger-on-signed.json, activated, starts on a signed request and takes the "signed" branch
 * with the PDF attached.
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 */
async function checkExamples(n8n, ctx) {
	const { sandbox, say, expectStored } = ctx;
	// create-sign-download.json
	sandbox.clearRequests();
	const executionId = await runExample(n8n, SIGN_EXAMPLE);
	const record = await requestCallingBack(n8n, ctx, executionId);
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

/**
 * Signs the request and waits until the execution has finished; returns the item that reached `node` (the branch the
 * example routes a signed outcome to), after checking that no other branch ran.
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 * @param {string} executionId
 * @param {SignatureRequestRecord} record
 * @param {{ node: string, otherBranches: string[] }} expected
 */
async function signAndFinish(n8n, { sandbox }, executionId, record, { node, otherBranches }) {
	const signing = await sandbox.sign(record.signatureRequestId);
	assert.equal(signing.callbackStatus, 200, `n8n answered the callback with ${signing.callbackStatus} ${signing.callbackError ?? ''}`);
	const finished = await finishedExecution(n8n, executionId);
	assert.equal(finished.status, 'success', executionProblem(finished));
	for (const other of otherBranches) assert.equal(lib.nodeOutputs(finished, other), undefined, `"${other}" must not run`);
	const [item] = lib.nodeItems(finished, node)?.[0] ?? [];
	assert.ok(item, `"${node}" got nothing; nodes run: ${Object.keys(finished.data?.resultData?.runData ?? {}).join(', ')}`);
	assert.deepEqual([item.json.state, item.json.confirmed, item.json.documentId], ['signed', true, record.documentId]);
	const signedPdf = sandbox.getDocument(record.documentId)?.signedContent;
	assert.ok(signedPdf && (await n8n.binaryData(item.binary?.data ?? {})).equals(signedPdf), `the PDF "${node}" got is not the signed PDF`);
	return { finished, signedPdf };
}

/** The placeholders of the outcomes that are not "signed", in the examples that route by state. */
const NOT_SIGNED_BRANCHES = ['Canceled: tell someone', 'Timed out: check the request', 'Delivery failed: check the document'];

/**
 * create-send-link-and-wait.json: Create, then the Send Email node mails Create's signing link to the signer (through
 * the SMTP credential, to the mail catcher; OKdokument e-mails nobody), then Wait for Signature waits and the
 * signature resumes it with the signed PDF.
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 */
async function checkSendLinkExample(n8n, ctx) {
	const { sandbox, say } = ctx;
	const mail = await e2eMailCatcher();
	const executionId = await runExample(n8n, SEND_LINK_EXAMPLE);
	const record = await requestCallingBack(n8n, ctx, executionId);
	await waitingExecution(n8n, executionId);
	const link = `${sandbox.url}/openDocument/${record.signatureRequestId}`;
	const sent = mail.mails.filter((m) => m.text.includes(link));
	assert.deepEqual(
		sent.map((m) => [m.from, m.to, m.subject]),
		[['office@example.com', ['signer@example.com'], 'Please sign: contract.pdf']],
		`the e-mails with the link ${link}: ${JSON.stringify(mail.mails.map((m) => m.text)).slice(0, 500)}`,
	);
	assert.equal(sent[0].text, `Hello,\n\nplease read and sign the contract here:\n${link}\n\nThank you,\nthe office`);
	assert.deepEqual(sandbox.emails.filter((e) => e.signatureRequestId === record.signatureRequestId), [], 'OKdokument e-mailed nobody: the workflow did');
	const { finished } = await signAndFinish(n8n, ctx, executionId, record, { node: 'Signed: store the PDF', otherBranches: NOT_SIGNED_BRANCHES });
	assert.equal(finished.mode, 'manual');
	say(`      execution ${executionId}: link e-mailed to signer@example.com, waiting → signed → ${finished.status}, with the signed PDF`);
}

/**
 * two-signers-in-order.json: a first round (its own field and signer) waited for and signed, then a second round on
 * the same document (Existing Document) waited for and signed; the last node gets the PDF signed in both rounds.
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 */
async function checkTwoSignersExample(n8n, ctx) {
	const { sandbox, say } = ctx;
	const executionId = await runExample(n8n, TWO_SIGNERS_EXAMPLE);
	const rounds = [
		{ field: 'SC_employee', signer: 'employee@example.com' },
		{ field: 'SC_manager', signer: 'manager@example.com' },
	];
	/** @type {SignatureRequestRecord[]} */
	const records = [];
	for (const [index, round] of rounds.entries()) {
		const record = await requestCallingBack(n8n, ctx, executionId, (r) => !records.some((done) => done.signatureRequestId === r.signatureRequestId));
		await waitingExecution(n8n, executionId, `signer ${index + 1}`);
		assert.deepEqual(record.allowedFields, { SIGNATURE: [round.field] }, `round ${index + 1}: its own field`);
		assert.deepEqual(record.rules, { emailFrom: 'office@example.com', emailTo: round.signer }, `round ${index + 1}: its own signer`);
		assert.deepEqual(
			sandbox.emails.filter((e) => e.signatureRequestId === record.signatureRequestId).map((e) => e.to),
			[round.signer],
			`round ${index + 1}: OKdokument e-mails its signer`,
		);
		if (index > 0) assert.equal(record.documentId, records[0].documentId, 'the second round is on the same document');
		assert.equal(sandbox.getDocument(record.documentId)?.state, 'tosign');
		records.push(record);
		if (index === 0) {
			const signing = await sandbox.sign(record.signatureRequestId);
			assert.equal(signing.callbackStatus, 200, `n8n answered the first callback with ${signing.callbackStatus} ${signing.callbackError ?? ''}`);
		}
	}
	const { finished, signedPdf } = await signAndFinish(n8n, ctx, executionId, records[1], {
		node: 'Signed by both: store the PDF',
		otherBranches: ['First round not signed: check state', ...NOT_SIGNED_BRANCHES],
	});
	const text = signedPdf.toString('latin1');
	assert.deepEqual(
		records.map((r) => text.includes(`${SIGNED_MARKER}: contract.pdf (signature request ${r.signatureRequestId})`)),
		[true, true],
		'the PDF carries both signatures',
	);
	assert.equal(text.split(SIGNED_MARKER).length - 1, 2, 'two signatures, no more');
	say(`      execution ${executionId}: round 1 (${records[0].signatureRequestId}) signed, round 2 (${records[1].signatureRequestId}) signed → ${finished.status}, the PDF signed twice (${signedPdf.length} bytes)`);
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
		{
			name: 'example create-send-link-and-wait.json: its Send Email node mails Create’s signing link to the signer; Wait for Signature resumes with the signed PDF',
			run: async (ctx) => checkSendLinkExample(await ctx.n8n(), ctx),
		},
		{
			name: 'example two-signers-in-order.json: two rounds on one document, each with its own field and signer, each waited for; the PDF at the end is signed by both',
			run: async (ctx) => checkTwoSignersExample(await ctx.n8n(), ctx),
		},
	],
};
