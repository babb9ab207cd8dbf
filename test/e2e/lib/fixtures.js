// @ts-check
'use strict';

/** What the e2e scenarios share: the fake API keys, the credentials, the known signature requests, the workflows. */

const fs = require('node:fs');
const path = require('node:path');

const { CREDENTIAL_TYPE } = require('../../../scripts/lib/n8n');

const REPO = path.resolve(__dirname, '..', '..', '..');
/** The test workflows (imported into every instance), and the examples users import. */
const WORKFLOWS_DIR = path.join(REPO, 'test', 'e2e', 'workflows');
const EXAMPLES_DIR = path.join(REPO, 'examples');

/** Distinctive fake keys, so that a scan for them cannot match anything by chance. */
const API_KEY = '8d1f0e2a5_e2e1c0ffee7b4c9d2e6f0a1b3c5d';
const WRONG_KEY = '3a7c5e9b1_e2e0badbee0f2d4b6a8c0e1f3a5b';
/** What must appear nowhere n8n prints or stores (the keys, and their distinctive halves). */
const SECRETS = [API_KEY, WRONG_KEY, API_KEY.split('_')[1], WRONG_KEY.split('_')[1]];

/** Signature requests the sandbox knows from the start. */
const KNOWN_ID = '6f0c2a9e-1b7d-4c1a-9f57-2d8e4b1c3a55';
const KNOWN_ID_2 = 'sr-e2e-known-2';

const CREDENTIALS = {
	good: { id: 'e2eCredGood', name: 'OKdokument e2e', type: CREDENTIAL_TYPE },
	wrongKey: { id: 'e2eCredWrongKey', name: 'OKdokument e2e, wrong key', type: CREDENTIAL_TYPE },
	// The credential the examples reference (the one `npm run dev` imports).
	examples: { id: 'okdSandbox', name: 'OKdokument sandbox', type: CREDENTIAL_TYPE },
	// The token an MCP client must send to examples/mcp-server.json's MCP Server Trigger (Bearer Auth).
	mcpClientToken: { id: 'mcpExampleToken', name: 'MCP client token (example)', type: 'httpBearerAuth' },
};
/** The token of CREDENTIALS.mcpClientToken (not OKdokument's: the client's key to the MCP server). */
const MCP_CLIENT_TOKEN = 'e2e-mcp-client-5f1d9c3b7a2e4f60';

/** The marker the sandbox's signer appends to a signed PDF (sandbox/signer.js). */
const SIGNED_MARKER = '% Signed in the OKdokument sandbox';
/** How long an execution may take to appear, or to finish. */
const EXECUTION_TIMEOUT_MS = 90_000;

/**
 * @param {string} file
 * @returns {any}
 */
function readJson(file) {
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * A test workflow, e.g. testWorkflow('trigger.json').
 * @param {string} file
 * @returns {any}
 */
function testWorkflow(file) {
	return readJson(path.join(WORKFLOWS_DIR, file));
}

/**
 * An example workflow, e.g. example('create-sign-download.json').
 * @param {string} file
 * @returns {any}
 */
function example(file) {
	return readJson(path.join(EXAMPLES_DIR, file));
}

module.exports = {
	REPO,
	WORKFLOWS_DIR,
	EXAMPLES_DIR,
	API_KEY,
	WRONG_KEY,
	SECRETS,
	KNOWN_ID,
	KNOWN_ID_2,
	CREDENTIALS,
	MCP_CLIENT_TOKEN,
	SIGNED_MARKER,
	EXECUTION_TIMEOUT_MS,
	readJson,
	testWorkflow,
	example,
};
