#!/usr/bin/env node
// @ts-check
'use strict';

// Runs the OKdokument sandbox in the foreground (dev tooling, never shipped).
// Usage: node sandbox/cli.js [--port 8787] [--host 127.0.0.1] [--api-key KEY] [--seed N] [--dialect wiki|connector] [--callback-timeout MS]

const { startSandbox, DEFAULT_API_KEY, DIALECTS, demoSignatureRequests } = require('./server');

const USAGE = `Usage: node sandbox/cli.js [--port 8787] [--host 127.0.0.1] [--api-key KEY] [--seed N] [--dialect wiki|connector]
                           [--callback-timeout MS]
  --port     port to listen on (0 = any free port), default 8787
  --host     interface to bind, default 127.0.0.1
  --api-key  the accepted x-api-key, default ${DEFAULT_API_KEY}
  --seed     number of example signature requests, default 3
  --dialect  which documentation to answer as: wiki (default) or connector (the Power Automate connector's
             shapes: no documentId, {code, message, result, statusCode, success} errors and callbacks, 405 on PATCH)
  --callback-timeout  how long the signer waits for the answer to a sendInfo callback before it marks the
             document errorsendinfo, in ms, default 10000`;

/** @param {string} message */
function fail(message) {
	console.error(`${message}\n${USAGE}`);
	process.exit(2);
}

/** @param {string[]} argv */
function parseArgs(argv) {
	/** @type {{ port: number, host: string, apiKey: string, seed: number, dialect: import('./server').Dialect, callbackTimeoutMs?: number }} */
	const options = { port: 8787, host: '127.0.0.1', apiKey: DEFAULT_API_KEY, seed: 3, dialect: 'wiki' };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s);
		if (flag === '-h' || flag === '--help') {
			console.log(USAGE);
			process.exit(0);
		}
		const value = inline ?? argv[++i];
		if (value === undefined) fail(`Missing value for ${flag}`);
		const count = Number(value);
		if (flag === '--host') options.host = value;
		else if (flag === '--api-key') options.apiKey = value;
		else if (flag === '--port' && Number.isInteger(count) && count >= 0 && count < 65536) options.port = count;
		else if (flag === '--seed' && Number.isInteger(count) && count >= 0) options.seed = count;
		else if (flag === '--callback-timeout' && Number.isInteger(count) && count > 0) options.callbackTimeoutMs = count;
		else if (flag === '--dialect' && DIALECTS.includes(/** @type {import('./server').Dialect} */ (value))) {
			options.dialect = /** @type {import('./server').Dialect} */ (value);
		}
		else fail(`Bad argument: ${flag} ${value}`);
	}
	return options;
}

async function main() {
	const options = parseArgs(process.argv.slice(2));
	const seed = demoSignatureRequests(options.seed);
	const sandbox = await startSandbox({
		host: options.host,
		port: options.port,
		apiKeys: { [options.apiKey]: { permitted: true } },
		signatureRequests: seed,
		dialect: options.dialect,
		...(options.callbackTimeoutMs ? { callbackTimeoutMs: options.callbackTimeoutMs } : {}),
		log: (line) => console.log(`${new Date().toISOString().slice(11, 23)} ${line}`),
	});
	console.log(`OKdokument sandbox listening on ${sandbox.url} (API under ${sandbox.url}/JSON)`);
	console.log(`  x-api-key:          ${options.apiKey}`);
	console.log(`  dialect:            ${options.dialect}`);
	console.log(`  signature requests: ${seed.map((r) => r.signatureRequestId).join(', ') || '(none)'}`);
	console.log('Press Ctrl+C to stop.');

	let stopping = false;
	/** @param {NodeJS.Signals} signal */
	const shutdown = async (signal) => {
		if (stopping) return;
		stopping = true;
		console.log(`${signal}: stopping sandbox`);
		await sandbox.stop();
		process.exit(0);
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

main().catch((error) => {
	console.error(`sandbox: ${error instanceof Error ? error.message : String(error)}`);
	process.exit(1);
});
