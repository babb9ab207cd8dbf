// @ts-check
'use strict';

/**
 * What every n8n version's run starts with, before any scenario: the packed package installed as Community Nodes
 * installs it (in queue mode into every process's user folder), then the credentials and all workflows
 * (test/e2e/workflows/ and examples/) imported (in queue mode through the main's folder, into Postgres). The runner
 * runs no scenario when one of these fails.
 */

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const lib = require('../../../scripts/lib/n8n');
const { EXAMPLE_SMTP_CREDENTIAL, smtpCredential } = require('../../../scripts/lib/mail-catcher');
const { e2eMailCatcher } = require('./mail');
const { API_KEY, WRONG_KEY, CREDENTIALS, MCP_CLIENT_TOKEN, WORKFLOWS_DIR, EXAMPLES_DIR, readJson } = require('./fixtures');

/** @param {string} dir */
function jsonFiles(dir) {
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort();
}

/**
 * @param {string} tarball
 * @returns {import('../scenarios').Check[]}
 */
function setupChecks(tarball) {
	const testFiles = jsonFiles(WORKFLOWS_DIR);
	const exampleFiles = jsonFiles(EXAMPLES_DIR);
	return [
		{
			name: 'install the packed tarball as Community Nodes does; n8n loads n8n-nodes-okdokument.okDokument',
			run: async (ctx) => {
				const installs = await ctx.topology.install(tarball);
				assert.ok(installs.length > 0, 'installed nowhere');
				for (const { name, installed } of installs) {
					const where = installs.length > 1 ? ` (${name})` : '';
					assert.ok(installed.nodeTypes.includes(lib.NODE_TYPE), `node types${where}: ${installed.nodeTypes.join(', ')}`);
					assert.ok(installed.nodeTypes.includes(lib.TRIGGER_NODE_TYPE), `node types${where}: ${installed.nodeTypes.join(', ')}`);
					assert.ok(installed.credentialTypes.includes(lib.CREDENTIAL_TYPE), `credential types${where}: ${installed.credentialTypes.join(', ')}`);
					assert.ok(
						!fs.existsSync(path.join(installed.packageDir, 'node_modules', 'n8n-workflow')),
						`n8n-workflow must not be installed next to the package${where}`,
					);
				}
				return installs.length > 1 ? `installed into ${installs.map((i) => i.name).join(', ')}` : undefined;
			},
		},
		{
			name: `import 5 credentials (3 OKdokument, 1 MCP token, 1 SMTP) and ${testFiles.length + exampleFiles.length} workflows (${testFiles.length} test workflows, ${exampleFiles.length} examples)`,
			run: async (ctx) => {
				const data = { environment: 'custom', baseUrl: ctx.sandbox.url };
				const creds = await lib.importCredentials(ctx.instance, [
					{ ...CREDENTIALS.good, data: { ...data, apiKey: API_KEY } },
					{ ...CREDENTIALS.wrongKey, data: { ...data, apiKey: WRONG_KEY } },
					{ ...CREDENTIALS.examples, data: { ...data, apiKey: API_KEY } },
					{ ...CREDENTIALS.mcpClientToken, data: { token: MCP_CLIENT_TOKEN } },
					smtpCredential(await e2eMailCatcher(), EXAMPLE_SMTP_CREDENTIAL),
				]);
				ctx.capture(creds.stdout, creds.stderr);
				assert.ok(testFiles.length > 0 && exampleFiles.length > 0, `no workflows found in ${WORKFLOWS_DIR} or ${EXAMPLES_DIR}`);
				const workflows = [
					...testFiles.map((f) => readJson(path.join(WORKFLOWS_DIR, f))),
					...exampleFiles.map((f) => readJson(path.join(EXAMPLES_DIR, f))),
				];
				const wf = await lib.importWorkflows(ctx.instance, workflows);
				ctx.capture(wf.stdout, wf.stderr);
			},
		},
	];
}

module.exports = { setupChecks };
