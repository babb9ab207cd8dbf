#!/usr/bin/env node
// @ts-check
'use strict';

/*
 * npm run dev: the package in a real n8n, ready to click through.
 *
 *   node scripts/dev.js [--version 1|2|oldest] [--queue] [--port 5678] [--host 127.0.0.1] [--sandbox-port 8787] [--no-auto-sign]
 *                       [--dialect wiki|connector]
 *
 * --queue runs n8n 2.x in queue mode instead (scripts/lib/n8n/queue.js): PostgreSQL 15 and Redis from Debian's
 * packages, the main (editor and REST API on --port), two workers and a webhook processor (on --port + 1 when free),
 * each with the package installed, all in a temporary folder that Ctrl-C deletes. It prints which process serves what.
 *
 * Builds and packs the package, installs the tarball into a fresh user folder (.e2e/dev-<version>, reset on every
 * run) the way Settings → Community Nodes does, starts the OKdokument sandbox in this process, imports the credential
 * "OKdokument sandbox" and the example workflows (examples/), starts n8n, creates the owner and prints how to log in.
 *
 * It activates examples/trigger-on-signed.json (n8n 2.x: publishes it) and creates the signature request
 * "sr-trigger-demo" in the sandbox, whose Send Info URL is that trigger's production URL.
 *
 * The examples that send e-mail themselves (n8n's Send Email node) use the credential "SMTP mail catcher (npm run dev)",
 * which points at a mail server inside this process (scripts/lib/mail-catcher.js): it prints every e-mail as [mail] and
 * delivers nothing.
 *
 * The simulated signer: whenever a signature request in the sandbox is waiting to be signed and its Send Info URL
 * points at this n8n (a Wait node's resume URL set by Create or Update, the resume URL that Send and Wait or Wait for
 * Signature sets, or an OKdokument Trigger's production URL), the dev script prints its signing page (<sandbox>/openDocument/<id>, with Sign and Cancel buttons) and, a few seconds
 * later, signs it with the sandbox's own signer (sandbox.sign): the document becomes signed, gets a signed PDF, and
 * OKdokument's callback ({ state, id, signatureRequestId }) is POSTed to the Send Info URL. --no-auto-sign leaves the
 * signing to you (click Sign or Cancel on the printed page).
 *
 * Ctrl-C stops n8n and the sandbox.
 */

const fs = require('node:fs');
const path = require('node:path');

const lib = require('./lib/n8n');
const { resolveRecipe } = require('./n8n-runtime');
const { REDIS, POSTGRES, ensureDebianPackages } = require('./lib/debian-packages');
const { isPortFree } = require('./lib/n8n/processes');
const { onInterrupt, isInterrupted } = require('./lib/n8n/shutdown');
const { EXAMPLE_SMTP_CREDENTIAL, smtpCredential, startMailCatcher } = require('./lib/mail-catcher');
const { startSandbox, demoSignatureRequests, DEFAULT_API_KEY } = require('../sandbox/server');

const REPO = path.resolve(__dirname, '..');
const EXAMPLES_DIR = path.join(REPO, 'examples');
const CREDENTIAL = { id: 'okdSandbox', name: 'OKdokument sandbox', type: lib.CREDENTIAL_TYPE };
/** The Bearer Auth token of examples/mcp-server.json's MCP Server Trigger: what an MCP client sends. */
const MCP_CREDENTIAL = { id: 'mcpExampleToken', name: 'MCP client token (example)', type: 'httpBearerAuth' };
const MCP_DEV_TOKEN = 'okdokument-dev-mcp-token';
const MCP_EXAMPLE_ID = 'exMcpServer';
const AUTO_SIGN_DELAY_MS = 5000;
/** examples/trigger-on-signed.json, which `npm run dev` activates, and the request that calls it back. */
const TRIGGER_EXAMPLE_ID = 'exSignedTrigger';
const TRIGGER_DEMO_REQUEST = 'sr-trigger-demo';

const USAGE = `Usage: node scripts/dev.js [--version 1|2|oldest] [--queue] [--port 5678] [--host 127.0.0.1] [--sandbox-port 8787] [--no-auto-sign]
                           [--dialect wiki|connector]
  --version       n8n 1 (1.123.81, default), 2 (2.41.1) or oldest (1.88.0, the oldest n8n the package supports)
  --queue         n8n 2.41.1 in queue mode: Postgres, Redis, the main, two workers, a webhook processor
  --port, --host  where n8n listens (default 127.0.0.1:5678)
  --sandbox-port  where the OKdokument sandbox listens (default 8787; a free port if that one is taken)
  --no-auto-sign  do not sign for you: open the printed signing page and click Sign or Cancel
  --dialect       how the sandbox answers: wiki (default) or connector (the Power Automate connector's shapes)`;

/**
 * @param {string[]} argv
 * @returns {{ version: string, queue: boolean, port: number, host: string, sandboxPort: number, autoSign: boolean, dialect: import('../sandbox/server').Dialect }}
 */
function parseArgs(argv) {
	/** @type {ReturnType<typeof parseArgs>} */
	const options = { version: '1', queue: false, port: 5678, host: '127.0.0.1', sandboxPort: 8787, autoSign: true, dialect: 'wiki' };
	let versionGiven = false;
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s);
		if (flag === '-h' || flag === '--help') {
			process.stdout.write(`${USAGE}\n`);
			process.exit(0);
		}
		if (flag === '--no-auto-sign') {
			options.autoSign = false;
			continue;
		}
		if (flag === '--queue') {
			options.queue = true;
			continue;
		}
		const value = inline ?? argv[++i];
		const number = Number(value);
		if (value === undefined) fail(`Missing value for ${flag}`);
		else if ((flag === '--version' || flag === '-v') && (value === '1' || value === '2' || value === 'oldest')) {
			options.version = value;
			versionGiven = true;
		}
		else if (flag === '--host') options.host = value;
		else if (flag === '--port' && Number.isInteger(number) && number > 0 && number < 65536) options.port = number;
		else if (flag === '--sandbox-port' && Number.isInteger(number) && number >= 0 && number < 65536) options.sandboxPort = number;
		else if (flag === '--dialect' && (value === 'wiki' || value === 'connector')) options.dialect = value;
		else fail(`Bad argument: ${argv[i]}${inline === undefined ? ` ${value}` : ''}`);
	}
	if (options.queue) {
		if (versionGiven && options.version !== '2') fail('--queue runs n8n 2.x (queue mode is set up for 2.41.1 only)');
		options.version = '2';
	}
	return options;
}

/** @param {string} message @returns {never} */
function fail(message) {
	process.stderr.write(`${message}\n${USAGE}\n`);
	process.exit(2);
}

/** @param {string} message */
function step(message) {
	process.stdout.write(`[dev] ${message}\n`);
}

/** @returns {string} e.g. 08:12:03.456 */
function clock() {
	return new Date().toISOString().slice(11, 23);
}

/**
 * Prints an e-mail the mail catcher caught, as the signer would read it.
 * @param {import('./lib/mail-catcher').CaughtMail} caught
 */
function printMail(caught) {
	const lines = [`${clock()} to ${caught.to.join(', ')} from ${caught.from}: ${caught.subject}`, ...caught.text.trimEnd().split('\n').map((line) => `  ${line}`)];
	process.stdout.write(lines.map((line) => `[mail] ${line}\n`).join(''));
}

/**
 * Watches the sandbox for signature requests waiting to be signed whose Send Info URL points at this n8n (a Wait
 * node's resume URL, or an OKdokument Trigger's production URL), prints their signing page and, with auto-sign, signs
 * them with the sandbox's signer a few seconds later. Each (request, Send Info URL) pair is handled once: an Update
 * that points the request elsewhere later starts over. Requests calling back elsewhere are left alone.
 * @param {import('../sandbox/server').Sandbox} sandbox
 * @param {string} n8nUrl
 * @param {boolean} autoSign
 * @returns {() => void} stops watching
 */
function watchForSigning(sandbox, n8nUrl, autoSign) {
	/** @type {Set<string>} */
	const handled = new Set();
	/** @type {Set<NodeJS.Timeout>} */
	const pending = new Set();
	const poll = setInterval(() => {
		for (const record of sandbox.listSignatureRequests()) {
			const id = record.signatureRequestId;
			const url = record.sendInfoURL;
			const key = `${id}\n${url}`;
			if (!url.startsWith(`${n8nUrl}/`) || handled.has(key)) continue;
			handled.add(key);
			if (record.state !== 'tosign') {
				// As in OKdokument: a finished signing round never calls back again.
				step(
					`${clock()} ${id} now calls back ${url}, but it is already ${record.state}: nobody can sign it again, so ` +
						'nothing will call back. Use a request still to sign (Create makes new ones), or restart npm run dev.',
				);
				continue;
			}
			const page = `${sandbox.url}/openDocument/${encodeURIComponent(id)}`;
			if (!autoSign) {
				step(`${clock()} ${id} calls back ${url} when signed. Sign or cancel it yourself: ${page}`);
				continue;
			}
			step(`${clock()} ${id} calls back ${url} when signed; the simulated signer signs it in ${AUTO_SIGN_DELAY_MS / 1000} s (signing page: ${page})`);
			const timer = setTimeout(async () => {
				pending.delete(timer);
				const now = sandbox.getSignatureRequest(id);
				if (!now || now.state !== 'tosign' || now.sendInfoURL !== url) {
					step(`${clock()} simulated signer: ${id} was ${now ? `${now.state}, calling back ${now.sendInfoURL || 'nowhere'}` : 'deleted'} in the meantime; not signing it`);
					return;
				}
				try {
					const result = await sandbox.sign(id);
					const answer = result.callbackStatus === null ? `no answer (${result.callbackError ?? 'unknown error'})` : `HTTP ${result.callbackStatus}`;
					step(`${clock()} simulated signer signed ${id}; OKdokument's callback to ${url} got ${answer}; document state: ${result.state}`);
				} catch (error) {
					step(`${clock()} simulated signer could not sign ${id}: ${error instanceof Error ? error.message : String(error)}`);
				}
			}, AUTO_SIGN_DELAY_MS);
			pending.add(timer);
		}
	}, 300);
	return () => {
		clearInterval(poll);
		for (const timer of pending) clearTimeout(timer);
	};
}

/**
 * Activates the trigger example and creates the demo signature request that calls it back. Failures are reported,
 * not fatal: everything else still works.
 * @param {import('./lib/n8n').RunningN8n} n8n
 * @param {import('../sandbox/server').Sandbox} sandbox
 * @param {any[]} examples
 * @returns {Promise<string | undefined>} the trigger's production URL, when it is active
 */
async function activateTriggerExample(n8n, sandbox, examples) {
	const workflow = examples.find((w) => w.id === TRIGGER_EXAMPLE_ID);
	const trigger = workflow?.nodes.find((/** @type {{ type: string }} */ n) => n.type === lib.TRIGGER_NODE_TYPE);
	if (!workflow || !trigger?.webhookId) {
		step(`${TRIGGER_EXAMPLE_ID} (with an OKdokument Trigger that has a webhookId) is not among the examples; no trigger demo`);
		return undefined;
	}
	try {
		await n8n.activateWorkflow(TRIGGER_EXAMPLE_ID);
	} catch (error) {
		step(`could not activate "${workflow.name}": ${error instanceof Error ? error.message : String(error)}`);
		return undefined;
	}
	const url = `${n8n.webhookUrl}/webhook/${trigger.webhookId}/okdokument`;
	try {
		await n8n.waitForWebhook(`${trigger.webhookId}/okdokument`);
	} catch (error) {
		step(`"${workflow.name}" is active, but n8n does not serve its production URL yet: ${error instanceof Error ? error.message : String(error)}`);
	}
	// ?documentId= names the document, which a callback in the connector's shape (--dialect connector) does not.
	const sendInfoURL = `${url}?documentId=doc-trigger-demo`;
	sandbox.addSignatureRequest({ signatureRequestId: TRIGGER_DEMO_REQUEST, documentId: 'doc-trigger-demo', sendInfoURL });
	step(`activated "${workflow.name}"; its production URL ${url} (with ?documentId=) is the Send Info URL of ${TRIGGER_DEMO_REQUEST}`);
	return url;
}

/**
 * @typedef {object} DevN8n  the n8n `npm run dev` runs: one process, or queue mode
 * @property {import('./lib/n8n').Instance} instance  where the CLI imports (the only one, or the main's)
 * @property {string} description   for the start-up line
 * @property {() => Promise<import('./lib/n8n').RunningN8n>} start
 * @property {() => Promise<void>} stop   everything it started (in queue mode also Postgres, Redis and the folder)
 * @property {(n8n: import('./lib/n8n').RunningN8n) => string[]} serves  which process serves what, for the summary
 */

/**
 * One n8n process with SQLite, its user folder .e2e/dev-<version> (reset on every run).
 * @param {ReturnType<typeof parseArgs>} options
 * @param {string} tarball
 * @returns {Promise<DevN8n>}
 */
async function singleProcess(options, tarball) {
	const instance = await lib.createInstance({
		version: options.version,
		root: path.join(REPO, '.e2e'),
		userFolder: path.join(REPO, '.e2e', `dev-${options.version}`),
		reset: true,
	});
	step(`fresh user folder ${instance.userFolder} (linked from ${path.relative(REPO, instance.requestedFolder)}), n8n ${instance.n8nVersion}`);
	const installed = await lib.installPackage(instance, tarball);
	step(`installed as a community package: ${installed.nodeTypes.join(', ')}`);
	/** @type {import('./lib/n8n').RunningN8n | undefined} */
	let n8n;
	return {
		instance,
		description: `n8n ${instance.n8nVersion} on ${options.host}:${options.port} (log: ${path.join(instance.userFolder, 'n8n.log')})`,
		start: async () => {
			n8n = await lib.startN8n(instance, { port: options.port, host: options.host });
			return n8n;
		},
		stop: async () => n8n?.stop(),
		serves: () => [],
	};
}

/**
 * n8n 2.x in queue mode: Postgres, Redis, the main on --port, two workers, a webhook processor on --port + 1 (or a
 * free port), everything in a temporary folder.
 * @param {ReturnType<typeof parseArgs>} options
 * @param {string} tarball
 * @returns {Promise<DevN8n>}
 */
async function queueMode(options, tarball) {
	await ensureDebianPackages({ needed: [REDIS, POSTGRES] }, step);
	const webhookPort = (await isPortFree(options.port + 1, options.host)) ? options.port + 1 : undefined;
	const queue = await lib.createQueue({ host: options.host, mainPort: options.port, webhookPort });
	step(`queue mode: PostgreSQL 15 on ${queue.postgres.host}:${queue.postgres.port}, Redis on ${queue.redis.host}:${queue.redis.port}; folders in ${queue.folder}`);
	await queue.installPackage(tarball);
	step(`installed as a community package into ${queue.processes.map((p) => p.name).join(', ')}`);
	return {
		instance: queue.main,
		description: `n8n ${queue.n8nVersion} in queue mode: the main, ${queue.processes.filter((p) => p.role === 'worker').length} workers and a webhook processor`,
		start: () => queue.start(),
		stop: () => queue.stop(),
		serves: (n8n) => {
			const processes = /** @type {import('./lib/n8n').RunningQueue} */ (n8n).processes();
			const log = (/** @type {string} */ name) => processes.find((p) => p.name === name)?.logFile;
			const workers = processes.filter((p) => p.role === 'worker');
			return [
				'  Queue mode, who serves what:',
				`    main        ${n8n.url}  the editor and REST API, activations; no production webhooks (log ${log('main')})`,
				`    webhook     ${n8n.webhookUrl}  /webhook/… and /webhook-waiting/…: WEBHOOK_URL, where OKdokument calls back (log ${log('webhook')})`,
				...workers.map((w) => `    ${w.name.padEnd(11)} pid ${w.pid}  runs the executions (log ${w.logFile})`),
				`    Postgres    ${queue.postgres.host}:${queue.postgres.port}, database ${queue.postgres.database}, user ${queue.postgres.user} (psql -h ${queue.postgres.host} -p ${queue.postgres.port} -U ${queue.postgres.user} ${queue.postgres.database})`,
				`    Redis       ${queue.redis.host}:${queue.redis.port} (the queue)`,
				'',
			];
		},
	};
}

async function main() {
	const options = parseArgs(process.argv.slice(2));
	const started = Date.now();

	/** @type {import('../sandbox/server').Sandbox | undefined} */
	let sandbox;
	/** @type {import('./lib/mail-catcher').MailCatcher | undefined} */
	let mail;
	/** @type {DevN8n | undefined} */
	let target;
	/** @type {(() => void) | undefined} */
	let stopWatching;
	let stopping = false;
	/** @param {string} why @param {number} code */
	const shutdown = async (why, code) => {
		if (stopping) return;
		stopping = true;
		step(`${why}: stopping…`);
		stopWatching?.();
		if (target) {
			await target.stop();
			step(options.queue ? 'n8n, Redis and Postgres stopped, their folder deleted' : 'n8n stopped');
		}
		if (sandbox) {
			await sandbox.stop();
			step('sandbox stopped');
		}
		await mail?.stop();
		process.exit(code);
	};
	onInterrupt(() => shutdown('interrupted', 0));

	step(`n8n ${resolveRecipe(options.version).n8nVersion}${options.queue ? ' in queue mode' : ''}: building and packing the package…`);
	const tarball = await lib.packTarball({ repoDir: REPO, outDir: path.join(REPO, '.e2e', 'pack') });
	step(`packed ${path.relative(REPO, tarball)}`);

	target = options.queue ? await queueMode(options, tarball) : await singleProcess(options, tarball);
	const { instance } = target;

	/** @type {import('../sandbox/server').SandboxOptions} */
	const sandboxOptions = {
		host: '127.0.0.1',
		port: options.sandboxPort,
		apiKeys: { [DEFAULT_API_KEY]: { permitted: true } },
		signatureRequests: demoSignatureRequests(3),
		dialect: options.dialect,
		log: (line) => process.stdout.write(`[sandbox] ${clock()} ${line}\n`),
	};
	try {
		sandbox = await startSandbox(sandboxOptions);
	} catch (error) {
		if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EADDRINUSE') throw error;
		step(`port ${options.sandboxPort} is taken (npm run sandbox running?); the sandbox takes a free port instead`);
		sandbox = await startSandbox({ ...sandboxOptions, port: 0 });
	}
	step(`OKdokument sandbox on ${sandbox.url} (${options.dialect} dialect; key ${DEFAULT_API_KEY}; requests ${demoSignatureRequests(3).map((r) => r.signatureRequestId).join(', ')})`);

	mail = await startMailCatcher({ onMail: printMail });
	step(`mail catcher on ${mail.host}:${mail.port} (SMTP, no TLS, no login): the e-mails the examples send are printed as [mail], never delivered`);

	step(`importing the credentials "${CREDENTIAL.name}", "${MCP_CREDENTIAL.name}" and "${EXAMPLE_SMTP_CREDENTIAL.name}" and the example workflows (n8n runs its migrations first)…`);
	await lib.importCredentials(instance, [
		{ ...CREDENTIAL, data: { apiKey: DEFAULT_API_KEY, environment: 'custom', baseUrl: sandbox.url } },
		{ ...MCP_CREDENTIAL, data: { token: MCP_DEV_TOKEN } },
		smtpCredential(mail, EXAMPLE_SMTP_CREDENTIAL),
	]);
	const examples = fs
		.readdirSync(EXAMPLES_DIR)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, f), 'utf8')));
	await lib.importWorkflows(instance, examples);
	step(`imported ${examples.length} workflows`);

	step(`starting ${target.description}…`);
	const n8n = await target.start();
	const triggerUrl = await activateTriggerExample(n8n, sandbox, examples);
	stopWatching = watchForSigning(sandbox, n8n.webhookUrl, options.autoSign);
	n8n.exited.then(({ code, signal }) => {
		if (!stopping && !isInterrupted()) void shutdown(`n8n exited on its own (${code ?? signal}); see ${n8n.logFile}`, 1);
	});

	const url = n8n.url;
	const lines = [
		'',
		`  n8n ${instance.n8nVersion}${options.queue ? ' in queue mode' : ''} with n8n-nodes-okdokument is ready (${lib.formatDuration(Date.now() - started)}).`,
		'',
		`  Open      ${url}`,
		`  E-mail    ${n8n.owner.email}`,
		`  Password  ${n8n.owner.password}`,
		'',
		...target.serves(n8n),
		'  Then open one of the example workflows and click "Execute workflow":',
		...examples.map((w) => `    ${`${url}/workflow/${w.id}`.padEnd(46)} ${w.name}`),
		'',
		`  The credential "OKdokument sandbox" points at ${sandbox.url}; its requests are logged below as [sandbox].`,
		`  The credential "${EXAMPLE_SMTP_CREDENTIAL.name}" sends to the mail catcher; each e-mail is printed below as [mail].`,
		options.autoSign
			? '  Workflows that wait for a signer (Wait node, Send and Wait, Wait for Signature, OKdokument Trigger) continue 5 s later: the simulated signer signs.'
			: '  Workflows that wait for a signer continue when you click Sign or Cancel on the signing page printed below.',
		...(triggerUrl
			? [
					`  "${examples.find((w) => w.id === TRIGGER_EXAMPLE_ID)?.name}" is active. Signing ${TRIGGER_DEMO_REQUEST} starts it:`,
					`    ${sandbox.url}/openDocument/${TRIGGER_DEMO_REQUEST}`,
				]
			: []),
		// The MCP Server Trigger is tested in one process only (see README, "Use it as an AI tool / through MCP").
		...(options.queue
			? []
			: [
					`  MCP: activate (2.x: publish) "${examples.find((w) => w.id === MCP_EXAMPLE_ID)?.name}", then connect an MCP client to`,
					`    ${n8n.webhookUrl}/mcp/okdokument  with the header  Authorization: Bearer ${MCP_DEV_TOKEN}`,
				]),
		`  Ctrl-C stops ${options.queue ? 'every process, Postgres, Redis' : 'n8n'} and the sandbox.`,
		'',
	];
	process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error) => {
	process.stderr.write(`[dev] failed: ${error instanceof Error ? error.message : String(error)}\n`);
	// n8n (if started) is killed by the library's exit hook; the sandbox dies with this process.
	process.exit(1);
});
