#!/usr/bin/env node
// @ts-check
'use strict';

/*
 * npm run dev: the package in a real n8n, ready to click through.
 *
 *   node scripts/dev.js [--version 1|2] [--port 5678] [--host 127.0.0.1] [--sandbox-port 8787] [--no-auto-sign]
 *
 * Builds and packs the package, installs the tarball into a fresh user folder (.e2e/dev-<version>, reset on every
 * run) the way Settings → Community Nodes does, starts the OKdokument sandbox in this process, imports the credential
 * "OKdokument sandbox" and the example workflows (examples/), starts n8n, creates the owner and prints how to log in.
 *
 * The simulated signer: when an Update points a Send Info URL at this n8n (a Wait node's resume URL), a few seconds
 * later it POSTs OKdokument's callback ({ state: "signed", id, signatureRequestId }) there, so
 * examples/update-callback-and-wait.json runs to the end. --no-auto-sign turns it off (a curl line to send it by hand
 * is printed instead).
 *
 * Ctrl-C stops n8n and the sandbox.
 */

const fs = require('node:fs');
const path = require('node:path');

const lib = require('./lib/n8n-instance');
const { startSandbox, demoSignatureRequests, DEFAULT_API_KEY } = require('../sandbox/server');

const REPO = path.resolve(__dirname, '..');
const EXAMPLES_DIR = path.join(REPO, 'examples');
const CREDENTIAL = { id: 'okdSandbox', name: 'OKdokument sandbox', type: lib.CREDENTIAL_TYPE };
const AUTO_SIGN_DELAY_MS = 5000;

const USAGE = `Usage: node scripts/dev.js [--version 1|2] [--port 5678] [--host 127.0.0.1] [--sandbox-port 8787] [--no-auto-sign]
  --version       n8n 1 (1.123.81, default) or 2 (2.41.1)
  --port, --host  where n8n listens (default 127.0.0.1:5678)
  --sandbox-port  where the OKdokument sandbox listens (default 8787; a free port if that one is taken)
  --no-auto-sign  do not simulate the signer's callback`;

/**
 * @param {string[]} argv
 * @returns {{ version: string, port: number, host: string, sandboxPort: number, autoSign: boolean }}
 */
function parseArgs(argv) {
	const options = { version: '1', port: 5678, host: '127.0.0.1', sandboxPort: 8787, autoSign: true };
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
		const value = inline ?? argv[++i];
		const number = Number(value);
		if (value === undefined) fail(`Missing value for ${flag}`);
		else if ((flag === '--version' || flag === '-v') && (value === '1' || value === '2')) options.version = value;
		else if (flag === '--host') options.host = value;
		else if (flag === '--port' && Number.isInteger(number) && number > 0 && number < 65536) options.port = number;
		else if (flag === '--sandbox-port' && Number.isInteger(number) && number >= 0 && number < 65536) options.sandboxPort = number;
		else fail(`Bad argument: ${argv[i]}${inline === undefined ? ` ${value}` : ''}`);
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
 * Watches the sandbox for updates that point a Send Info URL at this n8n (a Wait node's resume URL), and plays the
 * signer for them. Callback URLs elsewhere are left alone.
 * @param {import('../sandbox/server').Sandbox} sandbox
 * @param {string} n8nUrl
 * @param {boolean} autoSign
 * @returns {() => void} stops watching
 */
function watchForCallbacks(sandbox, n8nUrl, autoSign) {
	let seen = 0;
	/** @type {Set<NodeJS.Timeout>} */
	const pending = new Set();
	const poll = setInterval(() => {
		for (; seen < sandbox.requests.length; seen++) {
			const request = sandbox.requests[seen];
			const body = /** @type {Record<string, unknown> | undefined} */ (request.body);
			if (request.method !== 'PATCH' || !body || typeof body !== 'object') continue;
			const id = String(body.signatureRequestId ?? '');
			const url = body.sendInfoURL ?? body.sendInfoUrl;
			const record = sandbox.getSignatureRequest(id);
			if (typeof url !== 'string' || !url.startsWith(`${n8nUrl}/`) || !record || record.sendInfoURL !== url) continue;
			const callback = { state: 'signed', id: record.documentId, signatureRequestId: id };
			const curl = `curl -X POST '${url}' -H 'content-type: application/json' -d '${JSON.stringify(callback)}'`;
			if (!autoSign) {
				step(`${id} now calls back ${url}. To play the signer:\n      ${curl}`);
				continue;
			}
			step(`${id}: simulated signer calls back in ${AUTO_SIGN_DELAY_MS / 1000} s (${url}); by hand: ${curl}`);
			const timer = setTimeout(async () => {
				pending.delete(timer);
				try {
					const res = await fetch(url, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify(callback),
						signal: AbortSignal.timeout(15_000),
					});
					step(`${clock()} simulated signer: POST ${url} {"state":"signed",…} → HTTP ${res.status}`);
				} catch (error) {
					step(`${clock()} simulated signer: POST ${url} failed: ${error instanceof Error ? error.message : String(error)}`);
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

async function main() {
	const options = parseArgs(process.argv.slice(2));
	const started = Date.now();

	/** @type {import('../sandbox/server').Sandbox | undefined} */
	let sandbox;
	/** @type {import('./lib/n8n-instance').RunningN8n | undefined} */
	let n8n;
	/** @type {(() => void) | undefined} */
	let stopWatching;
	let stopping = false;
	/** @param {string} why @param {number} code */
	const shutdown = async (why, code) => {
		if (stopping) return;
		stopping = true;
		step(`${why}: stopping…`);
		stopWatching?.();
		if (n8n) {
			await n8n.stop();
			step('n8n stopped');
		}
		if (sandbox) {
			await sandbox.stop();
			step('sandbox stopped');
		}
		process.exit(code);
	};
	process.on('SIGINT', () => void shutdown('SIGINT', 0));
	process.on('SIGTERM', () => void shutdown('SIGTERM', 0));

	step(`n8n ${options.version === '1' ? '1.x' : '2.x'}: building and packing the package…`);
	const tarball = await lib.packTarball({ repoDir: REPO, outDir: path.join(REPO, '.e2e', 'pack') });
	step(`packed ${path.relative(REPO, tarball)}`);

	const instance = await lib.createInstance({
		version: options.version,
		root: path.join(REPO, '.e2e'),
		userFolder: path.join(REPO, '.e2e', `dev-${options.version}`),
		reset: true,
	});
	step(`fresh user folder ${instance.userFolder} (linked from ${path.relative(REPO, instance.requestedFolder)}), n8n ${instance.n8nVersion}`);

	const installed = await lib.installPackage(instance, tarball);
	step(`installed as a community package: ${installed.nodeTypes.join(', ')}`);

	/** @type {import('../sandbox/server').SandboxOptions} */
	const sandboxOptions = {
		host: '127.0.0.1',
		port: options.sandboxPort,
		apiKeys: { [DEFAULT_API_KEY]: { permitted: true } },
		signatureRequests: demoSignatureRequests(3),
		log: (line) => process.stdout.write(`[sandbox] ${clock()} ${line}\n`),
	};
	try {
		sandbox = await startSandbox(sandboxOptions);
	} catch (error) {
		if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EADDRINUSE') throw error;
		step(`port ${options.sandboxPort} is taken (npm run sandbox running?); the sandbox takes a free port instead`);
		sandbox = await startSandbox({ ...sandboxOptions, port: 0 });
	}
	step(`OKdokument sandbox on ${sandbox.url} (key ${DEFAULT_API_KEY}; requests ${demoSignatureRequests(3).map((r) => r.signatureRequestId).join(', ')})`);

	step('importing the credential "OKdokument sandbox" and the example workflows (n8n runs its migrations first)…');
	await lib.importCredentials(instance, [
		{ ...CREDENTIAL, data: { apiKey: DEFAULT_API_KEY, environment: 'custom', baseUrl: sandbox.url } },
	]);
	const examples = fs
		.readdirSync(EXAMPLES_DIR)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, f), 'utf8')));
	await lib.importWorkflows(instance, examples);
	step(`imported ${examples.length} workflows`);

	step(`starting n8n ${instance.n8nVersion} on ${options.host}:${options.port} (log: ${path.join(instance.userFolder, 'n8n.log')})…`);
	n8n = await lib.startN8n(instance, { port: options.port, host: options.host });
	stopWatching = watchForCallbacks(sandbox, n8n.url, options.autoSign);
	n8n.exited.then(({ code, signal }) => {
		if (!stopping) void shutdown(`n8n exited on its own (${code ?? signal}); see ${n8n?.logFile}`, 1);
	});

	const url = n8n.url;
	const lines = [
		'',
		`  n8n ${instance.n8nVersion} with n8n-nodes-okdokument is ready (${lib.formatDuration(Date.now() - started)}).`,
		'',
		`  Open      ${url}`,
		`  E-mail    ${n8n.owner.email}`,
		`  Password  ${n8n.owner.password}`,
		'',
		'  Then open one of the example workflows and click "Execute workflow":',
		...examples.map((w) => `    ${`${url}/workflow/${w.id}`.padEnd(46)} ${w.name}`),
		'',
		`  The credential "OKdokument sandbox" points at ${sandbox.url}; its requests are logged below as [sandbox].`,
		options.autoSign
			? '  "Continue when the signer finishes" waits at its Wait node; the simulated signer calls back after 5 s.'
			: '  "Continue when the signer finishes" waits at its Wait node until you POST the callback (printed below).',
		'  Ctrl-C stops n8n and the sandbox.',
		'',
	];
	process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error) => {
	process.stderr.write(`[dev] failed: ${error instanceof Error ? error.message : String(error)}\n`);
	// n8n (if started) is killed by the library's exit hook; the sandbox dies with this process.
	process.exit(1);
});
