// @ts-check
'use strict';

/**
 * Leaving nothing behind when this process ends early. Ctrl-C (SIGINT) or SIGTERM runs every stopper registered with
 * `onInterrupt` (the last registered first, each given its time) and then exits; `removeOnExit` folders go on any exit,
 * after processes.js has killed what is still running.
 *
 * Without a handler, Node dies of SIGINT without running 'exit' listeners, and the processes we start are in process
 * groups of their own (the terminal's Ctrl-C does not reach them): n8n, Postgres and Redis would keep running and
 * keep their ports.
 */

const fs = require('node:fs');

/** @type {Set<() => Promise<void> | void>} */
const stoppers = new Set();
/** @type {Set<string>} */
const folders = new Set();
/** A stopper that hangs must not keep the process alive for ever. */
const STOP_BOUND_MS = 90_000;

let signalsHandled = false;
let exitHooked = false;
let interrupted = false;

/**
 * @param {NodeJS.Signals} signal
 */
async function stopEverything(signal) {
	// npm forwards the terminal's SIGINT, so it arrives twice: one shutdown is enough.
	if (interrupted) return;
	interrupted = true;
	process.stderr.write(`\n${signal}: stopping everything this run started…\n`);
	setTimeout(() => process.exit(signal === 'SIGINT' ? 130 : 143), STOP_BOUND_MS).unref();
	for (const stop of [...stoppers].reverse()) {
		try {
			await stop();
		} catch (error) {
			process.stderr.write(`while stopping: ${error instanceof Error ? error.message : String(error)}\n`);
		}
	}
	process.exit(signal === 'SIGINT' ? 130 : 143);
}

/**
 * Runs `stop` when this process is interrupted (SIGINT, SIGTERM), then exits with 130 / 143.
 * @param {() => Promise<void> | void} stop
 * @returns {() => void} unregisters it (call once it has been stopped normally)
 */
function onInterrupt(stop) {
	if (!signalsHandled) {
		signalsHandled = true;
		for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => void stopEverything(signal));
	}
	stoppers.add(stop);
	return () => stoppers.delete(stop);
}

/** @returns {boolean} true once SIGINT or SIGTERM has started the shutdown */
function isInterrupted() {
	return interrupted;
}

/**
 * Deletes `folder` when this process exits, however it exits (short of SIGKILL).
 * @param {string} folder
 * @returns {() => void} unregisters it
 */
function removeOnExit(folder) {
	if (!exitHooked) {
		exitHooked = true;
		// Registered after processes.js's own 'exit' listener (it is loaded first), so the processes using the folders
		// are killed before the folders go.
		process.on('exit', () => {
			for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
		});
	}
	folders.add(folder);
	return () => folders.delete(folder);
}

module.exports = { onInterrupt, isInterrupted, removeOnExit };
