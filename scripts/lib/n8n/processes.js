// @ts-check
'use strict';

/**
 * Child processes: a command run to completion (`run`, `runN8n` for n8n's CLI), a long-running program in its own
 * log (`startProcess`, `spawnN8n` for `n8n start` and, later, workers and webhook processors), free ports, and a lock
 * file.
 *
 * Every process started here runs in its own process group and is killed (group-wide) when it is stopped, when it
 * times out, when its leader exits (n8n's task runner must not outlive n8n), and when the calling process exits.
 */

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const readline = require('node:readline');
const { spawn } = require('node:child_process');

const { sleep } = require('./wait-for');

/** Process groups started here and still running; killed when this process exits. @type {Set<number>} */
const liveGroups = new Set();

process.on('exit', () => {
	for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});

/**
 * @param {number} pid  leader of the group (we spawn with detached: true)
 * @param {NodeJS.Signals} signal
 */
function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

/**
 * @typedef {object} RunAs  another user to run as (we must be root), e.g. `postgres`, which refuses to run as root
 * @property {number} [uid]
 * @property {number} [gid]
 */

/**
 * @typedef {object} RunResult
 * @property {number | null} code
 * @property {NodeJS.Signals | null} signal
 * @property {string} stdout
 * @property {string} stderr
 * @property {boolean} timedOut
 * @property {number} durationMs
 */

/**
 * Runs a command to completion in its own process group, capturing its output.
 * @param {string} file
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number } & RunAs} [options]
 * @returns {Promise<RunResult>}
 */
function run(file, args, options = {}) {
	const { cwd, env, timeoutMs = 180_000, uid, gid } = options;
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = spawn(file, args, { cwd, env, uid, gid, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
		const pid = child.pid;
		if (pid !== undefined) liveGroups.add(pid);
		/** @type {Buffer[]} */
		const out = [];
		/** @type {Buffer[]} */
		const err = [];
		child.stdout?.on('data', (chunk) => out.push(chunk));
		child.stderr?.on('data', (chunk) => err.push(chunk));
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			if (pid !== undefined) killGroup(pid, 'SIGKILL');
		}, timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			if (pid !== undefined) liveGroups.delete(pid);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			if (pid !== undefined) {
				// The leader is gone; take any helper it left behind (n8n's task runner) with it.
				killGroup(pid, 'SIGKILL');
				liveGroups.delete(pid);
			}
			resolve({
				code,
				signal,
				stdout: Buffer.concat(out).toString('utf8'),
				stderr: Buffer.concat(err).toString('utf8'),
				timedOut,
				durationMs: Date.now() - started,
			});
		});
	});
}

/**
 * @param {string} text
 * @param {number} lines
 * @returns {string}
 */
function tail(text, lines) {
	return text.split(/\r?\n/).filter(Boolean).slice(-lines).join('\n');
}

/**
 * @param {string} what
 * @param {RunResult} result
 * @returns {Error}
 */
function commandError(what, result) {
	const how = result.timedOut ? 'timed out' : `exited with ${result.code ?? result.signal}`;
	return new Error(`${what} ${how}:\n${tail(`${result.stdout}\n${result.stderr}`, 40)}`);
}

/**
 * @typedef {object} StartedProcess
 * @property {number} pid          leader of the process group
 * @property {string} logFile      everything it printed (stdout and stderr, line by line)
 * @property {() => string[]} recentLines  the last 60 lines it printed, for error messages
 * @property {() => { code: number | null, signal: NodeJS.Signals | null } | undefined} exitInfo  how it exited, once it has
 * @property {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} exited
 * @property {() => Promise<void>} stop  `stopSignal` (SIGTERM) to the process group, SIGKILL after `stopTimeoutMs`; waits
 *   for the exit
 * @property {() => Promise<void>} kill  SIGKILL to the process group, as when a machine dies; waits for the exit
 */

/**
 * Starts a long-running program in its own process group. Its output is appended to `logFile`; the group is killed
 * as soon as the program exits, so no helper it started outlives it.
 * @param {string} file
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, logFile: string, stopTimeoutMs?: number, stopSignal?: NodeJS.Signals } & RunAs} options
 *   stopSignal: what asks the program to stop (PostgreSQL's fast shutdown is SIGINT)
 * @returns {StartedProcess}
 */
function startProcess(file, args, options) {
	const { cwd, env, logFile, stopTimeoutMs = 20_000, stopSignal = 'SIGTERM', uid, gid } = options;
	const log = fs.createWriteStream(logFile, { flags: 'a' });
	const child = spawn(file, args, { cwd, env, uid, gid, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	const pid = /** @type {number} */ (child.pid);
	liveGroups.add(pid);
	/** @type {string[]} */
	const recent = [];
	for (const stream of [child.stdout, child.stderr]) {
		if (!stream) continue;
		readline.createInterface({ input: stream }).on('line', (line) => {
			log.write(`${line}\n`);
			recent.push(line);
			if (recent.length > 60) recent.shift();
		});
	}
	/** @type {{ code: number | null, signal: NodeJS.Signals | null } | undefined} */
	let exitInfo;
	/** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
	const exited = new Promise((resolve) => {
		child.on('exit', (code, signal) => {
			exitInfo = { code, signal };
			killGroup(pid, 'SIGKILL'); // helpers (n8n's task runner) must not outlive the leader
			liveGroups.delete(pid);
			log.end();
			resolve(exitInfo);
		});
	});

	/** @type {Promise<void> | undefined} */
	let stopping;
	const stop = async () => {
		stopping ??= (async () => {
			if (!exitInfo) {
				killGroup(pid, stopSignal);
				const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), stopTimeoutMs);
				await exited;
				clearTimeout(timer);
			}
		})();
		return stopping;
	};

	const kill = async () => {
		if (!exitInfo) killGroup(pid, 'SIGKILL');
		await exited;
	};

	return { pid, logFile, recentLines: () => [...recent], exitInfo: () => exitInfo, exited, stop, kill };
}

/**
 * @typedef {import('./instance').Instance} Instance
 */

/**
 * Runs an n8n CLI command (`nodeBin n8nBin …args`) to completion in the instance's environment.
 * @param {Instance} instance
 * @param {string[]} args
 * @param {{ timeoutMs?: number, env?: Record<string, string> }} [options]
 * @returns {Promise<RunResult>}
 */
function runN8n(instance, args, options = {}) {
	return run(instance.runtime.nodeBin, [instance.runtime.n8nBin, ...args], {
		cwd: instance.userFolder,
		env: { ...instance.env, ...options.env },
		timeoutMs: options.timeoutMs ?? 180_000,
	});
}

/**
 * Starts a long-running n8n command (`n8n start`; in queue mode also `n8n worker`, `n8n webhook`) in the instance's
 * environment, its output in `<userFolder>/<logName>`.
 * @param {Instance} instance
 * @param {string[]} args
 * @param {{ env?: Record<string, string>, logName?: string }} [options]
 * @returns {StartedProcess}
 */
function spawnN8n(instance, args, options = {}) {
	return startProcess(instance.runtime.nodeBin, [instance.runtime.n8nBin, ...args], {
		cwd: instance.userFolder,
		env: { ...instance.env, ...options.env },
		logFile: path.join(instance.userFolder, options.logName ?? 'n8n.log'),
	});
}

/**
 * Our environment minus what would change how npm or n8n behave behind our back: `npm_*` (exported by `npm run`,
 * e.g. npm_config_ignore_scripts) and any N8N_* / DB_* / WEBHOOK_URL of the developer's shell.
 * @returns {NodeJS.ProcessEnv}
 */
function cleanBaseEnv() {
	/** @type {NodeJS.ProcessEnv} */
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^npm_/i.test(key) || /^(N8N_|DB_|EXECUTIONS_|QUEUE_)/.test(key) || key === 'WEBHOOK_URL' || key === 'INIT_CWD') continue;
		env[key] = value;
	}
	return env;
}

/**
 * A TCP port that was free a moment ago.
 * @param {string} [host]
 * @returns {Promise<number>}
 */
function freePort(host = '127.0.0.1') {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, host, () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/**
 * @param {number} port
 * @param {string} host
 * @returns {Promise<boolean>}
 */
function isPortFree(port, host) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.unref();
		server.once('error', () => resolve(false));
		server.listen(port, host, () => server.close(() => resolve(true)));
	});
}

/**
 * Exclusive lock file, taken over when its holder is dead. Serialises builds: `npm run build` starts with
 * `rimraf dist`, so two packs at once (dev, e2e, editor test) would ship each other's half-built dist.
 * @template T
 * @param {string} lockPath
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withLock(lockPath, fn) {
	fs.mkdirSync(path.dirname(lockPath), { recursive: true });
	const deadline = Date.now() + 10 * 60_000;
	for (;;) {
		try {
			fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
			break;
		} catch (error) {
			if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
			const holder = Number(fs.readFileSync(lockPath, 'utf8').trim());
			let alive = false;
			if (Number.isInteger(holder) && holder > 0) {
				try {
					process.kill(holder, 0);
					alive = true;
				} catch (e) {
					alive = /** @type {NodeJS.ErrnoException} */ (e).code === 'EPERM';
				}
			}
			if (!alive) {
				fs.rmSync(lockPath, { force: true });
				continue;
			}
			if (Date.now() > deadline) throw new Error(`${lockPath} is still held by process ${holder}`);
			await sleep(500);
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockPath, { force: true });
	}
}

module.exports = {
	run,
	tail,
	commandError,
	startProcess,
	runN8n,
	spawnN8n,
	cleanBaseEnv,
	freePort,
	isPortFree,
	withLock,
};
