// @ts-check
'use strict';

/**
 * The probe's command line. The key comes only from the environment (argv shows in `ps`), and Production must be
 * asked for twice: every Create there uses up a purchased signature request.
 */

const path = require('node:path');

const ENVIRONMENT_URLS = {
	production: 'https://api.okdokument.com',
	development: 'https://apidev.okdokument.com',
};
const PRODUCTION_HOST = new URL(ENVIRONMENT_URLS.production).hostname;
const KEY_VARIABLE = 'OKDOKUMENT_API_KEY';
const DEFAULT_OUT = path.join('.cache', 'probe-report.md');
const DEFAULT_TIMEOUT_MS = 30_000;

const USAGE = `Usage: ${KEY_VARIABLE}=… npm run probe -- [--environment development|production|custom] [--base-url URL]
                                         [--out FILE] [--timeout MS] [--confirm-production]
Asks the live OKdokument API which of its documented shapes it speaks, and writes a report (see docs/probe.md).
  --environment         development (default, https://apidev.okdokument.com), production
                        (https://api.okdokument.com) or custom (with --base-url)
  --base-url            for custom: scheme and host, without /JSON (e.g. http://127.0.0.1:8787, the sandbox)
  --out                 the Markdown report (default ${DEFAULT_OUT}); the JSON report goes beside it (.json)
  --timeout             how long to wait for each answer, in ms (default ${DEFAULT_TIMEOUT_MS})
  --confirm-production  Production must be asked for twice: --environment production (or a base URL on
                        ${PRODUCTION_HOST}) and this flag. Each accepted Create uses up a purchased signature
                        request there (the probe needs one, and deletes everything it created).
The API key is read from ${KEY_VARIABLE} only, never from the command line, and never printed or written.
Exit codes: 0 every call answered and everything deleted; 1 a call failed or was interrupted, or something could
not be deleted (the report says what, and how to delete it by hand); 2 bad usage or Production not confirmed.`;

class UsageError extends Error {}

/**
 * @typedef {object} ProbeOptions
 * @property {'development' | 'production' | 'custom'} environment
 * @property {string} baseUrl no trailing slash
 * @property {boolean} production whether the base URL is OKdokument's production host
 * @property {string} out the Markdown report's path
 * @property {string} jsonOut the JSON report's path
 * @property {number} timeoutMs
 * @property {string} apiKey
 */

/** @param {string} value @returns {string} */
function checkBaseUrl(value) {
	let url;
	try {
		url = new URL(value.trim());
	} catch {
		throw new UsageError(`--base-url ${value} is not a URL`);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError('--base-url must start with https:// or http://');
	if (url.username || url.password || url.search || url.hash) throw new UsageError('--base-url takes a scheme and a host only');
	const base = url.href.replace(/\/+$/, '');
	if (/\/JSON$/i.test(base)) throw new UsageError('--base-url without /JSON: the probe adds the paths itself');
	return base;
}

/**
 * @param {string[]} argv the arguments after the script
 * @param {NodeJS.ProcessEnv} env
 * @returns {ProbeOptions | 'help'}
 */
function parseOptions(argv, env) {
	/** @type {string | undefined} */
	let environment;
	/** @type {string | undefined} */
	let baseUrl;
	let out = DEFAULT_OUT;
	let timeoutMs = DEFAULT_TIMEOUT_MS;
	let confirmed = false;
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s);
		if (flag === '-h' || flag === '--help') return 'help';
		if (flag === '--confirm-production') {
			confirmed = true;
			continue;
		}
		if (/^--(api-)?key$/.test(flag)) throw new UsageError(`The key is read from ${KEY_VARIABLE} only: a command line shows in ps`);
		const value = inline ?? argv[++i];
		if (value === undefined) throw new UsageError(`Missing value for ${flag}`);
		if (flag === '--environment' && ['development', 'production', 'custom'].includes(value)) environment = value;
		else if (flag === '--base-url') baseUrl = checkBaseUrl(value);
		else if (flag === '--out' && value !== '') out = value;
		else if (flag === '--timeout' && /^\d+$/.test(value) && Number(value) > 0) timeoutMs = Number(value);
		else throw new UsageError(`Bad argument: ${argv[i]}${inline === undefined ? ` ${value}` : ''}`);
	}
	if (baseUrl !== undefined && environment === undefined) environment = 'custom';
	environment ??= 'development';
	if (environment === 'custom' && baseUrl === undefined) throw new UsageError('--environment custom needs --base-url');
	if (environment !== 'custom' && baseUrl !== undefined) throw new UsageError('--base-url goes with --environment custom');
	const resolved = baseUrl ?? ENVIRONMENT_URLS[/** @type {'development' | 'production'} */ (environment)];
	const production = new URL(resolved).hostname.toLowerCase() === PRODUCTION_HOST;
	if (production && !confirmed) {
		throw new UsageError(
			`Refusing to probe Production (${resolved}) without --confirm-production as well: the probe uses up one ` +
				'purchased signature request there. Ask twice to go ahead, or probe Development (the default).',
		);
	}
	const apiKey = (env[KEY_VARIABLE] ?? '').trim();
	if (apiKey === '') throw new UsageError(`Set ${KEY_VARIABLE} to the API key of the ${environment} environment`);
	return {
		environment: /** @type {ProbeOptions['environment']} */ (environment),
		baseUrl: resolved,
		production,
		out,
		jsonOut: out.replace(/(\.md)?$/i, '.json'),
		timeoutMs,
		apiKey,
	};
}

module.exports = { USAGE, UsageError, parseOptions, KEY_VARIABLE };
