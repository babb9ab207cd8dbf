// @ts-check
'use strict';

/**
 * Redis from Debian's `redis-server` package, for n8n's queue (Bull): one server on a free loopback port, nothing
 * written to disk (no snapshots, no append-only file), its files in a folder of ours. `restart()` stops it and starts
 * a fresh one on the same port, as a Redis restart without persistence does: the queue's keys are gone.
 */

const net = require('node:net');
const path = require('node:path');

const { startProcess, freePort, isPortFree } = require('./processes');
const { waitFor } = require('./wait-for');

const HOST = '127.0.0.1';

/**
 * @typedef {object} Redis
 * @property {string} host
 * @property {number} port
 * @property {Record<string, string>} n8nEnv  QUEUE_BULL_REDIS_HOST / _PORT for every n8n process
 * @property {() => number} pid   the running server's process id
 * @property {string} logFile
 * @property {() => Promise<{ downMs: number }>} restart  stop, then start again on the same port; downMs: how long
 *   nothing answered on the port
 * @property {() => Promise<void>} stop
 */

/**
 * Sends PING, resolves true on +PONG.
 * @param {number} port
 * @returns {Promise<boolean>}
 */
function ping(port) {
	return new Promise((resolve) => {
		const socket = net.connect({ host: HOST, port });
		let answer = '';
		const done = (/** @type {boolean} */ ok) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(3000, () => done(false));
		socket.on('error', () => done(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			answer += chunk.toString('latin1');
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
		});
	});
}

/**
 * @param {{ dir: string, timeoutMs?: number }} options  dir: exists; Redis's working folder
 * @returns {Promise<Redis>}
 */
async function startRedis({ dir, timeoutMs = 30_000 }) {
	const port = await freePort(HOST);
	const logFile = path.join(path.dirname(dir), `${path.basename(dir)}.log`);
	const args = ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'];

	const launch = async () => {
		const server = startProcess('redis-server', args, { cwd: dir, env: process.env, logFile });
		await waitFor(
			`Redis on ${HOST}:${port} to answer PING`,
			async () => {
				const exit = server.exitInfo();
				if (exit) throw new Error(`redis-server exited with ${exit.code ?? exit.signal}:\n${server.recentLines().slice(-15).join('\n')}`);
				return (await ping(port)) ? true : undefined;
			},
			{ timeoutMs, intervalMs: 100 },
		);
		return server;
	};

	let server = await launch();
	return {
		host: HOST,
		port,
		n8nEnv: { QUEUE_BULL_REDIS_HOST: HOST, QUEUE_BULL_REDIS_PORT: String(port) },
		pid: () => server.pid,
		logFile,
		restart: async () => {
			const down = Date.now();
			await server.stop();
			await waitFor(`port ${port} to be free after Redis stopped`, async () => ((await isPortFree(port, HOST)) ? true : undefined), {
				timeoutMs: 10_000,
				intervalMs: 50,
			});
			server = await launch();
			return { downMs: Date.now() - down };
		},
		stop: () => server.stop(),
	};
}

module.exports = { startRedis };
