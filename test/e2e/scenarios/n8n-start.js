// @ts-check
'use strict';

/** `n8n start` as a user opens it: the owner signs in, the editor offers the package's nodes, the examples open. */

const assert = require('node:assert/strict');

const lib = require('../../../scripts/lib/n8n');

/** The examples' workflow ids (examples/*.json). */
const EXAMPLE_IDS = ['exCallbackWait', 'exBulkErrors', 'exAiAgentTool', 'exMcpServer', 'exSignDownload', 'exSignedTrigger', 'exSendLinkWait', 'exTwoSigners'];

/** @type {import('.').Scenario} */
module.exports = {
	needs: 'server',
	topologies: ['single', 'queue'],
	checks: [
		{
			name: 'n8n start: owner setup and login work; the editor gets okDokument, okDokumentTool and okDokumentTrigger; the examples open',
			run: async (ctx) => {
				const n8n = await ctx.n8n();
				const cookie = await n8n.login();
				assert.match(cookie, /^n8n-auth=/);
				const types = await n8n.nodeTypeNames();
				for (const type of [lib.NODE_TYPE, lib.TOOL_NODE_TYPE, lib.TRIGGER_NODE_TYPE]) {
					assert.ok(types.includes(type), `${type} is not among the editor's ${types.length} node types`);
				}
				for (const id of EXAMPLE_IDS) {
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
			},
		},
	],
};
