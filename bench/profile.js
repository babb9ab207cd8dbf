#!/usr/bin/env node
// @ts-check
'use strict';

/*
 * Summarises the CPU profiles that `npm run bench -- --cpu-prof` writes (one per measured run, see throughput.js):
 * per contender, CPU time per item by package and by function (self and inclusive), and what one contender spends
 * per item beyond another, function by function.
 *
 *   node bench/profile.js [--dir bench/out/profiles/1000-items-20-ms] [--items 1000] [--top 25] [--diff okd-default,floor-helper-5]
 *
 * Times are sampled (every 200 µs), so a function under ~5 µs per item is noise; idle time is left out. The profiler
 * itself slows the process, so compare contenders of the same profiled run, never with an unprofiled one.
 */

const fs = require('node:fs');
const path = require('node:path');

const OUT = path.join(__dirname, 'out');

function parseArgs(/** @type {string[]} */ argv) {
	const options = { dir: path.join(OUT, 'profiles', '1000-items-20-ms'), items: 0, top: 25, diff: /** @type {string[] | undefined} */ (undefined) };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s);
		const value = () => inline ?? argv[++i] ?? '';
		if (flag === '--dir') options.dir = path.resolve(value());
		else if (flag === '--items') options.items = Number(value());
		else if (flag === '--top') options.top = Number(value());
		else if (flag === '--diff') options.diff = value().split(',');
		else throw new Error(`Unexpected argument "${argv[i]}"`);
	}
	// run.js names each setting's folder "<items>-items-<latency>-ms".
	if (!options.items) options.items = Number(/(\d+)-items-\d+-ms$/.exec(options.dir)?.[1] ?? 1000);
	return options;
}

/** "execute @n8n/expression-runtime/dist/cjs/bridge/isolated-vm-bridge.js:373", "send okd:transport/index.js:143" */
function frameName(/** @type {any} */ callFrame) {
	const url = String(callFrame.url)
		.replace(/^file:\/\//, '')
		.replace(/.*\/dist\/nodes\/OkDokument\//, 'okd:')
		.replace(/.*\/dist\/credentials\//, 'okd:credentials/')
		.replace(/.*node_modules\//, '');
	return `${callFrame.functionName || '(anonymous)'}${url ? ` ${url}:${callFrame.lineNumber + 1}` : ''}`;
}

/** The package a frame belongs to: "okdokument", "n8n-workflow", "node:net", "(garbage collector)", … */
function packageOf(/** @type {any} */ callFrame) {
	const url = String(callFrame.url);
	if (!url) return callFrame.functionName.startsWith('(') ? callFrame.functionName : '(native)';
	if (/\/dist\/(nodes\/OkDokument|credentials)\//.test(url)) return 'okdokument';
	const inModules = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
	if (inModules) return inModules[1];
	if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
	return path.relative(path.resolve(__dirname, '..'), url.replace(/^file:\/\//, ''));
}

/**
 * Milliseconds by package, by function (self) and by function (inclusive: once per sample however deep the
 * recursion), over all profiles of one contender.
 * @param {string[]} files
 */
function summarise(files) {
	const byPackage = new Map();
	const self = new Map();
	const inclusive = new Map();
	let busyMs = 0;
	const add = (/** @type {Map<string, number>} */ map, /** @type {string} */ key, /** @type {number} */ ms) => map.set(key, (map.get(key) ?? 0) + ms);
	for (const file of files) {
		const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
		/** @type {Map<number, any>} */
		const nodes = new Map(profile.nodes.map((/** @type {any} */ node) => [node.id, node]));
		/** @type {Map<number, number>} */
		const parent = new Map();
		for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
		// A sample stands for the time until the next one (as Chrome DevTools counts it).
		profile.samples.forEach((/** @type {number} */ id, /** @type {number} */ i) => {
			const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
			const leaf = nodes.get(id);
			if (leaf.callFrame.functionName === '(idle)') return;
			busyMs += ms;
			add(byPackage, packageOf(leaf.callFrame), ms);
			add(self, frameName(leaf.callFrame), ms);
			const seen = new Set();
			for (let at = /** @type {number | undefined} */ (id); at !== undefined; at = parent.get(at)) {
				const name = frameName(nodes.get(at).callFrame);
				if (!seen.has(name)) add(inclusive, name, ms);
				seen.add(name);
			}
		});
	}
	return { busyMs, byPackage, self, inclusive, runs: files.length };
}

/** @param {Map<string, number>} map @param {number} perItem @param {number} top @param {RegExp} [only] */
function lines(map, perItem, top, only) {
	return [...map]
		.filter(([name]) => !only || only.test(name))
		.sort((a, b) => b[1] - a[1])
		.slice(0, top)
		.map(([name, ms]) => `${(ms * perItem).toFixed(1).padStart(9)} µs/item  ${name}`);
}

function main() {
	const options = parseArgs(process.argv.slice(2));
	const files = fs.readdirSync(options.dir).filter((name) => name.endsWith('.cpuprofile'));
	/** @type {Map<string, string[]>} */
	const byContender = new Map();
	for (const name of files) {
		const key = name.replace(/\.run\d+\.cpuprofile$/, '');
		byContender.set(key, [...(byContender.get(key) ?? []), path.join(options.dir, name)]);
	}
	const summaries = new Map([...byContender].map(([key, list]) => [key, summarise(list)]));
	const out = [];
	for (const [key, summary] of summaries) {
		const perItem = 1000 / (options.items * summary.runs);
		out.push(`\n## ${key}: ${(summary.busyMs * perItem).toFixed(0)} µs of sampled CPU per item (${summary.runs} runs of ${options.items} items)`);
		out.push('\nby package (self):', ...lines(summary.byPackage, perItem, 12));
		out.push('\nby function (self):', ...lines(summary.self, perItem, options.top));
		out.push(
			'\nthe node and the n8n calls it makes (inclusive):',
			...lines(summary.inclusive, perItem, options.top, /okd:|httpRequest|getNodeParameter|getNode |authenticate|getCredentials|constructExecutionMetaData/),
		);
	}
	if (options.diff) {
		const [a, b] = options.diff.map((key) => summaries.get(key));
		if (!a || !b) throw new Error(`--diff: no profiles for ${options.diff.filter((key) => !summaries.has(key)).join(', ')}`);
		const perItemA = 1000 / (options.items * a.runs);
		const perItemB = 1000 / (options.items * b.runs);
		/** @type {Map<string, number>} */
		const delta = new Map();
		for (const name of new Set([...a.self.keys(), ...b.self.keys()])) {
			delta.set(name, (a.self.get(name) ?? 0) * perItemA - (b.self.get(name) ?? 0) * perItemB);
		}
		out.push(`\n## ${options.diff[0]} − ${options.diff[1]}: ${(a.busyMs * perItemA - b.busyMs * perItemB).toFixed(0)} µs of sampled CPU per item; by function (self):`);
		out.push(...lines(delta, 1, options.top));
	}
	process.stdout.write(`${out.join('\n')}\n`);
}

main();
