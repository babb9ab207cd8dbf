// @ts-check
'use strict';

/**
 * Workflows run with `n8n execute --id`, as a user's scheduled or CLI run does: Signature Request → Update with the
 * exact request on the wire, OKdokument's errors as n8n shows them, the error output, and an example.
 */

const assert = require('node:assert/strict');
const http = require('node:http');

const lib = require('../../../scripts/lib/n8n');
const { API_KEY, WRONG_KEY, KNOWN_ID, KNOWN_ID_2 } = require('../lib/fixtures');
const { received } = require('../lib/sandbox');
const { assertExit } = require('../lib/cli-runs');

/**
 * Runs the workflow with a fresh sandbox log and checks how the run ended: exit 0 and status "success", or exit 1
 * and status "error".
 * @param {import('../lib/context').Context} ctx
 * @param {string} workflowId
 * @param {0 | 1} code
 */
async function runEnding(ctx, workflowId, code) {
	ctx.sandbox.clearRequests();
	const run = await ctx.execute(workflowId);
	assertExit(run, code);
	assert.equal(run.status, code === 0 ? 'success' : 'error');
	return run;
}

/** @type {import('.').Scenario} */
module.exports = {
	needs: 'cli',
	checks: [
		{
			name: 'happy path: the PATCH carries the exact body and key; the output item is OKdokument’s answer',
			run: async (ctx) => {
				const { sandbox } = ctx;
				const run = await runEnding(ctx, 'e2eHappy', 0);
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
			},
		},
		{
			name: 'unknown ID: the run fails (exit 1) with OKdokument’s text "View ID does not exist: <id>"',
			run: async (ctx) => {
				const { sandbox, expectStored } = ctx;
				const run = await runEnding(ctx, 'e2eUnknownId', 1);
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
				expectStored('View ID does not exist: sr-e2e-missing-1');
			},
		},
		{
			name: 'error output: the failed item reaches the node on the error output, the others the success branch',
			run: async (ctx) => {
				const { sandbox } = ctx;
				const run = await runEnding(ctx, 'e2eErrorOutput', 0);
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
			},
		},
		{
			name: 'a redirect is not followed: the run fails with the 3xx, and the key goes nowhere else',
			run: async (ctx) => {
				const { sandbox } = ctx;
				/** @type {import('node:http').IncomingHttpHeaders[]} */
				const reached = [];
				const elsewhere = http.createServer((request, response) => {
					reached.push(request.headers);
					response.writeHead(200, { 'content-type': 'application/json' });
					response.end('{"message":"msg.updated","result":"elsewhere"}');
				});
				await new Promise((resolve) => elsewhere.listen(0, '127.0.0.1', () => resolve(undefined)));
				try {
					const { port } = /** @type {import('node:net').AddressInfo} */ (elsewhere.address());
					const location = `http://127.0.0.1:${port}/JSON/signatureRequest`;
					sandbox.setFault({ type: 'redirect', status: 307, location, times: 1 });
					const run = await runEnding(ctx, 'e2eHappy', 1);
					assert.deepEqual(reached, [], 'the key must not follow the redirect');
					assert.equal(sandbox.requests.length, 1, 'a redirect is not retried');
					const error = run.output.data.resultData.error;
					assert.equal(error?.message, 'OKdokument answered with a redirect (HTTP 307)');
					assert.equal(String(error?.httpCode), '307');
					const description = String(error?.description);
					assert.ok(description.includes(`, not to ${location}.`), `the description names where it pointed: ${description}`);
				} finally {
					sandbox.clearFaults();
					await new Promise((resolve) => elsewhere.close(() => resolve(undefined)));
				}
			},
		},
		{
			name: 'wrong API key: the run fails with the 401 message',
			run: async (ctx) => {
				const { sandbox } = ctx;
				const run = await runEnding(ctx, 'e2eWrongKey', 1);
				assert.deepEqual(
					received(sandbox).map((r) => [r.method, r.path, r.apiKey]),
					[['PATCH', '/JSON/signatureRequest', WRONG_KEY]],
				);
				const error = run.output.data.resultData.error;
				assert.match(String(error?.message), /^OKdokument rejected the API key \(HTTP 401/);
				assert.equal(String(error?.httpCode), '401');
				assert.match(`${run.stdout}\n${run.stderr}`, /^OKdokument rejected the API key \(HTTP 401.*\)$/m);
			},
		},
		{
			name: 'example bulk-update-with-error-output.json runs: 2 updated, 2 on the error branch',
			run: async (ctx) => {
				const { sandbox } = ctx;
				const run = await runEnding(ctx, 'exBulkErrors', 0);
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
			},
		},
	],
};
