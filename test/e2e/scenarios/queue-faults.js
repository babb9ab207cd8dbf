// @ts-check
'use strict';

/**
 * Queue mode's faults. A worker dies (SIGKILL, as with its machine) while a Send and Wait execution waits: the
 * genuine callback still resumes it, on the other worker. Redis restarts (empty: no persistence) while nothing runs:
 * the next execution, its start and its resume, still works. Who ran what is read from the processes' job lines.
 */

const assert = require('node:assert/strict');

const lib = require('../../../scripts/lib/n8n');
const { describeJobs } = require('../../../scripts/lib/n8n/queue-jobs');
const { startWaiting, signAndExpectSignedPdf } = require('../lib/send-and-wait');

/** @typedef {import('../../../scripts/lib/n8n/queue').RunningQueue} RunningQueue */

/**
 * The worker that finished the execution's `count`-th job (1-based), once its log says so.
 * @param {RunningQueue} n8n
 * @param {string} executionId
 * @param {number} count
 */
function workerOfJob(n8n, executionId, count) {
	return lib.waitFor(
		`a worker to finish job ${count} of execution ${executionId}`,
		() => n8n.jobs().get(executionId)?.finished[count - 1]?.process,
		{ timeoutMs: 20_000, intervalMs: 300, describe: () => describeJobs(n8n.jobs().get(executionId)) },
	);
}

/** @type {import('.').Scenario} */
module.exports = {
	needs: 'server',
	topologies: ['queue'],
	checks: [
		{
			name: 'queue mode: the worker that ran Send and Wait is killed (SIGKILL) while it waits; the genuine callback resumes it on the other worker, with the signed PDF',
			run: async (ctx) => {
				const n8n = /** @type {RunningQueue} */ (await ctx.n8n());
				const signatureRequestId = 'sr-e2e-queue-killed-worker';
				const { executionId, record } = await startWaiting(n8n, ctx, { signatureRequestId });
				const first = await workerOfJob(n8n, executionId, 1);
				await n8n.kill(first);
				let second;
				let finished;
				try {
					assert.equal(n8n.processes().find((p) => p.name === first)?.running, false, `${first} still runs`);
					assert.equal((await n8n.execution(executionId)).status, 'waiting', 'the execution still waits after its worker died');
					({ finished } = await signAndExpectSignedPdf(n8n, ctx, { executionId, signatureRequestId, documentId: record.documentId }));
					second = await workerOfJob(n8n, executionId, 2);
					assert.notEqual(second, first, 'the resume ran on the killed worker');
					ctx.expectStored(signatureRequestId);
				} finally {
					// The later checks need both workers, whatever happened here.
					await n8n.restart(first);
				}
				ctx.say(`      execution ${executionId}: sent and waiting on ${first}; ${first} killed; the callback resumed it on ${second} → ${finished?.status}; ${first} restarted`);
			},
		},
		{
			name: 'queue mode: Redis restarts (empty) while nothing runs; every process stays up and the next Send and Wait starts, waits and resumes',
			run: async (ctx) => {
				const n8n = /** @type {RunningQueue} */ (await ctx.n8n());
				await lib.waitFor('no execution running', async () => ((await n8n.executions()).some((e) => e.status === 'running' || e.status === 'new') ? undefined : true), {
					timeoutMs: 60_000,
				});
				const { downMs } = await n8n.restartRedis();
				for (const p of n8n.processes()) assert.ok(p.running, `${p.name} exited after Redis restarted`);

				const signatureRequestId = 'sr-e2e-queue-after-redis-restart';
				const { executionId, record } = await startWaiting(n8n, ctx, { signatureRequestId });
				const { finished } = await signAndExpectSignedPdf(n8n, ctx, { executionId, signatureRequestId, documentId: record.documentId });
				for (const p of n8n.processes()) assert.ok(p.running, `${p.name} exited`);
				ctx.say(`      Redis down ${lib.formatDuration(downMs)}; then execution ${executionId}: waiting → ${finished.status} (${describeJobs(n8n.jobs().get(executionId))})`);
			},
		},
	],
};
