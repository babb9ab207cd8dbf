// @ts-check
'use strict';

/**
 * Proof that queue mode really ran what a check caused where queue mode runs it, checked by the runner after every
 * check in queue mode. For each execution the check created (n8n's executions list, read from the main): every job
 * put on the queue for it was taken by exactly one worker and finished there, and an execution started by a webhook
 * call was put on the queue by a webhook processor. Who did what is read from the processes' own log lines about
 * jobs ("Enqueued execution 12 (job 7)", "Worker started execution 12 (job 7)", scripts/lib/n8n/queue-jobs.js):
 * the main and the webhook processor print no "Worker started" line, so nothing ran there; never from the node's logs.
 */

const lib = require('../../../scripts/lib/n8n');
const { describeJobs } = require('../../../scripts/lib/n8n/queue-jobs');

/** @typedef {import('../../../scripts/lib/n8n/queue').RunningQueue} RunningQueue */
/** @typedef {import('../../../scripts/lib/n8n/queue-jobs').ExecutionJobs} ExecutionJobs */

/** Log lines are written a moment after n8n stores the execution's state. */
const LOG_SETTLE_MS = 20_000;

/**
 * The highest execution id so far (0 when there is none).
 * @param {RunningQueue} n8n
 * @returns {Promise<number>}
 */
async function latestExecutionId(n8n) {
	const [newest] = await n8n.executions();
	return newest ? Number(newest.id) : 0;
}

/**
 * What is wrong with an execution's jobs, or undefined when every job was run once by a worker.
 * @param {ExecutionJobs | undefined} jobs
 * @param {Set<string>} workers
 * @returns {string | undefined}
 */
function jobProblem(jobs, workers) {
	if (!jobs || jobs.enqueued.length === 0) return 'no process put it on the queue';
	for (const { job, process } of jobs.enqueued) {
		const runs = jobs.started.filter((e) => e.job === job);
		if (runs.length !== 1) return `job ${job} (enqueued by ${process}) was started ${runs.length} times`;
		if (!workers.has(runs[0].process)) return `job ${job} ran on ${runs[0].process}, not on a worker`;
		const ends = jobs.finished.filter((e) => e.job === job && e.process === runs[0].process);
		if (ends.length !== 1) return `job ${job} finished ${ends.length} times on ${runs[0].process}`;
	}
	if (jobs.started.length !== jobs.enqueued.length) return `${jobs.started.length} job starts for ${jobs.enqueued.length} jobs enqueued`;
	return undefined;
}

/**
 * Waits until every execution after `sinceId` shows the jobs of a queue-mode run, and returns a line per execution.
 * @param {RunningQueue} n8n
 * @param {number} sinceId
 * @returns {Promise<string | undefined>}
 */
async function proveRanOnWorkers(n8n, sinceId) {
	const executions = (await n8n.executions()).filter((e) => Number(e.id) > sinceId).reverse();
	if (executions.length === 0) return undefined;
	const workers = new Set(n8n.processes().filter((p) => p.role === 'worker').map((p) => p.name));
	const webhookProcessors = new Set(n8n.processes().filter((p) => p.role === 'webhook').map((p) => p.name));
	/** @type {string[]} */
	let problems = [];
	const jobs = await lib.waitFor(
		`the logs to show a worker running each of executions ${executions.map((e) => e.id).join(', ')}`,
		() => {
			const all = n8n.jobs();
			problems = executions.flatMap((e) => {
				const problem = jobProblem(all.get(e.id), workers);
				return problem ? [`execution ${e.id}: ${problem}`] : [];
			});
			return problems.length === 0 ? all : undefined;
		},
		{ timeoutMs: LOG_SETTLE_MS, intervalMs: 500, describe: () => problems.join('; ') },
	);
	const lines = executions.map((e) => {
		const own = /** @type {ExecutionJobs} */ (jobs.get(e.id));
		// A webhook call (the Webhook node, the trigger) reaches only a webhook processor, which enqueues the run.
		if (e.mode === 'webhook' && !webhookProcessors.has(own.enqueued[0].process)) {
			throw new Error(`execution ${e.id} (mode webhook) was first put on the queue by ${own.enqueued[0].process}, not by a webhook processor`);
		}
		return `queue: execution ${e.id} (${e.mode}, ${e.status}): ${describeJobs(own)}`;
	});
	return lines.join('\n');
}

module.exports = { latestExecutionId, proveRanOnWorkers, jobProblem };
