// @ts-check
'use strict';

/**
 * The probe's report, in Markdown for people and JSON for machines (docs/probe.md describes both). Answers appear as
 * their keys; only refusals and failures show their body (shortened). The caller redacts the key from both texts.
 */

const { accepted } = require('./client');
const { findings } = require('./findings');
const { observations } = require('./observations');
const { keysOf } = require('./shapes');

const { version } = require('../../../package.json');

/** @typedef {import('./run').ProbeRun} ProbeRun */
/** @typedef {import('./client').Call} Call */

const BODY_KEPT = 200;

/** @param {string} text */
const shorten = (text) => (text.length > BODY_KEPT ? `${text.slice(0, BODY_KEPT)}…` : text);

/** What came back, in one line. @param {Call} call */
function answerOf(call) {
	if (call.status === null) return call.error ?? call.outcome;
	if (call.location) return `redirect to ${call.location}`;
	if (call.pdf) return 'a PDF';
	if (call.json === undefined) return call.text === undefined ? 'no body' : `text: ${shorten(call.text)}`;
	if (!accepted(call)) return shorten(JSON.stringify(call.json));
	const message = /** @type {{ message?: unknown }} */ (call.json)?.message;
	return `${keysOf(call.json)}${typeof message === 'string' ? ` message ${message}` : ''}`;
}

/** @param {ProbeRun} run */
function summarize(run) {
	const failed = run.calls.filter((call) => call.status === null || call.status >= 500);
	const calls = run.stopped
		? `stopped: ${run.stopped}`
		: failed.length > 0
			? `incomplete: ${failed.map((call) => call.step).join(', ')} failed`
			: 'complete: every call was answered';
	const { before, after, acceptedCreates } = run.usage;
	const createsSent = run.calls.some((call) => call.step.startsWith('create:'));
	const used = !createsSent
		? 'none (no Create was sent)'
		: before !== undefined && after !== undefined
			? `${after - before} (the counter's used signature requests went from ${before} to ${after}; accepted Creates: ${acceptedCreates})`
			: `${acceptedCreates} accepted Create${acceptedCreates === 1 ? '' : 's'} (the counter could not be read ${before === undefined ? 'before' : 'after'})`;
	const { deleted, left, verification, verificationNote } = run.cleanup;
	const cleanup =
		left.length > 0
			? `INCOMPLETE: ${left.length} left behind (see "Left behind"); deleted: ${deleted.join(', ') || 'nothing'}`
			: `complete: ${deleted.length > 0 ? `deleted ${deleted.join(', ')}` : 'nothing to delete'}; ${verification}${verificationNote ? ` (${verificationNote})` : verification === 'verified' ? ' by the document list' : ''}`;
	return { calls, used, cleanup, complete: !run.stopped && failed.length === 0, cleanedUp: left.length === 0 };
}

/** @param {unknown} text */
const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
/** @param {unknown} text */
const code = (text) => `\`${String(text).replace(/`/g, "'")}\``;
/** @param {unknown[]} cells */
const row = (cells) => `| ${cells.map(cell).join(' | ')} |`;

/** @param {ProbeRun} run @returns {string} */
function markdownReport(run) {
	const summary = summarize(run);
	const lines = [
		'# OKdokument API probe',
		'',
		`- **Environment**: ${run.environment}, ${run.baseUrl}`,
		`- **Run**: ${run.startedAt} to ${run.finishedAt}, run ${run.runId}, n8n-nodes-okdokument ${version}`,
		`- **Calls**: ${summary.calls}`,
		`- **Signature requests used**: ${summary.used}`,
		`- **Cleanup**: ${summary.cleanup}`,
		'',
		'## Where the documentation contradicts itself',
		'',
		'*Fit*: `default` the node\'s default matches; `setting` change the setting named; `automatic` the node copes by itself;',
		'`problem` nothing in the node matches (please report it, with this file); `unknown` the probe could not tell;',
		'`not observable`, `not probed` the probe cannot see it, or does not ask (to save a signature request).',
		'',
		row(['Question', 'Seen', 'Node setting that matches', 'Fit']),
		row(['---', '---', '---', '---']),
		...findings(run.calls).map((finding) => row([finding.question, finding.seen, finding.setting, finding.fit])),
		'',
		'## Other observations',
		'',
		...observations(run.calls, run.documentId).map((line) => `- ${line}`),
		'',
		'## Calls',
		'',
		row(['#', 'Step', 'Call', 'Sent', 'Status', 'Time', 'Answer']),
		row(['---', '---', '---', '---', '---', '---', '---']),
		...run.calls.map((call, i) =>
			row([i + 1, call.step, code(`${call.method} ${call.path}`), call.sent ?? '', call.status ?? call.outcome, `${call.ms} ms`, code(answerOf(call))]),
		),
	];
	if (run.cleanup.left.length > 0) {
		lines.push('', '## Left behind', '', 'Delete these by hand, or check first what the reason says (the key stays in the environment variable):', '');
		for (const left of run.cleanup.left) lines.push(`- ${left.kind} ${code(left.id)}: ${left.why}`, '', `  ${code(left.command)}`, '');
	}
	return `${lines.join('\n').trimEnd()}\n`;
}

/** @param {ProbeRun} run */
function jsonReport(run) {
	const summary = summarize(run);
	return {
		format: 'okdokument-probe-report/1',
		packageVersion: version,
		runId: run.runId,
		startedAt: run.startedAt,
		finishedAt: run.finishedAt,
		environment: run.environment,
		baseUrl: run.baseUrl,
		complete: summary.complete,
		calls: summary.calls,
		stopped: run.stopped ?? null,
		signatureRequestsUsed: { text: summary.used, ...run.usage },
		findings: findings(run.calls),
		observations: observations(run.calls, run.documentId),
		requests: run.calls.map((call) => ({
			step: call.step,
			method: call.method,
			path: call.path,
			sent: call.sent ?? null,
			status: call.status,
			outcome: call.outcome,
			ms: call.ms,
			answer: answerOf(call),
		})),
		cleanup: { complete: summary.cleanedUp, text: summary.cleanup, ...run.cleanup },
	};
}

module.exports = { markdownReport, jsonReport, summarize };
