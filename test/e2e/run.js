#!/usr/bin/env node
// @ts-check
'use strict';

/*
 * End-to-end tests in real n8n (1.123.81 and 2.41.1), as users get the package: packed, installed the way
 * Settings → Community Nodes installs it, credentials and workflows imported, workflows run with
 * `n8n execute --id`, OKdokument played by the local sandbox (sandbox/server.js, in this process).
 * Then one `n8n start` per version serves the checks that need a running n8n: the editor's node types, a Wait node
 * resumed by OKdokument's callback (Create → Wait → Download), and the OKdokument Trigger (activated workflow,
 * confirmed callbacks start it, a forged one does not), and the examples of that feature run as a user runs them.
 * The sandbox's signer (`sandbox.sign` / `sandbox.cancel`) plays the person who signs.
 *
 *   node test/e2e/run.js [--version 1|2|all] [--keep] [--no-server] [--no-editor] [--expression-engine vm|legacy]
 *
 * After the checks in n8n itself, each version's editor is checked in Chromium (test/e2e/editor.js); --no-editor
 * skips that.
 *
 * A plain Node script (node:assert, no jest), so that `npm test` stays fast. It prints one line per check, a summary
 * per n8n version and, last, `e2e: N passed, N failed` alone on a line; the exit code is 1 when anything failed.
 * User folders of passing versions are deleted (kept with --keep, always kept on failure).
 */

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const lib = require('../../scripts/lib/n8n');
const { Checks } = require('./checks');
const { runEditorChecks } = require('./editor');
const { startSandbox, demoSignatureRequests } = require('../../sandbox/server');

const REPO = path.resolve(__dirname, '..', '..');
const WORKFLOWS_DIR = path.join(__dirname, 'workflows');
const EXAMPLES_DIR = path.join(REPO, 'examples');

/** Distinctive fake keys, so that a scan for them cannot match anything by chance. */
const API_KEY = '8d1f0e2a5_e2e1c0ffee7b4c9d2e6f0a1b3c5d';
const WRONG_KEY = '3a7c5e9b1_e2e0badbee0f2d4b6a8c0e1f3a5b';
const SECRETS = [API_KEY, WRONG_KEY, API_KEY.split('_')[1], WRONG_KEY.split('_')[1]];

/** The Webhook node's path in create-wait-download.json and the trigger's webhookId in trigger.json. */
const SIGN_WAIT_WORKFLOW = readJson(path.join(WORKFLOWS_DIR, 'create-wait-download.json'));
const TRIGGER_WORKFLOW = readJson(path.join(WORKFLOWS_DIR, 'trigger.json'));
/** The examples of the same feature, run as a user runs them. */
const SIGN_EXAMPLE = readJson(path.join(EXAMPLES_DIR, 'create-sign-download.json'));
const TRIGGER_EXAMPLE = readJson(path.join(EXAMPLES_DIR, 'trigger-on-signed.json'));
/** The marker the sandbox's signer appends to a signed PDF (sandbox/signer.js). */
const SIGNED_MARKER = '% Signed in the OKdokument sandbox';
/** How long an execution may take to appear, or to finish. */
const EXECUTION_TIMEOUT_MS = 90_000;

const KNOWN_ID = '6f0c2a9e-1b7d-4c1a-9f57-2d8e4b1c3a55';
const KNOWN_ID_2 = 'sr-e2e-known-2';

const CREDENTIALS = {
	good: { id: 'e2eCredGood', name: 'OKdokument e2e', type: lib.CREDENTIAL_TYPE },
	wrongKey: { id: 'e2eCredWrongKey', name: 'OKdokument e2e, wrong key', type: lib.CREDENTIAL_TYPE },
	// The credential the examples reference (the one `npm run dev` imports).
	examples: { id: 'okdSandbox', name: 'OKdokument sandbox', type: lib.CREDENTIAL_TYPE },
};

/* ------------------------------------------------------------------------------------------------ runner */

/**
 * @param {string[]} argv
 * @returns {{ versions: string[], keep: boolean, server: boolean, editor: boolean, expressionEngine: string | undefined }}
 */
function parseArgs(argv) {
	let versions = ['1', '2'];
	let keep = false;
	let server = true;
	let editor = true;
	/** @type {string | undefined} */
	let expressionEngine;
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s);
		if (flag === '--version' || flag === '-v') {
			const value = inline ?? argv[++i];
			if (value === 'all' || value === 'both') versions = ['1', '2'];
			else if (value === '1' || value === '2') versions = [value];
			else throw new Error(`--version takes 1, 2 or all, not "${value}"`);
		} else if (flag === '--expression-engine') {
			expressionEngine = inline ?? argv[++i];
			if (expressionEngine !== 'vm' && expressionEngine !== 'legacy') throw new Error('--expression-engine takes vm or legacy');
		} else if (flag === '--keep') keep = true;
		else if (flag === '--no-server') server = false;
		else if (flag === '--no-editor') editor = false;
		else if (flag === '--help' || flag === '-h') {
			process.stdout.write('Usage: node test/e2e/run.js [--version 1|2|all] [--keep] [--no-server] [--no-editor] [--expression-engine vm|legacy]\n');
			process.exit(0);
		} else throw new Error(`Unknown argument "${argv[i]}"`);
	}
	return { versions, keep, server, editor, expressionEngine };
}

/** Everything this run printed or read from n8n, scanned for the keys at the end of each version. @type {string[]} */
let captured = [];

/** @param {string} line */
function say(line) {
	process.stdout.write(`${line}\n`);
}

/**
 * @param {string} file
 * @returns {any}
 */
function readJson(file) {
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * Lines n8n printed that are not part of the execution JSON, for failure messages.
 * @param {{ stdout: string, stderr: string }} run
 * @returns {string}
 */
function printedExcerpt(run) {
	const lines = `${run.stdout}\n${run.stderr}`.split(/\r?\n/).filter((l) => l.trim() !== '' && !/^[\s{}[\]]/.test(l));
	return lines.slice(-15).join('\n');
}

/** Runs where n8n itself crashed (not the workflow), for the summary. @type {string[]} */
let crashes = [];

/**
 * Runs a workflow and fails with n8n's own words when it did not really run.
 *
 * n8n 1.123 and 2.41 on Node 24 sometimes die with SIGSEGV after printing the result. The crash is in V8 garbage
 * collection on an isolated-vm thread of their default "vm" expression engine while the process exits. It happens
 * more often under load. Such a
 * run is run once more, after clearing the sandbox's request log. If the second run crashes the same way, its printed
 * result is complete and is used, but the exit code is not observable: assertExit then checks the printed status.
 * Both cases are reported. A crash before any result, or twice before any result, fails the check.
 * @param {import('../../scripts/lib/n8n').Instance} instance
 * @param {string} workflowId
 * @param {import('../../sandbox/server').Sandbox} sandbox
 */
async function execute(instance, workflowId, sandbox) {
	for (let attempt = 1; ; attempt++) {
		const run = await lib.executeWorkflow(instance, workflowId);
		captured.push(run.stdout, run.stderr);
		fs.writeFileSync(
			path.join(instance.userFolder, `e2e-${workflowId}${attempt > 1 ? `-attempt${attempt}` : ''}.out`),
			`${run.stdout}\n--- stderr ---\n${run.stderr}`,
		);
		if (run.crashed) crashes.push(`${workflowId} (${run.signal ?? `exit ${run.code}`}${run.crashedAfterResult ? ' after its result' : ''})`);
		if (run.crashed && attempt === 1) {
			say(`    ⚠ ${run.problem}; running ${workflowId} once more`);
			sandbox.clearRequests();
			continue;
		}
		if (run.crashedAfterResult) {
			say(`    ⚠ ${run.problem} again; using its complete printed result (exit code not observable)`);
			return run;
		}
		if (run.problem) {
			throw new Error(
				`${run.problem} (exit ${run.code ?? run.signal}, ${lib.formatDuration(run.durationMs)}, attempt ${attempt}). ` +
					`n8n printed:\n${printedExcerpt(run)}`,
			);
		}
		return run;
	}
}

/**
 * The exit code, or (after a crash while exiting) the status n8n printed: 0 ↔ "success", 1 ↔ "error".
 * @param {import('../../scripts/lib/n8n').ExecuteResult} run
 * @param {0 | 1} code
 */
function assertExit(run, code) {
	if (run.crashedAfterResult) assert.equal(run.status, code === 0 ? 'success' : 'error', 'printed status (n8n crashed while exiting)');
	else assert.equal(run.code, code, 'exit code');
}

/**
 * @param {import('../../sandbox/server').Sandbox} sandbox
 * @returns {{ method: string, path: string, apiKey: unknown, body: any }[]}
 */
function received(sandbox) {
	return sandbox.requests.map((r) => ({ method: r.method, path: r.path, apiKey: r.headers['x-api-key'], body: r.body }));
}

/* ------------------------------------------------------------------------------------------------ running n8n */

/** @typedef {import('../../scripts/lib/n8n').RunningN8n} RunningN8n */
/** @typedef {import('../../scripts/lib/n8n').StoredExecution} StoredExecution */
/** @typedef {import('../../sandbox/server').Sandbox} Sandbox */

/** @param {number} ms */
function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Why an execution did not succeed, in n8n's words.
 * @param {StoredExecution} execution
 * @returns {string}
 */
function executionProblem(execution) {
	const result = execution.data?.resultData ?? {};
	const error = result.error ? `: ${result.error.message}${result.error.description ? ` (${result.error.description})` : ''}` : '';
	return `execution ${execution.id} is "${execution.status}"${error}; last node run: ${result.lastNodeExecuted ?? 'none'}; nodes run: ${Object.keys(result.runData ?? {}).join(', ')}`;
}

/**
 * Polls an execution until n8n has finished it (any state but new, running, waiting).
 * @param {RunningN8n} n8n
 * @param {string} executionId
 * @returns {Promise<StoredExecution>}
 */
async function finishedExecution(n8n, executionId) {
	/** @type {StoredExecution | undefined} */
	let last;
	const execution = await lib.waitFor(
		`execution ${executionId} to finish`,
		async () => {
			last = await n8n.execution(executionId);
			return lib.UNFINISHED_EXECUTION_STATES.includes(last.status) ? undefined : last;
		},
		{ timeoutMs: EXECUTION_TIMEOUT_MS, describe: () => (last ? executionProblem(last) : 'nothing') },
	);
	captured.push(JSON.stringify(execution));
	return execution;
}

/**
 * Polls until the workflow has at least `count` executions; returns them, newest first.
 * @param {RunningN8n} n8n
 * @param {string} workflowId
 * @param {number} count
 */
async function executionsOf(n8n, workflowId, count) {
	/** @type {import('../../scripts/lib/n8n').ExecutionSummary[]} */
	let last = [];
	return lib.waitFor(
		`${count} execution(s) of workflow ${workflowId}`,
		async () => {
			last = await n8n.executions(workflowId);
			return last.length >= count ? last : undefined;
		},
		{ timeoutMs: EXECUTION_TIMEOUT_MS, describe: () => `${last.length}: ${last.map((e) => `${e.id} ${e.status}`).join(', ') || 'none'}` },
	);
}

/**
 * A POST with a JSON body, as OKdokument (or a forger) sends its callback.
 * @param {string} url
 * @param {unknown} body
 */
async function postJson(url, body) {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(30_000),
	});
	return { status: response.status, text: await response.text() };
}

/**
 * The sandbox traffic since the last clearRequests(), as [method, path, sent the right key].
 * @param {Sandbox} sandbox
 */
function traffic(sandbox) {
	return received(sandbox).map((r) => [r.method, r.path, r.apiKey === API_KEY]);
}

/**
 * (7) create-wait-download.json, started through its Webhook node in the running n8n: Create uploads the workflow's
 * PDF with Send Info URL = the execution's resume URL, the execution waits, the sandbox's signer signs and POSTs the
 * callback there (must get 200), the execution resumes, Document → Get sees "signed", and Download's binary output is
 * byte for byte the signed PDF the sandbox holds.
 * @param {RunningN8n} n8n
 * @param {Sandbox} sandbox
 * @param {string} version
 */
async function checkCreateWaitDownload(n8n, sandbox, version) {
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
	const started = await postJson(`${n8n.url}/webhook/${webhook.parameters.path}`, { signatureRequestId });
	assert.equal(started.status, 200, `the Webhook node answered ${started.status}: ${started.text.slice(0, 300)}`);

	// 1. The execution pauses at the Wait node, and the sandbox holds the request with the resume URL.
	/** @type {import('../../scripts/lib/n8n').ExecutionSummary | undefined} */
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
	const resumePrefix = `${n8n.url}/webhook-waiting/${waiting.id}`;
	assert.ok(
		record.sendInfoURL === resumePrefix || record.sendInfoURL.startsWith(`${resumePrefix}?`),
		`sendInfoURL is "${record.sendInfoURL}", not the resume URL of execution ${waiting.id} (${resumePrefix}[?signature=…])`,
	);
	const creates = received(sandbox);
	assert.deepEqual(traffic(sandbox), [['POST', '/JSON/signatureRequest', true]], 'Create sends one POST, and nothing is downloaded before signing');
	assert.deepEqual(creates[0].body, {
		signatureRequestId,
		filedata: { content: pdfBase64, filename: 'e2e-contract.pdf' },
		resulturl: 'https://example.com/thank-you',
		sendInfoURL: record.sendInfoURL,
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

/** @returns {{ workflowId: string, webhookPath: string, url: (n8n: RunningN8n) => string }} */
function triggerTarget() {
	const trigger = TRIGGER_WORKFLOW.nodes.find((/** @type {any} */ n) => n.type === lib.TRIGGER_NODE_TYPE);
	// The production URL of a trigger with a webhookId: <WEBHOOK_URL>webhook/<webhookId>/<path>.
	const webhookPath = `${trigger.webhookId}/okdokument`;
	return { workflowId: TRIGGER_WORKFLOW.id, webhookPath, url: (n8n) => `${n8n.url}/webhook/${webhookPath}` };
}

/**
 * (8) trigger.json, activated: a signature request whose sendInfoURL is the trigger's production URL is signed; the
 * callback gets 200, exactly one execution starts, the trigger confirmed the state with OKdokument and attached the
 * signed PDF byte for byte.
 * @param {RunningN8n} n8n
 * @param {Sandbox} sandbox
 * @param {string} version
 */
async function checkTriggerSigned(n8n, sandbox, version) {
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
	const bytes = await n8n.binaryData(binary);
	assert.ok(bytes.equals(signedPdf), `the attached file (${bytes.length} bytes) is not the signed PDF (${signedPdf.length} bytes)`);
	assert.deepEqual(lib.nodeOutputs(finished, 'Signing finished'), [[{ state: 'signed', documentId, signatureRequestId, confirmed: true }]]);
	assert.deepEqual(traffic(sandbox), [
		['GET', `/JSON/document/metadata/${documentId}`, true],
		['GET', `/JSON/document/${documentId}`, true],
	]);
	say(`      webhook served ${lib.formatDuration(servedAfterMs)} after activation; execution ${finished.id} (${executions[0].mode}): signed, confirmed, PDF ${bytes.length} bytes`);
}

/**
 * (9) A forged callback (state "signed" for a document OKdokument still has in "tosign") to the trigger's production
 * URL: n8n answers 200, the trigger asked OKdokument, and no execution starts, neither at once nor a few seconds
 * later. Then a real cancel to the same URL does start one (state canceled, confirmed, no file), which shows the
 * trigger was listening all along and that the count is not stale.
 * @param {RunningN8n} n8n
 * @param {Sandbox} sandbox
 * @param {string} version
 */
async function checkTriggerForged(n8n, sandbox, version) {
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
	const forged = await postJson(url(n8n), { state: 'signed', id: forgedDocument, signatureRequestId: forgedRequest });
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

/**
 * (10) The two examples of this feature, as a user runs them: create-sign-download.json started like the editor's
 * "Execute workflow" button (a manual execution, credential "OKdokument sandbox"), signed by the sandbox's signer, ends
 * with the signed PDF; trigger-on-signed.json, activated, starts on a signed request and takes the "signed" branch
 * with the PDF attached.
 * @param {RunningN8n} n8n
 * @param {Sandbox} sandbox
 */
async function checkExamples(n8n, sandbox) {
	// create-sign-download.json
	const manualTrigger = SIGN_EXAMPLE.nodes.find((/** @type {any} */ n) => n.type === 'n8n-nodes-base.manualTrigger');
	sandbox.clearRequests();
	const executionId = await n8n.runManually(SIGN_EXAMPLE.id, manualTrigger.name);
	const resumePrefix = `${n8n.url}/webhook-waiting/${executionId}`;
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
	/** @type {string} */
	let status = '';
	await lib.waitFor(
		`execution ${executionId} to wait for the signer`,
		async () => {
			const execution = await n8n.execution(executionId);
			status = execution.status;
			if (!lib.UNFINISHED_EXECUTION_STATES.includes(status)) throw new Error(`it ended before the signer signed: ${executionProblem(execution)}`);
			return status === 'waiting' ? true : undefined;
		},
		{ timeoutMs: EXECUTION_TIMEOUT_MS, describe: () => status },
	);
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
	sandbox.addSignatureRequest({ signatureRequestId: 'sr-e2e-example-trigger', documentId: 'doc-e2e-example-trigger', sendInfoURL: `${n8n.url}/webhook/${webhookPath}` });
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
	assert.ok(pdf && (await n8n.binaryData(stored.binary?.data ?? {})).equals(pdf), 'the PDF on the "signed" branch is not the signed PDF');
	say(`      create-sign-download.json: manual execution ${executionId} waiting → success; trigger-on-signed.json: execution ${run.id} took the "signed" branch`);
}

/* ------------------------------------------------------------------------------------------------ one version */

/**
 * @param {string} version
 * @param {string} tarball
 * @param {{ keep: boolean, server: boolean, expressionEngine: string | undefined }} options
 * @returns {Promise<Checks>}
 */
async function runVersion(version, tarball, options) {
	const started = Date.now();
	const suite = new Checks(say, `n8n ${version}`);
	captured = [];
	crashes = [];
	const sandbox = await startSandbox({
		apiKeys: { [API_KEY]: { permitted: true } },
		signatureRequests: [{ signatureRequestId: KNOWN_ID }, { signatureRequestId: KNOWN_ID_2 }, ...demoSignatureRequests(3)],
	});
	/** @type {import('../../scripts/lib/n8n').Instance | undefined} */
	let instance;
	try {
		instance = await lib.createInstance({
			version,
			root: path.join(REPO, '.e2e'),
			name: 'e2e',
			// n8n's default is "vm" (isolated-vm); "legacy" avoids its crashes at exit (see execute()).
			env: options.expressionEngine ? { N8N_EXPRESSION_ENGINE: options.expressionEngine } : {},
		});
		suite.label = `n8n ${instance.n8nVersion}`;
		say(`\n== n8n ${instance.n8nVersion} (Node ${instance.runtime.nodeVersion}), user folder ${instance.userFolder}`);
		const inst = instance;
		const testFiles = fs.readdirSync(WORKFLOWS_DIR).filter((f) => f.endsWith('.json')).sort();
		const exampleFiles = fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json')).sort();

		const ready =
			(await suite.run('install the packed tarball as Community Nodes does; n8n loads n8n-nodes-okdokument.okDokument', async () => {
				const installed = await lib.installPackage(inst, tarball);
				assert.ok(installed.nodeTypes.includes(lib.NODE_TYPE), `node types: ${installed.nodeTypes.join(', ')}`);
				assert.ok(installed.nodeTypes.includes(lib.TRIGGER_NODE_TYPE), `node types: ${installed.nodeTypes.join(', ')}`);
				assert.ok(installed.credentialTypes.includes(lib.CREDENTIAL_TYPE), `credential types: ${installed.credentialTypes.join(', ')}`);
				assert.ok(
					!fs.existsSync(path.join(installed.packageDir, 'node_modules', 'n8n-workflow')),
					'n8n-workflow must not be installed next to the package',
				);
			})) &&
			(await suite.run(`import 3 credentials and ${testFiles.length + exampleFiles.length} workflows (${testFiles.length} test workflows, ${exampleFiles.length} examples)`, async () => {
				const data = { environment: 'custom', baseUrl: sandbox.url };
				const creds = await lib.importCredentials(inst, [
					{ ...CREDENTIALS.good, data: { ...data, apiKey: API_KEY } },
					{ ...CREDENTIALS.wrongKey, data: { ...data, apiKey: WRONG_KEY } },
					{ ...CREDENTIALS.examples, data: { ...data, apiKey: API_KEY } },
				]);
				captured.push(creds.stdout, creds.stderr);
				const workflows = [
					...testFiles.map((f) => readJson(path.join(WORKFLOWS_DIR, f))),
					...exampleFiles.map((f) => readJson(path.join(EXAMPLES_DIR, f))),
				];
				assert.equal(testFiles.length, 6, `expected 6 test workflow files, found ${testFiles.join(', ')}`);
				assert.equal(exampleFiles.length, 5, `expected 5 example workflow files, found ${exampleFiles.join(', ')}`);
				const wf = await lib.importWorkflows(inst, workflows);
				captured.push(wf.stdout, wf.stderr);
			}));
		if (!ready) return suite;

		await suite.run('(1) happy path: the PATCH carries the exact body and key; the output item is OKdokument’s answer', async () => {
			sandbox.clearRequests();
			const run = await execute(inst, 'e2eHappy', sandbox);
			assertExit(run, 0);
			assert.equal(run.status, 'success');
			assert.deepEqual(received(sandbox), [
				{
					method: 'PATCH',
					path: '/JSON/signatureRequest',
					apiKey: API_KEY,
					body: {
						signatureRequestId: KNOWN_ID,
						sendInfoURL: 'https://hooks.example.com/okdokument/e2e?step=1',
						resulturl: 'https://example.com/thank-you',
					},
				},
			]);
			assert.match(String(sandbox.requests[0].headers['content-type']), /^application\/json/);
			assert.deepEqual(lib.nodeOutputs(run.output, 'Update'), [
				[{ message: 'msg.updated', result: KNOWN_ID, url: `${sandbox.url}/${KNOWN_ID}` }],
			]);
			assert.equal(sandbox.getSignatureRequest(KNOWN_ID)?.sendInfoURL, 'https://hooks.example.com/okdokument/e2e?step=1');
		});

		await suite.run('(2) unknown ID: the run fails (exit 1) with OKdokument’s text "View ID does not exist: <id>"', async () => {
			sandbox.clearRequests();
			const run = await execute(inst, 'e2eUnknownId', sandbox);
			assertExit(run, 1);
			assert.equal(run.status, 'error');
			assert.deepEqual(
				received(sandbox).map((r) => [r.method, r.path, r.body?.signatureRequestId]),
				[['PATCH', '/JSON/signatureRequest', 'sr-e2e-missing-1']],
			);
			assert.ok(run.nodesRun.includes('Update'), `runData holds ${run.nodesRun.join(', ')}`);
			const error = run.output.data.resultData.error;
			assert.equal(error?.message, 'View ID does not exist: sr-e2e-missing-1');
			assert.equal(error?.node?.name, 'Update');
			assert.equal(String(error?.httpCode), '400');
			const printed = `${run.stdout}\n${run.stderr}`.split('\n').filter((l) => !/^\s/.test(l)).join('\n');
			assert.match(printed, /^View ID does not exist: sr-e2e-missing-1$/m, 'n8n prints the message on a line of its own');
		});

		await suite.run('(3) error output: the failed item reaches the node on the error output, the others the success branch', async () => {
			sandbox.clearRequests();
			const run = await execute(inst, 'e2eErrorOutput', sandbox);
			assertExit(run, 0);
			assert.equal(run.status, 'success');
			assert.deepEqual(
				received(sandbox).map((r) => r.body?.signatureRequestId).sort(),
				[KNOWN_ID, 'sr-e2e-missing-2', KNOWN_ID_2].sort(),
				'one PATCH per item',
			);
			const update = lib.nodeOutputs(run.output, 'Update');
			assert.ok(update, 'Update ran');
			assert.deepEqual(
				update[0].map((j) => j.result),
				[KNOWN_ID, KNOWN_ID_2],
				`success output of Update holds the two updates (it holds: ${JSON.stringify(update[0])})`,
			);
			assert.equal(update[1]?.length, 1, `error output of Update holds one item (it holds: ${JSON.stringify(update[1])})`);
			const failed = lib.nodeOutputs(run.output, 'Failed');
			assert.ok(failed, `the node on the error output ("Failed") never ran; nodes run: ${run.nodesRun.join(', ')}`);
			assert.equal(failed[0].length, 1);
			const item = failed[0][0];
			// The documented failed item (README, "Many items, and failures"): { error, message } and nothing else of
			// the node's own (n8n 1.x routes an item to the error output only then), plus the input item's fields.
			assert.deepEqual(Object.keys(item).sort(), ['error', 'ids', 'message'], `failed item: ${JSON.stringify(item)}`);
			assert.equal(item.error, 'View ID does not exist: sr-e2e-missing-2');
			assert.match(String(item.message), /^The signature request does not exist.*Check the Signature Request ID/);
			assert.equal(item.ids, 'sr-e2e-missing-2', 'the input item’s fields come along on the error output');
			const updated = lib.nodeOutputs(run.output, 'Updated');
			assert.deepEqual(
				updated?.[0].map((j) => j.message),
				['msg.updated', 'msg.updated'],
			);
		});

		await suite.run('(4) wrong API key: the run fails with the 401 message', async () => {
			sandbox.clearRequests();
			const run = await execute(inst, 'e2eWrongKey', sandbox);
			assertExit(run, 1);
			assert.equal(run.status, 'error');
			assert.deepEqual(
				received(sandbox).map((r) => [r.method, r.path, r.apiKey]),
				[['PATCH', '/JSON/signatureRequest', WRONG_KEY]],
			);
			const error = run.output.data.resultData.error;
			assert.match(String(error?.message), /^OKdokument rejected the API key \(HTTP 401/);
			assert.equal(String(error?.httpCode), '401');
			assert.match(`${run.stdout}\n${run.stderr}`, /^OKdokument rejected the API key \(HTTP 401.*\)$/m);
		});

		await suite.run('(5) example bulk-update-with-error-output.json runs: 2 updated, 2 on the error branch', async () => {
			sandbox.clearRequests();
			const run = await execute(inst, 'exBulkErrors', sandbox);
			assertExit(run, 0);
			assert.equal(sandbox.requests.length, 4, 'one PATCH per ID');
			const updated = lib.nodeOutputs(run.output, 'Updated');
			const failed = lib.nodeOutputs(run.output, 'Could not update');
			assert.deepEqual(
				updated?.[0].map((j) => j.signatureRequestId),
				['sr-demo-1', 'sr-demo-2'],
				`"Updated" got: ${JSON.stringify(updated)}`,
			);
			assert.ok(failed, `"Could not update" never ran; nodes run: ${run.nodesRun.join(', ')}`);
			assert.deepEqual(
				failed[0].map((j) => [j.signatureRequestId, j.reason]),
				[
					['sr-demo-unknown', 'View ID does not exist: sr-demo-unknown'],
					['no-such-request', 'View ID does not exist: no-such-request'],
				],
			);
		});

		if (options.server) {
			/** @type {import('../../scripts/lib/n8n').RunningN8n | undefined} */
			let n8n;
			const running = () => {
				if (!n8n) throw new Error('n8n is not running (it did not start in check 6)');
				return n8n;
			};
			try {
				await suite.run('(6) n8n start: owner setup and login work; the editor gets okDokument, okDokumentTool and okDokumentTrigger; the examples open', async () => {
					n8n = await lib.startN8n(inst, { port: await lib.freePort() });
					const cookie = await n8n.login();
					assert.match(cookie, /^n8n-auth=/);
					const types = await n8n.nodeTypeNames();
					for (const type of [lib.NODE_TYPE, lib.TOOL_NODE_TYPE, lib.TRIGGER_NODE_TYPE]) {
						assert.ok(types.includes(type), `${type} is not among the editor's ${types.length} node types`);
					}
					for (const id of ['exCallbackWait', 'exBulkErrors', 'exAiAgentTool', 'exSignDownload', 'exSignedTrigger']) {
						const res = await n8n.request('GET', `/rest/workflows/${id}`);
						assert.equal(res.status, 200, `GET /rest/workflows/${id}: ${res.text.slice(0, 200)}`);
						const nodes = (res.json?.data ?? res.json)?.nodes ?? [];
						assert.ok(
							nodes.some((/** @type {{ type: string }} */ n) => n.type.startsWith('n8n-nodes-okdokument.')),
							`${id} has no OKdokument node`,
						);
					}
					const creds = await n8n.request('GET', '/rest/credentials');
					assert.equal(creds.status, 200);
					captured.push(creds.text);
				});

				await suite.run('(7) Create → Wait → Download in a running n8n: the sandbox signer’s callback resumes the Wait node; Download returns the signed PDF', async () => {
					await checkCreateWaitDownload(running(), sandbox, version);
				});

				await suite.run('(8) OKdokument Trigger (activated): a signed request starts the workflow, confirmed, with the signed PDF', async () => {
					await checkTriggerSigned(running(), sandbox, version);
				});

				await suite.run('(9) OKdokument Trigger: a forged "signed" callback gets 200 and starts nothing; a real cancel right after it does', async () => {
					await checkTriggerForged(running(), sandbox, version);
				});

				await suite.run('(10) examples create-sign-download.json (run as "Execute workflow" runs it) and trigger-on-signed.json (activated) end with the signed PDF', async () => {
					await checkExamples(running(), sandbox);
				});
			} finally {
				if (n8n) {
					await n8n.stop();
					captured.push(fs.readFileSync(n8n.logFile, 'utf8'));
				}
			}
		}

		await suite.run('(11) the API keys appear nowhere: not in anything n8n printed, not in its database or other files', async () => {
			const dataDir = path.join(inst.userFolder, '.n8n');
			/** @type {{ name: string, bytes: Buffer }[]} */
			const sources = captured.map((text, i) => ({ name: `printed output #${i + 1}`, bytes: Buffer.from(text, 'utf8') }));
			/** @param {string} dir */
			const walk = (dir) => {
				for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
					const full = path.join(dir, entry.name);
					if (entry.isDirectory()) {
						if (full !== path.join(dataDir, 'nodes')) walk(full);
					} else if (entry.isFile()) {
						sources.push({ name: path.relative(inst.userFolder, full), bytes: fs.readFileSync(full) });
					}
				}
			};
			walk(inst.userFolder);
			const databases = sources.filter((s) => /database\.sqlite/.test(s.name));
			assert.ok(databases.length > 0 && databases.some((d) => d.bytes.length > 0), 'no SQLite database found to scan');
			// Guard against scanning the wrong thing: the stored executions must be in what was scanned.
			assert.ok(
				databases.some((d) => d.bytes.includes('View ID does not exist: sr-e2e-missing-1')),
				'the database does not hold the executions (nothing meaningful was scanned)',
			);
			const leaks = [];
			for (const secret of SECRETS) {
				for (const source of sources) {
					if (source.bytes.includes(secret)) leaks.push(`"${secret}" in ${source.name}`);
				}
			}
			assert.deepEqual(leaks, [], 'API key found');
			say(`      scanned ${sources.length} outputs and files (${databases.map((d) => `${d.name} ${Math.round(d.bytes.length / 1024)} KiB`).join(', ')})`);
		});
		return suite;
	} catch (error) {
		suite.results.push({ name: 'setup', ok: false, ms: 0, error: error instanceof Error ? error.message : String(error) });
		say(`  ✗ setup: ${error instanceof Error ? error.message : String(error)}`);
		return suite;
	} finally {
		await sandbox.stop();
		if (instance) {
			if (suite.failed === 0 && !options.keep) {
				fs.rmSync(instance.userFolder, { recursive: true, force: true });
				fs.rmSync(instance.requestedFolder, { recursive: true, force: true });
			} else {
				say(`  user folder kept: ${instance.userFolder}`);
			}
		}
		suite.crashes = crashes;
		const note = crashes.length > 0 ? `; n8n crashed: ${crashes.join(', ')}` : '';
		say(`${suite.label}: ${suite.passed} passed, ${suite.failed} failed (${lib.formatDuration(Date.now() - started)})${note}`);
	}
}

/**
 * The editor in Chromium. On n8n 1.x the credential dialog shows n8n's own text for a wrong key, not the
 * credential test's rule message (n8n-workflow 1.x drops the response the rules need), so that is accepted there.
 * @param {string} version
 * @param {string} tarball
 * @returns {Promise<Checks>}
 */
async function runEditor(version, tarball) {
	const suite = new Checks(say, `editor on n8n ${version}.x`);
	say('');
	say(`${suite.label}: Chromium, node panel, icons in both themes, the node's fields, the credential test`);
	const outcome = await runEditorChecks({ version, tarball, acceptN8n1Generic401: true, print: say });
	suite.label = `editor on n8n ${outcome.n8nVersion ?? version}`;
	suite.results.push(...outcome.details);
	if (outcome.details.length === 0) suite.results.push({ name: 'editor checks ran', ok: false, ms: outcome.ms, error: 'no check ran' });
	return suite;
}

/* ------------------------------------------------------------------------------------------------ main */

async function main() {
	const options = parseArgs(process.argv.slice(2));
	const started = Date.now();
	say(`e2e: n8n ${options.versions.join(' and ')}; building and packing the package…`);
	/** @type {Checks[]} */
	const suites = [];
	let tarball;
	const pack = new Checks(say, 'pack');
	await pack.run('npm run build && npm pack', async () => {
		tarball = await lib.packTarball({ repoDir: REPO, outDir: path.join(REPO, '.e2e', 'pack') });
	});
	suites.push(pack);
	if (tarball) {
		for (const version of options.versions) {
			suites.push(await runVersion(version, tarball, options));
			if (options.editor) suites.push(await runEditor(version, tarball));
		}
	}
	const passed = suites.reduce((n, s) => n + s.passed, 0);
	const failed = suites.reduce((n, s) => n + s.failed, 0);
	say('');
	for (const suite of suites.slice(1)) {
		const note = suite.crashes.length > 0 ? ` (n8n crashed: ${suite.crashes.join(', ')})` : '';
		say(`  ${suite.label}: ${suite.passed} passed, ${suite.failed} failed${note}`);
	}
	say(`  total time ${lib.formatDuration(Date.now() - started)}`);
	say(`e2e: ${passed} passed, ${failed} failed`);
	process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((error) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	say('e2e: 0 passed, 1 failed');
	process.exitCode = 1;
});
