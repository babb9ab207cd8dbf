// @ts-check
'use strict';

/*
 * OKdokument API sandbox: a loopback HTTP server that answers the way OKdokument's API
 * documentation describes. Dev and test tooling only, never shipped.
 * Public types: ./server.d.ts; internal ones (Reply, State, Context, Route): ./types.d.ts.
 * To add an endpoint, write a handler in a module under routes/ and list it in its `routes`.
 */

const http = require('node:http');
const { setMaxListeners } = require('node:events');

/** @typedef {import('./server').SandboxOptions} SandboxOptions */
/** @typedef {import('./server').Sandbox} Sandbox */
/** @typedef {import('./server').Fault} Fault */
/** @typedef {import('./server').RecordedRequest} RecordedRequest */
/** @typedef {import('./types').Reply} Reply */
/** @typedef {import('./types').Route} Route */

const DEFAULT_API_KEY = '5a4db0c1e_0000sandbox0000';
const MAX_BODY_BYTES = 20 * 1024 * 1024; // a 10 MB PDF as base64 plus JSON overhead

const { apiError, isObject, json } = require('./replies');
const { DIALECTS, checkDialect, inDialect } = require('./dialects');
const { addDocument, demoSignatureRequests, freshState, toRecord } = require('./state');
const { finishSigning, redeliverCallback, CALLBACK_TIMEOUT_MS } = require('./signer');

/**
 * Every path under /JSON needs a valid x-api-key (checked before routing). Each module
 * under routes/ lists its endpoints; patterns use ':name' segments.
 * @type {Route[]}
 */
const ROUTES = [
	...require('./routes/signature-requests').routes,
	...require('./routes/documents').routes,
	...require('./routes/account').routes,
	...require('./routes/signing').routes,
];

/** @param {string} pattern */
function compilePath(pattern) {
	const source = pattern
		.split('/')
		.map((part) => (part.startsWith(':') ? `(?<${part.slice(1)}>[^/]+)` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
		.join('/');
	return new RegExp(`^${source}$`);
}

const COMPILED_ROUTES = ROUTES.map((route) => ({ ...route, regex: compilePath(route.path) }));

/** @param {Record<string, string> | undefined} groups */
function decodeParams(groups) {
	/** @type {Record<string, string>} */
	const params = {};
	for (const [name, value] of Object.entries(groups ?? {})) {
		try {
			params[name] = decodeURIComponent(value);
		} catch {
			params[name] = value;
		}
	}
	return params;
}

// ---- Faults -----------------------------------------------------------------

const FAULT_TYPES = ['status', 'html', 'empty', 'text', 'redirect', 'delay', 'hold', 'drop'];

/** @param {Fault} fault @returns {{ fault: Fault, remaining: number }} */
function armFault(fault) {
	if (!isObject(fault) || !FAULT_TYPES.includes(fault.type)) {
		throw new TypeError(`Unknown fault type; expected one of ${FAULT_TYPES.join(', ')}`);
	}
	if (fault.times !== undefined && !(Number.isInteger(fault.times) && fault.times > 0)) {
		throw new TypeError('fault.times must be a positive integer');
	}
	if (fault.type === 'delay' && !(typeof fault.ms === 'number' && fault.ms >= 0)) {
		throw new TypeError('delay fault needs ms >= 0');
	}
	if (fault.type === 'redirect' && !(typeof fault.location === 'string' && fault.location !== '')) {
		throw new TypeError('redirect fault needs a location');
	}
	return { fault: { ...fault }, remaining: fault.times ?? Infinity };
}

/**
 * Takes the first armed fault matching the path and uses up one of its `times`.
 * @param {{ fault: Fault, remaining: number }[]} faults @param {string} path @returns {Fault | undefined}
 */
function takeFault(faults, path) {
	const index = faults.findIndex(({ fault }) => !fault.path || path.startsWith(fault.path));
	if (index === -1) return undefined;
	const armed = faults[index];
	armed.remaining -= 1;
	if (armed.remaining <= 0) faults.splice(index, 1);
	return armed.fault;
}

/** The reply of a fault that answers instead of the route ('delay' and 'drop' are handled by the caller). @param {Fault} fault @returns {Reply} */
function faultReply(fault) {
	switch (fault.type) {
		case 'html': {
			const status = fault.status ?? 502;
			const title = `${status} ${http.STATUS_CODES[status] ?? 'Error'}`;
			const page = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
			return { status, body: page, headers: { 'content-type': 'text/html' } };
		}
		case 'empty':
			return { status: fault.status ?? 500, body: '' };
		case 'text':
			return { status: fault.status ?? 200, body: fault.body ?? 'not json', headers: { 'content-type': 'text/plain; charset=utf-8' } };
		case 'redirect':
			return { status: fault.status ?? 307, body: '', headers: { location: fault.location } };
		case 'status':
			// Without a body: OKdokument's report for the status, in the dialect spoken; a given body is sent as it is.
			return fault.body === undefined ? apiError(fault.status ?? 500, 'err.internal', '') : json(fault.status ?? 500, fault.body);
		default:
			throw new Error(`fault ${fault.type} has no reply`);
	}
}

// ---- Chaos: a seeded share of transient failures ---------------------------

const CHAOS_KINDS = ['429', '503', 'drop'];

/** FNV-1a, 32 bits: a stable hash so the same request gets the same verdict in every run. @param {string} text */
function hash32(text) {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	return h;
}

/**
 * @param {import('./server').ChaosOptions} options
 * @returns {(request: RecordedRequest) => string | undefined} the chaos kind for a request, or undefined
 */
function chaosDecider(options) {
	const { rate, seed = 1 } = options;
	const kinds = options.kinds ?? CHAOS_KINDS;
	if (!(typeof rate === 'number' && rate >= 0 && rate <= 1)) throw new TypeError('chaos rate must be between 0 and 1');
	if (kinds.length === 0 || kinds.some((kind) => !CHAOS_KINDS.includes(kind))) {
		throw new TypeError(`chaos kinds must be some of ${CHAOS_KINDS.join(', ')}`);
	}
	// Each identical request (same method, path and body) is judged by its own attempt number,
	// so the verdicts do not depend on the order in which concurrent requests arrive.
	/** @type {Map<string, number>} */
	const attempts = new Map();
	return (request) => {
		const key = `${request.method} ${request.path} ${request.rawBody}`;
		const attempt = (attempts.get(key) ?? 0) + 1;
		attempts.set(key, attempt);
		const roll = hash32(`${seed}|${attempt}|${key}`);
		if (roll / 0x100000000 >= rate) return undefined;
		return kinds[hash32(`${roll}|kind`) % kinds.length];
	};
}

/** @param {string} kind @param {number} retryAfterSeconds @returns {Reply} */
function chaosReply(kind, retryAfterSeconds) {
	if (kind === '429') {
		return { ...apiError(429, 'err.too.many.requests', ''), headers: { 'retry-after': String(retryAfterSeconds) } };
	}
	return apiError(503, 'err.service.unavailable', '');
}

/** @param {unknown} ms @returns {number} */
function checkTimeout(ms) {
	if (!(typeof ms === 'number' && Number.isFinite(ms) && ms > 0)) throw new TypeError('callback timeout must be a number of ms > 0');
	return ms;
}

// ---- Server -----------------------------------------------------------------

/** @param {http.IncomingMessage} req */
async function readBody(req) {
	/** @type {Buffer[]} */
	const chunks = [];
	let size = 0;
	for await (const chunk of req) {
		size += chunk.length;
		if (size <= MAX_BODY_BYTES) chunks.push(chunk);
	}
	return { buffer: Buffer.concat(chunks), tooLarge: size > MAX_BODY_BYTES };
}

/** @param {import('./server').DocumentRecord} record @returns {import('./server').DocumentRecord} */
function copyDocument(record) {
	const copy = { ...record, content: Buffer.from(record.content) };
	if (record.signedContent) copy.signedContent = Buffer.from(record.signedContent);
	return copy;
}

/** @param {string} text */
function parseJson(text) {
	try {
		return text === '' ? undefined : JSON.parse(text);
	} catch {
		return undefined;
	}
}

/**
 * @param {SandboxOptions} [options]
 * @returns {Promise<Sandbox>}
 */
async function startSandbox(options = {}) {
	const host = options.host ?? '127.0.0.1';
	const apiKeys = new Map(Object.entries(options.apiKeys ?? { [DEFAULT_API_KEY]: { permitted: true } }));
	const seed = (options.signatureRequests ?? []).map(toRecord);
	const startDialect = checkDialect(options.dialect ?? 'wiki');
	let dialect = startDialect;
	const log = options.log ?? (options.quiet === false ? (/** @type {string} */ line) => console.log(line) : () => {});

	let state = freshState(seed);
	/** @type {RecordedRequest[]} */
	const requests = [];
	/** @type {{ fault: Fault, remaining: number }[]} */
	const faults = [];
	/** @type {Set<import('node:net').Socket>} */
	const sockets = new Set();
	/** @type {Set<NodeJS.Timeout>} */
	const timers = new Set();
	/** Requests held by a 'hold' fault: each resolves when releaseHeld() (or stop()) lets it go on. @type {(() => void)[]} */
	let held = [];
	let url = '';
	let latencyMs = 0;
	const startCallbackTimeoutMs = checkTimeout(options.callbackTimeoutMs ?? CALLBACK_TIMEOUT_MS);
	let callbackTimeoutMs = startCallbackTimeoutMs;
	/** Aborts sendInfo callbacks still waiting for an answer when the sandbox stops. */
	const stopController = new AbortController();
	// Every callback in flight listens to it: a burst of signings (hundreds at once) is no listener leak.
	setMaxListeners(0, stopController.signal);
	/** @type {{ decide: (request: RecordedRequest) => string | undefined, retryAfterSeconds: number } | undefined} */
	let chaos;

	/** @param {number} ms */
	function wait(ms) {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				timers.delete(timer);
				resolve(undefined);
			}, ms);
			timers.add(timer);
		});
	}

	/** How the signer delivers callbacks now: in the dialect spoken, given up on when the sandbox stops or after the timeout. */
	function delivery() {
		return { dialect, signal: stopController.signal, callbackTimeoutMs };
	}

	/** @param {RecordedRequest} request @returns {Reply | undefined} */
	function authorize(request) {
		const key = request.headers['x-api-key'];
		const access = typeof key === 'string' ? apiKeys.get(key) : undefined;
		if (!access) return apiError(401, 'err.unauthorized', ''); // never echo the key
		if (access.permitted === false) return apiError(403, 'err.forbidden', request.path);
		return undefined;
	}

	/** @param {RecordedRequest} request @param {Buffer} buffer @returns {Promise<Reply>} */
	async function dispatch(request, buffer) {
		const { method, path } = request;
		if (path === '/JSON' || path.startsWith('/JSON/')) {
			const denied = authorize(request);
			if (denied) return denied;
		}
		const matches = COMPILED_ROUTES.filter((route) => !route.dialects || route.dialects.includes(dialect))
			.map((route) => ({ route, match: route.regex.exec(path) }))
			.filter((m) => m.match);
		if (matches.length === 0) return apiError(404, 'err.not.found', path);
		const hit = matches.find((m) => m.route.method === method);
		if (!hit) {
			const allow = [...new Set(matches.map((m) => m.route.method))].join(', ');
			return { ...apiError(405, 'err.method.not.allowed', method), headers: { allow } };
		}
		return hit.route.handler({
			request,
			buffer,
			params: decodeParams(hit.match?.groups),
			state,
			url,
			dialect,
			delivery: { signal: stopController.signal, timeoutMs: callbackTimeoutMs },
		});
	}

	/** @param {http.ServerResponse} res @param {Reply} reply @param {RecordedRequest} request @param {string} note */
	function send(res, reply, request, note) {
		if (res.destroyed || res.writableEnded) return;
		/** @type {Record<string, string>} */
		const headers = { ...reply.headers };
		let payload = reply.body ?? '';
		if (reply.json !== undefined) {
			payload = JSON.stringify(reply.json);
			headers['content-type'] = 'application/json';
		}
		headers['content-length'] = String(Buffer.byteLength(payload));
		res.writeHead(reply.status, headers);
		res.end(payload, () => {
			request.answeredAt = Date.now();
		});
		log(`${request.method} ${request.path} ${reply.status} ${Date.now() - request.receivedAt}ms${note}`);
	}

	let inFlight = 0;
	let maxInFlight = 0;

	/** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
	async function handle(req, res) {
		inFlight += 1;
		maxInFlight = Math.max(maxInFlight, inFlight);
		try {
			await answer(req, res);
		} finally {
			inFlight -= 1;
		}
	}

	/** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
	async function answer(req, res) {
		const receivedAt = Date.now();
		const { buffer, tooLarge } = await readBody(req);
		const rawUrl = req.url ?? '/';
		const q = rawUrl.indexOf('?');
		const rawBody = buffer.toString('utf8');
		/** @type {RecordedRequest} */
		const request = {
			method: req.method ?? 'GET',
			path: q === -1 ? rawUrl : rawUrl.slice(0, q),
			query: Object.fromEntries(new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1))),
			headers: { ...req.headers },
			rawBody,
			body: parseJson(rawBody),
			receivedAt,
		};
		requests.push(request);

		if (latencyMs > 0) await wait(latencyMs);
		const chaosKind = chaos?.decide(request);
		if (chaosKind) request.fault = `chaos:${chaosKind}`;
		const fault = chaosKind ? undefined : takeFault(faults, request.path);
		if (fault) request.fault = fault.type;
		const note = request.fault ? ` [fault: ${request.fault}]` : '';
		if (fault?.type === 'drop' || chaosKind === 'drop') {
			log(`${request.method} ${request.path} dropped${note}`);
			req.socket.destroy();
			return;
		}
		if (fault?.type === 'delay') await wait(fault.ms);
		if (fault?.type === 'hold') await new Promise((resolve) => held.push(() => resolve(undefined)));
		/** @type {Reply} */
		let reply;
		if (chaosKind && chaos) reply = chaosReply(chaosKind, chaos.retryAfterSeconds);
		else if (fault && fault.type !== 'delay' && fault.type !== 'hold') reply = faultReply(fault);
		else if (tooLarge) reply = apiError(413, 'err.payload.too.large', '');
		else reply = await dispatch(request, buffer);
		send(res, inDialect(reply, dialect), request, note);
	}

	const server = http.createServer((req, res) => {
		handle(req, res).catch((error) => {
			if (options.quiet === false) console.error('sandbox: handler failed:', error);
			if (!res.headersSent && !res.destroyed) {
				res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ message: 'err.internal', value: '' }));
			}
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});

	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, host, () => {
			server.off('error', reject);
			resolve(undefined);
		});
	});
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

	/** @type {Promise<void> | undefined} */
	let stopping;

	/** @type {Sandbox} */
	const sandbox = {
		url,
		port,
		requests,
		get maxConcurrentRequests() {
			return maxInFlight;
		},
		get dialect() {
			return dialect;
		},
		setDialect(next) {
			dialect = checkDialect(next);
		},
		clearRequests() {
			requests.length = 0;
			maxInFlight = inFlight;
		},
		getSignatureRequest(id) {
			const record = state.signatureRequests.get(id);
			return record && { ...record };
		},
		listSignatureRequests() {
			return [...state.signatureRequests.values()].map((record) => ({ ...record }));
		},
		addSignatureRequest(input) {
			const record = toRecord(input);
			if (!state.signatureRequests.has(record.signatureRequestId)) state.stats.signatureRequestsUsed += 1;
			state.signatureRequests.set(record.signatureRequestId, record);
			return { ...record };
		},
		getDocument(id) {
			const record = state.documents.get(id);
			return record && copyDocument(record);
		},
		addDocument(input) {
			const record = addDocument(state, input);
			if (input.signedContent) record.signedContent = Buffer.from(input.signedContent);
			return copyDocument(record);
		},
		get emails() {
			return state.emails.map((email) => ({ ...email }));
		},
		get callbacks() {
			return state.callbacks.map((delivery) => ({ ...delivery }));
		},
		sign(signatureRequestId, options = {}) {
			return finishSigning(state, url, signatureRequestId, 'signed', { ...options, ...delivery() });
		},
		cancel(signatureRequestId, options = {}) {
			return finishSigning(state, url, signatureRequestId, 'canceled', { ...options, ...delivery() });
		},
		redeliverCallback(signatureRequestId) {
			const { signal, callbackTimeoutMs: timeoutMs } = delivery();
			return redeliverCallback(state, signatureRequestId, { baseUrl: url, dialect, signal, timeoutMs });
		},
		setCallbackTimeout(ms) {
			callbackTimeoutMs = checkTimeout(ms);
		},
		reset() {
			state = freshState(seed);
			dialect = startDialect;
			requests.length = 0;
			faults.length = 0;
			latencyMs = 0;
			callbackTimeoutMs = startCallbackTimeoutMs;
			chaos = undefined;
			maxInFlight = inFlight;
		},
		setLatency(ms) {
			if (!(typeof ms === 'number' && ms >= 0)) throw new TypeError('latency must be a number of ms >= 0');
			latencyMs = ms;
		},
		setChaos(chaosOptions) {
			chaos = chaosOptions
				? { decide: chaosDecider(chaosOptions), retryAfterSeconds: chaosOptions.retryAfterSeconds ?? 0 }
				: undefined;
		},
		setFault(fault) {
			faults.push(armFault(fault));
		},
		clearFaults() {
			faults.length = 0;
		},
		releaseHeld() {
			const released = held;
			held = [];
			for (const release of released) release();
			return released.length;
		},
		stop() {
			stopping ??= new Promise((resolve) => {
				stopController.abort();
				sandbox.releaseHeld();
				for (const timer of timers) clearTimeout(timer);
				timers.clear();
				server.close(() => resolve());
				for (const socket of sockets) socket.destroy();
			});
			return stopping;
		},
	};
	return sandbox;
}

module.exports = { startSandbox, DEFAULT_API_KEY, DIALECTS, demoSignatureRequests };
