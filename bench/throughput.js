// @ts-check
'use strict';

/*
 * Throughput: every contender in this one process (the n8n runtime's Node 24, started by bench/run.js with
 * --expose-gc), against one sandbox process with simulated latency. One warm-up run each, then `runs` rounds,
 * interleaved (each round rotates the order; the contenders a target compares run back to back), every run checked: all items answered `msg.updated`, the sandbox
 * received exactly one request per item, each for a different ID.
 *
 *   <node24> --expose-gc bench/throughput.js '<json config>'   (writes the result JSON to config.outFile)
 */

const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const { setUp } = require('./lib/setup');
const { idsFor } = require('./lib/contenders');

/**
 * @typedef {object} Config
 * @property {string} n8nDir
 * @property {'vm' | 'legacy'} expressionEngine
 * @property {number} items
 * @property {number} latency
 * @property {number} runs  rounds measured in this process
 * @property {number} [firstRound]  rounds measured in earlier processes of the same setting (continues the rotation)
 * @property {number} [totalRuns]  rounds of the setting, over all its processes
 * @property {string} outFile
 * @property {string} [packageRoot]
 * @property {string[]} [only]  contender keys to run (default: all)
 * @property {Array<{ name: string, packageRoot: string }>} [variants]  other builds to run alongside, same settings
 * @property {boolean} [diagnose]  add the diagnostic contender floor-raw-5
 * @property {string} [profileDir]  write a V8 CPU profile of every measured run (not the warm-ups) there
 */

async function main() {
	/** @type {Config} */
	const config = JSON.parse(process.argv[2] ?? '{}');
	const gc = /** @type {(() => void) | undefined} */ (globalThis.gc);
	const bench = await setUp({
		n8nDir: config.n8nDir,
		expressionEngine: config.expressionEngine,
		sandboxIds: idsFor(config.items),
		latency: config.latency,
		packageRoot: config.packageRoot,
	});
	try {
		// HTTP Request (V3 code, used by 4.x) sends every item at once without the Batching option: its "effective
		// concurrency" is the item count. Matching it means concurrency = items for our node and the raw client.
		bench.okd(undefined);
		// The most "Requests in Parallel" accepts in the editor today (maxValue 50).
		if (config.items > 50) bench.okd(50);
		bench.okd(config.items);
		for (const { name, packageRoot } of config.variants ?? []) {
			const variant = await bench.variant(name, packageRoot);
			bench.okd(undefined, variant);
			bench.okd(config.items, variant);
		}
		bench.addHttpRequest(true);
		bench.raw(5);
		bench.raw(config.items);
		// The least a node does per item with n8n's helper as it comes (see lib/setup.js): the targets' baseline.
		bench.floor('helper', 5);
		// The same with a raw keep-alive client: what n8n's helper itself costs.
		if (config.diagnose) bench.floor('raw', 5);
		const all = Object.values(bench.contenders).filter((entry) => !config.only || config.only.includes(entry.key));

		/** @type {Record<string, Array<{ ms: number, cpuMs: number, maxConcurrent: number, sockets: number, keepAliveRequests: number }>>} */
		const measured = {};
		/** @type {Record<string, { ms: number, maxConcurrent: number }>} */
		const warmUp = {};

		const profiler = config.profileDir ? await startProfilerSession(config.profileDir) : undefined;

		/** @param {import('./lib/setup').Contender} contender @param {string} [profileName] */
		const once = async (contender, profileName) => {
			await bench.sandbox.clear();
			gc?.();
			if (profileName) await profiler?.start();
			const cpuBefore = process.cpuUsage();
			const started = performance.now();
			const good = await contender.run(config.items);
			const ms = performance.now() - started;
			const cpu = process.cpuUsage(cpuBefore);
			if (profileName) await profiler?.stop(profileName);
			const cpuMs = (cpu.user + cpu.system) / 1000;
			const stats = await bench.sandbox.stats();
			const problems = [];
			if (good !== config.items) problems.push(`${good} good answers of ${config.items}`);
			if (stats.count !== config.items) problems.push(`the sandbox received ${stats.count} requests`);
			if (stats.distinctIds !== config.items) problems.push(`${stats.distinctIds} distinct IDs`);
			if (stats.failed !== 0) problems.push(`${stats.failed} faults`);
			if (problems.length > 0) throw new Error(`${contender.key}: ${problems.join(', ')}`);
			return { ms, cpuMs, maxConcurrent: stats.maxConcurrent, sockets: stats.sockets, keepAliveRequests: stats.keepAliveRequests };
		};

		for (const contender of all) {
			const result = await once(contender);
			warmUp[contender.key] = { ms: result.ms, maxConcurrent: result.maxConcurrent };
			log(`warm-up  ${pad(contender.key)} ${fmt(result.ms)} ms, cpu ${fmt(result.cpuMs)} ms  (max ${result.maxConcurrent} in flight at the sandbox)`);
		}
		const groups = groupForTargets(all, config.items);
		const firstRound = config.firstRound ?? 0;
		const totalRuns = config.totalRuns ?? config.runs;
		for (let round = firstRound; round < firstRound + config.runs; round++) {
			const order = groups
				.map((_, i) => groups[(i + round) % groups.length])
				.flatMap((group) => (round % 2 ? [...group].reverse() : group));
			for (const contender of order) {
				const result = await once(contender, `${contender.key}.run${round + 1}`);
				(measured[contender.key] ??= []).push(result);
				log(`run ${round + 1}/${totalRuns} ${pad(contender.key)} ${fmt(result.ms)} ms, cpu ${fmt(result.cpuMs)} ms  (max ${result.maxConcurrent} in flight, ${result.sockets} connections)`);
			}
		}

		const output = {
			config: { items: config.items, latency: config.latency, runs: config.runs, expressionEngine: bench.engine.expressionEngine },
			versions: { ...bench.engine.versions, node: process.version, httpRequestTypeVersion: bench.types.httpRequestVersion },
			contenders: Object.fromEntries(
				all.map((entry) => [entry.key, { label: entry.label, kind: entry.kind, concurrency: entry.concurrency === 'all' ? config.items : entry.concurrency, allAtOnce: entry.concurrency === 'all' }]),
			),
			warmUp,
			runs: measured,
		};
		fs.writeFileSync(config.outFile, `${JSON.stringify(output, null, 2)}\n`);
	} finally {
		await bench.tearDown();
	}
}

/**
 * The contenders in the order they run in a round, in groups: those a target compares (the node at default settings
 * and floor-helper-5; the node with all items at once and both HTTP Request set-ups) run back to back, so that a
 * change in the load of the shared machine between them moves them alike. Rounds rotate the groups and reverse the
 * order within each group every other round.
 * @template {{ key: string }} T
 * @param {T[]} all
 * @param {number} items
 * @returns {T[][]}
 */
function groupForTargets(all, items) {
	/** @param {string} key */
	const groupOf = (key) => {
		if (key === 'floor-helper-5' || /^okd-default(@|$)/.test(key)) return 'default settings';
		if (key.startsWith('http-request') || new RegExp(`^okd-${items}(@|$)`).test(key)) return 'all at once';
		return key;
	};
	/** @type {Map<string, T[]>} */
	const groups = new Map();
	for (const contender of all) {
		const name = groupOf(contender.key);
		groups.set(name, [...(groups.get(name) ?? []), contender]);
	}
	return [...groups.values()];
}

/**
 * The V8 profiler of this process, through the inspector: one profile per measured run, so that contenders measured
 * in the same process stay apart and set-up is left out. Summarised by bench/profile.js.
 * @param {string} dir
 */
async function startProfilerSession(dir) {
	const { Session } = require('node:inspector/promises');
	const session = new Session();
	session.connect();
	await session.post('Profiler.enable');
	await session.post('Profiler.setSamplingInterval', { interval: 200 });
	fs.mkdirSync(dir, { recursive: true });
	return {
		start: async () => {
			await session.post('Profiler.start');
		},
		/** @param {string} name */
		stop: async (name) => {
			const { profile } = await session.post('Profiler.stop');
			fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
		},
	};
}

/** @param {string} line */
function log(line) {
	process.stderr.write(`bench: ${line}\n`);
}
/** @param {string} text */
const pad = (text) => text.padEnd(20);
/** @param {number} ms */
const fmt = (ms) => ms.toFixed(0).padStart(6);

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
