// @ts-check
'use strict';

/**
 * Which process of a queue-mode n8n did what with an execution, read from the processes' own logs (n8n 2.41,
 * scaling/scaling.service.js and scaling/job-processor.js, at log level info):
 *
 *   "Enqueued execution 12 (job 7)"          the process that put it on the queue: the webhook processor for a
 *                                            webhook call or a resume by callback, the main for a manual run or
 *                                            a wait that timed out
 *   "Worker started execution 12 (job 7)"    the worker that took the job from the queue
 *   "Worker finished execution 12 (job 7)"
 *
 * The lines carry no time, so events are put in order by job id: Bull numbers a queue's jobs 1, 2, 3, … for as long
 * as Redis keeps the queue (a Redis restart without persistence starts again at 1, so an execution that waited across
 * such a restart would be listed out of order; the lines are matched per execution, which stays right).
 */

const fs = require('node:fs');

/**
 * @typedef {object} JobEvent
 * @property {string} process   the process's name, e.g. "webhook", "worker-1"
 * @property {string} job       Bull's job id
 */

/**
 * @typedef {object} ExecutionJobs
 * @property {JobEvent[]} enqueued
 * @property {JobEvent[]} started
 * @property {JobEvent[]} finished
 */

const PATTERNS = /** @type {const} */ ([
	['enqueued', /Enqueued execution (\d+) \(job ([^)\s]+)\)/],
	['started', /Worker started execution (\d+) \(job ([^)\s]+)\)/],
	['finished', /Worker finished execution (\d+) \(job ([^)\s]+)\)/],
]);

/**
 * Reads every process's log and returns, per execution id, its job events in job order.
 * @param {{ name: string, logFile: string }[]} processes
 * @returns {Map<string, ExecutionJobs>}
 */
function readJobs(processes) {
	/** @type {Map<string, ExecutionJobs>} */
	const jobs = new Map();
	for (const { name, logFile } of processes) {
		if (!fs.existsSync(logFile)) continue;
		for (const line of fs.readFileSync(logFile, 'utf8').split('\n')) {
			for (const [kind, pattern] of PATTERNS) {
				const match = pattern.exec(line);
				if (!match) continue;
				const [, execution, job] = match;
				if (!jobs.has(execution)) jobs.set(execution, { enqueued: [], started: [], finished: [] });
				jobs.get(execution)?.[kind].push({ process: name, job });
			}
		}
	}
	const byJob = (/** @type {JobEvent} */ a, /** @type {JobEvent} */ b) => Number(a.job) - Number(b.job);
	for (const events of jobs.values()) for (const list of [events.enqueued, events.started, events.finished]) list.sort(byJob);
	return jobs;
}

/**
 * One line for a report: "enqueued by webhook ×2; run on worker-1 (job 3), worker-2 (job 9)".
 * @param {ExecutionJobs | undefined} jobs
 * @returns {string}
 */
function describeJobs(jobs) {
	if (!jobs) return 'no job in any log';
	/** @type {Record<string, number>} */
	const by = {};
	for (const e of jobs.enqueued) by[e.process] = (by[e.process] ?? 0) + 1;
	const enqueued = Object.entries(by).map(([name, n]) => `${name} ×${n}`).join(', ') || 'nobody';
	const ran = jobs.started.map((e) => `${e.process} (job ${e.job})`).join(', ') || 'nowhere';
	return `enqueued by ${enqueued}; run on ${ran}`;
}

module.exports = { readJobs, describeJobs };
