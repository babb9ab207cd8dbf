// @ts-check
'use strict';

/**
 * Queue mode's division of labour, seen from outside: the main serves the editor and the REST API but no production
 * webhook (N8N_DISABLE_PRODUCTION_MAIN_PROCESS), each of the two webhook processors serves them, and every process is
 * up.
 */

const assert = require('node:assert/strict');

const { http } = require('../../../scripts/lib/n8n/rest-api');
const { WORKFLOW, WEBHOOK_PATH } = require('../lib/send-and-wait');

/** @typedef {import('../../../scripts/lib/n8n/queue').RunningQueue} RunningQueue */

/** @type {import('.').Scenario} */
module.exports = {
	needs: 'server',
	topologies: ['queue'],
	checks: [
		{
			name: 'queue mode: each webhook processor serves the production webhooks, the main none; two workers and every other process are up',
			run: async (ctx) => {
				const n8n = /** @type {RunningQueue} */ (await ctx.n8n());
				await n8n.activateWorkflow(WORKFLOW.id);
				await n8n.waitForWebhook(WEBHOOK_PATH);
				const before = (await n8n.executions(WORKFLOW.id)).length;
				// Each webhook processor serves the path (waitForWebhook asked them); the main does not, and starts nothing.
				const posted = await http(`${n8n.url}/webhook/${WEBHOOK_PATH}`, { method: 'POST', body: { signatureRequestId: 'sr-e2e-queue-at-main' } });
				assert.equal(posted.status, 404, `a production call to the main got ${posted.status}: ${posted.text.slice(0, 200)}`);
				assert.equal((await n8n.executions(WORKFLOW.id)).length, before, 'a call to the main started an execution');

				const processes = n8n.processes();
				assert.deepEqual(processes.map((p) => p.role).sort(), ['main', 'webhook', 'webhook', 'worker', 'worker']);
				for (const p of processes) {
					assert.ok(p.running, `${p.name} is not running`);
					if (p.role !== 'main') assert.equal((await http(`${p.url}/healthz/readiness`)).status, 200, `${p.name} is not ready`);
				}
				return processes.map((p) => `${p.name.padEnd(9)} pid ${p.pid}  ${p.url}  ${p.role === 'main' ? 'editor, REST API' : p.role === 'webhook' ? '/webhook, /webhook-waiting' : 'runs executions'}`).join('\n');
			},
		},
	],
};
