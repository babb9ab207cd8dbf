// @ts-check
'use strict';

/**
 * Signature Request → Update on 200 items in a running n8n, started through a Webhook node (in queue mode: taken by
 * the webhook processor, run on a worker), with "Continue (using error output)": every 10th ID is unknown. Read back
 * from n8n: one PATCH per item, 180 items on the success output and 20 on the error output, each in input order and
 * linked to its input item.
 */

const assert = require('node:assert/strict');

const lib = require('../../../scripts/lib/n8n');
const { API_KEY, KNOWN_ID, KNOWN_ID_2, testWorkflow } = require('../lib/fixtures');
const { received, postCallback } = require('../lib/sandbox');
const { executionProblem, executionsOf, finishedExecution } = require('../lib/executions');

const WORKFLOW = testWorkflow('update-many.json');
const WEBHOOK_PATH = WORKFLOW.nodes.find((/** @type {any} */ n) => n.type === 'n8n-nodes-base.webhook').parameters.path;
const ITEMS = 200;

/** @param {number} n */
const isUnknown = (n) => n % 10 === 7;

/** The input items: unknown IDs every 10th, the two known requests in turn otherwise. */
const INPUT = Array.from({ length: ITEMS }, (_, n) => ({ id: isUnknown(n) ? `sr-e2e-missing-many-${n}` : n % 2 ? KNOWN_ID_2 : KNOWN_ID, n }));

/**
 * @param {any[]} items  items of one output, with pairedItem
 * @returns {number[]}   the input index each is linked to
 */
function pairedIndexes(items) {
	return items.map((item) => (Array.isArray(item.pairedItem) ? item.pairedItem[0]?.item : item.pairedItem?.item));
}

/** @type {import('.').Scenario} */
module.exports = {
	needs: 'server',
	topologies: ['single', 'queue'],
	checks: [
		{
			name: `Update on ${ITEMS} items with the error output: one PATCH each; ${ITEMS * 0.9} updated and ${ITEMS * 0.1} failed items, in input order, each linked to its input item`,
			run: async (ctx) => {
				const { sandbox, say } = ctx;
				const n8n = await ctx.n8n();
				await n8n.activateWorkflow(WORKFLOW.id);
				await n8n.waitForWebhook(WEBHOOK_PATH);
				const before = (await n8n.executions(WORKFLOW.id)).length;
				sandbox.clearRequests();
				const started = await postCallback(`${n8n.webhookUrl}/webhook/${WEBHOOK_PATH}`, { items: INPUT });
				assert.equal(started.status, 200, `the Webhook node answered ${started.status}: ${started.text.slice(0, 300)}`);
				const [newest] = await executionsOf(n8n, WORKFLOW.id, before + 1);
				const finished = await finishedExecution(n8n, newest.id);
				assert.equal(finished.status, 'success', executionProblem(finished));

				const patches = received(sandbox);
				assert.equal(patches.length, ITEMS, 'one request per item');
				assert.deepEqual(
					patches.map((r) => [r.method, r.path, r.apiKey === API_KEY]).filter(([m, p, key]) => m !== 'PATCH' || p !== '/JSON/signatureRequest' || !key),
					[],
					'every request is the PATCH, with the key',
				);
				assert.deepEqual(
					patches.map((r) => r.body).sort((a, b) => Number(new URL(a.sendInfoURL).searchParams.get('n')) - Number(new URL(b.sendInfoURL).searchParams.get('n'))),
					INPUT.map(({ id, n }) => ({ signatureRequestId: id, sendInfoURL: `https://hooks.example.com/okdokument/e2e?n=${n}` })),
				);

				const [updated, failed] = /** @type {any[][]} */ (lib.nodeItems(finished, 'Update') ?? []);
				const expectedUpdated = INPUT.filter(({ n }) => !isUnknown(n));
				const expectedFailed = INPUT.filter(({ n }) => isUnknown(n));
				assert.deepEqual(
					updated?.map((item) => item.json.result),
					expectedUpdated.map(({ id }) => id),
					'the success output: OKdokument’s answer per item, in input order',
				);
				assert.deepEqual(pairedIndexes(updated), expectedUpdated.map(({ n }) => n), 'each updated item is linked to its input item');
				assert.deepEqual(
					failed?.map(({ json: { id, n, error, ...rest } }) => ({ id, n, error, fields: Object.keys(rest) })),
					expectedFailed.map(({ id, n }) => ({ id, n, error: `View ID does not exist: ${id}`, fields: ['message'] })),
					'the error output: the failed items with the input’s fields, in input order',
				);
				for (const item of failed) assert.match(String(item.json.message), /^The signature request does not exist.*Check the Signature Request ID/);
				assert.deepEqual(pairedIndexes(failed), expectedFailed.map(({ n }) => n), 'each failed item is linked to its input item');
				assert.equal(lib.nodeItems(finished, 'Updated')?.[0]?.length, expectedUpdated.length, '"Updated" got every updated item');
				assert.equal(lib.nodeItems(finished, 'Failed')?.[0]?.length, expectedFailed.length, '"Failed" got every failed item');
				say(`      execution ${finished.id} (${finished.mode}): ${patches.length} PATCHes; ${updated.length} updated, ${failed.length} on the error output`);
			},
		},
	],
};
