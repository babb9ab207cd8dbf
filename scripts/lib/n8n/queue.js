// @ts-check
'use strict';

/**
 * n8n's queue mode as production runs it (n8n 2.x): Postgres (postgres.js) and Redis (redis.js), a main process
 * (editor, REST API, activations; production webhooks switched off with N8N_DISABLE_PRODUCTION_MAIN_PROCESS), two
 * workers (`n8n worker`: they run every execution) and one webhook processor (`n8n webhook`: it takes /webhook/… and
 * /webhook-waiting/… calls and puts the executions on the queue), or more (`webhookProcessors`), each on its own port
 * with no load balancer in front: the caller chooses which one a call goes to. Each process has a user folder of its
 * own with the package installed in it, as on separate machines; all share the encryption key, the database, Redis
 * and WEBHOOK_URL (the first webhook processor's address, from which workers build resume URLs).
 *
 *   const queue = await createQueue({ version: '2' });      // Postgres + Redis up, five user folders
 *   await queue.installPackage(tarball);                    // into every process's folder
 *   await importWorkflows(queue.main, [...]);               // the CLI, on the main's folder (Postgres)
 *   const n8n = await queue.start();                        // main, then workers and webhook processor
 *   …n8n.url (REST, editor), n8n.webhookUrl (callbacks), n8n.jobs() (who ran what)…
 *   …with createQueue({ webhookProcessors: 2 }): n8n.webhookUrls, one per webhook processor…
 *   await queue.stop();                                     // processes, Redis, Postgres, the folder
 *
 * Everything lives in one temporary folder, deleted on stop and on any exit (shutdown.js); Ctrl-C stops the
 * processes first.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { createInstance } = require('./instance');
const { installPackage } = require('./package-install');
const { spawnN8n, freePort } = require('./processes');
const { startPostgres } = require('./postgres');
const { startRedis } = require('./redis');
const { onInterrupt, removeOnExit } = require('./shutdown');
const { startN8n } = require('./start');
const { readJobs } = require('./queue-jobs');
const { waitForReadiness, waitForWebhook } = require('./wait-for');

const HOST = '127.0.0.1';
const WORKER_CONCURRENCY = 10;

/** @typedef {import('./instance').Instance} Instance */
/** @typedef {'main' | 'worker' | 'webhook'} Role */

/**
 * @typedef {object} QueueProcess  one n8n process of the topology
 * @property {string} name      "main", "worker-1", "worker-2", "webhook" (a second webhook processor: "webhook-2")
 * @property {Role} role
 * @property {Instance} instance
 * @property {string} url       where it listens: the editor and REST API (main), webhooks (webhook), health (worker)
 * @property {number | undefined} pid   while it runs
 * @property {boolean} running   started and not exited (a process that dies on its own shows here)
 * @property {string} logFile
 */

/**
 * @typedef {object} RunningQueueExtras
 * @property {string} webhookUrl   the (first) webhook processor, where production webhooks and resume URLs point
 * @property {string[]} webhookUrls  every webhook processor, the first first: each serves every production webhook
 * @property {() => QueueProcess[]} processes
 * @property {(name: string) => Promise<void>} kill       SIGKILL to one process (a worker dying with its machine)
 * @property {(name: string) => Promise<void>} restart    starts a stopped or killed process again, waits until ready
 * @property {() => Promise<{ downMs: number }>} restartRedis  Redis stopped and started empty on the same port; waits
 *   until every worker reports Redis connected again
 * @property {() => Map<string, import('./queue-jobs').ExecutionJobs>} jobs  who enqueued and ran each execution
 * @property {(binaryId: string) => Promise<{ bytes: Buffer, sourceType: string, sourceId: string } | undefined>} storedBinary
 *   a file n8n stored in the database (binary id "database:<uuid>"), read from Postgres's binary_data table, with
 *   the execution n8n filed it under
 */

/** @typedef {import('./start').RunningN8n & RunningQueueExtras} RunningQueue */

/**
 * @typedef {object} Queue
 * @property {string} folder        the temporary folder holding everything
 * @property {string} n8nVersion
 * @property {import('./postgres').Postgres} postgres
 * @property {import('./redis').Redis} redis
 * @property {Instance} main        the main's instance: run the CLI (imports) on it
 * @property {QueueProcess[]} processes
 * @property {(tarball: string, options?: { skip?: string[] }) => Promise<Record<string, Awaited<ReturnType<typeof installPackage>>>>} installPackage
 *   installs the tarball into every process's user folder (skip: names left without it, to see what fails then)
 * @property {(options?: { onResponse?: (text: string) => void }) => Promise<RunningQueue>} start
 * @property {() => Promise<void>} stopN8n   stops the n8n processes; Postgres and Redis keep running
 * @property {(options?: { keepFolder?: boolean }) => Promise<void>} stop  everything; the folder is deleted unless kept
 */

/**
 * @param {{ version?: string, workers?: number, webhookProcessors?: number, tmpRoot?: string, env?: Record<string, string>, host?: string, mainPort?: number, webhookPort?: number }} [options]
 *   webhookProcessors: how many (default 1); env: extra variables for every n8n process; host: where the main and the
 *   webhook processors listen (default 127.0.0.1); mainPort, webhookPort: the main's and the first webhook
 *   processor's ports (default: free ones)
 * @returns {Promise<Queue>}
 */
async function createQueue(options = {}) {
	const { version = '2', workers = 2, webhookProcessors = 1, host = HOST } = options;
	if (String(version) !== '2') throw new Error('queue mode is set up for n8n 2.x only');
	const folder = fs.mkdtempSync(path.join(options.tmpRoot ?? os.tmpdir(), 'okdokument-queue-'));
	// Others may pass through it (the postgres user, to its own folder), not list or read it.
	fs.chmodSync(folder, 0o711);
	const keepRemoval = removeOnExit(folder);

	/** @type {import('./postgres').Postgres | undefined} */
	let postgres;
	/** @type {import('./redis').Redis | undefined} */
	let redis;
	/** @type {RunningQueue | undefined} */
	let runningQueue;
	/** @type {import('./start').RunningN8n | undefined} */
	let mainN8n;
	/** The workers and the webhook processor, while they run. @type {Map<string, import('./processes').StartedProcess>} */
	const started = new Map();

	const stopN8n = async () => {
		// The workers and the webhook processor first, so that the main sees none of them die while it runs.
		await Promise.all([...started.values()].map((p) => p.stop()));
		started.clear();
		await mainN8n?.stop();
		mainN8n = undefined;
		runningQueue = undefined;
	};
	/** @type {Promise<void> | undefined} */
	let stopping;
	/** @type {Queue['stop']} */
	const stop = ({ keepFolder = false } = {}) => {
		stopping ??= (async () => {
			unregister();
			await stopN8n();
			await redis?.stop();
			await postgres?.stop();
			if (keepFolder) keepRemoval();
			else fs.rmSync(folder, { recursive: true, force: true });
		})();
		return stopping;
	};
	const unregister = onInterrupt(() => stop());

	try {
		postgres = await startPostgres({ dir: path.join(folder, 'postgres') });
		fs.mkdirSync(path.join(folder, 'redis'));
		redis = await startRedis({ dir: path.join(folder, 'redis') });
		const webhookPort = options.webhookPort ?? (await freePort(host));
		const webhookUrl = `http://${host}:${webhookPort}`;
		const shared = {
			EXECUTIONS_MODE: 'queue',
			...postgres.n8nEnv,
			...redis.n8nEnv,
			// Workers build resume URLs ($execution.resumeUrl, Send and Wait's signed URL) from it: the webhook processor.
			WEBHOOK_URL: `${webhookUrl}/`,
			// Every process must read the binary data any other stored (the signed PDF a worker downloaded): the
			// database, which n8n 2.x also defaults to in queue mode. Each process's filesystem is its own.
			N8N_DEFAULT_BINARY_DATA_MODE: 'database',
			// Manual runs ("Execute workflow") on workers too, as n8n announces for its next major version.
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			...options.env,
		};
		/** @type {{ name: string, role: Role, port: number }[]} */
		const layout = [
			{ name: 'main', role: 'main', port: options.mainPort ?? (await freePort(host)) },
			...(await Promise.all(
				Array.from({ length: workers }, async (_, i) => ({ name: `worker-${i + 1}`, role: /** @type {Role} */ ('worker'), port: await freePort(HOST) })),
			)),
			{ name: 'webhook', role: 'webhook', port: webhookPort },
			...(await Promise.all(
				Array.from({ length: webhookProcessors - 1 }, async (_, i) => ({ name: `webhook-${i + 2}`, role: /** @type {Role} */ ('webhook'), port: await freePort(host) })),
			)),
		];
		/** @type {QueueProcess[]} */
		const processes = [];
		for (const { name, role, port } of layout) {
			const instance = await createInstance({ version, root: folder, userFolder: path.join(folder, name), env: shared });
			const listen = role === 'worker' ? HOST : host;
			processes.push({ name, role, instance, url: `http://${listen}:${port}`, pid: undefined, running: false, logFile: path.join(instance.userFolder, 'n8n.log') });
		}
		const byName = (/** @type {string} */ name) => {
			const found = processes.find((p) => p.name === name);
			if (!found) throw new Error(`no process "${name}" (there are ${processes.map((p) => p.name).join(', ')})`);
			return found;
		};
		const main = byName('main');

		/**
		 * Starts a worker or the webhook processor and waits until it reports itself ready.
		 * @param {QueueProcess} p
		 */
		const startHelper = async (p) => {
			const port = new URL(p.url).port;
			const env =
				p.role === 'worker'
					? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: port, N8N_WORKER_SERVER_ADDRESS: HOST }
					: { N8N_PORT: port, N8N_LISTEN_ADDRESS: host };
			const args = p.role === 'worker' ? ['worker', `--concurrency=${WORKER_CONCURRENCY}`] : ['webhook'];
			const child = spawnN8n(p.instance, args, { env });
			started.set(p.name, child);
			p.pid = child.pid;
			p.running = true;
			void child.exited.then(() => {
				if (p.pid === child.pid) p.running = false;
			});
			try {
				await waitForReadiness(p.url, { exitInfo: child.exitInfo });
			} catch (error) {
				throw new Error(
					`n8n ${p.role} "${p.name}" did not start (${error instanceof Error ? error.message : String(error)}). ` +
						`Last lines of ${p.logFile}:\n${child.recentLines().slice(-30).join('\n')}`,
				);
			}
		};

		/** @type {Queue['start']} */
		const start = async (startOptions = {}) => {
			if (runningQueue) return runningQueue;
			mainN8n = await startN8n(main.instance, {
				port: Number(new URL(main.url).port),
				host,
				env: { WEBHOOK_URL: shared.WEBHOOK_URL, N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' },
				onResponse: startOptions.onResponse,
			});
			main.pid = mainN8n.pid;
			main.running = true;
			const mainPid = mainN8n.pid;
			void mainN8n.exited.then(() => {
				if (main.pid === mainPid) main.running = false;
			});
			// After the main: it ran the migrations, which the others would otherwise race for.
			await Promise.all(processes.filter((p) => p.role !== 'main').map(startHelper));
			const webhookUrls = processes.filter((p) => p.role === 'webhook').map((p) => p.url);
			runningQueue = {
				...mainN8n,
				webhookUrl,
				webhookUrls,
				// Served by every webhook processor; the time until the last one serves it.
				waitForWebhook: async (webhookPath, waitOptions) =>
					Math.max(...(await Promise.all(webhookUrls.map((url) => waitForWebhook(url, webhookPath, waitOptions))))),
				processes: () => processes.map((p) => ({ ...p, pid: p.running ? p.pid : undefined })),
				kill: async (name) => {
					const p = byName(name);
					if (p.role === 'main') throw new Error('killing the main is not supported here');
					await started.get(name)?.kill();
					started.delete(name);
				},
				restart: async (name) => {
					const p = byName(name);
					if (p.role === 'main') throw new Error('restarting the main is not supported here');
					await started.get(name)?.stop();
					await startHelper(p);
				},
				restartRedis: async () => {
					const result = await /** @type {import('./redis').Redis} */ (redis).restart();
					// A worker's readiness includes its Redis connection.
					await Promise.all(processes.filter((p) => p.role === 'worker' && started.has(p.name)).map((p) => waitForReadiness(p.url, { timeoutMs: 60_000 })));
					return result;
				},
				jobs: () => readJobs(processes),
				storedBinary: async (binaryId) => {
					const fileId = /^database:([0-9a-f-]{36})$/.exec(binaryId)?.[1];
					if (!fileId) throw new Error(`"${binaryId}" is not a binary stored in the database`);
					const rows = await /** @type {import('./postgres').Postgres} */ (postgres).query(
						`SELECT encode(data, 'hex'), "sourceType", "sourceId" FROM binary_data WHERE "fileId" = '${fileId}'`,
					);
					if (rows.length === 0) return undefined;
					const [hex, sourceType, sourceId] = rows[0];
					return { bytes: Buffer.from(hex, 'hex'), sourceType, sourceId };
				},
				stop: stopN8n,
			};
			return runningQueue;
		};

		return {
			folder,
			n8nVersion: main.instance.n8nVersion,
			postgres,
			redis,
			main: main.instance,
			processes,
			installPackage: async (tarball, { skip = [] } = {}) => {
				/** @type {Record<string, Awaited<ReturnType<typeof installPackage>>>} */
				const installed = {};
				for (const p of processes) {
					if (!skip.includes(p.name)) installed[p.name] = await installPackage(p.instance, tarball);
				}
				return installed;
			},
			start,
			stopN8n,
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

module.exports = { createQueue };
