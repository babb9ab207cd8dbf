// @ts-check
'use strict';

/**
 * Waiting for things: any condition (`waitFor`), a starting n8n to answer its REST API (`waitForN8nReady`), a
 * production webhook to be served (`waitForWebhook`).
 */

const { http } = require('./rest-api');

/** @param {number} ms */
function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `probe` until it returns something other than undefined, and returns that; throws after `timeoutMs` with
 * what it was waiting for and the last value seen by `describe`. An error thrown by `probe` ends the wait at once.
 * @template T
 * @param {string} what
 * @param {() => Promise<T | undefined> | T | undefined} probe
 * @param {{ timeoutMs?: number, intervalMs?: number, describe?: () => string | Promise<string> }} [options]
 * @returns {Promise<T>}
 */
async function waitFor(what, probe, options = {}) {
	const { timeoutMs = 60_000, intervalMs = 250 } = options;
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) {
			const seen = options.describe ? ` (last seen: ${await options.describe()})` : '';
			throw new Error(`gave up after ${timeoutMs / 1000} s waiting for ${what}${seen}`);
		}
		await sleep(intervalMs);
	}
}

/**
 * Waits until a starting n8n (`n8n start`) is ready: GET /rest/settings answers JSON. Earlier answers mislead. While
 * it starts, n8n answers every path with 200 "n8n is starting up. Please wait" (text/html), /healthz included. Then,
 * for a while, it answers 404 because the REST routes are not registered yet. n8n 1.x already reports
 * /healthz/readiness 200 then.
 * @param {string} url   e.g. http://127.0.0.1:5678
 * @param {{ timeoutMs?: number, exitInfo?: () => { code: number | null, signal: NodeJS.Signals | null } | undefined }} [options]
 *   exitInfo: how the n8n process exited, if it has (the wait then ends at once)
 */
async function waitForN8nReady(url, options = {}) {
	const { timeoutMs = 120_000, exitInfo } = options;
	await waitFor(
		`${url}/rest/settings to answer JSON`,
		async () => {
			const exit = exitInfo?.();
			if (exit) throw new Error(`it exited with ${exit.code ?? exit.signal}`);
			try {
				const res = await http(`${url}/rest/settings`, { timeoutMs: 5000 });
				if (res.status === 200 && /application\/json/.test(res.headers.get('content-type') ?? '') && res.json?.data) return true;
			} catch {
				// not listening yet
			}
			return undefined;
		},
		{ timeoutMs, intervalMs: 500 },
	);
}

/**
 * Waits until an n8n process without the REST API (a worker's health server, a webhook processor) reports itself
 * ready: GET <url>/healthz/readiness answers 200 once its database is connected and migrated and, for a worker,
 * Redis is connected.
 * @param {string} url   e.g. http://127.0.0.1:5690
 * @param {{ timeoutMs?: number, exitInfo?: () => { code: number | null, signal: NodeJS.Signals | null } | undefined }} [options]
 */
async function waitForReadiness(url, options = {}) {
	const { timeoutMs = 120_000, exitInfo } = options;
	/** @type {string} */
	let last = 'no answer';
	await waitFor(
		`${url}/healthz/readiness to answer 200`,
		async () => {
			const exit = exitInfo?.();
			if (exit) throw new Error(`it exited with ${exit.code ?? exit.signal}`);
			try {
				const res = await http(`${url}/healthz/readiness`, { timeoutMs: 5000 });
				last = `HTTP ${res.status} ${res.text.slice(0, 80)}`;
				return res.status === 200 ? true : undefined;
			} catch (error) {
				last = String(error);
				return undefined;
			}
		},
		{ timeoutMs, intervalMs: 500, describe: () => last },
	);
}

/**
 * Waits until n8n serves the production webhook `<url>/webhook/<webhookPath>` for `method` (default POST), and
 * returns how many ms that took. Needed after activating a workflow: n8n 2.41 answered 404 "not registered" for a
 * second or two after activation had returned, under load. Asks with a CORS preflight (OPTIONS), which runs no
 * workflow.
 * @param {string} url   where n8n serves webhooks, e.g. http://127.0.0.1:5678
 * @param {string} webhookPath
 * @param {{ method?: string, timeoutMs?: number }} [options]
 * @returns {Promise<number>}
 */
async function waitForWebhook(url, webhookPath, options = {}) {
	const { method = 'POST', timeoutMs = 30_000 } = options;
	const started = Date.now();
	/** @type {string} */
	let last = 'no answer';
	await waitFor(
		`n8n to serve ${method} ${url}/webhook/${webhookPath}`,
		async () => {
			// With an Origin header n8n answers a preflight with the methods registered for the path (1.x: 404 when none).
			const res = await fetch(`${url}/webhook/${webhookPath}`, {
				method: 'OPTIONS',
				headers: { origin: url, 'access-control-request-method': method },
				signal: AbortSignal.timeout(10_000),
			}).catch((/** @type {unknown} */ error) => error);
			if (!(res instanceof Response)) {
				last = String(res);
				return undefined;
			}
			await res.arrayBuffer();
			const allowed = (res.headers.get('access-control-allow-methods') ?? '').split(/\s*,\s*/);
			last = `HTTP ${res.status}, Access-Control-Allow-Methods: ${allowed.join(', ') || 'none'}`;
			return res.status < 400 && allowed.includes(method) ? true : undefined;
		},
		{ timeoutMs, intervalMs: 300, describe: () => last },
	);
	return Date.now() - started;
}

module.exports = { sleep, waitFor, waitForN8nReady, waitForReadiness, waitForWebhook };
