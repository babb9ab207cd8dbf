// @ts-check
'use strict';

/**
 * Send and Wait for Signature on an n8n that cannot sign resume URLs (before 1.110): the workflow of the Send and
 * Wait scenario (test/e2e/workflows/send-and-wait.json), started through its Webhook node, must fail at once with the
 * node's refusal, before anything reaches OKdokument, instead of uploading the file and then failing on a function
 * this n8n does not have.
 */

const assert = require('node:assert/strict');

const { traffic } = require('../lib/sandbox');
const { finishedExecution, startByWebhook } = require('../lib/executions');
const { WORKFLOW, NODE } = require('../lib/send-and-wait');
const { UNSIGNED_RESUME_URL_VERSIONS } = require('.');

/** @type {import('.').Scenario} */
module.exports = {
	needs: 'server',
	versions: UNSIGNED_RESUME_URL_VERSIONS,
	checks: [
		{
			name: 'Send and Wait without signed resume URLs: the execution fails with the node’s clear refusal, and nothing was sent to OKdokument',
			run: async (ctx) => {
				const { sandbox, say } = ctx;
				const n8n = await ctx.n8n();
				sandbox.clearRequests();
				const executionId = await startByWebhook(n8n, WORKFLOW, { signatureRequestId: `sr-e2e-saw-refused-${ctx.version}` });
				const finished = await finishedExecution(n8n, executionId);
				assert.equal(finished.status, 'error', `execution ${executionId} is "${finished.status}", not "error"`);
				const error = finished.data?.resultData?.error;
				assert.equal(error?.name, 'NodeOperationError', `error: ${JSON.stringify(error)?.slice(0, 400)}`);
				assert.equal(error?.node?.name, NODE.name);
				assert.equal(
					error?.message,
					'Send and Wait for Signature needs n8n 1.110 or newer, which signs resume URLs; this n8n does not (item index 0)',
				);
				assert.match(String(error?.description), /^Nothing was sent\./);
				assert.deepEqual(traffic(sandbox), [], 'nothing reached OKdokument');
				say(`      execution ${executionId} → ${finished.status}: ${error.message}`);
			},
		},
	],
};
