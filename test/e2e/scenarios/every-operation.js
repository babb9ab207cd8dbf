// @ts-check
'use strict';

/**
 * Every operation of the OKdokument node once, in one workflow run with `n8n execute` (test/e2e/workflows/
 * every-operation.json): Upload → Get → Get Many, and Get → Create (existing document) → Delete the request → Download
 * → Delete the document; Get Usage beside them. Update is in cli-executions, Send and Wait in its own scenarios.
 * What it proves on every n8n version: each operation's requests, helpers and output work with that n8n's engine.
 */

const assert = require('node:assert/strict');

const lib = require('../../../scripts/lib/n8n');
const { API_KEY } = require('../lib/fixtures');
const { received } = require('../lib/sandbox');
const { assertExit } = require('../lib/cli-runs');

const WORKFLOW_ID = 'e2eEveryOp';
const SIGNATURE_REQUEST_ID = 'sr-e2e-every-operation';
const FILE_NAME = 'e2e-every-operation.pdf';

/**
 * The single item a node put out.
 * @param {any} output
 * @param {string} node
 */
function onlyItem(output, node) {
	const outputs = lib.nodeItems(output, node);
	assert.ok(outputs, `${node} did not run`);
	assert.equal(outputs[0]?.length, 1, `${node} put out ${outputs[0]?.length} items`);
	return outputs[0][0];
}

/** @type {import('.').Scenario} */
module.exports = {
	needs: 'cli',
	checks: [
		{
			name: 'every operation once (Upload, Get, Create from an existing document, Delete request, Download, Delete document, Get Usage, Get Many): the requests and the output items',
			run: async (ctx) => {
				const { sandbox, say } = ctx;
				sandbox.clearRequests();
				const run = await ctx.execute(WORKFLOW_ID);
				assertExit(run, 0);
				assert.equal(run.status, 'success');

				const upload = onlyItem(run.output, 'Upload').json;
				const documentId = upload.documentId;
				assert.match(String(documentId), /\S/, 'Upload returns the document ID');
				assert.deepEqual([upload.filename, upload.state], [FILE_NAME, 'tosign']);
				const got = onlyItem(run.output, 'Get').json;
				assert.deepEqual([got.id, got.filename, got.state], [documentId, FILE_NAME, 'tosign']);
				const created = onlyItem(run.output, 'Create').json;
				assert.deepEqual([created.signatureRequestId, created.documentId], [SIGNATURE_REQUEST_ID, documentId]);
				assert.deepEqual(onlyItem(run.output, 'Delete Request').json.deleted, true);
				const download = onlyItem(run.output, 'Download');
				assert.deepEqual([download.json.documentId, download.json.mimeType], [documentId, 'application/pdf']);
				assert.ok(download.binary?.data, 'Download puts the PDF in binary "data"');
				assert.deepEqual([onlyItem(run.output, 'Delete Document').json.documentId, onlyItem(run.output, 'Delete Document').json.deleted], [documentId, true]);
				const usage = onlyItem(run.output, 'Get Usage').json;
				assert.equal(typeof usage.usedSignatureRequests, 'number', `Get Usage: ${JSON.stringify(usage).slice(0, 300)}`);
				const many = lib.nodeOutputs(run.output, 'Get Many')?.[0] ?? [];
				assert.ok(many.some((d) => d.id === documentId), `Get Many (To Sign) lists the uploaded document: ${JSON.stringify(many).slice(0, 300)}`);
				assert.ok(many.every((d) => d.state === 'tosign'), `Get Many (state To Sign): ${many.map((d) => d.state).join(', ')}`);

				const wire = received(sandbox);
				assert.ok(wire.every((r) => r.apiKey === API_KEY), 'every request carries the key');
				assert.deepEqual(
					wire.map((r) => `${r.method} ${r.path}`).sort(),
					[
						'POST /JSON/document',
						`GET /JSON/document/metadata/${documentId}`,
						'POST /JSON/signatureRequest',
						`DELETE /JSON/signatureRequest/${SIGNATURE_REQUEST_ID}`,
						`GET /JSON/document/${documentId}`,
						`DELETE /JSON/document/${documentId}`,
						'GET /JSON/counter',
						'GET /JSON/list/flat',
					].sort(),
				);
				assert.deepEqual(sandbox.requests.find((r) => r.path === '/JSON/list/flat')?.query, { state: 'tosign' });
				assert.equal(sandbox.getSignatureRequest(SIGNATURE_REQUEST_ID), undefined, 'the signature request is gone from OKdokument');
				assert.equal(sandbox.getDocument(documentId), undefined, 'the document is gone from OKdokument');
				say(`      ${wire.length} requests, one per operation; document ${documentId} uploaded, sent, withdrawn, downloaded, deleted`);
			},
		},
	],
};
