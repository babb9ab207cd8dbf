// @ts-check
'use strict';

/*
 * The OKdokument sandbox (sandbox/server.js) in a child process of its own, driven over IPC.
 *
 * The bench keeps the server out of the measured process: on a 2-core machine the server's work would otherwise
 * share the event loop with the client being measured, and its request log (every request, headers and body) would
 * count as the client's memory.
 *
 *   const sandbox = await startSandboxProcess({ apiKey, ids });  // in the parent
 *   await sandbox.setLatency(20); await sandbox.clear(); ...; const { count, maxConcurrent } = await sandbox.stats();
 *   await sandbox.stop();
 */

const { fork } = require('node:child_process');
const path = require('node:path');

const SERVER = path.resolve(__dirname, '..', '..', 'sandbox', 'server.js');

/**
 * @typedef {object} SandboxStats
 * @property {number} count          requests received since the last clear()
 * @property {number} maxConcurrent  the most requests handled at once since the last clear()
 * @property {number} failed         requests not answered 200
 * @property {number} distinctIds    distinct signatureRequestId values received
 * @property {number} keepAliveRequests  requests whose Connection header asked for keep-alive
 * @property {number} sockets        distinct client sockets (TCP connections) they came on
 */

/**
 * @typedef {object} SandboxProcess
 * @property {string} url
 * @property {number} pid
 * @property {(ms: number) => Promise<void>} setLatency
 * @property {() => Promise<void>} clear
 * @property {() => Promise<SandboxStats>} stats
 * @property {(id: string) => Promise<Record<string, string> | undefined>} get
 * @property {() => Promise<void>} stop
 */

/**
 * @param {{ apiKey: string, ids: string[], execPath?: string }} options
 * @returns {Promise<SandboxProcess>}
 */
async function startSandboxProcess(options) {
	const child = fork(__filename, ['--child'], {
		execPath: options.execPath ?? process.execPath,
		execArgv: [],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	let nextId = 1;
	/** @type {Map<number, { resolve: (value: any) => void, reject: (error: Error) => void }>} */
	const pending = new Map();
	/** @type {Error | undefined} */
	let exited;
	child.on('message', (/** @type {any} */ message) => {
		const waiter = pending.get(message.id);
		if (!waiter) return;
		pending.delete(message.id);
		if (message.error) waiter.reject(new Error(`sandbox: ${message.error}`));
		else waiter.resolve(message.result);
	});
	child.on('exit', (code, signal) => {
		exited = new Error(`sandbox process exited (code ${code}, signal ${signal})`);
		for (const waiter of pending.values()) waiter.reject(exited);
		pending.clear();
	});

	/** @param {string} command @param {unknown} [arg] @returns {Promise<any>} */
	const call = (command, arg) =>
		new Promise((resolve, reject) => {
			if (exited) {
				reject(exited);
				return;
			}
			const id = nextId++;
			pending.set(id, { resolve, reject });
			child.send({ id, command, arg });
		});

	const { url } = await call('start', { apiKey: options.apiKey, ids: options.ids });
	return {
		url,
		pid: /** @type {number} */ (child.pid),
		setLatency: (ms) => call('setLatency', ms),
		clear: () => call('clear'),
		stats: () => call('stats'),
		get: (id) => call('get', id),
		stop: async () => {
			if (exited) return;
			const gone = new Promise((resolve) => child.once('exit', resolve));
			await call('stop').catch(() => {});
			child.disconnect();
			const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
			await gone;
			clearTimeout(timer);
		},
	};
}

/* ------------------------------------------------------------------------------------------------ child */

async function childMain() {
	const { startSandbox } = require(SERVER);
	/** @type {import('../../sandbox/server').Sandbox | undefined} */
	let sandbox;

	/** @type {Record<string, (arg: any) => unknown>} */
	const commands = {
		async start({ apiKey, ids }) {
			sandbox = await startSandbox({
				apiKeys: { [apiKey]: { permitted: true } },
				signatureRequests: ids.map((/** @type {string} */ signatureRequestId) => ({ signatureRequestId })),
			});
			return { url: sandbox.url };
		},
		setLatency(ms) {
			need().setLatency(ms);
		},
		clear() {
			need().clearRequests();
		},
		stats() {
			const box = need();
			const ids = new Set();
			let failed = 0;
			let keepAliveRequests = 0;
			for (const request of box.requests) {
				const body = /** @type {Record<string, unknown> | undefined} */ (request.body);
				ids.add(body?.signatureRequestId);
				if (request.fault) failed++;
				if (String(request.headers.connection ?? '').toLowerCase() === 'keep-alive') keepAliveRequests++;
			}
			return {
				count: box.requests.length,
				maxConcurrent: box.maxConcurrentRequests,
				failed,
				distinctIds: ids.size,
				keepAliveRequests,
				sockets: socketCount,
			};
		},
		get(id) {
			return need().getSignatureRequest(id);
		},
		async stop() {
			await sandbox?.stop();
			sandbox = undefined;
		},
	};
	// Connections per clear(): counted from the server's 'connection' events (patched in below).
	let socketCount = 0;
	const http = require('node:http');
	const createServer = http.createServer;
	// @ts-ignore: wrap to count TCP connections; the sandbox itself stays untouched.
	http.createServer = (/** @type {any[]} */ ...args) => {
		const server = createServer(...args);
		server.on('connection', () => {
			socketCount++;
		});
		return server;
	};
	const originalClear = commands.clear;
	commands.clear = () => {
		originalClear(undefined);
		socketCount = 0;
	};

	function need() {
		if (!sandbox) throw new Error('not started');
		return sandbox;
	}

	process.on('message', async (/** @type {any} */ message) => {
		try {
			const result = await commands[message.command](message.arg);
			process.send?.({ id: message.id, result });
		} catch (error) {
			process.send?.({ id: message.id, error: error instanceof Error ? error.message : String(error) });
		}
	});
	process.on('disconnect', () => {
		void sandbox?.stop().finally(() => process.exit(0));
		if (!sandbox) process.exit(0);
	});
}

if (require.main === module && process.argv.includes('--child')) {
	childMain().catch((error) => {
		console.error(error);
		process.exit(1);
	});
}

module.exports = { startSandboxProcess };
