// @ts-check
'use strict';

/*
 * The real n8n the load benchmarks run against (bench/queue-load.js, bench/trigger-load.js): the package packed and
 * installed as users install it, the e2e credential pointing at the sandbox, the benchmark's workflows imported; in
 * queue mode (scripts/lib/n8n/queue.js) or as one `n8n start` with SQLite. And the machine, for the report.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const lib = require('../../scripts/lib/n8n');
const { API_KEY, CREDENTIALS, REPO } = require('../../test/e2e/lib/fixtures');

/** @typedef {import('../../sandbox/server').Sandbox} Sandbox */

/** The package, packed as `npm publish` would (npm run build && npm pack). */
function packPackage() {
	return lib.packTarball({ repoDir: REPO, outDir: path.join(REPO, '.e2e', 'pack') });
}

/**
 * The credential and the workflows, imported through the CLI of `instance` (in queue mode the main's).
 * @param {import('../../scripts/lib/n8n').Instance} instance
 * @param {Sandbox} sandbox
 * @param {any[]} workflows
 */
async function importInto(instance, sandbox, workflows) {
	await lib.importCredentials(instance, [{ ...CREDENTIALS.good, data: { environment: 'custom', baseUrl: sandbox.url, apiKey: API_KEY } }]);
	await lib.importWorkflows(instance, workflows);
}

/**
 * n8n 2.x in queue mode with the package in every process, the credential and `workflows` imported, started.
 * Stop it with queue.stop(), also when this throws after it was created (it stops itself then).
 * @param {{ tarball: string, sandbox: Sandbox, workflows: any[], webhookProcessors?: number, env?: Record<string, string>, log: (line: string) => void }} options
 *   env: extra variables for every n8n process
 */
async function startQueueWithPackage({ tarball, sandbox, workflows, webhookProcessors = 1, env = {}, log }) {
	const queue = await lib.createQueue({ webhookProcessors, env });
	try {
		log(`queue in ${queue.folder}; installing the package into ${queue.processes.map((p) => p.name).join(', ')}`);
		await queue.installPackage(tarball);
		await importInto(queue.main, sandbox, workflows);
		const n8n = await queue.start();
		return { queue, n8n };
	} catch (error) {
		await queue.stop();
		throw error;
	}
}

/**
 * One `n8n start` (SQLite) of `version` with the package, the credential and `workflows`; its user folder is deleted
 * by stop().
 * @param {{ version: string, tarball: string, sandbox: Sandbox, workflows: any[], log: (line: string) => void }} options
 */
async function startSingleWithPackage({ version, tarball, sandbox, workflows, log }) {
	const instance = await lib.createInstance({ version, root: path.join(REPO, '.e2e'), name: 'bench' });
	const remove = () => fs.rmSync(instance.requestedFolder, { recursive: true, force: true });
	/** @type {import('../../scripts/lib/n8n').RunningN8n | undefined} */
	let n8n;
	try {
		log(`n8n ${instance.n8nVersion} in ${instance.userFolder}; installing the package`);
		await lib.installPackage(instance, tarball);
		await importInto(instance, sandbox, workflows);
		n8n = await lib.startN8n(instance, { port: await lib.freePort() });
	} catch (error) {
		remove();
		throw error;
	}
	let running = n8n;
	return {
		instance,
		n8n: () => running,
		/** Stops n8n and starts it again on the same port and user folder. */
		restart: async () => {
			await running.stop();
			running = await lib.startN8n(instance, { port: Number(new URL(running.url).port), ownerExists: true });
			return running;
		},
		stop: async () => {
			await running.stop();
			fs.rmSync(instance.userFolder, { recursive: true, force: true });
			remove();
		},
	};
}

/**
 * The machine, for a report: CPUs, memory, and the load average before (given) and now.
 * @param {string} loadBefore
 */
function machine(loadBefore) {
	return { cpus: os.cpus().length, cpu: os.cpus()[0]?.model.trim(), memoryGiB: Math.round(os.totalmem() / 2 ** 30), loadBefore, loadAfter: os.loadavg()[0].toFixed(2) };
}

module.exports = { packPackage, startQueueWithPackage, startSingleWithPackage, machine };
