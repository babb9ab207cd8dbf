// @ts-check
'use strict';

/**
 * n8n's REST API, as the editor calls it: the owner's set-up and login, authenticated calls, activating and running
 * workflows, and reading executions back (their data is stored "flatted") with their binary data.
 */

const path = require('node:path');

/** The demo owner created by setupOwner (password meets n8n's rules: 8–64 chars, a digit, an upper-case letter). */
const OWNER = Object.freeze({
	email: 'owner@example.com',
	password: 'OkDokument-Demo-1',
	firstName: 'Demo',
	lastName: 'Owner',
});

/**
 * @typedef {object} ExecutionSummary  one row of GET /rest/executions
 * @property {string} id
 * @property {string} workflowId
 * @property {string} status   "new", "running", "waiting", "success", "error", "canceled", "crashed"
 * @property {string} mode     "webhook", "manual", "trigger", …
 * @property {string | null} waitTill
 * @property {string} createdAt   ISO 8601
 * @property {string | null} startedAt   ISO 8601; null while it has not started
 * @property {string | null} stoppedAt   ISO 8601; null until it ends
 */

/**
 * @typedef {object} StoredExecution  GET /rest/executions/<id>, with `data` parsed (n8n stores it in "flatted" form)
 * @property {string} id
 * @property {string} status
 * @property {string} mode   "webhook", "manual", "trigger", …
 * @property {boolean} finished
 * @property {string | null} waitTill
 * @property {any} data    `{ resultData: { runData, error?, lastNodeExecuted }, … }`; use with nodeOutputs / nodeItems
 */

/**
 * @typedef {object} RestClient
 * @property {(options?: { browserId?: string }) => Promise<string>} login  a Cookie header value (n8n-auth=…)
 * @property {(method: string, urlPath: string, body?: unknown) => Promise<{ status: number, json: any, text: string }>} request
 *   an authenticated call (logs in once, then reuses the cookie)
 * @property {(urlPath: string) => Promise<{ status: number, headers: Headers, body: Buffer }>} requestBuffer
 *   an authenticated GET whose answer is kept as bytes (files)
 * @property {() => Promise<string[]>} nodeTypeNames  the node types the editor gets (/types/nodes.json)
 * @property {(workflowId: string) => Promise<any>} activateWorkflow  activates (n8n 2.x: publishes) the workflow's
 *   current version through the REST API, as the editor's toggle does, and returns the workflow n8n reports; its
 *   production webhooks work from then on (wait for them with waitForWebhook)
 * @property {(workflowId: string, triggerName: string) => Promise<string>} runManually  starts the workflow from the
 *   named trigger node as the editor's "Execute workflow" button does (POST /rest/workflows/<id>/run; n8n 1.x reads
 *   workflowData, 2.x triggerToStartFrom) and returns the execution id
 * @property {(workflowId?: string) => Promise<ExecutionSummary[]>} executions  every execution of the workflow (without an
 *   id: of every workflow), newest first: all of n8n's pages (listExecutions)
 * @property {(executionId: string) => Promise<StoredExecution>} execution  one execution with its data parsed
 * @property {(binary: { data?: string, id?: string }) => Promise<Buffer>} binaryData  the bytes of a binary
 *   property of a stored execution: inline base64 (n8n 1.x default mode) or read through GET /rest/binary-data
 *   (n8n 2.x default: filesystem)
 */

/**
 * n8n's own `flatted` (the format of stored execution data), from the pinned install.
 * @param {import('./instance').Instance} instance
 * @returns {{ parse: (text: string) => any }}
 */
function n8nFlatted(instance) {
	const n8nRequire = require('node:module').createRequire(path.join(instance.runtime.n8nDir, 'node_modules', 'n8n', 'package.json'));
	return n8nRequire('flatted');
}

/**
 * @param {string} url
 * @param {{ method?: string, headers?: Record<string, string>, body?: unknown, timeoutMs?: number }} [options]
 * @returns {Promise<{ status: number, headers: Headers, text: string, json: any }>}
 */
async function http(url, options = {}) {
	const { method = 'GET', headers = {}, body, timeoutMs = 15_000 } = options;
	const response = await fetch(url, {
		method,
		headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
		signal: AbortSignal.timeout(timeoutMs),
	});
	const text = await response.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, headers: response.headers, text, json };
}

/**
 * Creates the demo owner (POST /rest/owner/setup) of a fresh n8n. n8n 1.x and 2.x both take
 * { email, firstName, lastName, password } here.
 * @param {string} url
 */
async function setupOwner(url) {
	const setup = await http(`${url}/rest/owner/setup`, {
		method: 'POST',
		body: { email: OWNER.email, firstName: OWNER.firstName, lastName: OWNER.lastName, password: OWNER.password },
	});
	if (setup.status !== 200 || setup.json?.data?.email !== OWNER.email) {
		throw new Error(`POST /rest/owner/setup answered ${setup.status}: ${setup.text.slice(0, 300)}`);
	}
}

/**
 * Signs the owner in.
 * @param {string} url
 * @param {{ browserId?: string }} [options]  binds the session to a browser-id header (the editor sends one);
 *   without it the cookie works from anywhere (n8n skips the browser-id check for cookies issued without one)
 * @returns {Promise<string>} a Cookie header value (n8n-auth=…)
 */
async function login(url, options = {}) {
	/** @type {Record<string, string>} */
	const headers = options.browserId ? { 'browser-id': options.browserId } : {};
	// n8n ≥ 1.8x (and 2.x) reads emailOrLdapLoginId; older 1.x read email. Send both (unknown keys are dropped).
	let res = await http(`${url}/rest/login`, {
		method: 'POST',
		headers,
		body: { emailOrLdapLoginId: OWNER.email, email: OWNER.email, password: OWNER.password },
	});
	if (res.status === 400) {
		res = await http(`${url}/rest/login`, { method: 'POST', headers, body: { email: OWNER.email, password: OWNER.password } });
	}
	if (res.status !== 200 || res.json?.data?.email !== OWNER.email) {
		throw new Error(`POST /rest/login answered ${res.status}: ${res.text.slice(0, 300)}`);
	}
	const setCookie = res.headers.getSetCookie ? res.headers.getSetCookie() : [res.headers.get('set-cookie') ?? ''];
	const auth = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
	if (!auth) throw new Error('POST /rest/login set no n8n-auth cookie');
	return auth;
}

/** The most GET /rest/executions gives in one page (n8n 1.123 and 2.41: 20 unless asked, at most 100). */
const EXECUTIONS_PAGE = 100;
/** The statuses n8n lists apart from the others, "current" (first, up to a page of them), in both versions. */
const CURRENT_STATUSES = ['new', 'running'];
/** Statuses of executions that may never have started (no startedAt): n8n's record of a webhook call that failed. */
const NEVER_STARTED_STATUSES = ['error', 'crashed', 'canceled'];

/**
 * Every execution of a workflow (or of all), newest first, read page by page from GET /rest/executions.
 *
 * Without a status filter, n8n 1.123 and 2.41 answer a page with the current executions (new, running; up to a page
 * of them) followed by a page of the others, ordered by start (COALESCE(startedAt, createdAt), newest first). Their
 * own next page (1.x `lastId`, 2.x a cursor holding an id) asks for ids below the page's last one, which skips and
 * repeats executions whenever starts and ids are not in the same order, as in any burst of webhook calls. So the next
 * page here is the one `startedBefore` the page's oldest start (inclusive: those started in that same millisecond
 * come again, and count once). That never finds an execution without a start: n8n records a webhook call that
 * failed before its run began as one ("error", no startedAt), so those are read apart, by status, in n8n's own pages.
 * n8n also counts the executions that are not current: once none is current, a listing that found fewer is an error,
 * not a short count.
 * @param {RestClient['request']} request
 * @param {string | undefined} workflowId
 * @returns {Promise<ExecutionSummary[]>}
 */
async function listExecutions(request, workflowId) {
	/** @type {Map<string, ExecutionSummary>} */
	const found = new Map();
	/**
	 * One page, its executions added to `found`.
	 * @param {Record<string, unknown>} filter
	 * @param {string} [next]  `&cursor=…` or `&lastId=…`
	 */
	const readPage = async (filter, next = '') => {
		const fullFilter = { ...(workflowId === undefined ? {} : { workflowId }), ...filter };
		const query = `${Object.keys(fullFilter).length > 0 ? `filter=${encodeURIComponent(JSON.stringify(fullFilter))}&` : ''}limit=${EXECUTIONS_PAGE}${next}`;
		const res = await request('GET', `/rest/executions?${query}`);
		const page = res.json?.data;
		if (res.status !== 200 || !Array.isArray(page?.results)) {
			throw new Error(`GET /rest/executions (workflow ${workflowId ?? 'any'}) answered ${res.status}: ${res.text.slice(0, 300)}`);
		}
		/** @type {ExecutionSummary[]} */
		const results = page.results.filter((/** @type {ExecutionSummary} */ e) => workflowId === undefined || e.workflowId === workflowId);
		const before = found.size;
		for (const execution of results) found.set(execution.id, execution);
		return { page, results, added: found.size - before };
	};

	/** @type {number | undefined} */
	let reported;
	let sawCurrent = false;
	/** @type {string | undefined} */
	let startedBefore;
	for (;;) {
		const { page, results, added } = await readPage(startedBefore ? { startedBefore } : {});
		if (reported === undefined && page.estimated !== true && typeof page.count === 'number' && page.count >= 0) reported = page.count;
		sawCurrent ||= results.some((e) => CURRENT_STATUSES.includes(e.status));
		const others = results.filter((e) => !CURRENT_STATUSES.includes(e.status));
		if (others.length < EXECUTIONS_PAGE) break;
		const oldest = others[others.length - 1];
		const next = oldest.startedAt ?? oldest.createdAt;
		if (next === startedBefore && added === 0) {
			throw new Error(`GET /rest/executions: more than ${EXECUTIONS_PAGE} executions of workflow ${workflowId ?? 'any'} started at ${next}; they cannot be paged`);
		}
		startedBefore = next;
	}
	/**
	 * Every page n8n's own paging gives for `filter` (with a status filter n8n 1.x orders them by id; 2.x by start,
	 * exact within a page), added to `found`.
	 * @param {Record<string, unknown>} filter
	 */
	const readOwnPages = async (filter) => {
		/** @type {string} */
		let next = '';
		for (;;) {
			const { page, results } = await readPage(filter, next);
			if ('nextCursor' in page) {
				if (!page.nextCursor) break;
				next = `&cursor=${encodeURIComponent(page.nextCursor)}`;
			} else {
				if (results.length < EXECUTIONS_PAGE) break;
				next = `&lastId=${Math.min(...results.map((e) => Number(e.id)))}`;
			}
		}
	};
	if (reported !== undefined && found.size < reported) await readOwnPages({ status: NEVER_STARTED_STATUSES });
	// Still short (seen once after 800 webhook calls in queue mode, one execution): n8n's own pages without a filter,
	// which skip where ids and starts disagree, but not where paging by start did.
	if (reported !== undefined && found.size < reported) await readOwnPages({});
	const all = [...found.values()].sort((a, b) => Number(b.id) - Number(a.id));
	// Compared with every execution found: one counted as finished may have been listed as running a moment before.
	if (reported !== undefined && !sawCurrent && all.length < reported) {
		throw new Error(`GET /rest/executions (workflow ${workflowId ?? 'any'}): n8n counts ${reported} executions that are not new or running, its pages list ${all.length} in all`);
	}
	return all;
}

/**
 * n8n pings its database every few seconds and answers every REST call 503 "Database is not ready!" from a ping that
 * timed out until one succeeds. With SQLite that happens under a burst of webhook calls on a busy machine (n8n 2.41:
 * "Database ping failed (1): Database connection timed out", then "Database connection recovered"): a GET so answered,
 * or not answered in time, is asked again for up to this long.
 */
const DATABASE_NOT_READY_MS = 60_000;

/** @param {{ status: number, json: any }} res */
const isDatabaseNotReady = (res) => res.status === 503 && res.json?.message === 'Database is not ready!';

/**
 * The owner's REST client for the n8n at `url` (whose owner is set up).
 * @param {import('./instance').Instance} instance  for n8n's own `flatted`
 * @param {string} url
 * @param {{ onResponse?: (text: string) => void }} [options]  onResponse: sees the text of every answer to `request`
 *   (the e2e run scans them for the API key)
 * @returns {RestClient}
 */
function restClient(instance, url, options = {}) {
	/** @type {string | undefined} */
	let cookie;

	/** @type {RestClient['request']} */
	const request = async (method, urlPath, body) => {
		cookie ??= await login(url);
		const deadline = Date.now() + DATABASE_NOT_READY_MS;
		for (;;) {
			const res = await http(`${url}${urlPath}`, { method, headers: { cookie }, body }).catch((/** @type {unknown} */ error) => {
				// A GET that timed out is asked again too (n8n under a burst can take longer than http()'s 15 s).
				if (method === 'GET' && error instanceof Error && error.name === 'TimeoutError' && Date.now() < deadline) return undefined;
				throw error;
			});
			if (res) {
				options.onResponse?.(res.text);
				if (method !== 'GET' || !isDatabaseNotReady(res) || Date.now() > deadline) return { status: res.status, json: res.json, text: res.text };
			}
			await new Promise((resolve) => setTimeout(resolve, 1000));
		}
	};

	/** @type {RestClient['requestBuffer']} */
	const requestBuffer = async (urlPath) => {
		cookie ??= await login(url);
		const response = await fetch(`${url}${urlPath}`, { headers: { cookie }, signal: AbortSignal.timeout(15_000) });
		return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
	};

	const nodeTypeNames = async () => {
		const res = await request('GET', '/types/nodes.json');
		if (res.status !== 200 || !Array.isArray(res.json)) throw new Error(`GET /types/nodes.json answered ${res.status}`);
		return [...new Set(res.json.map((/** @type {{ name: string }} */ d) => d.name))];
	};

	/** @param {string} workflowId */
	const currentWorkflow = async (workflowId) => {
		const current = await request('GET', `/rest/workflows/${encodeURIComponent(workflowId)}`);
		if (current.status !== 200 || !current.json?.data) {
			throw new Error(`GET /rest/workflows/${workflowId} answered ${current.status}: ${current.text.slice(0, 300)}`);
		}
		return current.json.data;
	};

	// n8n 1.123 and 2.41 both take POST /rest/workflows/<id>/activate { versionId } (1.x activates the current
	// version whatever versionId says; 2.x publishes that version, which must be in the workflow's history: an
	// imported workflow's current version is). n8n 1.88 has no such route (404) and may report no versionId for an
	// imported workflow: its editor's toggle saves the workflow with active: true (PATCH /rest/workflows/<id>).
	/** @type {RestClient['activateWorkflow']} */
	const activateWorkflow = async (workflowId) => {
		const { versionId } = await currentWorkflow(workflowId);
		const id = encodeURIComponent(workflowId);
		let call = `POST /rest/workflows/${workflowId}/activate`;
		let res = typeof versionId === 'string' ? await request('POST', `/rest/workflows/${id}/activate`, { versionId }) : undefined;
		if (!res || res.status === 404) {
			call = `PATCH /rest/workflows/${workflowId}`;
			res = await request('PATCH', `/rest/workflows/${id}`, { active: true, ...(typeof versionId === 'string' ? { versionId } : {}) });
		}
		if (res.status !== 200 || res.json?.data?.active !== true) {
			throw new Error(`activating workflow ${workflowId}: ${call} answered ${res.status}: ${res.text.slice(0, 500)}`);
		}
		return res.json.data;
	};

	/** @type {RestClient['runManually']} */
	const runManually = async (workflowId, triggerName) => {
		const res = await request('POST', `/rest/workflows/${encodeURIComponent(workflowId)}/run`, {
			workflowData: await currentWorkflow(workflowId),
			triggerToStartFrom: { name: triggerName },
		});
		const executionId = res.json?.data?.executionId;
		if (res.status !== 200 || executionId === undefined || executionId === null) {
			throw new Error(`POST /rest/workflows/${workflowId}/run answered ${res.status}: ${res.text.slice(0, 500)}`);
		}
		return String(executionId);
	};

	/** @type {RestClient['executions']} */
	const executions = async (workflowId) => listExecutions(request, workflowId);

	/** @type {RestClient['execution']} */
	const execution = async (executionId) => {
		const res = await request('GET', `/rest/executions/${encodeURIComponent(executionId)}`);
		const stored = res.json?.data;
		if (res.status !== 200 || !stored || typeof stored !== 'object') {
			throw new Error(`GET /rest/executions/${executionId} answered ${res.status}: ${res.text.slice(0, 300)}`);
		}
		const data = typeof stored.data === 'string' ? n8nFlatted(instance).parse(stored.data) : stored.data;
		return { ...stored, data };
	};

	/** @type {RestClient['binaryData']} */
	const binaryData = async (binary) => {
		if (binary && typeof binary.id === 'string' && binary.id !== '') {
			const res = await requestBuffer(`/rest/binary-data?id=${encodeURIComponent(binary.id)}&action=download`);
			if (res.status !== 200) throw new Error(`GET /rest/binary-data (${binary.id}) answered ${res.status}: ${res.body.toString('utf8').slice(0, 300)}`);
			return res.body;
		}
		if (binary && typeof binary.data === 'string') return Buffer.from(binary.data, 'base64');
		throw new Error(`not a binary property: ${JSON.stringify(binary)?.slice(0, 200)}`);
	};

	return {
		login: (loginOptions) => login(url, loginOptions),
		request,
		requestBuffer,
		nodeTypeNames,
		activateWorkflow,
		runManually,
		executions,
		execution,
		binaryData,
	};
}

module.exports = { OWNER, http, setupOwner, login, restClient };
