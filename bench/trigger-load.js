#!/usr/bin/env node
// @ts-check
'use strict';

/*
 * `npm run bench:trigger`: the OKdokument Trigger's "each event once" under load, in real n8n against the local
 * sandbox (test/e2e/workflows/trigger-burst.json: OKdokument Trigger → No Op, Confirm With OKdokument on).
 *
 *   node bench/trigger-load.js [--events 200] [--setups single-1,single-2,queue,queue-split] [--db-pool-size N] [--keep]
 *                              [--out bench/RESULTS.md]
 *
 * --db-pool-size sets DB_POSTGRESDB_POOL_SIZE for every queue-mode process (n8n's default: 2); --keep keeps the queue's
 * folder (its processes' logs) for a look afterwards.
 *
 * Set-ups: one `n8n start` (SQLite) of n8n 1.123.81 (single-1) and of 2.41.1 (single-2); n8n 2.41.1 in queue mode
 * (Postgres, Redis, a main, two workers, two webhook processors; scripts/lib/n8n/queue.js) with every callback sent
 * to one webhook processor (queue), as the README asks; and, to measure where the guarantee ends, the callbacks split
 * between the two webhook processors (queue-split). Per set-up, on N new signature requests whose Send Info URL is
 * the trigger's production URL:
 * 0. n8n's own Webhook node (→ No Op) gets N plain calls at once: the baseline for the times;
 * 1. burst: every signer signs at once: N genuine callbacks in one burst (the sandbox's signer, as OKdokument sends
 *    them; it waits up to 5 minutes for each answer, and the answers later than its default 10 s are counted);
 * 2. again: the same N callbacks at once (queue-split: each to the other webhook processor);
 * 3. after a restart: n8n restarted (queue mode: the webhook processors, which hold the trigger's memory), the same N
 *    at once (queue-split: split as in 1).
 * Counted after each step, once nothing runs and nothing more started for 10 s: the executions started (through n8n's
 * REST API, all pages; in queue mode checked against Postgres), the callbacks not answered 2xx (and those answered
 * after more than 10 s), and the times from the first callback sent to the last answer and to the last execution
 * finished. The goal in every set-up but queue-split: N executions in
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
const { http } = require('../scripts/lib/n8n/rest-api');
const { CALLBACK_TIMEOUT_MS } = require('../sandbox/signer');
const burst = require('../test/e2e/lib/trigger-burst');
const { executionProblem } = require('../test/e2e/lib/executions');
const { writeSection, writeRawResults } = require('./lib/results-section');
const { packPackage, startQueueWithPackage, startSingleWithPackage, machine } = require('./lib/n8n-setup');

const SETUPS = ['single-1', 'single-2', 'queue', 'queue-split'];
/**
 * How long the sandbox waits for n8n to answer a callback here: long enough to measure when n8n answers. How many
 * answers came later than the sandbox's default (CALLBACK_TIMEOUT_MS, a guess at OKdokument's) is counted apart.
 */
const CALLBACK_WAIT_MS = 300_000;
const BASELINE_PATH = 'bench-trigger-baseline';
/** n8n's own Webhook node (answering at once) → No Op: the baseline for a burst of calls. */
const BASELINE = {
	id: 'benchWebhookBase',
	name: 'bench: n8n Webhook node, baseline',
	nodes: [
		{ id: 'b6c1d2e3-0000-4000-8000-000000000001', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: 'b6c1d2e3-0000-4000-8000-0000000000ff', parameters: { httpMethod: 'POST', path: BASELINE_PATH, responseMode: 'onReceived', options: {} } },
		{ id: 'b6c1d2e3-0000-4000-8000-000000000002', name: 'Event', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0], parameters: {} },
	],
	connections: { Webhook: { main: [[{ node: 'Event', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
};
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
	/** @type {{ events: number, setups: string[], out: string, dbPoolSize: number | undefined, keep: boolean }} */
	const options = { events: 200, setups: [...SETUPS], out: path.join(__dirname, 'RESULTS.md'), dbPoolSize: undefined, keep: false };
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
		} else if (flag === '--db-pool-size') {
			options.dbPoolSize = Number(value());
			if (!Number.isInteger(options.dbPoolSize) || options.dbPoolSize < 1) throw new Error('--db-pool-size needs a whole number of at least 1');
		} else if (flag === '--keep') options.keep = true;
		else if (flag === '--out') options.out = path.resolve(value());
		else if (flag === '--help' || flag === '-h') {
			process.stdout.write(`${fs.readFileSync(__filename, 'utf8').split('*/')[0]}*/\n`);
			process.exit(0);
		} else throw new Error(`Unexpected argument "${argv[i]}"`);
	}
	return options;
}

/**
 * One step: send, wait until n8n settled, count what started.
 * @param {{ n8n: () => RunningN8n, postgresCount?: (workflowId: string) => Promise<number> }} target
 * @param {string} name
 * @param {() => Promise<Delivery[]>} send
 * @param {string} [workflowId]  whose executions count (default: the trigger's)
 */
async function step(target, name, send, workflowId = burst.WORKFLOW.id) {
	const before = await target.n8n().executions(workflowId);
	const deliveries = await send();
	const firstSentAt = Math.min(...deliveries.map((d) => d.sentAt));
	const lastAnsweredAt = Math.max(...deliveries.map((d) => d.answeredAt));
	const after = await burst.settledExecutions(target.n8n(), { atLeast: before.length, quietMs: QUIET_MS, timeoutMs: SETTLE_TIMEOUT_MS, workflowId });
	const known = new Set(before.map((e) => e.id));
	const started = after.filter((e) => !known.has(e.id));
	const lastFinishedAt = Math.max(lastAnsweredAt, ...started.map((e) => Date.parse(String(e.stoppedAt))));
	const inDatabase = target.postgresCount ? await target.postgresCount(workflowId) : undefined;
	if (inDatabase !== undefined && inDatabase !== after.length) {
		throw new Error(`${name}: n8n's REST API lists ${after.length} executions of ${workflowId}, Postgres holds ${inDatabase}`);
	}
	const failedOnes = started.filter((e) => e.status !== 'success');
	/** @type {string[]} */
	const failures = [];
	for (const e of failedOnes.slice(0, 20)) {
		const problem = executionProblem(await target.n8n().execution(e.id));
		const why = problem.replace(/^execution \d+ /, '');
		if (!failures.includes(why)) failures.push(why);
	}
	const result = {
		step: name,
		failures,
		callbacks: deliveries.length,
		answers: burst.answers(deliveries),
		not2xx: burst.notAnswered2xx(deliveries, 10),
		/** Answered, but later than OKdokument's sandbox waits by default (10 s): those documents would be errorsendinfo. */
		answeredAfter10s: deliveries.filter((d) => d.status !== null && d.answeredAt - d.sentAt > CALLBACK_TIMEOUT_MS).length,
		started: started.length,
		failed: failedOnes.length,
		lastAnsweredMs: lastAnsweredAt - firstSentAt,
		lastFinishedMs: lastFinishedAt - firstSentAt,
	};
	log(`  ${name}: ${deliveries.length} calls answered ${JSON.stringify(result.answers)} within ${(result.lastAnsweredMs / 1000).toFixed(1)} s; ${started.length} executions started, the last finished ${(result.lastFinishedMs / 1000).toFixed(1)} s after the first call`);
	return { result, started };
}

/**
 * How many of the requests' events the trigger's part of the workflow's static data holds in n8n's database now (read
 * through the REST API), or undefined when n8n does not show it.
 * @param {RunningN8n} n8n
 * @param {BurstRequest[]} requests
 * @returns {Promise<number | undefined>}
 */
async function rememberedInStaticData(n8n, requests) {
	const res = await n8n.request('GET', `/rest/workflows/${burst.WORKFLOW.id}`);
	const raw = res.json?.data?.staticData;
	const staticData = typeof raw === 'string' ? JSON.parse(raw) : raw;
	const trigger = burst.WORKFLOW.nodes.find((/** @type {any} */ node) => node.name === 'OKdokument Trigger');
	const events = staticData?.[`node:${trigger.name}`]?.events;
	if (!Array.isArray(events)) return undefined;
	const documents = new Set(requests.map((r) => r.documentId));
	return new Set(events.filter((e) => e.v === 'callback' && documents.has(e.d)).map((e) => e.d)).size;
}

/**
 * The baseline for the burst: as many calls at once to n8n's own Webhook node (→ No Op), which n8n answers with the
 * least work a production webhook takes (no credential, no isolate for expressions, no static data).
 * @param {string} webhookUrl
 * @param {number} count
 * @returns {Promise<Delivery[]>}
 */
function webhookNodeBurst(webhookUrl, count) {
	return Promise.all(
		Array.from({ length: count }, async (_, n) => {
			const sentAt = Date.now();
			const answer = await http(`${webhookUrl}/webhook/${BASELINE_PATH}`, { method: 'POST', body: { n }, timeoutMs: CALLBACK_WAIT_MS }).catch((/** @type {unknown} */ error) => ({ status: null, text: String(error) }));
			return { signatureRequestId: `baseline-${n + 1}`, status: answer.status, ...(answer.status === null ? { error: answer.text } : {}), sentAt, answeredAt: Date.now() };
		}),
	);
}

/**
 * One set-up's three steps on `count` new requests.
 * @param {{ key: string, label: string, sandbox: Sandbox, count: number, n8n: () => RunningN8n, firstUrls: string[],
 *   againTo?: (request: BurstRequest) => string, restart: () => Promise<void>, postgresCount?: (workflowId: string) => Promise<number> }} setup
 */
async function runSetup(setup) {
	const { key, label, sandbox, count } = setup;
	log(`${label}: ${count} new signature requests`);
	await setup.n8n().activateWorkflow(burst.WORKFLOW.id);
	await setup.n8n().waitForWebhook(burst.WEBHOOK_PATH);
	await setup.n8n().activateWorkflow(BASELINE.id);
	await setup.n8n().waitForWebhook(BASELINE_PATH);
	const baseline = await step(setup, "n8n's Webhook node", () => webhookNodeBurst(setup.firstUrls[0], count), BASELINE.id);
	const requests = burst.addRequests(sandbox, key, count, setup.firstUrls);
	const first = await step(setup, 'burst', () => burst.signAll(sandbox, requests));
	const again = await step(setup, 'again', () => burst.replay(sandbox, requests, setup.againTo));
	const storedBeforeRestart = await rememberedInStaticData(setup.n8n(), requests);
	log(`${label}: the workflow's static data holds ${storedBeforeRestart ?? '?'} of the ${count} events; restarting…`);
	await setup.restart();
	await setup.n8n().waitForWebhook(burst.WEBHOOK_PATH);
	const restarted = await step(setup, 'after a restart', () => burst.replay(sandbox, requests));
	const executions = [...first.started, ...again.started, ...restarted.started];
	const events = await burst.eventsOf(setup.n8n(), executions.filter((e) => e.status === 'success'));
	const measured = {
		key,
		label,
		events: count,
		storedBeforeRestart,
		baseline: baseline.result,
		steps: [first.result, again.result, restarted.result],
		executions: executions.length,
		perDocument: burst.startsPerDocument(events, requests),
		notEachOnce: burst.notEachOnce(events, requests),
	};
	if (!setup.againTo) return measured;
	// Where the guarantee ends: new events, each callback at both processors at the same moment.
	const fresh = burst.addRequests(sandbox, `${key}-twice`, count, [setup.firstUrls[0]]);
	const twice = await step(setup, 'each callback at both processors at once', () => burst.signAllTwice(sandbox, fresh, setup.againTo ?? ((r) => r.url)));
	const twiceEvents = await burst.eventsOf(setup.n8n(), twice.started.filter((e) => e.status === 'success'));
	return { ...measured, twice: { ...twice.result, perDocument: burst.startsPerDocument(twiceEvents, fresh) } };
}

/** @param {number} ms */
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;


/**
 * @param {any} results
 * @returns {string}
 */
function markdown(results) {
	const n = results.events;
	const guaranteed = results.setups.filter((/** @type {any} */ s) => s.key !== 'queue-split');
	const split = results.setups.find((/** @type {any} */ s) => s.key === 'queue-split');
	const not2xx = (/** @type {any[]} */ steps) => steps.reduce((/** @type {number} */ sum, /** @type {any} */ st) => sum + st.not2xx.count, 0);
	const events = (/** @type {any} */ d) => `${d.once} once, ${d.more} more than once (${d.extra} extra), ${d.never} never${d.unreadable > 0 ? `; ${d.unreadable} redacted by n8n, unread` : ''}`;
	const times = (/** @type {any} */ s) => {
		const [b] = s.steps;
		return `${seconds(b.lastAnsweredMs)} (${seconds(s.baseline.lastAnsweredMs)}); ${b.answeredAfter10s} after more than 10 s (${s.baseline.answeredAfter10s}) | **${seconds(b.lastFinishedMs)}** (${seconds(s.baseline.lastFinishedMs)})`;
	};
	const row = (/** @type {any} */ s) => {
		const [b, a, r] = s.steps;
		return `| ${s.label} | ${b.started} | ${a.started} | ${r.started} | **${s.executions}** | ${events(s.perDocument)} | **${not2xx(s.steps)}** | ${times(s)} |`;
	};
	const splitRow = (/** @type {any} */ s) => {
		const [b, a, r] = s.steps;
		return `| ${s.label} | ${b.started} | ${a.started} | ${r.started} | ${events(s.perDocument)} | **${s.twice.started}** for ${n}: ${events(s.twice.perDocument)} | ${not2xx([...s.steps, s.twice])} |`;
	};
	const detail = (/** @type {any} */ s) =>
		[s.baseline, ...s.steps, ...(s.twice ? [s.twice] : [])].map(
			(/** @type {any} */ st) =>
				`| ${s.label} | ${st.step} | ${burst.describeAnswers(st.answers)} | ${st.answeredAfter10s} | ${seconds(st.lastAnsweredMs)} | ${st.started} | ${st.failed}${st.failures.length > 0 ? `: ${st.failures.join('; ')}` : ''} | ${seconds(st.lastFinishedMs)} |`,
		);
	return [
		`## OKdokument Trigger: ${n} callbacks in one burst, the same again, and again after a restart`,
		'',
		`Written by \`npm run bench:trigger\` (\`bench/trigger-load.js\`) on ${results.date}, in ${Math.round(results.durationSeconds)} s; raw numbers in`,
		'`bench/out/trigger-load.json`. The workflow is OKdokument Trigger (Confirm With OKdokument on) → No Op; the sandbox',
		'plays OKdokument: its signer signs all requests at once and sends each genuine callback. It waits up to',
		`${CALLBACK_WAIT_MS / 60_000} minutes for each answer, so that the time n8n takes is measured; "after more than 10 s" counts the answers that came later than the`,
		"sandbox's default wait, a guess at OKdokument's own (undocumented): OKdokument would have marked those documents",
		'`errorsendinfo`, and *Catch Missed Events* would have delivered them instead. In brackets, the same burst of plain calls to',
		"n8n's own Webhook node (→ No Op) on the same n8n just before: the least work n8n does for a production webhook.",
		`One machine for everything (${results.machine.cpus} × ${results.machine.cpu}, ${results.machine.memoryGiB} GiB; load average ${results.machine.loadBefore} before,`,
		`${results.machine.loadAfter} after: it is shared with other jobs); Node ${results.nodeVersion} for n8n; n8n's default expression engine.`,
		...(results.dbPoolSize === undefined
			? []
			: [
					`In queue mode every process had \`DB_POSTGRESDB_POOL_SIZE=${results.dbPoolSize}\` (n8n's default, 2, let n8n's own database calls time out`,
					'under the burst: "timeout exceeded when trying to connect", failed executions, callbacks answered 500).',
				]),
		'',
		`Steps: **burst**, ${n} distinct callbacks at once; **again**, the same ${n} at once; **after a restart**, n8n restarted (in queue`,
		`mode the webhook processors, which serve the callbacks), the same ${n} at once. Goal: ${n} executions in all, each event`,
		"once, every callback answered 2xx. Executions are counted through n8n's REST API once none runs and none started for",
		`${QUIET_MS / 1000} s (in queue mode the count is checked against Postgres); times are from the first callback of the burst (n8n's`,
		'stoppedAt for the executions).',
		'',
		`| Set-up | Started by the burst | Again | After a restart | Executions in all (goal ${n}) | Events | Callbacks not answered 2xx (goal 0) | Burst: first callback → last answered (n8n's Webhook node) | Burst: first callback → last execution finished (n8n's Webhook node) |`,
		'| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
		...guaranteed.map(row),
		...(split
			? [
					'',
					'### Where the guarantee ends: callbacks split between two webhook processors',
					'',
					`Queue mode as above, but the burst split between the two webhook processors (every other callback to each, as a load`,
					'balancer would), **again** sent each callback to the other processor, **after a restart** split as at first; then',
					`${n} new events whose callbacks each went to **both processors at the same moment**. Each process's memory sees only the`,
					"callbacks it served; what the other remembered reaches it only through the workflow's static data, which n8n loads",
					'when a call comes and saves whole when it is answered, last write wins.',
					'',
					`| Set-up | Started by the split burst | Again, each to the other processor | After a restart | Events | ${n} new events, each callback at both processors at once: executions | Callbacks not answered 2xx |`,
					'| --- | ---: | ---: | ---: | --- | --- | ---: |',
					splitRow(split),
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
		`Before each restart the trigger's part of the workflow's static data, in n8n's database, held ${results.setups.map((/** @type {any} */ s) => `${s.storedBeforeRestart ?? '?'}`).join(', ')} of the ${n} events (set-ups in the order above).`,
		'',
		'### Each step',
		'',
		'| Set-up | Step | Calls answered | Answered after more than 10 s | Last answered after | Executions started | Of them failed | Last finished after |',
		'| --- | --- | --- | ---: | ---: | ---: | --- | ---: |',
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
	sandbox.setCallbackTimeout(CALLBACK_WAIT_MS);
	const measured = [];
	/** @type {string | undefined} */
	let nodeVersion;
	try {
		for (const version of ['1', '2']) {
			if (!options.setups.includes(`single-${version}`)) continue;
			const single = await startSingleWithPackage({ version, tarball, sandbox, workflows: [burst.WORKFLOW, BASELINE], log });
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
			const env = options.dbPoolSize === undefined ? {} : { DB_POSTGRESDB_POOL_SIZE: String(options.dbPoolSize) };
			const { queue, n8n } = await startQueueWithPackage({ tarball, sandbox, workflows: [burst.WORKFLOW, BASELINE], webhookProcessors: 2, env, log });
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
					postgresCount: async (/** @type {string} */ workflowId) =>
						Number((await queue.postgres.query(`SELECT count(*) FROM execution_entity WHERE "workflowId" = '${workflowId}'`))[0][0]),
				};
				if (options.setups.includes('queue')) {
					measured.push(await runSetup({ ...common, key: 'queue', label: `n8n ${queue.n8nVersion}, queue mode, every callback to one webhook processor`, firstUrls: [a] }));
				}
				if (options.setups.includes('queue-split')) {
					measured.push(await runSetup({ ...common, key: 'queue-split', label: `n8n ${queue.n8nVersion}, queue mode, callbacks split between two webhook processors`, firstUrls: [a, b], againTo: other }));
				}
			} finally {
				await queue.stop({ keepFolder: options.keep });
				if (options.keep) log(`kept: ${queue.folder}`);
			}
		}
	} finally {
		await sandbox.stop();
	}
	const results = {
		date: new Date().toISOString(),
		argv: process.argv.slice(2),
		events: options.events,
		dbPoolSize: options.dbPoolSize,
		nodeVersion,
		machine: machine(loadBefore),
		setups: measured,
		durationSeconds: (Date.now() - started) / 1000,
	};
	writeRawResults('trigger-load', results);
	const section = markdown(results);
	process.stdout.write(`\n${section}\n`);
	const problems = failures(measured);
	if (problems.length > 0) throw new Error(`the guarantee did not hold:\n${problems.join('\n')}`);
	writeSection(options.out, 'trigger-load', section);
	log(`wrote the section "trigger-load" of ${path.relative(REPO, options.out)} (${Math.round(results.durationSeconds)} s in all)`);
}

main().catch((error) => {
	log(`ERROR: ${error instanceof Error ? `${error.stack}${error.cause ? `\ncause: ${String(error.cause)}` : ''}` : String(error)}`);
	process.exitCode = 1;
});
