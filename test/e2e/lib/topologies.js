// @ts-check
'use strict';

/**
 * Where the scenarios run. `single`: one `n8n start` with SQLite, per n8n version (scripts/lib/n8n/start.js).
 * `queue`: n8n 2.x in queue mode, Postgres, Redis, a main, two workers and two webhook processors
 * (scripts/lib/n8n/queue.js): the scenarios send their calls to the first (`n8n.webhookUrl`), except those that
 * measure what happens when callbacks reach both (`n8n.webhookUrls`). A topology creates its n8n, installs the package into it, starts and stops it, says
 * what it stored and where it keeps its files, and cleans up; the scenarios do the same things in both.
 */

const fs = require('node:fs');
const path = require('node:path');

const lib = require('../../../scripts/lib/n8n');
const { isPortFree } = require('../../../scripts/lib/n8n/processes');
const { createQueue } = require('../../../scripts/lib/n8n/queue');
const { REPO } = require('./fixtures');

/** @typedef {import('../../../scripts/lib/n8n').Instance} Instance */
/** @typedef {import('../../../scripts/lib/n8n').RunningN8n} RunningN8n */
/** @typedef {Awaited<ReturnType<typeof lib.installPackage>>} Installed */

/**
 * @typedef {object} Topology
 * @property {'single' | 'queue'} kind
 * @property {string} label        e.g. "n8n 2.41.1" or "n8n 2.41.1, queue mode"
 * @property {string} description  the processes and where they keep their files, for the run's heading
 * @property {Instance} instance   where n8n's CLI runs (imports, `n8n execute`): the only instance, or the main's
 * @property {string[]} folders    everything it keeps on disk (user folders, logs, the database's files)
 * @property {(tarball: string) => Promise<{ name: string, installed: Installed }[]>} install  into every process's folder
 * @property {(onResponse: (text: string) => void) => Promise<RunningN8n>} start
 * @property {(running: RunningN8n, onResponse: (text: string) => void, whileStopped?: () => Promise<void>) => Promise<RunningN8n>} restart
 *   stops n8n, runs `whileStopped`, and starts it again on the same port and folders (one process only)
 * @property {() => Promise<string[]>} stop  stops n8n (in queue mode its processes; Postgres stays up for the scans)
 *   and returns what they logged
 * @property {() => Promise<{ name: string, bytes: Buffer }[]>} storedData  what n8n stored: the SQLite files, or pg_dump
 * @property {(keep: boolean) => Promise<string | undefined>} dispose  deletes everything unless kept; says where it is kept
 * @property {() => Promise<string[]>} [leftovers]  after dispose: every process, port or folder it left behind
 */

/** Webhook processors in queue mode: one serves the scenarios, both the check of callbacks split between them. */
const QUEUE_WEBHOOK_PROCESSORS = 2;

/**
 * @param {string} dir
 * @returns {string[]}
 */
function filesBelow(dir) {
	if (!fs.existsSync(dir)) return [];
	return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/**
 * One `n8n start` with SQLite.
 * @param {{ version: string, env: Record<string, string> }} options
 * @returns {Promise<Topology>}
 */
async function singleProcess({ version, env }) {
	const instance = await lib.createInstance({ version, root: path.join(REPO, '.e2e'), name: 'e2e', env });
	/** @type {RunningN8n | undefined} */
	let n8n;
	return {
		kind: 'single',
		label: `n8n ${instance.n8nVersion}`,
		description: `n8n ${instance.n8nVersion} (Node ${instance.runtime.nodeVersion}), user folder ${instance.userFolder}`,
		instance,
		folders: [instance.userFolder],
		install: async (tarball) => [{ name: 'n8n', installed: await lib.installPackage(instance, tarball) }],
		start: async (onResponse) => {
			n8n = await lib.startN8n(instance, { port: await lib.freePort(), onResponse });
			return n8n;
		},
		restart: async (running, onResponse, whileStopped) => {
			await running.stop();
			await whileStopped?.();
			n8n = await lib.startN8n(instance, { port: Number(new URL(running.url).port), ownerExists: true, onResponse });
			return n8n;
		},
		stop: async () => {
			if (!n8n) return [];
			await n8n.stop();
			return [fs.readFileSync(n8n.logFile, 'utf8')];
		},
		storedData: async () =>
			filesBelow(path.join(instance.userFolder, '.n8n'))
				.filter((file) => /database\.sqlite/.test(path.basename(file)))
				.map((file) => ({ name: path.relative(instance.userFolder, file), bytes: fs.readFileSync(file) })),
		dispose: async (keep) => {
			if (keep) return instance.userFolder;
			fs.rmSync(instance.userFolder, { recursive: true, force: true });
			fs.rmSync(instance.requestedFolder, { recursive: true, force: true });
			return undefined;
		},
	};
}

/**
 * n8n 2.x in queue mode.
 * @param {{ env: Record<string, string>, withoutPackage: string[] }} options  withoutPackage: processes left without
 *   the package (to see the run fail as it must)
 * @returns {Promise<Topology>}
 */
async function queueMode({ env, withoutPackage }) {
	const queue = await createQueue({ version: '2', env, webhookProcessors: QUEUE_WEBHOOK_PROCESSORS });
	const names = queue.processes.map((p) => p.name);
	const unknown = withoutPackage.filter((name) => !names.includes(name));
	if (unknown.length > 0) {
		await queue.stop();
		throw new Error(`--queue-without-package: no process "${unknown.join(', ')}" (there are ${names.join(', ')})`);
	}
	const { runtime } = queue.main;
	/** Every process and port the queue had, noted before it is stopped. @type {{ pids: Map<number, string>, ports: Map<number, string> }} */
	const had = { pids: new Map(), ports: new Map() };
	const note = () => {
		had.pids.set(queue.postgres.pid, 'postgres').set(queue.redis.pid(), 'redis-server');
		had.ports.set(queue.postgres.port, 'postgres').set(queue.redis.port, 'redis');
		for (const p of queue.processes) {
			if (p.pid !== undefined) had.pids.set(p.pid, `n8n ${p.name}`);
			had.ports.set(Number(new URL(p.url).port), `n8n ${p.name}`);
		}
	};
	return {
		kind: 'queue',
		label: `n8n ${queue.n8nVersion}, queue mode`,
		description:
			`n8n ${queue.n8nVersion} (Node ${runtime.nodeVersion}) in queue mode: ${names.join(', ')}; ` +
			`PostgreSQL 15 on port ${queue.postgres.port}, Redis on port ${queue.redis.port}; all in ${queue.folder}`,
		instance: queue.main,
		folders: [queue.folder],
		install: async (tarball) => {
			const installed = await queue.installPackage(tarball, { skip: withoutPackage });
			return Object.entries(installed).map(([name, result]) => ({ name, installed: result }));
		},
		start: async (onResponse) => {
			const n8n = await queue.start({ onResponse });
			note();
			return n8n;
		},
		restart: async () => {
			throw new Error('restartN8n is for one n8n process; queue mode restarts single processes (queue.restart)');
		},
		stop: async () => {
			await queue.stopN8n();
			return queue.processes.map((p) => (fs.existsSync(p.logFile) ? fs.readFileSync(p.logFile, 'utf8') : ''));
		},
		storedData: async () => [{ name: `pg_dump of database "${queue.postgres.database}"`, bytes: Buffer.from(await queue.postgres.dump(), 'utf8') }],
		dispose: async (keep) => {
			note();
			await queue.stop({ keepFolder: keep });
			return keep ? queue.folder : undefined;
		},
		leftovers: async () => {
			const alive = [...had.pids].filter(([pid]) => {
				try {
					process.kill(pid, 0);
					return true;
				} catch {
					return false;
				}
			});
			const taken = [];
			for (const [port, what] of had.ports) if (!(await isPortFree(port, '127.0.0.1'))) taken.push(`port ${port} (${what})`);
			return [
				...alive.map(([pid, what]) => `process ${pid} (${what})`),
				...taken,
				...(fs.existsSync(queue.folder) ? [`folder ${queue.folder}`] : []),
			];
		},
	};
}

module.exports = { singleProcess, queueMode, filesBelow };
