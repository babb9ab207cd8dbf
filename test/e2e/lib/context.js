// @ts-check
'use strict';

/** The context every scenario check gets: one per n8n version and topology, with its instance, its sandbox and its n8n. */

const { executeWorkflow } = require('./cli-runs');

/** @typedef {import('../../../scripts/lib/n8n').Instance} Instance */
/** @typedef {import('../../../scripts/lib/n8n').RunningN8n} RunningN8n */
/** @typedef {import('../../../scripts/lib/n8n').ExecuteResult} ExecuteResult */
/** @typedef {import('../../../sandbox/server').Sandbox} Sandbox */

/**
 * @typedef {object} Context
 * @property {string} version      "1" or "2", as asked for (instance.n8nVersion is the exact one)
 * @property {import('./topologies').Topology} topology  one process, or queue mode (topology.kind)
 * @property {Instance} instance   the user folder, with the package installed and the credentials and workflows imported
 *   (in queue mode the main's)
 * @property {Sandbox} sandbox     OKdokument (test/e2e/lib/sandbox.js); its signer plays the person who signs
 * @property {(line: string) => void} say  prints a line (details under a check: indent them by six spaces)
 * @property {() => Promise<RunningN8n>} n8n  the running n8n (`n8n start`, or the queue: its main's REST API, with
 *   webhookUrl at the webhook processor), started on first use, stopped by the runner after the last scenario that
 *   `needs: 'server'`; every REST answer it gives is captured
 * @property {(whileStopped?: () => Promise<void>) => Promise<RunningN8n>} restartN8n  stops the running n8n, runs
 *   `whileStopped` (nothing answers its URL then), and starts it again on the same port and user folder (one
 *   process only)
 * @property {(workflowId: string) => Promise<ExecuteResult>} execute  `n8n execute --id` (see cli-runs.js); `needs: 'cli'`
 * @property {(...texts: string[]) => void} capture  text n8n printed or answered, for the secrets scan
 * @property {string[]} captured   everything captured so far (n8n's log is added when it stops)
 * @property {(text: string) => void} expectStored  text that n8n's database must hold when the secrets scan reads it:
 *   proof that the scan read the executions this run stored
 * @property {string[]} expectedStored
 * @property {string[]} crashes    runs where n8n itself crashed (not the workflow), for the summary
 */

/**
 * @param {{ version: string, topology: import('./topologies').Topology, sandbox: Sandbox, say: (line: string) => void }} options
 * @returns {{ ctx: Context, stopN8n: () => Promise<void> }}
 */
function createContext({ version, topology, sandbox, say }) {
	/** @type {Promise<RunningN8n> | undefined} */
	let starting;
	/** @type {string | undefined} */
	let startFailure;
	let stopped = false;

	/** @type {Context} */
	const ctx = {
		version,
		topology,
		instance: topology.instance,
		sandbox,
		say,
		captured: [],
		capture: (...texts) => ctx.captured.push(...texts),
		expectedStored: [],
		expectStored: (text) => ctx.expectedStored.push(text),
		crashes: [],
		execute: (workflowId) => executeWorkflow(ctx, workflowId),
		n8n: async () => {
			if (stopped) throw new Error("n8n has been stopped: a check that needs it belongs to a scenario with needs: 'server'");
			if (startFailure) throw new Error(`n8n is not running (it did not start: ${startFailure})`);
			starting ??= topology.start((text) => ctx.capture(text));
			try {
				return await starting;
			} catch (error) {
				startFailure = (error instanceof Error ? error.message : String(error)).split('\n')[0];
				throw error;
			}
		},
		restartN8n: async (whileStopped) => {
			const running = await ctx.n8n();
			starting = topology.restart(running, (text) => ctx.capture(text), whileStopped);
			return await ctx.n8n();
		},
	};

	const stopN8n = async () => {
		stopped = true;
		const n8n = await starting?.catch(() => undefined);
		if (!n8n) return;
		ctx.capture(...(await topology.stop()));
	};

	return { ctx, stopN8n };
}

module.exports = { createContext };
