// @ts-check
'use strict';

/** The check collector of the e2e scripts: one line per check (✓ or ✗), failures recorded, never thrown. */

const { formatDuration } = require('../../../scripts/n8n-runtime');

/** @typedef {{ name: string, ok: boolean, ms: number, error?: string, note?: string, screenshots?: string[] }} CheckResult */

/**
 * @param {string} text
 * @param {string} prefix
 */
function indent(text, prefix) {
	return text
		.split('\n')
		.map((line) => `${prefix}${line}`)
		.join('\n');
}

class Checks {
	/**
	 * @param {(line: string) => void} print
	 * @param {string} [label]
	 */
	constructor(print, label = '') {
		this.print = print;
		this.label = label;
		/** @type {CheckResult[]} */
		this.results = [];
		/** Screenshots taken during the current check. @type {string[]} */
		this.shots = [];
		/** Runs where n8n itself crashed (not the workflow), for the summary. @type {string[]} */
		this.crashes = [];
	}

	/**
	 * Runs one check. `fn` may return a note, printed under the check's line.
	 * @param {string} name
	 * @param {() => Promise<unknown> | unknown} fn
	 * @returns {Promise<boolean>}
	 */
	async run(name, fn) {
		const started = Date.now();
		this.shots = [];
		try {
			const note = await fn();
			const ms = Date.now() - started;
			const text = typeof note === 'string' && note !== '' ? note : undefined;
			this.results.push({ name, ok: true, ms, ...(text ? { note: text } : {}), ...(this.shots.length ? { screenshots: this.shots } : {}) });
			this.print(`  ✓ ${name} (${formatDuration(ms)})`);
			if (text) this.print(indent(text, '      '));
			return true;
		} catch (error) {
			const ms = Date.now() - started;
			// Playwright appends its whole call log to the message; the first part says what failed.
			const message = error instanceof Error ? error.message.split('\nCall log:')[0] : String(error);
			this.results.push({ name, ok: false, ms, error: message, ...(this.shots.length ? { screenshots: this.shots } : {}) });
			this.print(`  ✗ ${name} (${formatDuration(ms)})`);
			this.print(indent(message, '      '));
			return false;
		}
	}

	/**
	 * Records a check that could not run because an earlier one failed.
	 * @param {string} name
	 * @param {string} why
	 */
	skip(name, why) {
		this.results.push({ name, ok: false, ms: 0, error: `not run: ${why}` });
		this.print(`  ✗ ${name} (not run: ${why})`);
	}

	get passed() {
		return this.results.filter((result) => result.ok).length;
	}

	get failed() {
		return this.results.filter((result) => !result.ok).length;
	}
}

module.exports = { Checks, indent };
