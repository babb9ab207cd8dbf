#!/usr/bin/env node
// @ts-check
'use strict';

/*
 * `npm run bench:trigger`: the OKdokument Trigger's "each event once" under load, in real n8n against the local
 * sandbox (test/e2e/workflows/trigger-burst.json: OKdokument Trigger → No Op, Confirm With OKdokument on).
 *
 *   node bench/trigger-load.js [--events 200] [--setups single-1,single-2,queue,queue-split] [--out bench/RESULTS.md]
 *
 * Set-ups: one `n8n start` (SQLite) of n8n 1.123.81 (single-1) and of 2.41.1 (single-2); n8n 2.41.1 in queue mode
 * (Postgres, Redis, a main, two workers, two webhook processors; scripts/lib/n8n/queue.js) with every callback sent
 * to one webhook processor (queue), as the README asks; and, to measure where the guarantee ends, the callbacks split
 * between the two webhook processors (queue-split). Per set-up, on N new signature requests whose Send Info URL is
 * the trigger's production URL:
 * 1. burst: every signer signs at once: N genuine callbacks in one burst (the sandbox's signer, as OKdokument sends
 *    them, giving up after its 10 s);
 * 2. again: the same N callbacks at once (queue-split: each to the other webhook processor);
 * 3. after a restart: n8n restarted (queue mode: the webhook processors, which hold the trigger's memory), the same N
 *    at once (queue-split: split as in 1).
 * Counted after each step, once nothing runs and nothing more started for 10 s: the executions started (through n8n's
 * REST API, all pages; in queue mode checked against Postgres), the callbacks not answered 2xx, and the time from
 * the first callback sent to the last execution finished. The goal in every set-up but queue-split: N executions in
 * all, each event once, no callback answered other than 2xx.
 *
 * Written as the section "trigger-load" of bench/RESULTS.md (bench/lib/results-section.js), raw numbers in
 * bench/out/trigger-load.json. A benchmark, not a test: it exits 1 when an event was lost or started twice where the
 * guarantee holds (and then does not write the section), never on a time.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { REDIS, POSTGRES, ensureDebianPackages } = require('../scripts/lib/debian-packages');
const { onInterrupt } = require('../scripts/lib/n8n/shutdown');
const { REPO } = require('../test/e2e/lib/fixtures');
const { startE2eSandbox } = require('../test/e2e/lib/sandbox');
const burst = require('../test/e2e/lib/trigger-burst');
const { writeSection } = require('./lib/results-section');
const { packPackage, startQueueWithPackage, startSingleWithPackage, machine } = require('./lib/n8n-setup');

const SETUPS = ['single-1', 'single-2', 'queue', 'queue-split'];
/** Time for executions that must not start to show, after nothing runs. */
const QUIET_MS = 10_000;
const SETTLE_TIMEOUT_MS = 15 * 60_000;

/** @typedef {import('../scripts/lib/n8n').RunningN8n} RunningN8n */
/** @typedef {import('../scripts/lib/n8n').RunningQueue} RunningQueue */
/** @typedef {import('../sandbox/server').Sandbox} Sandbox */
/** @typedef {import('../test/e2e/lib/trigger-burst').Delivery} Delivery */
/** @typedef {import('../test/e2e/lib/trigger-burst').BurstRequest} BurstRequest */

/** @param {string} line */
function log(line) {
	process.stderr.write(`bench:trigger: ${line}\n`);
}

/** @param {string[]} argv */
function parseArgs(argv) {
	const options = { events: 200, setups: [...SETUPS], out: path.join(__dirname, 'RESULTS.md') };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s);
		const value = () => inline ?? argv[++i];
		if (flag === '--events') {
			options.events = Number(value());
			if (!Number.isInteger(options.events) || options.events < 2) throw new Error('--events needs a whole number of at least 2');
		} else if (flag === '--setups') {
			options.setups = String(value()).split(',').map((s) => s.trim()).filter(Boolean);
			const unknown = options.setups.filter((s) => !SETUPS.includes(s));
			if (unknown.length > 0 || options.setups.length === 0) throw new Error(`--setups takes ${SETUPS.join(', ')}, not "${unknown.join(', ')}"`);
		} else if (flag === '--out') options.out = path.resolve(value());
		else if (flag === '--help' || flag === '-h') {
			process.stdout.write(`${fs.readFileSync(__filename, 'utf8').split('*/')[0]}*/\n`);
			process.exit(0);
		} else throw new Error(`Unexpected argument "${argv[i]}"`);
	}
	return options;
}

/**
 * How the deliveries were answered: { "200": 198, "no answer": 2 }.
 * @param {Delivery[]} deliveries
 */
function answers(deliveries) {
	/** @type {Record<string, number>} */
	const tally = {};
	for (const d of deliveries) {
		const key = d.status === null ? 'no answer' : String(d.status);
		tally[key] = (tally[key] ?? 0) + 1;
	}
	return tally;
}

/**
 * One step: send, wait until n8n settled, count what started.
 * @param {{ n8n: () => RunningN8n, postgresCount?: () => Promise<number> }} target
 * @param {string} name
 * @param {() => Promise<Delivery[]>} send
 */
async function step(target, name, send) {
	const before = await target.n8n().executions(burst.WORKFLOW.id);
	const deliveries = await send();
	const firstSentAt = Math.min(...deliveries.map((d) => d.sentAt));
	const lastAnsweredAt = Math.max(...deliveries.map((d) => d.answeredAt));
	const after = await burst.settledExecutions(target.n8n(), { atLeast: before.length, quietMs: QUIET_MS, timeoutMs: SETTLE_TIMEOUT_MS });
	const known = new Set(before.map((e) => e.id));
	const started = after.filter((e) => !known.has(e.id));
	const lastFinishedAt = Math.max(lastAnsweredAt, ...started.map((e) => Date.parse(/** @type {any} */ (e).stoppedAt)));
	const inDatabase = target.postgresCount ? await target.postgresCount() : undefined;
	if (inDatabase !== undefined && inDatabase !== after.length) {
		throw new Error(`${name}: n8n's REST API lists ${after.length} executions of ${burst.WORKFLOW.id}, Postgres holds ${inDatabase}`);
	}
	const result = {
		step: name,
		callbacks: deliveries.length,
		answers: answers(deliveries),
		not2xx: burst.notAnswered2xx(deliveries, 10),
		started: started.length,
		failed: started.filter((e) => e.status !== 'success').length,
		lastAnsweredMs: lastAnsweredAt - firstSentAt,
		lastFinishedMs: lastFinishedAt - firstSentAt,
	};
	log(`  ${name}: ${deliveries.length} callbacks answered ${JSON.stringify(result.answers)} within ${(result.lastAnsweredMs / 1000).toFixed(1)} s; ${started.length} executions started, the last finished ${(result.lastFinishedMs / 1000).toFixed(1)} s after the first callback`);
	return { result, started };
}

/**
 * One set-up's three steps on `count` new requests.
 * @param {{ key: string, label: string, sandbox: Sandbox, count: number, n8n: () => RunningN8n, firstUrls: string[],
 *   againTo?: (request: BurstRequest) => string, restart: () => Promise<void>, postgresCount?: () => Promise<number> }} setup
 */
async function runSetup(setup) {
	const { key, label, sandbox, count } = setup;
	log(`${label}: ${count} new signature requests`);
	await setup.n8n().activateWorkflow(burst.WORKFLOW.id);
	await setup.n8n().waitForWebhook(burst.WEBHOOK_PATH);
	const requests = burst.addRequests(sandbox, key, count, setup.firstUrls);
	const first = await step(setup, 'burst', () => burst.signAll(sandbox, requests));
	const again = await step(setup, 'again', () => burst.replay(sandbox, requests, setup.againTo));
	log(`${label}: restarting…`);
	await setup.restart();
	await setup.n8n().waitForWebhook(burst.WEBHOOK_PATH);
	const restarted = await step(setup, 'after a restart', () => burst.replay(sandbox, requests));
	const executions = [...first.started, ...again.started, ...restarted.started];
	const events = await burst.eventsOf(setup.n8n(), executions.filter((e) => e.status === 'success'));
	const perDocument = burst.startsPerDocument(events, requests);
	const notEachOnce = burst.notEachOnce(events, requests);
	return { key, label, events: count, steps: [first.result, again.result, restarted.result], executions: executions.length, perDocument, notEachOnce };
}

/** @param {number} ms */
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** @param {Record<string, number>} tally */
const answered = (tally) => Object.entries(tally).map(([status, n]) => `${status} ×${n}`).join(', ');

/**
 * @param {any} results
 * @returns {string}
 */
function markdown(results) {
	const n = results.events;
	const guaranteed = results.setups.filter((/** @type {any} */ s) => s.key !== 'queue-split');
	const split = results.setups.find((/** @type {any} */ s) => s.key === 'queue-split');
	const row = (/** @type {any} */ s) => {
		const not2xx = s.steps.reduce((/** @type {number} */ sum, /** @type {any} */ st) => sum + st.not2xx.count, 0);
		const [b, a, r] = s.steps;
		const d = s.perDocument;
		const unreadable = d.unreadable > 0 ? `; ${d.unreadable} redacted by n8n, unread` : '';
		return `| ${s.label} | ${b.started} | ${a.started} | ${r.started} | **${s.executions}** | ${d.once} once, ${d.more} more than once (${d.extra} extra), ${d.never} never${unreadable} | **${not2xx}** | ${seconds(b.lastFinishedMs)} |`;
	};
	const detail = (/** @type {any} */ s) =>
		s.steps.map((/** @type {any} */ st) => `| ${s.label} | ${st.step} | ${answered(st.answers)} | ${seconds(st.lastAnsweredMs)} | ${st.started} | ${seconds(st.lastFinishedMs)} |`);
	return [
		`## OKdokument Trigger: ${n} callbacks in one burst, the same again, and again after a restart`,
		'',
		`Written by \`npm run bench:trigger\` (\`bench/trigger-load.js\`) on ${results.date}, in ${Math.round(results.durationSeconds)} s; raw numbers in`,
		'`bench/out/trigger-load.json`. The workflow is OKdokument Trigger (Confirm With OKdokument on) → No Op; the sandbox',
		"plays OKdokument: its signer signs all requests at once and sends each genuine callback, giving up after 10 s without an",
		`answer. One machine for everything (${results.machine.cpus} × ${results.machine.cpu}, ${results.machine.memoryGiB} GiB; load average ${results.machine.loadBefore} before,`,
		`${results.machine.loadAfter} after: it is shared with other jobs); Node ${results.nodeVersion} for n8n.`,
		'',
		`Steps: **burst**, ${n} distinct callbacks at once; **again**, the same ${n} at once; **after a restart**, n8n restarted (in queue`,
		`mode the webhook processors, which serve the callbacks), the same ${n} at once. Goal: ${n} executions in all, each event`,
		"once, every callback answered 2xx. Executions are counted through n8n's REST API once none runs and none started for",
		`${QUIET_MS / 1000} s (in queue mode the count is checked against Postgres); the time is from the first callback of the burst to the`,
		'last execution finished (n8n’s stoppedAt).',
		'',
		`| Set-up | Started by the burst | Again | After a restart | Executions in all (goal ${n}) | Events | Callbacks not answered 2xx (goal 0) | First callback → last execution finished |`,
		'| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
		...guaranteed.map(row),
		...(split
			? [
					'',
					'### Where the guarantee ends: callbacks split between two webhook processors',
					'',
					`Queue mode as above, but the burst split between the two webhook processors (every other callback to each, as a load`,
					'balancer would), **again** sent each callback to the other processor, **after a restart** split as at first. Each',
					"process's memory sees only the callbacks it served; what the other remembered reaches it only through the workflow's",
					'static data, which n8n saves whole, last write wins.',
					'',
					`| Set-up | Started by the burst | Again | After a restart | Executions in all (${n} events) | Events | Callbacks not answered 2xx | First callback → last execution finished |`,
					'| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
					row(split),
				]
			: []),
		...(results.setups.some((/** @type {any} */ s) => s.perDocument.unreadable > 0)
			? [
					'',
					"Redacted: n8n 2.41 hides the items of a run whose check for dynamic credentials failed (its log: \"Could not check for",
					'resolvable credentials; redacting run for everyone", a database query that failed under the load); those executions',
					'count, but which event they started cannot be read, so "once" counts only the readable ones.',
				]
			: []),
		'',
		'### Each step',
		'',
		'| Set-up | Step | Callbacks answered | Last answered after | Executions started | Last finished after |',
		'| --- | --- | --- | ---: | ---: | ---: |',
		...results.setups.flatMap(detail),
		'',
		`Command: \`npm run bench:trigger\` (\`node bench/trigger-load.js${results.argv.length ? ` ${results.argv.join(' ')}` : ''}\`).`,
	].join('\n');
}

/**
 * What went wrong where the guarantee holds: lost or repeated events, failed executions.
 * @param {any[]} setups
 */
function failures(setups) {
	return setups
		.filter((s) => s.key !== 'queue-split')
		.flatMap((s) => [
			...(s.notEachOnce ? [`${s.label}: not each event once: ${s.notEachOnce}`] : []),
			...s.steps.filter((/** @type {any} */ st) => st.failed > 0).map((/** @type {any} */ st) => `${s.label}, ${st.step}: ${st.failed} executions did not succeed`),
		]);
}

async function main() {
	const options = parseArgs(process.argv.slice(2));
	const started = Date.now();
	const loadBefore = os.loadavg()[0].toFixed(2);
	onInterrupt(() => log('interrupted'));
	const queueSetups = options.setups.filter((s) => s.startsWith('queue'));
	if (queueSetups.length > 0) await ensureDebianPackages({ needed: [REDIS, POSTGRES] }, log);
	const tarball = await packPackage();
	const sandbox = await startE2eSandbox();
	const measured = [];
	/** @type {string | undefined} */
	let nodeVersion;
	try {
		for (const version of ['1', '2']) {
			if (!options.setups.includes(`single-${version}`)) continue;
			const single = await startSingleWithPackage({ version, tarball, sandbox, workflows: [burst.WORKFLOW], log });
			nodeVersion = single.instance.runtime.nodeVersion;
			try {
				measured.push(
					await runSetup({
						key: `single-${version}`,
						label: `n8n ${single.instance.n8nVersion}, one process (SQLite)`,
						sandbox,
						count: options.events,
						n8n: single.n8n,
						firstUrls: [single.n8n().webhookUrl],
						restart: async () => {
							await single.restart();
						},
					}),
				);
			} finally {
				await single.stop();
			}
		}
		if (queueSetups.length > 0) {
			const { queue, n8n } = await startQueueWithPackage({ tarball, sandbox, workflows: [burst.WORKFLOW], webhookProcessors: 2, log });
			nodeVersion = queue.main.runtime.nodeVersion;
			try {
				const [a, b] = n8n.webhookUrls;
				const other = (/** @type {BurstRequest} */ r) => (r.url.startsWith(a) ? r.url.replace(a, b) : r.url.replace(b, a));
				const common = {
					sandbox,
					count: options.events,
					n8n: () => n8n,
					restart: async () => {
						for (const p of n8n.processes().filter((process) => process.role === 'webhook')) await n8n.restart(p.name);
					},
					postgresCount: async () => Number((await queue.postgres.query(`SELECT count(*) FROM execution_entity WHERE "workflowId" = '${burst.WORKFLOW.id}'`))[0][0]),
				};
				if (options.setups.includes('queue')) {
					measured.push(await runSetup({ ...common, key: 'queue', label: `n8n ${queue.n8nVersion}, queue mode, every callback to one webhook processor`, firstUrls: [a] }));
				}
				if (options.setups.includes('queue-split')) {
					measured.push(await runSetup({ ...common, key: 'queue-split', label: `n8n ${queue.n8nVersion}, queue mode, callbacks split between two webhook processors`, firstUrls: [a, b], againTo: other }));
				}
			} finally {
				await queue.stop();
			}
		}
	} finally {
		await sandbox.stop();
	}
	const results = {
		date: new Date().toISOString(),
		argv: process.argv.slice(2),
		events: options.events,
		nodeVersion,
		machine: machine(loadBefore),
		setups: measured,
		durationSeconds: (Date.now() - started) / 1000,
	};
	fs.mkdirSync(path.join(__dirname, 'out'), { recursive: true });
	fs.writeFileSync(path.join(__dirname, 'out', 'trigger-load.json'), `${JSON.stringify(results, null, 2)}\n`);
	const section = markdown(results);
	process.stdout.write(`\n${section}\n`);
	const problems = failures(measured);
	if (problems.length > 0) throw new Error(`the guarantee did not hold:\n${problems.join('\n')}`);
	writeSection(options.out, 'trigger-load', section);
	log(`wrote the section "trigger-load" of ${path.relative(REPO, options.out)} (${Math.round(results.durationSeconds)} s in all)`);
}

main().catch((error) => {
	log(`ERROR: ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
});
