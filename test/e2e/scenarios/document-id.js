// @ts-check
'use strict';

/**
 * The Document ID as workflows hold it: a plain text saved by 0.2.0 (an ID, or an expression), and the resource
 * locator's values (From List, By URL), run with `n8n execute --id` (test/e2e/workflows/document-id.json).
 */

const assert = require('node:assert/strict');

const lib = require('../../../scripts/lib/n8n');
const { traffic } = require('../lib/sandbox');
const { assertExit } = require('../lib/cli-runs');

const DOCUMENT_ID = 'doc-e2e-saved-020';
const PDF = Buffer.from('%PDF-1.4\n% the document of test/e2e/workflows/document-id.json\n%%EOF\n');

/** @type {import('.').Scenario} */
module.exports = {
	needs: 'cli',
	checks: [
		{
			name: 'Document ID saved by 0.2.0 as text (an ID, an expression) still runs, next to the locator’s From List and By URL',
			run: async (ctx) => {
				const { sandbox } = ctx;
				sandbox.addDocument({ id: DOCUMENT_ID, filename: 'saved-by-0.2.0.pdf', content: PDF });
				sandbox.clearRequests();
				const run = await ctx.execute('e2eDocumentId');
				assertExit(run, 0);
				assert.equal(run.status, 'success');
				assert.deepEqual(traffic(sandbox), [
					['GET', `/JSON/document/metadata/${DOCUMENT_ID}`, true],
					['GET', `/JSON/document/metadata/${DOCUMENT_ID}`, true],
					['GET', `/JSON/document/metadata/${DOCUMENT_ID}`, true],
					['GET', `/JSON/document/${DOCUMENT_ID}`, true],
				]);
				for (const name of ['Get, ID saved as text', 'Get, expression saved as text', 'Get, From List']) {
					const output = lib.nodeOutputs(run.output, name);
					assert.deepEqual(
						output?.[0].map((json) => [json.id, json.filename]),
						[[DOCUMENT_ID, 'saved-by-0.2.0.pdf']],
						`${name}: ${JSON.stringify(output)}`,
					);
				}
				const download = lib.nodeOutputs(run.output, 'Download, By URL');
				assert.deepEqual(download?.[0], [
					{ documentId: DOCUMENT_ID, fileName: 'saved-by-0.2.0.pdf', fileSize: PDF.length, mimeType: 'application/pdf' },
				]);
			},
		},
	],
};
