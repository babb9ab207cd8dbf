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
const opt = (/** @type {number | undefined} */ n) => (n === undefined ? '–' : f2(n));

/** The contender every target is measured against: three expressions and n8n's httpRequest helper, nothing else. */
const FLOOR = 'floor-helper-5';

/**
 * @typedef {object} Target
 * @property {string} what
 * @property {string} setting  which throughput run it comes from ('' for memory)
 * @property {number | undefined} value
 * @property {boolean} ok
 * @property {string} note
 * @property {boolean} [info]  for information only: no MET / NOT MET
 */

/** @param {Target} target */
const status = (target) =>
	target.value === undefined ? 'not measured' : target.info ? (target.ok ? '≥ 1' : '< 1') : target.ok ? 'MET' : 'NOT MET';

/**
 * One throughput run (one setting of items and latency): the table, the targets measured in it, the raw numbers.
 * @param {any} t  one entry of results.throughputs
 */
function throughputSection(t) {
	const { items, latency } = t.config;
	const setting = `${f0(items)} items, ${latency} ms`;
	/** @type {Record<string, { label: string, kind: string, concurrency: number, allAtOnce: boolean }>} */
	const contenders = t.contenders;
	/** @type {Record<string, Array<{ ms: number, cpuMs: number, maxConcurrent: number }>>} */
	const runsOf = t.runs;
	/** @type {Record<string, { ms: number, cpuMs: number }>} */
	const med = {};
	for (const [key, runs] of Object.entries(runsOf)) {
		med[key] = { ms: median(runs.map((r) => r.ms)), cpuMs: median(runs.map((r) => r.cpuMs)) };
	}

	/**
	 * `measure(run of key, run of other)` for each round in which both ran: the two ran minutes apart at most, under
	 * the same machine load, which makes the median of these steadier than a ratio of medians.
	 * @param {string} key @param {string} other @param {(a: { ms: number, cpuMs: number }, b: { ms: number, cpuMs: number }) => number} measure
	 */
	const perRound = (key, other, measure) => {
		const a = runsOf[key];
		const b = runsOf[other];
		if (!a || !b) return undefined;
		return a.slice(0, Math.min(a.length, b.length)).map((run, i) => measure(run, b[i]));
	};
	/** Throughput of `key` relative to `other`: above 1, `key` is faster. */
	const speed = (/** @type {string} */ key, /** @type {string} */ other) => perRound(key, other, (a, b) => b.ms / a.ms);
	/** CPU time of `key` relative to `other`: below 1, `key` needs less. */
	const cpu = (/** @type {string} */ key, /** @type {string} */ other) => perRound(key, other, (a, b) => a.cpuMs / b.cpuMs);
	const mid = (/** @type {number[] | undefined} */ ratios) => (ratios?.length ? median(ratios) : undefined);
	const ideal = (/** @type {string} */ key) => (items * latency) / contenders[key].concurrency;
	const rawFor = (/** @type {string} */ key) => {
		const key2 = `raw-${contenders[key].concurrency}`;
		return med[key2] && key2 !== key ? key2 : undefined;
	};

	const header = ['contender', 'in flight', 'median ms', 'range ms', 'items/s', 'CPU ms/item', `CPU × ${FLOOR}`, `× ${FLOOR}`, '× HTTP Request', '× raw same conc.', '× ideal'];
	const rows = Object.keys(med).map((key) => {
		const all = runsOf[key].map((r) => r.ms);
		const raw = rawFor(key);
		return {
			key,
			label: contenders[key].label,
			cells: [
				key,
				contenders[key].allAtOnce ? `all (${contenders[key].concurrency})` : String(contenders[key].concurrency),
				f0(med[key].ms),
				`${f0(Math.min(...all))}–${f0(Math.max(...all))}`,
				f0((items / med[key].ms) * 1000),
				f2(med[key].cpuMs / items),
				opt(key === FLOOR ? undefined : mid(cpu(key, FLOOR))),
				opt(key === FLOOR ? undefined : mid(speed(key, FLOOR))),
				opt(key === 'http-request' ? undefined : mid(speed(key, 'http-request'))),
				opt(raw ? mid(speed(key, raw)) : undefined),
				f2(ideal(key) / med[key].ms),
			],
		};
	});

	/**
	 * @param {string} what @param {number[] | undefined} ratios @param {(r: number) => boolean} ok
	 * @param {boolean} [info]
	 * @returns {Target}
	 */
	const target = (what, ratios, ok, info = false) => {
		const value = mid(ratios);
		return {
			what,
			setting,
			value,
			ok: value !== undefined && ok(value),
			note: ratios ? ` (${ratios.filter(ok).length} of ${ratios.length} runs)` : '',
			info,
		};
	};
	const allAtOnce = `okd-${items}`;
	/** @type {Target[]} */
	const targets = [
		target(`CPU per item at default settings ≤ 1.05 × ${FLOOR}'s`, cpu('okd-default', FLOOR), (r) => r <= 1.05),
		target(`Throughput at default settings ≥ 0.95 × ${FLOOR}'s`, speed('okd-default', FLOOR), (r) => r >= 0.95),
		target(`All items at once (${f0(items)} in parallel) ≥ 1.0 × HTTP Request with the key in a header parameter`, speed(allAtOnce, 'http-request-header'), (r) => r >= 1),
		target(`All items at once (${f0(items)} in parallel) ≥ 1.25 × HTTP Request with a Header Auth credential`, speed(allAtOnce, 'http-request'), (r) => r >= 1.25),
	];
	if (med['okd-50'] && med['http-request'] && items > 50) {
		targets.push(target("For information: Requests in Parallel = 50 (the editor's maximum) × HTTP Request", speed('okd-50', 'http-request'), (r) => r >= 1, true));
	}

	const text = [
		`Throughput: ${setting} latency, ${t.config.runs} interleaved runs in ${processesOf(t)} (expression engine: ${t.config.expressionEngine}); ratios: median of per-round ratios`,
		textTable(header, rows.map((r) => r.cells)),
	];
	const md = [
		`## Throughput: ${f0(items)} items, ${latency} ms simulated latency`,
		'',
		`${t.config.runs} runs per contender in ${processesOf(t)}${t.config.processes > 1 ? ' (one after the other, their rounds pooled)' : ''}, each`,
		'process starting with one warm-up run per contender; interleaved (each round runs every contender once, in a rotating',
		`order). "CPU × ${FLOOR}": CPU time relative to that contender (below 1: less); "× ${FLOOR}", "× HTTP Request"`,
		'and "× raw": throughput relative to that contender (above 1: faster); each the median over rounds of the ratio within',
		'each round. CPU ms/item: CPU time of the whole process during the run, per item (median). "× ideal": items × latency /',
		'in flight ÷ median time.',
		'',
		mdTable(header, rows.map((r) => r.cells)),
		'',
		...rows.map((r) => `- \`${r.key}\`: ${r.label}`),
		'',
	];
	const raw = [
		`Throughput runs, ${setting} (ms wall / ms CPU / most requests in flight at the sandbox), in the order measured per contender:`,
		'',
		...Object.entries(runsOf).map(
			([key, runs]) => `- \`${key}\`: warm-up ${warmUpsOf(t.warmUp[key])}; ${runs.map((r) => `${f0(r.ms)} / ${f0(r.cpuMs)} / ${r.maxConcurrent}`).join('; ')}`,
		),
		'',
	];
	return { targets, text, md, raw };
}

/**
 * @param {any} results  bench/out/results.json
 * @returns {{ table: string, markdown: string }}
 */
function report(results) {
	/** @type {any[]} */
	const throughputs = results.throughputs;
	const sections = throughputs.map(throughputSection);
	const v = throughputs[0].versions;

	/** @type {any[]} */
	const memoryRuns = results.memory ?? [];
	/** Each contender's processes, in the order measured (run.js alternates the contenders, one round per sample). */
	/** @type {Record<string, any[]>} */
	const samplesOf = {};
	for (const m of memoryRuns) (samplesOf[m.contender] ??= []).push(m);
	const memRows = Object.entries(samplesOf).map(([contender, list]) => {
		const mid = (/** @type {string} */ field) => median(list.map((x) => x[field]));
		const deltas = list.map((x) => x.peakRssDelta);
		return {
			contender,
			items: list[0].items,
			peakRssDelta: mid('peakRssDelta'),
			range: `${f0(Math.min(...deltas) / 1024 ** 2)}–${mib(Math.max(...deltas))}`,
			peakHeapDelta: mid('peakHeapDelta'),
			baselineRss: mid('baselineRss'),
			ms: mid('ms'),
			maxConcurrent: Math.max(...list.map((x) => x.maxConcurrent)),
		};
	});
	/** Peak RSS Δ of `key` ÷ that of `other`, per round, as for throughput. */
	const memRounds = (/** @type {string} */ key, /** @type {string} */ other) => {
		const a = samplesOf[key];
		const b = samplesOf[other];
		if (!a || !b || key === other) return undefined;
		return a.slice(0, Math.min(a.length, b.length)).map((x, i) => x.peakRssDelta / b[i].peakRssDelta);
	};
	const memVs = (/** @type {string} */ key, /** @type {string} */ other) => {
		const ratios = memRounds(key, other);
		return ratios?.length ? median(ratios) : undefined;
	};
	const memDefaultRounds = memRounds('okd-default', 'http-request');
	const memDefault = memVs('okd-default', 'http-request');
	const memoryItems = memRows[0]?.items ?? results.options?.memoryItems ?? 0;
	/** @type {Target[]} */
	const targets = [
		...sections.flatMap((section) => section.targets),
		{
			what: `Peak memory for ${f0(memoryItems)} items at default settings ≤ 0.5 × HTTP Request's`,
			setting: memRows.length ? `${results.options.settings[0].latency} ms` : '',
			value: memDefault,
			ok: memDefault !== undefined && memDefault <= 0.5,
			note: memDefaultRounds ? ` (${memDefaultRounds.filter((r) => r <= 0.5).length} of ${memDefaultRounds.length} rounds)` : '',
		},
	];

	const lines = [];
	for (const section of sections) lines.push(...section.text, '');
	const memHeader = ['contender', 'peak RSS Δ', 'range', 'peak heap Δ', 'baseline RSS', 'time ms', 'max in flight', '× HTTP Request', `× ${FLOOR}`];
	const memBody = memRows.map((x) => [
		x.contender,
		mib(x.peakRssDelta),
		x.range,
		mib(x.peakHeapDelta),
		mib(x.baselineRss),
		f0(x.ms),
		f0(x.maxConcurrent),
		opt(memVs(x.contender, 'http-request')),
		opt(memVs(x.contender, FLOOR)),
	]);
	const memoryRoundCount = memoryRuns.length ? Math.max(...memoryRuns.map((x) => x.sample ?? 1)) : 0;
	if (memRows.length) {
		lines.push(`Peak memory (RSS above the baseline after loading), ${f0(memoryItems)} items, one process each, ${memoryRoundCount} rounds (medians)`);
		lines.push(textTable(memHeader, memBody));
		lines.push('');
	}
	lines.push(
		`Load time (median of ${results.load.samples.workflow.length} fresh processes): n8n-workflow alone ${f1(results.load.workflowMs)} ms, ` +
			`the node (with n8n-workflow) ${f1(results.load.packageMs)} ms (Δ ${f1(results.load.packageMs - results.load.workflowMs)} ms); ` +
			`node + credential after n8n-workflow is loaded ${f1(results.load.incrementMs)} ms`,
	);
	lines.push(`Packed: ${f0(results.pack.size)} bytes (${f0(results.pack.unpackedSize)} unpacked, ${results.pack.entryCount} files)`);
	lines.push('');
	for (const target of targets) {
		lines.push(`${status(target).padEnd(12)} ${target.what}${target.setting ? ` [${target.setting}]` : ''}: ${opt(target.value)}${target.note}`);
	}
	const table = lines.join('\n');

	const m = results.machine;
	const md = [];
	md.push('# Benchmark results');
	md.push('');
	md.push('Written by `npm run bench` (`bench/run.js`); raw data in `bench/out/results.json` (not committed). Timings on a shared');
	md.push('machine are noisy, so every comparison below is a ratio between contenders measured in the same run: throughput with');
	md.push('all contenders interleaved in each of a few processes per setting of items and latency, one after the other, memory in');
	md.push('one process per contender, one after the other.');
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
	md.push(`| Expression engine | \`${throughputs[0].config.expressionEngine}\`${throughputs[0].config.expressionEngine === 'vm' ? ' (n8n 2.x default: isolated-vm)' : ''} |`);
	md.push(`| Run took | ${f0(results.durationSeconds)} s (\`node bench/run.js${results.argv?.length ? ` ${results.argv.join(' ')}` : ''}\`) |`);
	md.push('');
	md.push('## Targets');
	md.push('');
	md.push(`\`${FLOOR}\` is a bench-only node that evaluates the same three expressions per item and sends through n8n's`);
	md.push('`httpRequest` helper with its defaults, and does nothing else: the least a node does per item with the helper as it');
	md.push('comes. The OKdokument node also tells the helper not to follow redirects (so that the key goes nowhere else), which');
	md.push('skips the redirect layer that the floor goes through. Each ratio is the median over the rounds of one interleaved run;');
	md.push('"k of n runs" says in how many rounds the target held on its own.');
	md.push('');
	md.push('| Target | Run | Measured | |');
	md.push('| --- | --- | --- | --- |');
	for (const target of targets) md.push(`| ${target.what} | ${target.setting || '–'} | ${opt(target.value)}${target.note} | **${status(target)}** |`);
	md.push('');
	for (const section of sections) md.push(...section.md);
	if (memRows.length) {
		md.push(`## Peak memory: ${f0(memoryItems)} items`);
		md.push('');
		md.push('Peak RSS during the run minus RSS after loading, a 20-item warm-up of the same contender and a full GC; the peak is');
		md.push('the kernel high-water mark (`resourceUsage().maxRSS`) when it rose during the run, else the highest 5 ms sample.');
		md.push(`One process per contender and round, ${memoryRoundCount} rounds with the contenders alternating; figures are medians, and the`);
		md.push('ratios the median over rounds of the ratio within each round (one peak moves by up to ±15 % between processes).');
		md.push('');
		md.push(mdTable(memHeader, memBody));
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
	for (const section of sections) md.push(...section.raw);
	if (results.memory?.length) {
		md.push('Memory (bytes):');
		md.push('');
		md.push('```json');
		for (const x of results.memory) {
			md.push(JSON.stringify({ contender: x.contender, round: x.sample, items: x.items, ms: Math.round(x.ms), baselineRss: x.baselineRss, peakRss: x.peakRss, peakRssDelta: x.peakRssDelta, baselineHeapUsed: x.baselineHeapUsed, peakHeapUsed: x.peakHeapUsed, hwmBefore: x.hwmBefore, hwmAfter: x.hwmAfter, sampledPeak: x.sampledPeak }));
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
	md.push('  `http-request-header` puts the key in a header parameter instead (no credential read per item).');
	md.push('- Both run in n8n-core\'s `WorkflowExecute` (Trigger → Items → node), production mode (`trigger`), with credentials stored');
	md.push('  encrypted and decrypted by n8n-core\'s `Credentials` on every read, as n8n\'s CredentialsHelper does (its database read is');
	md.push('  the only part left out). Logging at `warn` (n8n\'s default `info` also turns debug logging into a no-op).');
	md.push('- `raw-N`: `node:http` with one keep-alive agent, N requests in flight, outside n8n.');
	md.push(`- \`${FLOOR}\` (bench-only node): reads the same three expressions per item in the engine and sends with n8n's`);
	md.push('  `httpRequest` helper with its defaults (redirects followed), the key set once as a header. With `--diagnose`,');
	md.push('  `floor-raw-5` does the same with a raw keep-alive client instead of the helper.');
	md.push('');
	return { table, markdown: `${md.join('\n')}\n` };
}

/** "4 processes", or "one process". @param {any} t */
const processesOf = (t) => (t.config.processes > 1 ? `${t.config.processes} processes` : 'one process');

/** The warm-up times, one per process ("10266, 10190"). @param {Array<{ ms: number }>} warmUps */
const warmUpsOf = (warmUps) => warmUps.map((w) => f0(w.ms)).join(', ');

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
