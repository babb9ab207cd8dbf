#!/usr/bin/env node
// @ts-check
'use strict';

/*
 * npm run probe: which of OKdokument's documented shapes does the live API speak? (docs/probe.md)
 *
 *   OKDOKUMENT_API_KEY=… node scripts/probe.js [--environment development|production|custom] [--base-url URL]
 *                                              [--out FILE] [--timeout MS] [--confirm-production]
 *
 * Reads the counter, uploads a one-page PDF, creates a signature request for it (the node's encodings first), updates
 * its Send Info URL (PATCH, after a 405 the connector's POST), reads the metadata, the PDF and the list, and deletes
 * everything it created, also after a failure or Ctrl-C. Progress goes to stderr, the Markdown report to stdout and
 * to --out, the JSON report beside it. The key is redacted from all of it.
 */

const fs = require('node:fs');
const path = require('node:path');

const { KEY_VARIABLE, USAGE, UsageError, parseOptions } = require('./lib/probe/options');
const { redactor } = require('./lib/probe/redact');
const { jsonReport, markdownReport, summarize } = require('./lib/probe/report');
const { runProbe } = require('./lib/probe/run');

/** npm forwards the terminal's Ctrl-C, so one press can arrive twice. */
const SAME_PRESS_MS = 500;

/** @param {import('./lib/probe/client').Call} call */
function progressLine(call) {
	const status = call.status === null ? `${call.outcome}: ${call.error ?? ''}` : String(call.status);
	return `  ${call.method.padEnd(6)} ${call.path}  ${status}  ${call.ms} ms  (${call.step}${call.sent ? `, ${call.sent}` : ''})`;
}

/** @param {import('./lib/probe/run').Interruption} interruption @param {(line: string) => void} say */
function handleCtrlC(interruption, say) {
	let presses = 0;
	let last = 0;
	/** @param {NodeJS.Signals} signal */
	const onSignal = (signal) => {
		if (Date.now() - last < SAME_PRESS_MS) return;
		last = Date.now();
		presses += 1;
		if (presses === 1) {
			say(`${signal}: stopping the calls and deleting what the probe created (press Ctrl-C again to leave it)`);
			interruption.calls.abort();
		} else {
			say(`${signal}: leaving without cleaning up; the report says what is left and how to delete it`);
			interruption.cleanup.abort();
		}
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
}

/** @param {(text: string) => string} redact @returns {Promise<number>} the exit code */
async function main(redact) {
	const say = (/** @type {string} */ line) => process.stderr.write(`${redact(line)}\n`);
	let options;
	try {
		options = parseOptions(process.argv.slice(2), process.env);
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		say(`${error.message}\n\n${USAGE}`);
		return 2;
	}
	if (options === 'help') {
		process.stdout.write(`${USAGE}\n`);
		return 0;
	}
	/** @type {import('./lib/probe/run').Interruption} */
	const interruption = { calls: new AbortController(), cleanup: new AbortController() };
	handleCtrlC(interruption, say);
	say(`Probing OKdokument ${options.environment} at ${options.baseUrl} (key from ${KEY_VARIABLE}, never shown)`);
	const run = await runProbe(options, { interruption, onCall: (call) => say(progressLine(call)), log: say });

	const markdown = redact(markdownReport(run));
	process.stdout.write(markdown);
	try {
		fs.mkdirSync(path.dirname(path.resolve(options.out)), { recursive: true });
		fs.writeFileSync(options.out, markdown);
		fs.writeFileSync(options.jsonOut, redact(`${JSON.stringify(jsonReport(run), null, 2)}\n`));
		say(`Report written to ${options.out} and ${options.jsonOut}`);
	} catch (error) {
		say(`Could not write the report (it is printed above): ${error instanceof Error ? error.message : String(error)}`);
	}
	const summary = summarize(run);
	if (!summary.cleanedUp) say('Something could not be deleted: the report ("Left behind") says what, and how to delete it by hand.');
	return summary.complete && summary.cleanedUp ? 0 : 1;
}

const redact = redactor((process.env[KEY_VARIABLE] ?? '').trim());
main(redact).then(
	(code) => {
		process.exitCode = code;
	},
	(error) => {
		process.stderr.write(`${redact(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
		process.exitCode = 1;
	},
);
