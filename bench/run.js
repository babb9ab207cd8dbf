#!/usr/bin/env node
// @ts-check
'use strict';

/*
 * `npm run bench`: the OKdokument node against n8n's HTTP Request node and a raw client, in real n8n 2.41.1
 * (its n8n-core, n8n-workflow and n8n-nodes-base, under its Node 24), against the local sandbox with simulated latency.
 *
 *   node bench/run.js [--no-build] [--runs 5] [--items 1000] [--memory-items 10000] [--latency 20]
 *                     [--expression-engine vm|legacy] [--no-memory] [--memory-all] [--load-samples 7]
 *                     [--diagnose] [--compare name=<dir with dist/>]... [--quick] [--out bench/RESULTS.md]
 *
 *   --diagnose   also run the diagnostic contenders: bench-only nodes that do the least any node does per item in n8n
 *                (floor-raw-5, floor-helper-5), and HTTP Request with the key in a header parameter
 *   --compare    another build of the package (a folder holding dist/, e.g. a candidate fix), run in the same process
 *                with the same settings (okd-default@name, okd-<items>@name)
 *   --quick      a smoke test: 200 items, 1 run, 1,000 items for memory
 *
 * Steps: prepare the runtime (scripts/n8n-runtime.js), `npm run build`, copy dist/ to bench/out/package (so that a
 * rebuild running elsewhere cannot change what is measured half-way), `npm pack --dry-run --json`, load-time samples
 * (fresh processes), throughput (one process, all contenders interleaved), peak memory (one process per contender),
 * then the table: printed, and written to bench/RESULTS.md with the machine and the raw numbers.
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
		runs: 5,
		items: 1000,
		memoryItems: 10_000,
		latency: 20,
		expressionEngine: /** @type {'vm' | 'legacy'} */ ('vm'),
		memory: true,
		memoryAll: false,
		diagnose: false,
		loadSamples: 7,
		/** @type {Array<{ name: string, packageRoot: string }>} */
		compare: [],
		out: path.join(__dirname, 'RESULTS.md'),
	};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s);
		const value = () => {
			const v = inline ?? argv[++i];
			if (v === undefined) throw new Error(`${flag} needs a value`);
			return v;
		};
		const count = () => {
			const n = Number(value());
			if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a whole number`);
			return n;
		};
		if (flag === '--no-build') options.build = false;
		else if (flag === '--runs') options.runs = Math.max(1, count());
		else if (flag === '--items') options.items = Math.max(1, count());
		else if (flag === '--memory-items') options.memoryItems = Math.max(1, count());
		else if (flag === '--latency') options.latency = count();
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
			Object.assign(options, { runs: 1, items: 200, memoryItems: 1000, loadSamples: 3 });
		} else if (flag === '--out') options.out = path.resolve(value());
		else if (flag === '--help' || flag === '-h') {
			process.stdout.write(`${fs.readFileSync(__filename, 'utf8').split('*/')[0]}*/\n`);
			process.exit(0);
		} else throw new Error(`Unexpected argument "${argv[i]}"`);
	}
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

	log(`throughput: ${options.items} items, ${options.latency} ms latency, warm-up + ${options.runs} interleaved runs`);
	const throughputFile = path.join(OUT, 'throughput.json');
	fs.rmSync(throughputFile, { force: true });
	await run(
		runtime.nodeBin,
		[
			'--expose-gc',
			path.join(__dirname, 'throughput.js'),
			JSON.stringify({
				n8nDir: runtime.n8nDir,
				expressionEngine: options.expressionEngine,
				items: options.items,
				latency: options.latency,
				runs: options.runs,
				outFile: throughputFile,
				packageRoot,
				variants: options.compare,
				diagnose: options.diagnose,
			}),
		],
		childEnv,
	);
	const throughput = JSON.parse(fs.readFileSync(throughputFile, 'utf8'));

	/** @type {any[]} */
	const memory = [];
	if (options.memory) {
		const contenders = [
			'http-request',
			'okd-default',
			...options.compare.map(({ name }) => `okd-default@${name}`),
			...(options.memoryAll ? [`okd-${options.memoryItems}`] : []),
		];
		for (const contender of contenders) {
			log(`memory: ${contender}, ${options.memoryItems} items, in a process of its own`);
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
						latency: options.latency,
						packageRoot,
						variants: options.compare,
					}),
				],
				childEnv,
			);
			memory.push(JSON.parse(out.trim().split('\n').pop() ?? '{}'));
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
		throughput,
		memory,
	};
	fs.writeFileSync(path.join(OUT, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
	const { table, markdown } = report(results);
	process.stdout.write(`\n${table}\n`);
	fs.writeFileSync(options.out, withKeptSections(options.out, markdown));
	log(`wrote ${path.relative(REPO, options.out)} and bench/out/results.json in ${Math.round(results.durationSeconds)} s`);
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
