#!/usr/bin/env node
// @ts-check
'use strict';

/*
 * `npm run bench:queue`: Send and Wait for Signature under load in n8n 2.41.1's queue mode (scripts/lib/n8n/queue.js:
 * PostgreSQL 15, Redis, a main, two workers, a webhook processor), against the local sandbox.
 *
 *   node bench/queue-load.js [--executions 200] [--start-concurrency 20] [--no-baseline] [--out bench/RESULTS.md]
 *
 * Per contender, with the workers and the webhook processor restarted first (so that their peak memory is this
 * contender's alone):
 * 1. N executions are started through the webhook processor, one request each, and all wait for their signer
 *    (counted in Postgres).
 * 2. The sandbox's signer signs all N at once: N genuine callbacks in one burst.
 * 3. Every execution must resume exactly once with its own document: all N "success"; each ran 2 jobs (start and
 *    resume), each job once, on a worker (the processes' job lines); the node after the wait ran once, with the
 *    request's own IDs and its signed PDF byte for byte (read back through the REST API).
 * Contenders: Send and Wait (test/e2e/workflows/send-and-wait.json), and as the baseline measured in the same run the
 * manual pattern with n8n's own Wait node (create-wait-download.json: Create, Wait, Get, Download), which confirms and
 * downloads on the worker after the resume instead of in the webhook processor before it.
 *
 * Reported: the time from the last callback answered to the last execution finished (n8n's own stoppedAt), and each
 * process's peak memory: VmHWM (the kernel's peak resident set) of every n8n process and of its children (the task
 * runner), of Redis, and PostgreSQL's. Written as the section "queue-load" of bench/RESULTS.md
 * (bench/lib/results-section.js), raw numbers in bench/out/queue-load.json.
 *
 * A benchmark, not a test: it fails only when an execution is lost, duplicated or wrong, never on a time.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const lib = require('../scripts/lib/n8n');
const { REDIS, POSTGRES, ensureDebianPackages } = require('../scripts/lib/debian-packages');
const { treeMemory } = require('../scripts/lib/n8n/process-memory');
const { onInterrupt } = require('../scripts/lib/n8n/shutdown');
const { REPO, testWorkflow } = require('../test/e2e/lib/fixtures');
const { startE2eSandbox, postCallback } = require('../test/e2e/lib/sandbox');
const { jobProblem } = require('../test/e2e/lib/queue-proof');
const { writeSection, writeRawResults } = require('./lib/results-section');
const { pooled } = require('../scripts/lib/pooled');
const { packPackage, startQueueWithPackage, machine } = require('./lib/n8n-setup');

const STEP_TIMEOUT_MS = 15 * 60_000;

/** @typedef {import('../scripts/lib/n8n').RunningQueue} RunningQueue */
/** @typedef {import('../sandbox/server').Sandbox} Sandbox */

/**
 * @typedef {object} Contender
 * @property {string} key
 * @property {string} label
 * @property {any} workflow
 * @property {(execution: import('../scripts/lib/n8n').StoredExecution) => { runs: number, item: any }} outcome
 *   the run count of the node after the wait, and the item that must carry the signed PDF
 */

/** @type {Contender[]} */
const CONTENDERS = [
	{
		key: 'send-and-wait',
		label: 'Send and Wait for Signature',
		workflow: testWorkflow('send-and-wait.json'),
		outcome: (execution) => {
			const runs = execution.data?.resultData?.runData?.['After signing'] ?? [];
			const item = runs[0]?.data?.main?.[0]?.[0];
			return { runs: runs.length, item: item && { ...item, ids: [item.json.signatureRequestId, item.json.documentId, item.json.state] } };
		},
	},
	{
		key: 'wait-node',
		label: 'Create → Wait node → Get → Download',
		workflow: testWorkflow('create-wait-download.json'),
		outcome: (execution) => {
			const data = execution.data?.resultData?.runData ?? {};
			const runs = data['Wait for the signer'] ?? [];
			const item = data.Download?.[0]?.data?.main?.[0]?.[0];
			const check = data['Check with OKdokument']?.[0]?.data?.main?.[0]?.[0]?.json;
			const created = data.Create?.[0]?.data?.main?.[0]?.[0]?.json;
			return { runs: runs.length, item: item && { ...item, ids: [created?.signatureRequestId, item.json.documentId, check?.state] } };
		},
	},
];

/** @param {string} line */
function log(line) {
	process.stderr.write(`bench:queue: ${line}\n`);
}

/** @param {string[]} argv */
function parseArgs(argv) {
	const options = { executions: 200, startConcurrency: 20, baseline: true, out: path.join(__dirname, 'RESULTS.md') };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s);
		const value = () => inline ?? argv[++i];
		const count = () => {
			const n = Number(value());
			if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a whole number of at least 1`);
			return n;
		};
		if (flag === '--executions') options.executions = count();
		else if (flag === '--start-concurrency') options.startConcurrency = count();
		else if (flag === '--no-baseline') options.baseline = false;
		else if (flag === '--out') options.out = path.resolve(value());
		else if (flag === '--help' || flag === '-h') {
			process.stdout.write(`${fs.readFileSync(__filename, 'utf8').split('*/')[0]}*/\n`);
			process.exit(0);
		} else throw new Error(`Unexpected argument "${argv[i]}"`);
	}
	return options;
}

/**
 * Memory of each program (a process and its children), sampled every 500 ms: the resident set at the start, the
 * kernel's peak (VmHWM) of the program's own process and of its children, and the peak of the tree's summed PSS.
 * @param {{ name: string, pid: number }[]} programs
 */
function memorySampler(programs) {
	/** @type {Record<string, { idleRssKiB: number, peakKiB: number, childrenPeakKiB: number, children: number, peakTreePssKiB: number }>} */
	const peaks = {};
	const sample = () => {
		for (const { name, pid } of programs) {
			const [own, ...children] = treeMemory(pid);
			if (!own) continue;
			const entry = (peaks[name] ??= { idleRssKiB: own.rssKiB, peakKiB: 0, childrenPeakKiB: 0, children: 0, peakTreePssKiB: 0 });
			entry.peakKiB = Math.max(entry.peakKiB, own.hwmKiB);
			entry.childrenPeakKiB = Math.max(entry.childrenPeakKiB, ...children.map((c) => c.hwmKiB));
			entry.children = Math.max(entry.children, children.length);
			entry.peakTreePssKiB = Math.max(entry.peakTreePssKiB, [own, ...children].reduce((n, m) => n + m.pssKiB, 0));
		}
	};
	sample();
	const timer = setInterval(sample, 500);
	return {
		stop: () => {
			clearInterval(timer);
			sample();
			return peaks;
		},
	};
}

/**
 * One contender: fresh workers and webhook processor, N executions waiting, N callbacks at once, every execution
 * checked.
 * @param {{ n8n: RunningQueue, queue: import('../scripts/lib/n8n').Queue, sandbox: Sandbox }} env
 * @param {Contender} contender
 * @param {ReturnType<typeof parseArgs>} options
 */
async function runContender({ n8n, queue, sandbox }, contender, options) {
	const { workflow } = contender;
	const webhookPath = workflow.nodes.find((/** @type {any} */ n) => n.type === 'n8n-nodes-base.webhook').parameters.path;
	log(`${contender.label}: restarting the workers and the webhook processor, so that their peaks are this run's…`);
	await Promise.all(n8n.processes().filter((p) => p.role !== 'main').map((p) => n8n.restart(p.name)));
	await n8n.activateWorkflow(workflow.id);
	await n8n.waitForWebhook(webhookPath);
	const count = async (/** @type {string[]} */ statuses) =>
		Number(
			(await queue.postgres.query(`SELECT count(*) FROM execution_entity WHERE "workflowId" = '${workflow.id}' AND status IN (${statuses.map((s) => `'${s}'`).join(', ')})`))[0][0],
		);
	const programs = [
		...n8n.processes().map((p) => ({ name: p.name, role: p.role, pid: /** @type {number} */ (p.pid) })),
		{ name: 'postgres', role: 'database', pid: queue.postgres.pid },
		{ name: 'redis', role: 'queue', pid: queue.redis.pid() },
	];
	const sampler = memorySampler(programs);

	// 1. N executions, each waiting for its own signer.
	const ids = Array.from({ length: options.executions }, (_, i) => `sr-bench-${contender.key}-${i + 1}`);
	log(`${contender.label}: starting ${ids.length} executions through the webhook processor, ${options.startConcurrency} at a time…`);
	const startAt = Date.now();
	const answers = await pooled(ids, options.startConcurrency, (signatureRequestId) => postCallback(`${n8n.webhookUrl}/webhook/${webhookPath}`, { signatureRequestId }));
	const refused = answers.filter((a) => a.status !== 200);
	if (refused.length > 0) throw new Error(`${refused.length} webhook calls were not answered 200: ${refused[0].status} ${refused[0].text.slice(0, 200)}`);
	await lib.waitFor(`${ids.length} executions waiting`, async () => ((await count(['waiting'])) === ids.length ? true : undefined), {
		timeoutMs: STEP_TIMEOUT_MS,
		intervalMs: 500,
		describe: async () => `${await count(['waiting'])} waiting, ${await count(['error', 'crashed'])} failed`,
	});
	const startMs = Date.now() - startAt;

	// 2. Every signer signs at once.
	const burstAt = Date.now();
	const signings = await Promise.all(
		ids.map(async (id) => {
			const result = await sandbox.sign(id);
			return { id, status: result.callbackStatus, error: result.callbackError, answeredAt: Date.now() };
		}),
	);
	const lastAnsweredAt = Math.max(...signings.map((s) => s.answeredAt));
	const statuses = [...new Set(signings.map((s) => s.status))];
	log(`${contender.label}: ${ids.length} waiting after ${(startMs / 1000).toFixed(1)} s; ${signings.length} callbacks answered (${statuses.join(', ')}) in ${lastAnsweredAt - burstAt} ms`);
	await lib.waitFor(`${ids.length} executions finished`, async () => ((await count(['waiting', 'running', 'new'])) === 0 ? true : undefined), {
		timeoutMs: STEP_TIMEOUT_MS,
		intervalMs: 200,
		describe: async () => `${await count(['success'])} success, ${await count(['waiting'])} waiting, ${await count(['error', 'crashed'])} failed`,
	});
	const rows = await queue.postgres.query(
		`SELECT id, status, (extract(epoch from "stoppedAt") * 1000)::bigint FROM execution_entity WHERE "workflowId" = '${workflow.id}' ORDER BY id`,
	);
	const peaks = sampler.stop();
	const lastFinishedAt = Math.max(...rows.map((r) => Number(r[2])));

	// 3. Exactly once, with the right document.
	const jobs = n8n.jobs();
	const workers = new Set(n8n.processes().filter((p) => p.role === 'worker').map((p) => p.name));
	const byExecution = new Map(
		ids.map((id) => {
			const record = /** @type {import('../sandbox/server').SignatureRequestRecord} */ (sandbox.getSignatureRequest(id));
			return [/\/webhook-waiting\/(\d+)(?:[/?]|$)/.exec(record.sendInfoURL)?.[1], { id, documentId: record.documentId }];
		}),
	);
	/** @type {{ kind: 'lost' | 'duplicated' | 'wrong', text: string }[]} */
	const problems = [];
	if (rows.length > ids.length) problems.push({ kind: 'duplicated', text: `${rows.length} executions for ${ids.length} requests` });
	problems.push(...ids.filter((id) => ![...byExecution.values()].some((e) => e.id === id)).map((id) => ({ kind: /** @type {const} */ ('lost'), text: `${id}: no execution` })));
	let ok = 0;
	await pooled(rows, 10, async ([executionId, status]) => {
		const expected = byExecution.get(executionId);
		const own = jobs.get(executionId);
		const jobs2 = jobProblem(own, workers) ?? (own?.enqueued.length !== 2 ? `${own?.enqueued.length} jobs, not 2 (start, resume)` : undefined);
		if (!expected || status !== 'success') return problems.push({ kind: 'lost', text: `execution ${executionId}: ${expected ? `status ${status}` : 'no request names it'}` });
		if (jobs2) return problems.push({ kind: 'duplicated', text: `execution ${executionId}: ${jobs2}` });
		const { runs, item } = contender.outcome(await n8n.execution(executionId));
		if (runs !== 1) return problems.push({ kind: 'duplicated', text: `execution ${executionId}: resumed ${runs} times` });
		const signed = sandbox.getDocument(expected.documentId)?.signedContent;
		const bytes = item?.binary?.data ? await n8n.binaryData(item.binary.data) : undefined;
		if (JSON.stringify(item?.ids) !== JSON.stringify([expected.id, expected.documentId, 'signed']) || !bytes || !signed || !bytes.equals(signed)) {
			return problems.push({ kind: 'wrong', text: `execution ${executionId}: got ${JSON.stringify(item?.ids)}, expected ${expected.id}/${expected.documentId} signed, with its PDF` });
		}
		ok++;
		return undefined;
	});
	/** @type {Record<string, number>} */
	const jobsPerWorker = {};
	for (const [executionId] of rows) for (const e of jobs.get(executionId)?.started ?? []) jobsPerWorker[e.process] = (jobsPerWorker[e.process] ?? 0) + 1;
	const tally = (/** @type {string} */ kind) => problems.filter((p) => p.kind === kind).length;
	return {
		key: contender.key,
		label: contender.label,
		executions: ids.length,
		startMs,
		callbacks: { total: signings.length, statuses, burstMs: lastAnsweredAt - burstAt },
		drainMs: lastFinishedAt - lastAnsweredAt,
		verified: { ok, lost: tally('lost'), duplicated: tally('duplicated'), wrong: tally('wrong'), problems: problems.map((p) => p.text) },
		jobsPerWorker,
		memory: programs.map(({ name, role }) => ({ name, role, ...peaks[name] })),
	};
}

/** @param {number} kib */
const mib = (kib) => `${Math.round(kib / 1024)} MiB`;
/** @param {number} ms */
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/**
 * @param {any} results
 * @returns {string}
 */
function markdown(results) {
	const [main, baseline] = results.contenders;
	const SERVES = { main: 'editor, REST API', worker: 'runs executions', webhook: '/webhook, /webhook-waiting', database: 'PostgreSQL 15', queue: 'Redis' };
	const peakOf = (/** @type {any} */ contender, /** @type {string} */ name) => contender?.memory.find((/** @type {any} */ m) => m.name === name);
	const ratio = (/** @type {number} */ a, /** @type {number} */ b) => (b > 0 ? `${(a / b).toFixed(2)} ×` : '–');
	const memoryRow = (/** @type {any} */ m) => {
		const other = peakOf(baseline, m.name);
		const children = m.children === 0 ? '–' : `${m.children} × ≤ ${mib(m.childrenPeakKiB)}`;
		const vsBaseline = other ? ` | ${mib(other.peakKiB)} | ${ratio(m.peakKiB, other.peakKiB)}` : '';
		return `| ${m.name} | ${SERVES[/** @type {keyof typeof SERVES} */ (m.role)] ?? m.role} | ${mib(m.idleRssKiB)} | **${mib(m.peakKiB)}** | ${children}${vsBaseline} |`;
	};
	const figures = (/** @type {any} */ c) => [
		`| Executions started through the webhook processor, all waiting for their signer | ${c.executions} in ${seconds(c.startMs)} |`,
		`| Genuine callbacks from the sandbox's signer, all at once | ${c.callbacks.total}, all answered ${c.callbacks.statuses.join(', ')}; ${seconds(c.callbacks.burstMs)} from the first sent to the last answered |`,
		`| **Last callback answered → last execution finished** | **${seconds(c.drainMs)}** |`,
		`| Resumed exactly once with the right document | ${c.verified.ok} of ${c.executions} (lost ${c.verified.lost}, duplicated ${c.verified.duplicated}, wrong ${c.verified.wrong}) |`,
		`| Jobs per worker (starts and resumes) | ${Object.entries(c.jobsPerWorker).map(([w, n]) => `${w} ${n}`).join(', ')} |`,
	];
	return [
		`## Queue mode: ${main.executions} Send and Wait executions resumed by one burst of callbacks`,
		'',
		`Written by \`npm run bench:queue\` (\`bench/queue-load.js\`) on ${results.date}, in ${Math.round(results.durationSeconds)} s; raw numbers in`,
		`\`bench/out/queue-load.json\`. n8n ${results.n8nVersion} in queue mode on Node ${results.nodeVersion}: PostgreSQL 15, Redis, the main, two workers`,
		'(concurrency 10 each) and a webhook processor, each with the package installed, all on this one machine',
		`(${results.machine.cpus} × ${results.machine.cpu}, ${results.machine.memoryGiB} GiB; load average ${results.machine.loadBefore} before, ${results.machine.loadAfter} after: it is shared with other jobs).`,
		'',
		`### ${main.label}`,
		'',
		'| Measure | Result |',
		'| --- | --- |',
		...figures(main),
		...(baseline
			? [
					'',
					`### Baseline in the same run: ${baseline.label}`,
					'',
					"n8n's own Wait node resumes by the same callbacks; the workflow then confirms and downloads on a worker (the manual",
					'pattern of the README). Send and Wait does that confirmation in the webhook processor, before it resumes.',
					'',
					'| Measure | Result | Send and Wait ÷ baseline |',
					'| --- | --- | ---: |',
					...figures(baseline).map((row, i) => `${row} ${[ratio(main.startMs, baseline.startMs), ratio(main.callbacks.burstMs, baseline.callbacks.burstMs), ratio(main.drainMs, baseline.drainMs), '', ''][i]} |`),
				]
			: []),
		'',
		'### Memory',
		'',
		'Per process, for the Send and Wait run: its resident set when the run began (the workers and the webhook processor',
		'freshly restarted for it) and the peak resident set the kernel recorded (VmHWM) since the process started;',
		'"children" are the processes it started (n8n 2.x: its JavaScript task runner; PostgreSQL: its backends).',
		...(baseline ? ["The baseline's peak, measured the same way on its own fresh processes, and the ratio."] : []),
		'',
		`| Process | Serves | RSS at start | Peak RSS | Children: peak RSS${baseline ? ' | Baseline peak RSS | ÷ baseline' : ''} |`,
		`| --- | --- | ---: | ---: | ---${baseline ? ' | ---: | ---:' : ''} |`,
		...main.memory.map(memoryRow),
		'',
		`Command: \`npm run bench:queue\` (\`node bench/queue-load.js${results.argv.length ? ` ${results.argv.join(' ')}` : ''}\`).`,
	].join('\n');
}

async function main() {
	const options = parseArgs(process.argv.slice(2));
	const started = Date.now();
	const loadBefore = os.loadavg()[0].toFixed(2);
	onInterrupt(() => log('interrupted'));
	await ensureDebianPackages({ needed: [REDIS, POSTGRES] }, log);
	const tarball = await packPackage();
	const sandbox = await startE2eSandbox();
	const contenders = CONTENDERS.filter((c) => options.baseline || c.key === 'send-and-wait');
	/** @type {import('../scripts/lib/n8n').Queue | undefined} */
	let queue;
	try {
		const running = await startQueueWithPackage({ tarball, sandbox, workflows: contenders.map((c) => c.workflow), log });
		queue = running.queue;
		const { n8n } = running;
		const measured = [];
		for (const contender of contenders) measured.push(await runContender({ n8n, queue, sandbox }, contender, options));
		const results = {
			date: new Date().toISOString(),
			argv: process.argv.slice(2),
			n8nVersion: queue.n8nVersion,
			nodeVersion: queue.main.runtime.nodeVersion,
			machine: machine(loadBefore),
			contenders: measured,
			durationSeconds: (Date.now() - started) / 1000,
		};
		writeRawResults('queue-load', results);
		const section = markdown(results);
		process.stdout.write(`\n${section}\n`);
		const failures = measured.flatMap((c) => [
			...c.verified.problems.map((p) => `${c.label}: ${p}`),
			...(c.callbacks.statuses.some((s) => s !== 200) ? [`${c.label}: callbacks answered ${c.callbacks.statuses.join(', ')}`] : []),
		]);
		if (failures.length > 0) throw new Error(`not every execution resumed exactly once with its document:\n${failures.slice(0, 20).join('\n')}`);
		writeSection(options.out, 'queue-load', section);
		log(`wrote the section "queue-load" of ${path.relative(REPO, options.out)} (${Math.round(results.durationSeconds)} s in all)`);
	} finally {
		await queue?.stop();
		await sandbox.stop();
	}
}

main().catch((error) => {
	log(`ERROR: ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
});
