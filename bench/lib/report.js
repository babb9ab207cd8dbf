// @ts-check
'use strict';

/*
 * Turns bench/out/results.json into the printed table and bench/RESULTS.md. Every comparison is a ratio between
 * contenders measured in the same run (same process for throughput, same machine state for memory).
 */

/** @param {number[]} values */
function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const f0 = (/** @type {number} */ n) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
const f1 = (/** @type {number} */ n) => n.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const f2 = (/** @type {number} */ n) => (n !== 0 && Math.abs(n) < 0.1 ? n.toPrecision(2) : n.toFixed(2));
const mib = (/** @type {number} */ bytes) => `${f0(bytes / 1024 ** 2)} MiB`;
/** @param {{ value: number | undefined, ok: boolean, info?: boolean }} target */
const status = (target) =>
	target.value === undefined ? 'not measured' : target.info ? (target.ok ? '≥ 1' : '< 1') : target.ok ? 'MET' : 'NOT MET';

/**
 * @param {any} results  bench/out/results.json
 * @returns {{ table: string, markdown: string }}
 */
function report(results) {
	const t = results.throughput;
	const { items, latency } = t.config;
	/** @type {Record<string, { label: string, kind: string, concurrency: number, allAtOnce: boolean }>} */
	const contenders = t.contenders;
	/** @type {Record<string, { ms: number, cpuMs: number }>} */
	const med = {};
	for (const [key, runs] of Object.entries(/** @type {Record<string, any[]>} */ (t.runs))) {
		med[key] = { ms: median(runs.map((r) => r.ms)), cpuMs: median(runs.map((r) => r.cpuMs)) };
	}
	const matchedKey = `okd-${items}`;
	const httpMs = med['http-request']?.ms;
	/** @type {Record<string, any[]>} */
	const runsOf = t.runs;
	/**
	 * Throughput of `key` relative to `other` (> 1: `key` is faster): the median over rounds of the ratio within each
	 * round (the two ran minutes apart at most, under the same machine load), which is steadier than a ratio of medians.
	 * @param {string} key @param {string} other
	 */
	const pairedRatios = (key, other) => {
		const a = runsOf[key];
		const b = runsOf[other];
		if (!a || !b) return undefined;
		return a.slice(0, Math.min(a.length, b.length)).map((run, i) => b[i].ms / run.ms);
	};
	const vs = (/** @type {string} */ key, /** @type {string} */ other) => {
		const ratios = pairedRatios(key, other);
		return ratios?.length ? median(ratios) : undefined;
	};
	const ideal = (/** @type {string} */ key) => (items * latency) / contenders[key].concurrency;
	const rawFor = (/** @type {string} */ key) => {
		const c = contenders[key].concurrency;
		return med[`raw-${c}`] ? `raw-${c}` : undefined;
	};

	const rows = Object.keys(med).map((key) => {
		const { ms, cpuMs } = med[key];
		const raw = rawFor(key);
		const all = runsOf[key].map((r) => r.ms);
		return {
			key,
			range: `${f0(Math.min(...all))}–${f0(Math.max(...all))}`,
			label: contenders[key].label,
			concurrency: contenders[key].allAtOnce ? `all (${contenders[key].concurrency})` : String(contenders[key].concurrency),
			ms,
			perSecond: (items / ms) * 1000,
			cpuPerItem: cpuMs / items,
			ideal: ideal(key) / ms,
			http: httpMs ? vs(key, 'http-request') : undefined,
			raw: raw && raw !== key ? vs(key, raw) : undefined,
			rawKey: raw,
		};
	});

	const opt = (/** @type {number | undefined} */ n) => (n === undefined ? '–' : f2(n));
	const header = ['contender', 'in flight', 'median ms', 'range ms', 'items/s', 'CPU ms/item', '× ideal', '× HTTP Request', '× raw same conc.'];
	const body = rows.map((r) => [r.key, r.concurrency, f0(r.ms), r.range, f0(r.perSecond), f2(r.cpuPerItem), f2(r.ideal), opt(r.http), opt(r.raw)]);

	// Memory
	/** @type {Record<string, any>} */
	const mem = Object.fromEntries((results.memory ?? []).map((m) => [m.contender, m]));
	const memRatio = (/** @type {string} */ key) =>
		mem[key] && mem['http-request'] ? mem[key].peakRssDelta / mem['http-request'].peakRssDelta : undefined;

	// Targets
	const defaultIdeal = med['okd-default'] ? ideal('okd-default') / med['okd-default'].ms : undefined;
	const matched = vs(matchedKey, 'http-request');
	const roundsMet = (/** @type {number[] | undefined} */ ratios, /** @type {(r: number) => boolean} */ ok) =>
		ratios ? ` (${ratios.filter(ok).length} of ${ratios.length} runs)` : '';
	const defaultRounds = roundsMet(runsOf['okd-default']?.map((r) => ideal('okd-default') / r.ms), (r) => r >= 0.85);
	const matchedRounds = roundsMet(pairedRatios(matchedKey, 'http-request'), (r) => r >= 1);
	const memDefault = memRatio('okd-default');
	const targets = [
		{
			what: `Throughput at default settings ≥ 0.85 × ideal (${f0(items)} × ${latency} ms / 5 = ${f0(ideal('okd-default'))} ms)`,
			value: defaultIdeal,
			ok: defaultIdeal !== undefined && defaultIdeal >= 0.85,
			note: defaultRounds,
		},
		{
			what: `Throughput at HTTP Request's concurrency (${f0(items)} at once) ≥ 1.0 × HTTP Request`,
			value: matched,
			ok: matched !== undefined && matched >= 1,
			note: matchedRounds,
		},
		{
			what: `Peak memory for ${f0(mem['okd-default']?.items ?? results.options?.memoryItems ?? 0)} items at default settings ≤ 1.0 × HTTP Request`,
			value: memDefault,
			ok: memDefault !== undefined && memDefault <= 1,
			note: '',
		},
	];

	if (med['okd-50'] && med['http-request'] && items > 50) {
		const at50 = vs('okd-50', 'http-request');
		targets.push({
			what: 'For information: at the editor\'s maximum today (Requests in Parallel = 50) × HTTP Request',
			value: at50,
			ok: at50 !== undefined && at50 >= 1,
			note: roundsMet(pairedRatios('okd-50', 'http-request'), (r) => r >= 1),
			info: true,
		});
	}
	const lines = [];
	lines.push(`Throughput: ${f0(items)} items, ${latency} ms latency, ${t.config.runs} interleaved runs (expression engine: ${t.config.expressionEngine}); ratios: median of per-round ratios`);
	lines.push(textTable(header, body));
	if (results.memory?.length) {
		lines.push('');
		lines.push(`Peak memory (RSS above the baseline after loading), ${f0(results.memory[0].items)} items, one process each`);
		lines.push(
			textTable(
				['contender', 'peak RSS Δ', 'peak heap Δ', 'time ms', '× HTTP Request'],
				results.memory.map((m) => [m.contender, mib(m.peakRssDelta), mib(m.peakHeapDelta), f0(m.ms), opt(memRatio(m.contender))]),
			),
		);
	}
	lines.push('');
	lines.push(
		`Load time (median of ${results.load.samples.workflow.length} fresh processes): n8n-workflow alone ${f1(results.load.workflowMs)} ms, ` +
			`the node (with n8n-workflow) ${f1(results.load.packageMs)} ms (Δ ${f1(results.load.packageMs - results.load.workflowMs)} ms); ` +
			`node + credential after n8n-workflow is loaded ${f1(results.load.incrementMs)} ms`,
	);
	lines.push(`Packed: ${f0(results.pack.size)} bytes (${f0(results.pack.unpackedSize)} unpacked, ${results.pack.entryCount} files)`);
	lines.push('');
	for (const target of targets) lines.push(`${status(target).padEnd(12)} ${target.what}: ${opt(target.value)}${target.note}`);
	const table = lines.join('\n');

	// Markdown
	const m = results.machine;
	const v = t.versions;
	const md = [];
	md.push('# Benchmark results');
	md.push('');
	md.push('Written by `npm run bench` (`bench/run.js`); raw data in `bench/out/results.json` (not committed). Timings on a shared');
	md.push('machine are noisy, so every comparison below is a ratio between contenders measured in the same run: throughput in');
	md.push('one process with the contenders interleaved, memory in one process per contender, one after the other.');
	md.push('');
	md.push('## Machine and versions');
	md.push('');
	md.push('| | |');
	md.push('| --- | --- |');
	md.push(`| Date | ${results.date} |`);
	md.push(`| CPU | ${m.cpu}, ${m.cores} cores |`);
	md.push(`| Memory | ${f1(m.memoryGiB)} GiB |`);
	md.push(`| OS | ${m.os} |`);
	md.push(`| Load average (1/5/15 min) | start ${m.loadAtStart.map(f2).join(' / ')}, end ${m.loadAtEnd.map(f2).join(' / ')} |`);
	md.push(`| Node | ${v.node} for n8n (the runtime's), ${m.nodeSystem} for the orchestrator |`);
	md.push(`| n8n | ${v.n8n} (n8n-core ${v.n8nCore}, n8n-workflow ${v.n8nWorkflow}, n8n-nodes-base ${v.n8nNodesBase}); HTTP Request node version ${v.httpRequestTypeVersion} |`);
	md.push(`| Expression engine | \`${t.config.expressionEngine}\`${t.config.expressionEngine === 'vm' ? ' (n8n 2.x default: isolated-vm)' : ''} |`);
	md.push(`| Run took | ${f0(results.durationSeconds)} s (\`node bench/run.js${results.argv?.length ? ` ${results.argv.join(' ')}` : ''}\`) |`);
	md.push('');
	md.push('## Targets');
	md.push('');
	md.push('| Target | Measured | |');
	md.push('| --- | --- | --- |');
	for (const target of targets) md.push(`| ${target.what} | ${opt(target.value)}${target.note} | **${status(target)}** |`);
	md.push('');
	md.push(`## Throughput: ${f0(items)} items, ${latency} ms simulated latency`);
	md.push('');
	md.push(`${t.config.runs} runs per contender after one warm-up run each, interleaved (each round runs every contender once, in a`);
	md.push('rotating order). "× ideal": ideal time (items × latency / in flight) ÷ median time. "× HTTP Request" and "× raw": throughput');
	md.push('relative to that contender (above 1: faster), the median over rounds of the ratio within each round. CPU ms/item: CPU');
	md.push('time of the whole process during the run, per item (median).');
	md.push('');
	md.push(mdTable(header, body));
	md.push('');
	for (const r of rows) md.push(`- \`${r.key}\`: ${r.label}`);
	md.push('');
	if (results.memory?.length) {
		md.push(`## Peak memory: ${f0(results.memory[0].items)} items`);
		md.push('');
		md.push('Peak RSS during the run minus RSS after loading, a 20-item warm-up of the same contender and a full GC; the peak is');
		md.push('the kernel high-water mark (`resourceUsage().maxRSS`) when it rose during the run, else the highest 5 ms sample.');
		md.push('');
		md.push(
			mdTable(
				['contender', 'peak RSS Δ', 'peak heap Δ', 'baseline RSS', 'time ms', 'max in flight', '× HTTP Request'],
				results.memory.map((x) => [x.contender, mib(x.peakRssDelta), mib(x.peakHeapDelta), mib(x.baselineRss), f0(x.ms), f0(x.maxConcurrent), opt(memRatio(x.contender))]),
			),
		);
		md.push('');
	}
	md.push('## Package');
	md.push('');
	md.push(`- Load time, median of ${results.load.samples.workflow.length} fresh Node ${v.node} processes each: \`require('n8n-workflow')\` alone`);
	md.push(`  ${f1(results.load.workflowMs)} ms; \`require('dist/nodes/OkDokument/OkDokument.node.js')\` (which loads n8n-workflow)`);
	md.push(`  ${f1(results.load.packageMs)} ms, a difference of ${f1(results.load.packageMs - results.load.workflowMs)} ms; the node and its credential`);
	md.push(`  required after n8n-workflow is already loaded (as in n8n): ${f1(results.load.incrementMs)} ms.`);
	md.push(`- Packed (\`npm pack --dry-run --json\`): ${f0(results.pack.size)} bytes, ${f0(results.pack.unpackedSize)} bytes unpacked, ${results.pack.entryCount} files.`);
	md.push('');
	md.push('## Raw numbers');
	md.push('');
	md.push('Throughput runs (ms wall / ms CPU / most requests in flight at the sandbox), in the order measured per contender:');
	md.push('');
	for (const [key, runs] of Object.entries(/** @type {Record<string, any[]>} */ (t.runs))) {
		const warm = t.warmUp[key];
		md.push(`- \`${key}\`: warm-up ${f0(warm.ms)}; ${runs.map((r) => `${f0(r.ms)} / ${f0(r.cpuMs)} / ${r.maxConcurrent}`).join('; ')}`);
	}
	md.push('');
	if (results.memory?.length) {
		md.push('Memory (bytes):');
		md.push('');
		md.push('```json');
		for (const x of results.memory) {
			md.push(JSON.stringify({ contender: x.contender, items: x.items, ms: Math.round(x.ms), baselineRss: x.baselineRss, peakRss: x.peakRss, peakRssDelta: x.peakRssDelta, baselineHeapUsed: x.baselineHeapUsed, peakHeapUsed: x.peakHeapUsed, hwmBefore: x.hwmBefore, hwmAfter: x.hwmAfter, sampledPeak: x.sampledPeak }));
		}
		md.push('```');
		md.push('');
	}
	md.push(`Load time samples (ms): n8n-workflow ${results.load.samples.workflow.map(f1).join(', ')}; node ${results.load.samples.package.map(f1).join(', ')}; increment ${results.load.samples.increment.map(f1).join(', ')}.`);
	md.push('');
	md.push('## How each contender is set up');
	md.push('');
	md.push('All run the same request, `PATCH {sandbox}/JSON/signatureRequest` with `{signatureRequestId, sendInfoURL, resulturl}` taken');
	md.push('from three expressions per item (`{{ $json.id }}`, `{{ $json.callback }}`, `{{ $json.redirect }}`) and the key in `x-api-key`,');
	md.push('against the same sandbox process; every run is checked (every item answered `msg.updated`, one request per item, each ID once).');
	md.push('');
	md.push('- OKdokument node: the built `dist/` as n8n loads it (its `n8n-workflow` is the n8n install\'s), Signature Request → Update,');
	md.push('  OKdokument API credential (Custom base URL). Defaults, or Options → Requests in Parallel set in the parameters.');
	md.push(`- HTTP Request ${v.httpRequestTypeVersion}: method PATCH, URL, Send Body JSON "Using Fields Below" with the three expressions,`);
	md.push('  Authentication "Generic Credential Type" → Header Auth (`x-api-key`). No Batching option: it sends every item at once.');
	md.push('  `http-request-header`, if listed, puts the key in a header parameter instead (no credential read per item).');
	md.push('- Both run in n8n-core\'s `WorkflowExecute` (Trigger → Items → node), production mode (`trigger`), with credentials stored');
	md.push('  encrypted and decrypted by n8n-core\'s `Credentials` on every read, as n8n\'s CredentialsHelper does (its database read is');
	md.push('  the only part left out). Logging at `warn` (n8n\'s default `info` also turns debug logging into a no-op).');
	md.push('- `raw-N`: `node:http` with one keep-alive agent, N requests in flight, outside n8n.');
	md.push('- `floor-*` (diagnostics, bench-only nodes): read the same three expressions per item in the engine and send with a raw');
	md.push('  keep-alive client (`floor-raw`) or with n8n\'s `httpRequest` helper and the key read once (`floor-helper`): the least any');
	md.push('  node does per item in n8n.');
	md.push('');
	return { table, markdown: `${md.join('\n')}\n` };
}

/** @param {string[]} header @param {string[][]} rows */
function textTable(header, rows) {
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
	const line = (/** @type {string[]} */ cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
	return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** @param {string[]} header @param {string[][]} rows */
function mdTable(header, rows) {
	return [
		`| ${header.join(' | ')} |`,
		`| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
		...rows.map((r) => `| ${r.map((c, i) => (i === 0 ? `\`${c}\`` : c)).join(' | ')} |`),
	].join('\n');
}

module.exports = { report, median };
