// @ts-check
'use strict';

/*
 * Peak memory of one contender for one big run, in a process of its own (started by bench/run.js under the n8n
 * runtime's Node 24 with --expose-gc), so that the peaks of different contenders never mix.
 *
 * Baseline: after loading everything and a 20-item warm-up run of the same contender (so that code loaded lazily on
 * the first request is not counted), then a full GC. Peak: the highest RSS during the measured run, from the kernel's
 * high-water mark (process.resourceUsage().maxRSS, if it rose during the run) and from sampling every 5 ms.
 *
 *   <node24> --expose-gc bench/memory.js '<json config>'   (prints one JSON line on stdout)
 */

const { performance } = require('node:perf_hooks');

const { setUp } = require('./lib/setup');
const { idsFor } = require('./lib/contenders');

/**
 * @typedef {object} Config
 * @property {string} n8nDir
 * @property {'vm' | 'legacy'} expressionEngine
 * @property {string} contender  okd-default | okd-<n> | http-request | http-request-header | floor-helper-5, okd-…@<variant>
 * @property {number} items
 * @property {number} latency
 * @property {string} [packageRoot]
 * @property {Array<{ name: string, packageRoot: string }>} [variants]  see throughput.js
 */

async function main() {
	/** @type {Config} */
	const config = JSON.parse(process.argv[2] ?? '{}');
	const gc = /** @type {() => void} */ (globalThis.gc);
	const bench = await setUp({
		n8nDir: config.n8nDir,
		expressionEngine: config.expressionEngine,
		sandboxIds: idsFor(config.items),
		latency: config.latency,
		packageRoot: config.packageRoot,
	});
	try {
		const match = /^okd-(default|\d+)(?:@(.+))?$/.exec(config.contender);
		if (match) {
			const wanted = config.variants?.find((v) => v.name === match[2]);
			if (match[2] && !wanted) throw new Error(`unknown variant ${match[2]}`);
			const variant = wanted ? await bench.variant(wanted.name, wanted.packageRoot) : undefined;
			bench.okd(match[1] === 'default' ? undefined : Number(match[1]), variant);
		} else if (config.contender.startsWith('http-request')) bench.addHttpRequest(true);
		else if (/^floor-(raw|helper)-\d+$/.test(config.contender)) {
			const [, how, concurrency] = config.contender.split('-');
			bench.floor(/** @type {'raw' | 'helper'} */ (how), Number(concurrency));
		} else throw new Error(`unknown contender ${config.contender}`);
		const contender = bench.contenders[config.contender];
		if (!contender) throw new Error(`unknown contender ${config.contender}`);

		const warm = await contender.run(20);
		if (warm !== 20) throw new Error(`warm-up: ${warm} good answers of 20`);
		await bench.sandbox.clear();
		gc();
		await new Promise((resolve) => setTimeout(resolve, 100));
		gc();
		const baseline = process.memoryUsage();
		const hwmBefore = process.resourceUsage().maxRSS * 1024;

		let sampledPeak = baseline.rss;
		let heapPeak = baseline.heapUsed;
		const sampler = setInterval(() => {
			const now = process.memoryUsage();
			if (now.rss > sampledPeak) sampledPeak = now.rss;
			if (now.heapUsed > heapPeak) heapPeak = now.heapUsed;
		}, 5);
		const started = performance.now();
		const good = await contender.run(config.items);
		const ms = performance.now() - started;
		clearInterval(sampler);
		const end = process.memoryUsage();
		sampledPeak = Math.max(sampledPeak, end.rss);
		heapPeak = Math.max(heapPeak, end.heapUsed);
		const hwmAfter = process.resourceUsage().maxRSS * 1024;
		const stats = await bench.sandbox.stats();
		if (good !== config.items) throw new Error(`${good} good answers of ${config.items}`);
		if (stats.count !== config.items) throw new Error(`the sandbox received ${stats.count} requests`);

		const peakRss = hwmAfter > hwmBefore ? Math.max(hwmAfter, sampledPeak) : sampledPeak;
		process.stdout.write(
			`${JSON.stringify({
				contender: config.contender,
				label: contender.label,
				items: config.items,
				ms,
				maxConcurrent: stats.maxConcurrent,
				baselineRss: baseline.rss,
				baselineHeapUsed: baseline.heapUsed,
				peakRss,
				peakRssDelta: peakRss - baseline.rss,
				peakHeapUsed: heapPeak,
				peakHeapDelta: heapPeak - baseline.heapUsed,
				hwmBefore,
				hwmAfter,
				sampledPeak,
			})}\n`,
		);
	} finally {
		await bench.tearDown();
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
