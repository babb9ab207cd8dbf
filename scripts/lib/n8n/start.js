// @ts-check
'use strict';

/**
 * `n8n start`: one n8n process serving the editor, the REST API and webhooks, with SQLite (the default
 * topology). Started, waited for, its owner set up, and handed back with the owner's REST client.
 */

const { spawnN8n, isPortFree } = require('./processes');
const { OWNER, setupOwner, restClient } = require('./rest-api');
const { waitForN8nReady, waitForWebhook } = require('./wait-for');

/**
 * @typedef {object} RunningN8nProcess
 * @property {string} url          e.g. http://127.0.0.1:5678: the editor and the REST API
 * @property {string} webhookUrl   where production webhooks (/webhook/…) and resume URLs (/webhook-waiting/…) are
 *   served: the same as url here; the webhook processor's in queue mode (queue.js)
 * @property {number} pid
 * @property {string} logFile      n8n's output
 * @property {{ email: string, password: string }} owner
 * @property {(webhookPath: string, options?: { method?: string, timeoutMs?: number }) => Promise<number>} waitForWebhook
 *   waits until n8n serves the production webhook `<url>/webhook/<webhookPath>` (see wait-for.js), returns the ms it took
 * @property {() => Promise<void>} stop  SIGTERM to n8n's process group, SIGKILL after 20 s; waits for the exit
 * @property {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} exited
 */

/** @typedef {RunningN8nProcess & import('./rest-api').RestClient} RunningN8n */

/**
 * `n8n start` on host:port; waits until the REST API answers JSON, creates the demo owner (POST /rest/owner/setup).
 * n8n's output goes to `<userFolder>/n8n.log`; its tail is in the error when start-up fails.
 * @param {import('./instance').Instance} instance
 * @param {{ port?: number, host?: string, timeoutMs?: number, env?: Record<string, string>, onResponse?: (text: string) => void, ownerExists?: boolean }} [options]
 *   onResponse: sees the text of every REST answer (see restClient); ownerExists: n8n starts again on a user folder
 *   whose owner an earlier start set up (a restart), so there is none to create
 * @returns {Promise<RunningN8n>}
 */
async function startN8n(instance, options = {}) {
	const { port = 5678, host = '127.0.0.1', timeoutMs = 120_000 } = options;
	if (!(await isPortFree(port, host))) {
		throw new Error(`port ${port} on ${host} is in use (another n8n, or npm run dev, still running?)`);
	}
	const url = `http://${host}:${port}`;
	const n8n = spawnN8n(instance, ['start'], {
		env: {
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: host,
			N8N_HOST: host,
			N8N_PROTOCOL: 'http',
			N8N_EDITOR_BASE_URL: `${url}/`,
			WEBHOOK_URL: `${url}/`,
			...options.env,
		},
	});
	try {
		await waitForN8nReady(url, { timeoutMs, exitInfo: n8n.exitInfo });
		if (!options.ownerExists) await setupOwner(url);
	} catch (error) {
		await n8n.stop();
		const why = error instanceof Error ? error.message : String(error);
		throw new Error(`n8n ${instance.n8nVersion} did not start (${why}). Last lines of ${n8n.logFile}:\n${n8n.recentLines().slice(-40).join('\n')}`);
	}
	return {
		url,
		webhookUrl: url,
		pid: n8n.pid,
		logFile: n8n.logFile,
		owner: { email: OWNER.email, password: OWNER.password },
		...restClient(instance, url, { onResponse: options.onResponse }),
		waitForWebhook: (webhookPath, waitOptions) => waitForWebhook(url, webhookPath, waitOptions),
		stop: n8n.stop,
		exited: n8n.exited,
	};
}

module.exports = { startN8n };
