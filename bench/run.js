#!/usr/bin/env node
// @ts-check
'use strict';

/*
 * `npm run bench`: the OKdokument node against n8n's HTTP Request node and a raw client, in real n8n 2.41.1
 * (its n8n-core, n8n-workflow and n8n-nodes-base, under its Node 24), against the local sandbox with simulated latency.
 *
 *   node bench/run.js [--no-build] [--runs 8] [--processes 4] [--latency 20,150] [--items 1000,300] [--memory-items 10000] [--memory-samples 5]
 *                     [--expression-engine vm|legacy] [--no-memory] [--memory-all] [--load-samples 7]
 *                     [--diagnose] [--compare name=<dir with dist/>]... [--quick] [--out bench/RESULTS.md]
 *                     [--only okd-default,floor-helper-5] [--cpu-prof]
 *
 *   --latency, --items  the throughput settings, paired: by default 1,000 items at 20 ms, then 300 items at 150 ms
 *                (each its own interleaved run); `--latency 150 --items 300` runs one setting. A list given alone is
 *                paired with 1000 items or 20 ms.
 *   --diagnose   also run floor-raw-5, a bench-only node that sends with a raw keep-alive client (what n8n's helper
 *                costs), and measure floor-helper-5's peak memory. floor-helper-5 and HTTP Request with the key in a
 *                header parameter always run in the throughput runs: the targets are measured against them.
 *   --compare    another build of the package (a folder holding dist/, e.g. a candidate fix), run in the same process
 *                with the same settings (okd-default@name, okd-<items>@name)
 *   --runs       interleaved rounds per setting; keep it even: a target's two contenders swap places every other round
 *   --processes  the processes a setting's rounds are spread over, one after the other, each with its own warm-ups
 *                and all contenders interleaved; the rounds of all of them are pooled
 *   --memory-samples  peak-memory processes per contender, alternating contenders; the ratio is the median over
 *                rounds (a single peak moves by ±15 % from one process to the next)
 *   --quick      a smoke test: 200 items, 1 run, 1,000 items for memory
 *   --only       run only these throughput contenders (comma-separated keys)
 *   --cpu-prof   write a CPU profile of every measured throughput run to bench/out/profiles and print
 *                `node bench/profile.js --diff okd-default,floor-helper-5`; the profiler slows every contender, so
 *                such a run writes bench/out/RESULTS.md, not bench/RESULTS.md (unless --out says otherwise)
 *
 * Steps: prepare the runtime (scripts/n8n-runtime.js), `npm run build`, copy dist/ to bench/out/package (so that a
 * rebuild running elsewhere cannot change what is measured half-way), `npm pack --dry-run --json`, load-time samples
 * (fresh processes), throughput (per setting, --processes processes in turn, all contenders interleaved in each), peak
 * memory (one process per contender), then the table: printed, and written to bench/RESULTS.md with the machine and
 * the raw numbers.
 * Every number that is compared is a ratio between contenders measured in the same run.
 */

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { ensureRuntime } = require('../scripts/n8n-runtime');
const { report } = require('./lib/report');
const { withKeptSections } = require('./lib/results-section');

const REPO = path.resolve(__dirname, '..');
const OUT = path.join(__dirname, 'out');

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();

function parseArgs(/** @type {string[]} */ argv) {
	const options = {
		build: true,
		// Even: the two contenders of a target swap places every other round (see throughput.js), and with an odd
		// number of rounds one order would count once more in the median.
		// Eight: at 150 ms a 300-item run spends about 1.3 s of CPU and single rounds spread by ±15 %; with six, the
		// median CPU ratio moved by 4 % between runs.
		runs: 8,
		// The same build measured at 150 ms in one process after another gave medians of the CPU ratio from 0.97 to
		// 1.08, each with 12 or 16 rounds; the rounds of one process move together (11 of 12 above 1 in
		// one). Spreading the rounds over processes averages that out; each costs one more warm-up round.
		processes: 4,
		/** @type {number[] | undefined} */
		items: undefined,
		memoryItems: 10_000,
		// Five: a peak depends on where the run ends in the garbage collector's cycle; with three, the node's ratio and
		// the floor's moved by ±0.03 between runs, as far as the target's margin.
		memorySamples: 5,
		/** @type {number[] | undefined} */
		latency: undefined,
		/** @type {Array<{ items: number, latency: number }>} */
		settings: [],
		expressionEngine: /** @type {'vm' | 'legacy'} */ ('vm'),
		memory: true,
		memoryAll: false,
		diagnose: false,
		loadSamples: 7,
		/** @type {Array<{ name: string, packageRoot: string }>} */
		compare: [],
		out: path.join(__dirname, 'RESULTS.md'),
		outGiven: false,
		/** @type {string[] | undefined} */
		only: undefined,
		cpuProf: false,
	};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s);
		const value = () => {
			const v = inline ?? argv[++i];
			if (v === undefined) throw new Error(`${flag} needs a value`);
			return v;
		};
		const whole = (/** @type {string} */ text) => {
			const n = Number(text);
			if (text === '' || !Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a whole number`);
			return n;
		};
		const count = () => whole(value());
		const counts = () => value().split(',').map(whole);
		if (flag === '--no-build') options.build = false;
		else if (flag === '--runs') options.runs = Math.max(1, count());
		else if (flag === '--processes') options.processes = Math.max(1, count());
		else if (flag === '--items') options.items = counts().map((n) => Math.max(1, n));
		else if (flag === '--memory-items') options.memoryItems = Math.max(1, count());
		else if (flag === '--memory-samples') options.memorySamples = Math.max(1, count());
		else if (flag === '--latency') options.latency = counts();
		else if (flag === '--expression-engine') {
			const engine = value();
			if (engine !== 'vm' && engine !== 'legacy') throw new Error('--expression-engine is vm or legacy');
			options.expressionEngine = engine;
		} else if (flag === '--no-memory') options.memory = false;
		else if (flag === '--memory-all') options.memoryAll = true;
		else if (flag === '--diagnose') options.diagnose = true;
		else if (flag === '--load-samples') options.loadSamples = Math.max(1, count());
		else if (flag === '--compare') {
			const [name, dir] = value().split(/=(.*)/s);
			if (!name || !dir || !fs.existsSync(path.join(dir, 'dist'))) {
				throw new Error('--compare takes name=<folder holding a built dist/>');
			}
			options.compare.push({ name, packageRoot: path.resolve(dir) });
		} else if (flag === '--quick') {
			Object.assign(options, { runs: 1, processes: 1, items: [200], latency: options.latency ?? [20], memoryItems: 1000, memorySamples: 1, loadSamples: 3 });
		} else if (flag === '--out') {
			options.out = path.resolve(value());
			options.outGiven = true;
		} else if (flag === '--only') options.only = value().split(',').filter(Boolean);
		else if (flag === '--cpu-prof') options.cpuProf = true;
		else if (flag === '--help' || flag === '-h') {
			process.stdout.write(`${fs.readFileSync(__filename, 'utf8').split('*/')[0]}*/\n`);
			process.exit(0);
		} else throw new Error(`Unexpected argument "${argv[i]}"`);
	}
	const items = options.items ?? (options.latency ? [1000] : [1000, 300]);
	const latency = options.latency ?? (options.items ? [20] : [20, 150]);
	const settings = Math.max(items.length, latency.length);
	if ((items.length !== 1 && items.length !== settings) || (latency.length !== 1 && latency.length !== settings)) {
		throw new Error('--items and --latency pair up: give as many of each, or one of either');
	}
	options.settings = Array.from({ length: settings }, (_, i) => ({ items: items[i] ?? items[0], latency: latency[i] ?? latency[0] }));
	// A profiled or partial run is no result to keep.
	if ((options.cpuProf || options.only) && !options.outGiven) options.out = path.join(OUT, 'RESULTS.md');
	return options;
}

/** @param {string} line */
function log(line) {
	process.stderr.write(`bench: ${line}\n`);
}

/**
 * Runs a child to completion; rejects on a non-zero exit. stdout is returned, stderr passed through.
 * @param {string} command @param {string[]} args @param {NodeJS.ProcessEnv} env
 * @returns {Promise<string>}
 */
function run(command, args, env) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'inherit'] });
		children.add(child);
		let stdout = '';
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', (chunk) => {
			stdout += chunk;
		});
		child.on('error', reject);
		child.on('close', (code, signal) => {
			children.delete(child);
			if (code === 0) resolve(stdout);
			else reject(new Error(`${path.basename(args[args.length - 2] ?? command)} exited with ${signal ?? code}`));
		});
	});
}

/**
 * One setting's throughput results from its processes, as one: the rounds of every process in the order measured,
 * each contender's warm-ups (one per process).
 * @param {any[]} parts  throughput.js's output, one per process, in the order they ran
 */
function pooled(parts) {
	const [first] = parts;
	/** @type {Record<string, any[]>} */
	const runs = {};
	/** @type {Record<string, any[]>} */
	const warmUps = {};
	for (const part of parts) {
		for (const [key, list] of Object.entries(part.runs)) runs[key] = [...(runs[key] ?? []), ...list];
		for (const [key, warmUp] of Object.entries(part.warmUp)) warmUps[key] = [...(warmUps[key] ?? []), warmUp];
	}
	return {
		...first,
		config: { ...first.config, runs: Object.values(runs)[0]?.length ?? 0, processes: parts.length },
		warmUp: warmUps,
		runs,
	};
}

/** @param {number[]} values */
function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function machine() {
	const cpus = os.cpus();
	let distro = '';
	try {
		distro = /PRETTY_NAME="([^"]+)"/.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '';
	} catch {
		distro = os.type();
	}
	return {
		cpu: cpus[0]?.model.trim() ?? 'unknown',
		cores: cpus.length,
		memoryGiB: os.totalmem() / 1024 ** 3,
		os: `${distro} (${os.release()})`,
		loadAtStart: os.loadavg(),
	};
}

async function main() {
	const options = parseArgs(process.argv.slice(2));
	const started = Date.now();
	fs.mkdirSync(OUT, { recursive: true });
	const host = machine();

	const runtime = await ensureRuntime('2');
	const childEnv = { ...runtime.env, NODE_OPTIONS: '' };

	if (options.build) {
		log('npm run build');
		const result = spawnSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'inherit' });
		if (result.status !== 0) throw new Error('npm run build failed');
	}
	const packageRoot = path.join(OUT, 'package');
	fs.rmSync(packageRoot, { recursive: true, force: true });
	fs.mkdirSync(packageRoot, { recursive: true });
	fs.cpSync(path.join(REPO, 'dist'), path.join(packageRoot, 'dist'), { recursive: true });
	fs.copyFileSync(path.join(REPO, 'package.json'), path.join(packageRoot, 'package.json'));

	log('npm pack --dry-run --json');
	const packed = spawnSync('npm', ['pack', '--dry-run', '--json'], { cwd: REPO, encoding: 'utf8' });
	if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
	const [pack] = JSON.parse(packed.stdout);

	log(`load time: ${options.loadSamples} fresh processes per mode, alternating`);
	/** @type {Record<string, number[]>} */
	const loadSamples = { workflow: [], package: [], increment: [] };
	for (let i = 0; i < options.loadSamples; i++) {
		for (const mode of /** @type {const} */ (['workflow', 'package', 'increment'])) {
			const config = JSON.stringify({ mode, n8nDir: runtime.n8nDir, packageRoot });
			const out = await run(runtime.nodeBin, [path.join(__dirname, 'load-time.js'), config], childEnv);
			loadSamples[mode].push(JSON.parse(out).ms);
		}
	}

	const profileRoot = path.join(OUT, 'profiles');
	if (options.cpuProf) fs.rmSync(profileRoot, { recursive: true, force: true });
	/** @type {any[]} */
	const throughputs = [];
	for (const { items, latency } of options.settings) {
		const processes = Math.min(options.processes, options.runs);
		log(`throughput: ${items} items, ${latency} ms latency, ${options.runs} interleaved runs in ${processes} processes (each after a warm-up)`);
		const name = `${items}-items-${latency}-ms`;
		/** @type {any[]} */
		const parts = [];
		for (let part = 0; part < processes; part++) {
			const firstRound = Math.round((options.runs * part) / processes);
			const throughputFile = path.join(OUT, `throughput-${name}-${part + 1}.json`);
			fs.rmSync(throughputFile, { force: true });
			await run(
				runtime.nodeBin,
				[
					'--expose-gc',
					path.join(__dirname, 'throughput.js'),
					JSON.stringify({
						n8nDir: runtime.n8nDir,
						expressionEngine: options.expressionEngine,
						items,
						latency,
						runs: Math.round((options.runs * (part + 1)) / processes) - firstRound,
						firstRound,
						totalRuns: options.runs,
						outFile: throughputFile,
						packageRoot,
						variants: options.compare,
						diagnose: options.diagnose,
						only: options.only,
						profileDir: options.cpuProf ? path.join(profileRoot, name) : undefined,
					}),
				],
				childEnv,
			);
			parts.push(JSON.parse(fs.readFileSync(throughputFile, 'utf8')));
		}
		throughputs.push(pooled(parts));
	}

	/** @type {any[]} */
	const memory = [];
	if (options.memory) {
		const contenders = [
			'http-request',
			'okd-default',
			...options.compare.map(({ name }) => `okd-default@${name}`),
			...(options.memoryAll ? [`okd-${options.memoryItems}`] : []),
			...(options.diagnose ? ['floor-helper-5'] : []),
		];
		for (let sample = 1; sample <= options.memorySamples; sample++) {
			for (const contender of contenders) {
				log(`memory ${sample}/${options.memorySamples}: ${contender}, ${options.memoryItems} items, in a process of its own`);
				const out = await run(
					runtime.nodeBin,
					[
						'--expose-gc',
						path.join(__dirname, 'memory.js'),
						JSON.stringify({
							n8nDir: runtime.n8nDir,
							expressionEngine: options.expressionEngine,
							contender,
							items: options.memoryItems,
							latency: options.settings[0].latency,
							packageRoot,
							variants: options.compare,
						}),
					],
					childEnv,
				);
				memory.push({ ...JSON.parse(out.trim().split('\n').pop() ?? '{}'), sample });
			}
		}
	}

	const results = {
		date: new Date().toISOString(),
		argv: process.argv.slice(2),
		durationSeconds: (Date.now() - started) / 1000,
		machine: { ...host, loadAtEnd: os.loadavg(), nodeSystem: process.version, nodeRuntime: runtime.nodeVersion },
		options: { ...options, out: path.relative(REPO, options.out) },
		pack: { size: pack.size, unpackedSize: pack.unpackedSize, entryCount: pack.entryCount, files: pack.files.map((/** @type {any} */ f) => f.path) },
		load: {
			samples: loadSamples,
			workflowMs: median(loadSamples.workflow),
			packageMs: median(loadSamples.package),
			incrementMs: median(loadSamples.increment),
		},
		throughputs,
		memory,
	};
	fs.writeFileSync(path.join(OUT, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
	const { table, markdown } = report(results);
	process.stdout.write(`\n${table}\n`);
	fs.writeFileSync(options.out, withKeptSections(options.out, markdown));
	log(`wrote ${path.relative(REPO, options.out)} and bench/out/results.json in ${Math.round(results.durationSeconds)} s`);
	if (options.cpuProf) {
		for (const throughput of throughputs) {
			const { items, latency } = throughput.config;
			const profileDir = path.join(profileRoot, `${items}-items-${latency}-ms`);
			const contenders = Object.keys(throughput.runs);
			const diff = ['okd-default', 'floor-helper-5'].every((key) => contenders.includes(key)) ? ['--diff', 'okd-default,floor-helper-5'] : [];
			const summary = spawnSync(process.execPath, [path.join(__dirname, 'profile.js'), '--dir', profileDir, '--items', String(items), ...diff], {
				encoding: 'utf8',
			});
			process.stdout.write(`\n# CPU profile: ${items} items, ${latency} ms\n${summary.stdout}${summary.stderr}`);
			log(`profiles in ${path.relative(REPO, profileDir)} (open one in Chrome DevTools, or run node bench/profile.js --dir …)`);
		}
	}
}

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
	process.on(signal, () => {
		for (const child of children) child.kill('SIGTERM');
		process.exit(130);
	});
}

main().catch((error) => {
	for (const child of children) child.kill('SIGTERM');
	log(`ERROR: ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
});
