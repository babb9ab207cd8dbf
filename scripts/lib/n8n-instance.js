// @ts-check
'use strict';

/**
 * Real n8n instances for `npm run dev`, the end-to-end tests and the editor (browser) tests.
 *
 * Plain CommonJS on Node's standard library. n8n itself runs under the pinned Node 24 from
 * scripts/n8n-runtime.js; this module runs under whatever Node runs the caller (20 or newer).
 *
 *   const tgz = await packTarball({ repoDir, outDir });              // npm run build + npm pack
 *   const instance = await createInstance({ version: '1', root });   // fresh user folder, env
 *   await installPackage(instance, tgz);                              // as Community Nodes installs it
 *   await importCredentials(instance, [{ id, name, type, data }]);
 *   await importWorkflows(instance, [workflowJson]);
 *   const run = await executeWorkflow(instance, 'e2eHappy');         // n8n execute --id … --rawOutput
 *   const n8n = await startN8n(instance, { port: 5678 });             // n8n start + owner + login()
 *   await n8n.activateWorkflow('e2eTrigger');                         // production webhooks on (2.x: "publish")
 *   await n8n.waitForWebhook('<webhookId>/okdokument');               // …and really served
 *   const [latest] = await n8n.executions('e2eTrigger');              // REST API: newest first
 *   const run = await n8n.execution(latest.id);                       // status, runData (parsed)
 *   const pdf = await n8n.binaryData(item.binary.data);               // the bytes, in every binary-data mode
 *   await n8n.stop();
 *
 * Every process started here runs in its own process group and is killed (group-wide) when it is stopped, times
 * out, or when the calling process exits.
 */

const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { spawn } = require('node:child_process');

const runtime = require('../n8n-runtime');

/** The package this repository builds, and the node/credential type names n8n gives it as a community package. */
const PACKAGE_NAME = 'n8n-nodes-okdokument';
const NODE_TYPE = `${PACKAGE_NAME}.okDokument`;
const TOOL_NODE_TYPE = `${PACKAGE_NAME}.okDokumentTool`;
const TRIGGER_NODE_TYPE = `${PACKAGE_NAME}.okDokumentTrigger`;
const CREDENTIAL_TYPE = 'okDokumentApi';

/** Fixed and fake: every instance of ours can read every other's database. Never use it for real data. */
const ENCRYPTION_KEY = 'okdokument-e2e-not-a-secret-0123456789';

/** The demo owner created by startN8n (password meets n8n's rules: 8–64 chars, a digit, an upper-case letter). */
const OWNER = Object.freeze({
	email: 'owner@example.com',
	password: 'OkDokument-Demo-1',
	firstName: 'Demo',
	lastName: 'Owner',
});

/* ------------------------------------------------------------------------------------------------ processes */

/** Process groups started here and still running; killed when this process exits. @type {Set<number>} */
const liveGroups = new Set();

process.on('exit', () => {
	for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});

/**
 * @param {number} pid  leader of the group (we spawn with detached: true)
 * @param {NodeJS.Signals} signal
 */
function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

/** @param {number} ms */
function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * @typedef {object} RunResult
 * @property {number | null} code
 * @property {NodeJS.Signals | null} signal
 * @property {string} stdout
 * @property {string} stderr
 * @property {boolean} timedOut
 * @property {number} durationMs
 */

/**
 * Runs a command to completion in its own process group, capturing its output.
 * @param {string} file
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number }} [options]
 * @returns {Promise<RunResult>}
 */
function run(file, args, options = {}) {
	const { cwd, env, timeoutMs = 180_000 } = options;
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
		const pid = child.pid;
		if (pid !== undefined) liveGroups.add(pid);
		/** @type {Buffer[]} */
		const out = [];
		/** @type {Buffer[]} */
		const err = [];
		child.stdout?.on('data', (chunk) => out.push(chunk));
		child.stderr?.on('data', (chunk) => err.push(chunk));
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			if (pid !== undefined) killGroup(pid, 'SIGKILL');
		}, timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			if (pid !== undefined) liveGroups.delete(pid);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			if (pid !== undefined) {
				// The leader is gone; take any helper it left behind (n8n's task runner) with it.
				killGroup(pid, 'SIGKILL');
				liveGroups.delete(pid);
			}
			resolve({
				code,
				signal,
				stdout: Buffer.concat(out).toString('utf8'),
				stderr: Buffer.concat(err).toString('utf8'),
				timedOut,
				durationMs: Date.now() - started,
			});
		});
	});
}

/**
 * @param {string} text
 * @param {number} lines
 * @returns {string}
 */
function tail(text, lines) {
	return text.split(/\r?\n/).filter(Boolean).slice(-lines).join('\n');
}

/**
 * @param {string} what
 * @param {RunResult} result
 * @returns {Error}
 */
function commandError(what, result) {
	const how = result.timedOut ? 'timed out' : `exited with ${result.code ?? result.signal}`;
	return new Error(`${what} ${how}:\n${tail(`${result.stdout}\n${result.stderr}`, 40)}`);
}

/**
 * Our environment minus what would change how npm or n8n behave behind our back: `npm_*` (exported by `npm run`,
 * e.g. npm_config_ignore_scripts) and any N8N_* / DB_* / WEBHOOK_URL of the developer's shell.
 * @returns {NodeJS.ProcessEnv}
 */
function cleanBaseEnv() {
	/** @type {NodeJS.ProcessEnv} */
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^npm_/i.test(key) || /^(N8N_|DB_|EXECUTIONS_|QUEUE_)/.test(key) || key === 'WEBHOOK_URL' || key === 'INIT_CWD') continue;
		env[key] = value;
	}
	return env;
}

/**
 * A TCP port that was free a moment ago.
 * @param {string} [host]
 * @returns {Promise<number>}
 */
function freePort(host = '127.0.0.1') {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, host, () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/**
 * @param {number} port
 * @param {string} host
 * @returns {Promise<boolean>}
 */
function isPortFree(port, host) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.unref();
		server.once('error', () => resolve(false));
		server.listen(port, host, () => server.close(() => resolve(true)));
	});
}

/**
 * Exclusive lock file, taken over when its holder is dead. Serialises builds: `npm run build` starts with
 * `rimraf dist`, so two packs at once (dev, e2e, editor test) would ship each other's half-built dist.
 * @template T
 * @param {string} lockPath
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withLock(lockPath, fn) {
	fs.mkdirSync(path.dirname(lockPath), { recursive: true });
	const deadline = Date.now() + 10 * 60_000;
	for (;;) {
		try {
			fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
			break;
		} catch (error) {
			if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
			const holder = Number(fs.readFileSync(lockPath, 'utf8').trim());
			let alive = false;
			if (Number.isInteger(holder) && holder > 0) {
				try {
					process.kill(holder, 0);
					alive = true;
				} catch (e) {
					alive = /** @type {NodeJS.ErrnoException} */ (e).code === 'EPERM';
				}
			}
			if (!alive) {
				fs.rmSync(lockPath, { force: true });
				continue;
			}
			if (Date.now() > deadline) throw new Error(`${lockPath} is still held by process ${holder}`);
			await sleep(500);
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockPath, { force: true });
	}
}

/* ------------------------------------------------------------------------------------------------ pack */

/**
 * Builds the package (`npm run build`) and packs it (`npm pack --pack-destination outDir`).
 * @param {{ repoDir: string, outDir: string }} options
 * @returns {Promise<string>} absolute path of the .tgz
 */
async function packTarball({ repoDir, outDir }) {
	const repo = path.resolve(repoDir);
	const out = path.resolve(outDir);
	fs.mkdirSync(out, { recursive: true });
	return withLock(path.join(repo, '.e2e', 'pack.lock'), async () => {
		const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' };
		const build = await run('npm', ['run', 'build'], { cwd: repo, env });
		if (build.code !== 0) throw commandError('npm run build', build);
		// Packed into a temporary folder and renamed into place, so that a reader of an earlier tarball (an install in
		// progress elsewhere) never sees a half-written file.
		const staging = fs.mkdtempSync(path.join(out, '.pack-'));
		try {
			const pack = await run('npm', ['pack', '--json', '--pack-destination', staging], { cwd: repo, env });
			if (pack.code !== 0) throw commandError('npm pack', pack);
			/** @type {{ filename?: string }[]} */
			let info;
			try {
				info = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')));
			} catch {
				throw new Error(`npm pack printed no JSON:\n${tail(pack.stdout + pack.stderr, 20)}`);
			}
			const filename = info[0]?.filename;
			if (!filename) throw new Error('npm pack did not name the tarball');
			// npm names scoped tarballs "scope-name-version.tgz" but reports "@scope/name-version.tgz".
			const basename = filename.replace(/^@/, '').replace(/\//, '-');
			const packed = path.join(staging, basename);
			if (!fs.existsSync(packed)) throw new Error(`npm pack reported ${filename} but ${packed} does not exist`);
			const tgz = path.join(out, basename);
			fs.renameSync(packed, tgz);
			return tgz;
		} finally {
			fs.rmSync(staging, { recursive: true, force: true });
		}
	});
}

/* ------------------------------------------------------------------------------------------------ instance */

/**
 * @typedef {object} Instance
 * @property {string} version      "1" or "2"
 * @property {string} n8nVersion   e.g. "1.123.81"
 * @property {string} userFolder   N8N_USER_FOLDER (n8n keeps its data in `<userFolder>/.n8n`); always a real path outside
 *   any project (see prepareUserFolder)
 * @property {string} requestedFolder  the path asked for (a symbolic link to userFolder when it lies inside a project)
 * @property {NodeJS.ProcessEnv} env  complete environment for n8n commands (Node 24 first on PATH)
 * @property {{ nodeBin: string, n8nBin: string, n8nDir: string, n8nVersion: string, nodeVersion: string }} runtime
 */

/**
 * Ensures the pinned runtime and creates a fresh user folder with the environment n8n runs in.
 * @param {object} options
 * @param {'1' | '2' | string} options.version
 * @param {string} options.root               parent folder, e.g. `<repo>/.e2e`
 * @param {string} [options.name]             prefix of the folder name, default "n8n"
 * @param {string} [options.userFolder]       exact folder to use instead of `<root>/<name>-<version>-<timestamp>`
 * @param {boolean} [options.reset]           with `userFolder`: delete what is there first (default true)
 * @param {Record<string, string>} [options.env]  extra variables (win over the defaults)
 * @returns {Promise<Instance>}
 */
async function createInstance({ version, root, name = 'n8n', userFolder, reset = true, env: extraEnv = {} }) {
	const major = String(version).replace(/^v/, '');
	const rt = await runtime.ensureRuntime(major);
	const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
	const requested = path.resolve(userFolder ?? path.join(root, `${name}-${major}-${stamp}-${process.pid}`));
	const folder = prepareUserFolder(requested, Boolean(userFolder) && reset);

	const base = runtime.runtimeEnv(cleanBaseEnv());
	/** @type {NodeJS.ProcessEnv} */
	const env = {
		...base,
		N8N_USER_FOLDER: folder,
		N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
		DB_TYPE: 'sqlite',
		N8N_RUNNERS_ENABLED: 'false',
		// n8n 2.x always starts its task broker (N8N_RUNNERS_ENABLED is gone), on 5679 by default: two instances at
		// once (e2e next to `npm run dev` or an editor test) would collide, so each gets its own port.
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_LOG_LEVEL: 'info',
		N8N_SECURE_COOKIE: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		// n8n writes <userFolder>/.n8n/config (which holds the encryption key) as 0600 instead of warning about 0644.
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		...extraEnv,
	};
	return {
		version: major,
		n8nVersion: rt.n8nVersion,
		userFolder: folder,
		requestedFolder: requested,
		env,
		runtime: {
			nodeBin: rt.nodeBin,
			n8nBin: rt.n8nBin,
			n8nDir: rt.n8nDir,
			n8nVersion: rt.n8nVersion,
			nodeVersion: rt.nodeVersion,
		},
	};
}

/**
 * The closest ancestor of `dir` that holds a node_modules folder, if any.
 * @param {string} dir
 * @returns {string | undefined}
 */
function nodeModulesAncestor(dir) {
	let current = path.dirname(path.resolve(dir));
	for (;;) {
		if (fs.existsSync(path.join(current, 'node_modules'))) return current;
		const parent = path.dirname(current);
		if (parent === current) return undefined;
		current = parent;
	}
}

/**
 * Where instance folders really live when the requested place is inside a project: $OKDOKUMENT_N8N_INSTANCES, or
 * `<tmpdir>/okdokument-n8n-instances`.
 * @returns {string}
 */
function instancesHome() {
	return path.resolve(process.env.OKDOKUMENT_N8N_INSTANCES || path.join(os.tmpdir(), 'okdokument-n8n-instances'));
}

/**
 * Creates the user folder. Node resolves `require('n8n-workflow')` from the community package by walking up its
 * folders before it looks at NODE_PATH: below this repository it would find the repository's own dev dependency
 * (node_modules/n8n-workflow 2.41.0) instead of the one n8n runs with, which a real ~/.n8n never does. So when the
 * requested folder has a node_modules folder above it, the real folder goes to instancesHome() and the requested
 * path becomes a symbolic link to it (n8n is given the real path).
 * @param {string} requested
 * @param {boolean} reset  delete what is there first
 * @returns {string} the real folder
 */
function prepareUserFolder(requested, reset) {
	const shadow = nodeModulesAncestor(requested);
	if (!shadow) {
		if (reset) fs.rmSync(requested, { recursive: true, force: true });
		fs.mkdirSync(requested, { recursive: true });
		return requested;
	}
	const home = instancesHome();
	const homeShadow = nodeModulesAncestor(path.join(home, 'x'));
	if (homeShadow) {
		throw new Error(
			`${requested} and ${home} both have a node_modules folder above them (${shadow}, ${homeShadow}); the package ` +
				'would load dependencies from there. Set OKDOKUMENT_N8N_INSTANCES to a folder outside any project.',
		);
	}
	// Unique per requested path, readable: "<basename>-<short hash of the requested path>".
	const hash = require('node:crypto').createHash('sha256').update(requested).digest('hex').slice(0, 8);
	const real = path.join(home, `${path.basename(requested)}-${hash}`);
	/** @type {fs.Stats | undefined} */
	let existing;
	try {
		existing = fs.lstatSync(requested);
	} catch {
		existing = undefined;
	}
	if (reset) {
		fs.rmSync(real, { recursive: true, force: true });
		if (existing) fs.rmSync(requested, { recursive: true, force: true });
		existing = undefined;
	} else if (existing && !existing.isSymbolicLink()) {
		throw new Error(`${requested} is a real folder inside a project (below ${shadow}); delete it or use reset`);
	}
	fs.mkdirSync(real, { recursive: true });
	if (!existing) {
		fs.mkdirSync(path.dirname(requested), { recursive: true });
		fs.symlinkSync(real, requested, 'dir');
	}
	return real;
}

/**
 * Runs an n8n CLI command (`nodeBin n8nBin …args`) in the instance's environment.
 * @param {Instance} instance
 * @param {string[]} args
 * @param {{ timeoutMs?: number, env?: Record<string, string> }} [options]
 * @returns {Promise<RunResult>}
 */
function runN8n(instance, args, options = {}) {
	return run(instance.runtime.nodeBin, [instance.runtime.n8nBin, ...args], {
		cwd: instance.userFolder,
		env: { ...instance.env, ...options.env },
		timeoutMs: options.timeoutMs ?? 180_000,
	});
}

/* ------------------------------------------------------------------------------------------------ install */

/**
 * Installs a packed tarball the way n8n's Community Nodes does (n8n 1.123 / 2.41,
 * CommunityPackagesService.downloadPackage): unpack into `<userFolder>/.n8n/nodes/node_modules/<name>`, drop
 * dev/peer/optional dependencies from its package.json, `npm install` there without scripts, and record it in
 * `<userFolder>/.n8n/nodes/package.json`. n8n-workflow is not installed next to it: it resolves from n8n's own
 * install. Then loads it with n8n's own package loader (n8n-core's PackageDirectoryLoader, under Node 24) and checks
 * the node and credential types are there.
 *
 * (The installed_packages table is not filled in, so Settings → Community Nodes does not list the package; n8n
 * still loads every `n8n-nodes-*` folder it finds there.)
 * @param {Instance} instance
 * @param {string} tarballPath
 * @returns {Promise<{ packageDir: string, version: string, nodeTypes: string[], credentialTypes: string[], n8nWorkflowFrom: string }>}
 */
async function installPackage(instance, tarballPath) {
	const nodesDir = path.join(instance.userFolder, '.n8n', 'nodes');
	const manifestPath = path.join(nodesDir, 'package.json');
	fs.mkdirSync(nodesDir, { recursive: true });
	if (!fs.existsSync(manifestPath)) {
		fs.writeFileSync(manifestPath, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	}

	// The tarball holds package/…; the name comes from its package.json.
	const staging = fs.mkdtempSync(path.join(nodesDir, '.unpack-'));
	/** @type {string} */
	let packageName;
	/** @type {string} */
	let packageDir;
	try {
		const untar = await run('tar', ['-xzf', path.resolve(tarballPath), '-C', staging, '--strip-components=1']);
		if (untar.code !== 0) throw commandError(`tar -xzf ${tarballPath}`, untar);
		packageName = JSON.parse(fs.readFileSync(path.join(staging, 'package.json'), 'utf8')).name;
		if (typeof packageName !== 'string' || !/^(@[a-z0-9-~][a-z0-9-._~]*\/)?n8n-nodes-/.test(packageName)) {
			throw new Error(`${tarballPath}: package name "${packageName}" is not a community node package name`);
		}
		packageDir = path.join(nodesDir, 'node_modules', packageName);
		fs.rmSync(packageDir, { recursive: true, force: true });
		fs.mkdirSync(path.dirname(packageDir), { recursive: true });
		fs.renameSync(staging, packageDir);
	} finally {
		fs.rmSync(staging, { recursive: true, force: true });
	}

	const pkgJsonPath = path.join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...pkgJson } = JSON.parse(fs.readFileSync(pkgJsonPath, 'utf8'));
	void devDependencies;
	void peerDependencies;
	void optionalDependencies;
	fs.writeFileSync(pkgJsonPath, JSON.stringify(pkgJson, null, 2));

	// n8n's flags (NPM_COMMON_ARGS + NPM_INSTALL_ARGS), run by the system npm under Node 24.
	const install = await run(
		'npm',
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
			'--update-notifier=false',
		],
		{ cwd: packageDir, env: instance.env, timeoutMs: 300_000 },
	);
	if (install.code !== 0) throw commandError(`npm install in ${packageDir}`, install);

	const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
	manifest.dependencies = { ...manifest.dependencies, [packageName]: pkgJson.version };
	fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));

	for (const dir of [path.join(packageDir, 'node_modules'), path.join(nodesDir, 'node_modules')]) {
		if (fs.existsSync(path.join(dir, 'n8n-workflow'))) {
			throw new Error(`n8n-workflow was installed into ${dir}; it must come from n8n's own install`);
		}
	}
	const loaded = await loadWithN8nLoader(instance, packageDir);
	const expectedNode = `${packageName}.okDokument`;
	if (packageName === PACKAGE_NAME && !loaded.nodeTypes.includes(expectedNode)) {
		throw new Error(`n8n's loader did not find ${expectedNode} in ${packageDir} (found: ${loaded.nodeTypes.join(', ') || 'nothing'})`);
	}
	// Real paths: the runtime cache may be reached through a symbolic link.
	if (!fs.realpathSync(loaded.n8nWorkflowFrom).startsWith(fs.realpathSync(instance.runtime.n8nDir) + path.sep)) {
		throw new Error(`n8n-workflow resolved from ${loaded.n8nWorkflowFrom}, not from n8n's install (${instance.runtime.n8nDir})`);
	}
	return { packageDir, version: pkgJson.version, ...loaded };
}

/**
 * Loads a package folder with n8n-core's PackageDirectoryLoader from n8n's own install, with NODE_PATH set the way
 * n8n sets it (LoadNodesAndCredentials.init), and reports the type names n8n gives it.
 * @param {Instance} instance
 * @param {string} packageDir
 * @returns {Promise<{ nodeTypes: string[], credentialTypes: string[], n8nWorkflowFrom: string }>}
 */
async function loadWithN8nLoader(instance, packageDir) {
	const n8nPackageDir = path.join(instance.runtime.n8nDir, 'node_modules', 'n8n');
	const script = `
		const path = require('node:path');
		const [packageDir, n8nPackageDir] = process.argv.slice(1);
		const n8nRequire = require('node:module').createRequire(path.join(n8nPackageDir, 'package.json'));
		process.env.NODE_PATH = n8nRequire.resolve.paths('n8n-core').join(':');
		require('node:module')._initPaths();
		const { PackageDirectoryLoader } = n8nRequire('n8n-core');
		(async () => {
			const loader = new PackageDirectoryLoader(packageDir);
			await loader.loadAll();
			const pkgRequire = require('node:module').createRequire(path.join(packageDir, 'package.json'));
			console.log(JSON.stringify({
				nodeTypes: Object.keys(loader.nodeTypes).map((n) => loader.packageName + '.' + n),
				credentialTypes: Object.keys(loader.credentialTypes),
				n8nWorkflowFrom: pkgRequire.resolve('n8n-workflow'),
			}));
		})().catch((error) => { console.error(error && error.stack || String(error)); process.exit(1); });
	`;
	const result = await run(instance.runtime.nodeBin, ['-e', script, packageDir, n8nPackageDir], {
		cwd: instance.userFolder,
		env: instance.env,
		timeoutMs: 60_000,
	});
	const line = result.stdout.split(/\r?\n/).find((l) => l.startsWith('{"nodeTypes"'));
	if (result.code !== 0 || !line) throw commandError(`loading ${packageDir} with n8n's PackageDirectoryLoader`, result);
	return JSON.parse(line);
}

/* ------------------------------------------------------------------------------------------------ import */

/**
 * @typedef {object} CredentialInput
 * @property {string} id     n8n credential id (16 characters or fewer)
 * @property {string} name
 * @property {string} type   e.g. "okDokumentApi"
 * @property {Record<string, unknown>} data  plain values; n8n encrypts them on import
 */

/**
 * Writes `items` to a temporary file in the user folder, runs the import, deletes the file (credentials are plain
 * there), and checks n8n reported importing all of them.
 * @param {Instance} instance
 * @param {'credentials' | 'workflow'} kind
 * @param {unknown[]} items
 * @returns {Promise<RunResult>}
 */
async function runImport(instance, kind, items) {
	if (items.length === 0) throw new Error(`import:${kind}: nothing to import`);
	const file = path.join(instance.userFolder, `.import-${kind}-${process.pid}-${Date.now()}.json`);
	fs.writeFileSync(file, JSON.stringify(items), { mode: 0o600 });
	let result;
	try {
		result = await runN8n(instance, [`import:${kind}`, `--input=${file}`]);
	} finally {
		fs.rmSync(file, { force: true });
	}
	const noun = kind === 'credentials' ? 'credential' : 'workflow';
	const expected = `Successfully imported ${items.length} ${items.length === 1 ? `${noun}.` : `${noun}s.`}`;
	const printed = `${result.stdout}\n${result.stderr}`;
	if (result.code !== 0 || !printed.includes(expected)) {
		throw commandError(`n8n import:${kind} (expected "${expected}")`, result);
	}
	return result;
}

/**
 * `n8n import:credentials` of all given credentials in one call (each call pays n8n's start-up, 6–10 s).
 * @param {Instance} instance
 * @param {CredentialInput[]} credentials
 * @returns {Promise<RunResult>}
 */
async function importCredentials(instance, credentials) {
	for (const c of credentials) {
		if (!c.id || c.id.length > 16) throw new Error(`credential "${c.name}": id must be 1–16 characters`);
	}
	return runImport(instance, 'credentials', credentials);
}

/**
 * `n8n import:workflow` of all given workflows in one call. Workflow ids must be 16 characters or fewer.
 * @param {Instance} instance
 * @param {Record<string, unknown>[]} workflows
 * @returns {Promise<RunResult>}
 */
async function importWorkflows(instance, workflows) {
	for (const w of workflows) {
		if (typeof w.id !== 'string' || w.id.length === 0 || w.id.length > 16) {
			throw new Error(`workflow "${w.name}": id must be a string of 1–16 characters`);
		}
	}
	return runImport(instance, 'workflow', workflows.map((w) => ({ active: false, settings: {}, ...w })));
}

/* ------------------------------------------------------------------------------------------------ execute */

/**
 * @typedef {object} ExecuteResult
 * @property {number | null} code       exit code (0: success, 1: the workflow failed)
 * @property {NodeJS.Signals | null} signal
 * @property {string} stdout
 * @property {string} stderr
 * @property {any} output               the execution n8n printed (`{ data: { resultData: { runData, error? } }, status, … }`), or undefined
 * @property {boolean} executed         true only when n8n printed an execution whose runData holds at least one node
 * @property {'success' | 'error' | string | undefined} status  `output.status`
 * @property {string[]} nodesRun        names of the nodes in runData
 * @property {string | undefined} problem  why this run must not count as a clean result (no output, did not run, crash, timeout), else undefined
 * @property {boolean} crashed          n8n died from a signal or exited with a code other than 0 and 1
 * @property {boolean} crashedAfterResult  it crashed after printing a complete execution. Seen with n8n 1.123 and 2.41
 *   under load: SIGSEGV while exiting, in V8 garbage collection on a thread of isolated-vm, which their default "vm"
 *   expression engine uses. The output is complete; the exit code is not.
 * @property {boolean} timedOut
 * @property {number} durationMs
 */

/**
 * Finds the execution JSON n8n printed: `n8n execute` prints it with JSON.stringify(…, null, 2) on success, and
 * through its logger after "Execution was NOT successful" on failure; both start with a line that is exactly "{".
 * @param {string} text
 * @returns {any}
 */
function parseExecutionJson(text) {
	const lines = text.split(/\r?\n/);
	let found;
	for (let i = 0; i < lines.length; i++) {
		if (lines[i] !== '{') continue;
		for (let j = i + 1; j < lines.length; j++) {
			if (lines[j] !== '}') continue;
			try {
				const value = JSON.parse(lines.slice(i, j + 1).join('\n'));
				if (value && typeof value === 'object' && value.data && value.data.resultData) {
					found = value;
					i = j;
				}
				break;
			} catch {
				// a "}" line inside a string: keep looking for the real end
			}
		}
	}
	return found;
}

/**
 * `n8n execute --id=<id> --rawOutput`. Never a silent success: when n8n printed no execution, or the execution ran
 * no node, `executed` is false and `problem` says why ("--id has to be set!" and an unknown id both exit without
 * running anything; the former even exits 0).
 * @param {Instance} instance
 * @param {string} workflowId
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<ExecuteResult>}
 */
async function executeWorkflow(instance, workflowId, options = {}) {
	if (!workflowId) throw new Error('executeWorkflow needs a workflow id');
	const result = await runN8n(instance, ['execute', `--id=${workflowId}`, '--rawOutput'], {
		timeoutMs: options.timeoutMs ?? 120_000,
	});
	const output = parseExecutionJson(result.stdout) ?? parseExecutionJson(`${result.stdout}\n${result.stderr}`);
	const runData = output?.data?.resultData?.runData;
	const nodesRun = runData && typeof runData === 'object' ? Object.keys(runData) : [];
	const executed = nodesRun.length > 0;
	const status = output?.status;
	const printed = `${result.stdout}\n${result.stderr}`;
	const crashed = !result.timedOut && (result.signal !== null || (result.code !== 0 && result.code !== 1));
	// A finished execution: status "success" or "error" ("finished" is printed for successes only).
	const crashedAfterResult = crashed && executed && (status === 'success' || status === 'error' || status === 'crashed');
	/** @type {string | undefined} */
	let problem;
	if (result.timedOut) problem = 'n8n execute timed out';
	else if (crashedAfterResult) {
		problem = `n8n printed a complete execution (status "${status}") and then crashed while exiting (${result.signal ?? `exit ${result.code}`})`;
	} else if (result.signal) problem = `n8n execute was killed by ${result.signal} before it printed a result`;
	else if (/"--id" has to be set/.test(printed)) problem = 'n8n did not run anything: "--id" has to be set!';
	else if (/The workflow with the id ".*" does not exist/.test(printed)) problem = `workflow ${workflowId} does not exist in this instance`;
	else if (!output) problem = 'n8n printed no execution result';
	else if (!executed) problem = 'the execution ran no node (empty runData)';
	else if (result.code === 0 && status !== 'success') problem = `exit code 0 but execution status "${status}"`;
	else if (result.code !== 0 && result.code !== 1) problem = `n8n execute exited with ${result.code} (a crash, not a workflow failure)`;
	else if (result.code === 1 && status === 'success') problem = 'exit code 1 after a successful execution (crashed while exiting?)';
	return {
		code: result.code,
		signal: result.signal,
		stdout: result.stdout,
		stderr: result.stderr,
		output,
		executed,
		status,
		nodesRun,
		problem,
		crashed,
		crashedAfterResult,
		timedOut: result.timedOut,
		durationMs: result.durationMs,
	};
}

/**
 * The items one node produced, per output: `[[json, …] /* output 0 *\/, [json, …] /* output 1 *\/]`, from the last
 * run of that node. Undefined when the node did not run.
 * @param {any} output   ExecuteResult.output
 * @param {string} nodeName
 * @returns {Record<string, any>[][] | undefined}
 */
function nodeOutputs(output, nodeName) {
	const runs = output?.data?.resultData?.runData?.[nodeName];
	if (!Array.isArray(runs) || runs.length === 0) return undefined;
	const main = runs[runs.length - 1]?.data?.main;
	if (!Array.isArray(main)) return [];
	return main.map((items) => (Array.isArray(items) ? items.map((item) => item.json) : []));
}

/**
 * Like nodeOutputs, but whole items (`{ json, binary? }`), for binary data.
 * @param {any} output   ExecuteResult.output, or StoredExecution (both have data.resultData.runData)
 * @param {string} nodeName
 * @returns {{ json: Record<string, any>, binary?: Record<string, any> }[][] | undefined}
 */
function nodeItems(output, nodeName) {
	const runs = output?.data?.resultData?.runData?.[nodeName];
	if (!Array.isArray(runs) || runs.length === 0) return undefined;
	const main = runs[runs.length - 1]?.data?.main;
	if (!Array.isArray(main)) return [];
	return main.map((items) => (Array.isArray(items) ? items : []));
}

/**
 * Polls `probe` until it returns something other than undefined, and returns that; throws after `timeoutMs` with
 * what it was waiting for and the last value seen by `describe`.
 * @template T
 * @param {string} what
 * @param {() => Promise<T | undefined> | T | undefined} probe
 * @param {{ timeoutMs?: number, intervalMs?: number, describe?: () => string | Promise<string> }} [options]
 * @returns {Promise<T>}
 */
async function waitFor(what, probe, options = {}) {
	const { timeoutMs = 60_000, intervalMs = 250 } = options;
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) {
			const seen = options.describe ? ` (last seen: ${await options.describe()})` : '';
			throw new Error(`gave up after ${timeoutMs / 1000} s waiting for ${what}${seen}`);
		}
		await sleep(intervalMs);
	}
}

/* ------------------------------------------------------------------------------------------------ start */

/**
 * @typedef {object} RunningN8n
 * @property {string} url          e.g. http://127.0.0.1:5678
 * @property {number} pid
 * @property {string} logFile      n8n's output
 * @property {{ email: string, password: string }} owner
 * @property {(options?: { browserId?: string }) => Promise<string>} login  a Cookie header value (n8n-auth=…)
 * @property {(method: string, urlPath: string, body?: unknown) => Promise<{ status: number, json: any, text: string }>} request
 *   an authenticated call (logs in once, then reuses the cookie)
 * @property {(urlPath: string) => Promise<{ status: number, headers: Headers, body: Buffer }>} requestBuffer
 *   an authenticated GET whose answer is kept as bytes (files)
 * @property {() => Promise<string[]>} nodeTypeNames  the node types the editor gets (/types/nodes.json)
 * @property {(workflowId: string) => Promise<any>} activateWorkflow  activates (n8n 2.x: publishes) the workflow's
 *   current version through the REST API, as the editor's toggle does, and returns the workflow n8n reports; its
 *   production webhooks work from then on
 * @property {(webhookPath: string, options?: { method?: string, timeoutMs?: number }) => Promise<number>} waitForWebhook
 *   waits until n8n serves the production webhook `<url>/webhook/<webhookPath>` for `method` (default POST), and
 *   returns how many ms that took. Needed
 *   after activateWorkflow: n8n 2.41 answered 404 "not registered" for a second or two after activation had returned,
 *   under load. Asks with a CORS preflight (OPTIONS), which runs no workflow.
 * @property {(workflowId: string, triggerName: string) => Promise<string>} runManually  starts the workflow from the
 *   named trigger node as the editor's "Execute workflow" button does (POST /rest/workflows/<id>/run; n8n 1.x reads
 *   workflowData, 2.x triggerToStartFrom) and returns the execution id
 * @property {(workflowId: string) => Promise<ExecutionSummary[]>} executions  the workflow's executions, newest first
 * @property {(executionId: string) => Promise<StoredExecution>} execution  one execution with its data parsed
 * @property {(binary: { data?: string, id?: string }) => Promise<Buffer>} binaryData  the bytes of a binary
 *   property of a stored execution: inline base64 (n8n 1.x default mode) or read through GET /rest/binary-data
 *   (n8n 2.x default: filesystem)
 * @property {() => Promise<void>} stop  SIGTERM to n8n's process group, SIGKILL after 20 s; waits for the exit
 * @property {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} exited
 */

/**
 * @typedef {object} ExecutionSummary  one row of GET /rest/executions
 * @property {string} id
 * @property {string} workflowId
 * @property {string} status   "new", "running", "waiting", "success", "error", "canceled", "crashed"
 * @property {string} mode     "webhook", "manual", "trigger", …
 * @property {string | null} waitTill
 */

/**
 * @typedef {object} StoredExecution  GET /rest/executions/<id>, with `data` parsed (n8n stores it in "flatted" form)
 * @property {string} id
 * @property {string} status
 * @property {string} mode   "webhook", "manual", "trigger", …
 * @property {boolean} finished
 * @property {string | null} waitTill
 * @property {any} data    `{ resultData: { runData, error?, lastNodeExecuted }, … }`; use with nodeOutputs / nodeItems
 */

/** Execution states that can still change. */
const UNFINISHED_EXECUTION_STATES = ['new', 'running', 'waiting', 'unknown'];

/**
 * n8n's own `flatted` (the format of stored execution data), from the pinned install.
 * @param {Instance} instance
 * @returns {{ parse: (text: string) => any }}
 */
function n8nFlatted(instance) {
	const n8nRequire = require('node:module').createRequire(path.join(instance.runtime.n8nDir, 'node_modules', 'n8n', 'package.json'));
	return n8nRequire('flatted');
}

/**
 * @param {string} url
 * @param {{ method?: string, headers?: Record<string, string>, body?: unknown, timeoutMs?: number }} [options]
 * @returns {Promise<{ status: number, headers: Headers, text: string, json: any }>}
 */
async function http(url, options = {}) {
	const { method = 'GET', headers = {}, body, timeoutMs = 15_000 } = options;
	const response = await fetch(url, {
		method,
		headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
		signal: AbortSignal.timeout(timeoutMs),
	});
	const text = await response.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, headers: response.headers, text, json };
}

/**
 * `n8n start` on host:port; waits until the REST API answers JSON, creates the demo owner (POST /rest/owner/setup).
 * n8n's output goes to `<userFolder>/n8n.log`; its tail is in the error when start-up fails.
 * @param {Instance} instance
 * @param {{ port?: number, host?: string, timeoutMs?: number, env?: Record<string, string> }} [options]
 * @returns {Promise<RunningN8n>}
 */
async function startN8n(instance, options = {}) {
	const { port = 5678, host = '127.0.0.1', timeoutMs = 120_000 } = options;
	if (!(await isPortFree(port, host))) {
		throw new Error(`port ${port} on ${host} is in use (another n8n, or npm run dev, still running?)`);
	}
	const url = `http://${host}:${port}`;
	const logFile = path.join(instance.userFolder, 'n8n.log');
	const log = fs.createWriteStream(logFile, { flags: 'a' });
	const env = {
		...instance.env,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: host,
		N8N_HOST: host,
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `${url}/`,
		WEBHOOK_URL: `${url}/`,
		...options.env,
	};
	const child = spawn(instance.runtime.nodeBin, [instance.runtime.n8nBin, 'start'], {
		cwd: instance.userFolder,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	const pid = /** @type {number} */ (child.pid);
	liveGroups.add(pid);
	/** @type {string[]} */
	const recent = [];
	for (const stream of [child.stdout, child.stderr]) {
		if (!stream) continue;
		readline.createInterface({ input: stream }).on('line', (line) => {
			log.write(`${line}\n`);
			recent.push(line);
			if (recent.length > 60) recent.shift();
		});
	}
	/** @type {{ code: number | null, signal: NodeJS.Signals | null } | undefined} */
	let exitInfo;
	/** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
	const exited = new Promise((resolve) => {
		child.on('exit', (code, signal) => {
			exitInfo = { code, signal };
			killGroup(pid, 'SIGKILL'); // helpers (task runner) must not outlive n8n
			liveGroups.delete(pid);
			log.end();
			resolve(exitInfo);
		});
	});

	let stopping;
	const stop = async () => {
		stopping ??= (async () => {
			if (!exitInfo) {
				killGroup(pid, 'SIGTERM');
				const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 20_000);
				await exited;
				clearTimeout(timer);
			}
		})();
		return stopping;
	};

	/** @param {string} why */
	const startupFailure = async (why) => {
		await stop();
		return new Error(`n8n ${instance.n8nVersion} did not start (${why}). Last lines of ${logFile}:\n${recent.slice(-40).join('\n')}`);
	};

	// 1. Ready means: GET /rest/settings answers JSON. Earlier answers mislead. While it starts, n8n answers every
	// path with 200 "n8n is starting up. Please wait" (text/html), /healthz included. Then, for a while, it answers
	// 404 because the REST routes are not registered yet. n8n 1.x already reports /healthz/readiness 200 then.
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (exitInfo) throw await startupFailure(`it exited with ${exitInfo.code ?? exitInfo.signal}`);
		if (Date.now() > deadline) throw await startupFailure(`${url}/rest/settings did not answer JSON within ${timeoutMs / 1000} s`);
		try {
			const res = await http(`${url}/rest/settings`, { timeoutMs: 5000 });
			if (res.status === 200 && /application\/json/.test(res.headers.get('content-type') ?? '') && res.json?.data) break;
		} catch {
			// not listening yet
		}
		await sleep(500);
	}

	// 2. The owner. n8n 1.x and 2.x both take { email, firstName, lastName, password } here.
	const setup = await http(`${url}/rest/owner/setup`, {
		method: 'POST',
		body: { email: OWNER.email, firstName: OWNER.firstName, lastName: OWNER.lastName, password: OWNER.password },
	});
	if (setup.status !== 200 || setup.json?.data?.email !== OWNER.email) {
		throw await startupFailure(`POST /rest/owner/setup answered ${setup.status}: ${setup.text.slice(0, 300)}`);
	}

	/** @type {string | undefined} */
	let cookie;
	/**
	 * @param {{ browserId?: string }} [loginOptions]  binds the session to a browser-id header (the editor sends one);
	 *   without it the cookie works from anywhere (n8n skips the browser-id check for cookies issued without one)
	 * @returns {Promise<string>}
	 */
	const login = async (loginOptions = {}) => {
		/** @type {Record<string, string>} */
		const headers = loginOptions.browserId ? { 'browser-id': loginOptions.browserId } : {};
		// n8n ≥ 1.8x (and 2.x) reads emailOrLdapLoginId; older 1.x read email. Send both (unknown keys are dropped).
		let res = await http(`${url}/rest/login`, {
			method: 'POST',
			headers,
			body: { emailOrLdapLoginId: OWNER.email, email: OWNER.email, password: OWNER.password },
		});
		if (res.status === 400) {
			res = await http(`${url}/rest/login`, { method: 'POST', headers, body: { email: OWNER.email, password: OWNER.password } });
		}
		if (res.status !== 200 || res.json?.data?.email !== OWNER.email) {
			throw new Error(`POST /rest/login answered ${res.status}: ${res.text.slice(0, 300)}`);
		}
		const setCookie = res.headers.getSetCookie ? res.headers.getSetCookie() : [res.headers.get('set-cookie') ?? ''];
		const auth = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
		if (!auth) throw new Error('POST /rest/login set no n8n-auth cookie');
		return auth;
	};

	/** @type {RunningN8n['request']} */
	const request = async (method, urlPath, body) => {
		cookie ??= await login();
		const res = await http(`${url}${urlPath}`, { method, headers: { cookie }, body });
		return { status: res.status, json: res.json, text: res.text };
	};

	/** @type {RunningN8n['requestBuffer']} */
	const requestBuffer = async (urlPath) => {
		cookie ??= await login();
		const response = await fetch(`${url}${urlPath}`, { headers: { cookie }, signal: AbortSignal.timeout(15_000) });
		return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
	};

	const nodeTypeNames = async () => {
		const res = await request('GET', '/types/nodes.json');
		if (res.status !== 200 || !Array.isArray(res.json)) throw new Error(`GET /types/nodes.json answered ${res.status}`);
		return [...new Set(res.json.map((/** @type {{ name: string }} */ d) => d.name))];
	};

	// n8n 1.123 and 2.41 both take POST /rest/workflows/<id>/activate { versionId } (1.x activates the current
	// version whatever versionId says; 2.x publishes that version, which must be in the workflow's history: an
	// imported workflow's current version is).
	/** @type {RunningN8n['activateWorkflow']} */
	const activateWorkflow = async (workflowId) => {
		const current = await request('GET', `/rest/workflows/${encodeURIComponent(workflowId)}`);
		const versionId = current.json?.data?.versionId;
		if (current.status !== 200 || typeof versionId !== 'string') {
			throw new Error(`GET /rest/workflows/${workflowId} answered ${current.status}: ${current.text.slice(0, 300)}`);
		}
		const res = await request('POST', `/rest/workflows/${encodeURIComponent(workflowId)}/activate`, { versionId });
		if (res.status !== 200 || res.json?.data?.active !== true) {
			throw new Error(`activating workflow ${workflowId}: POST /rest/workflows/${workflowId}/activate answered ${res.status}: ${res.text.slice(0, 500)}`);
		}
		return res.json.data;
	};

	/** @type {RunningN8n['waitForWebhook']} */
	const waitForWebhook = async (webhookPath, waitOptions = {}) => {
		const { method = 'POST', timeoutMs: waitMs = 30_000 } = waitOptions;
		const waitStarted = Date.now();
		/** @type {string} */
		let last = 'no answer';
		await waitFor(
			`n8n to serve ${method} ${url}/webhook/${webhookPath}`,
			async () => {
				// With an Origin header n8n answers a preflight with the methods registered for the path (1.x: 404 when none).
				const res = await fetch(`${url}/webhook/${webhookPath}`, {
					method: 'OPTIONS',
					headers: { origin: url, 'access-control-request-method': method },
					signal: AbortSignal.timeout(10_000),
				}).catch((/** @type {unknown} */ error) => error);
				if (!(res instanceof Response)) {
					last = String(res);
					return undefined;
				}
				await res.arrayBuffer();
				const allowed = (res.headers.get('access-control-allow-methods') ?? '').split(/\s*,\s*/);
				last = `HTTP ${res.status}, Access-Control-Allow-Methods: ${allowed.join(', ') || 'none'}`;
				return res.status < 400 && allowed.includes(method) ? true : undefined;
			},
			{ timeoutMs: waitMs, intervalMs: 300, describe: () => last },
		);
		return Date.now() - waitStarted;
	};

	/** @type {RunningN8n['runManually']} */
	const runManually = async (workflowId, triggerName) => {
		const current = await request('GET', `/rest/workflows/${encodeURIComponent(workflowId)}`);
		if (current.status !== 200 || !current.json?.data) {
			throw new Error(`GET /rest/workflows/${workflowId} answered ${current.status}: ${current.text.slice(0, 300)}`);
		}
		const res = await request('POST', `/rest/workflows/${encodeURIComponent(workflowId)}/run`, {
			workflowData: current.json.data,
			triggerToStartFrom: { name: triggerName },
		});
		const executionId = res.json?.data?.executionId;
		if (res.status !== 200 || executionId === undefined || executionId === null) {
			throw new Error(`POST /rest/workflows/${workflowId}/run answered ${res.status}: ${res.text.slice(0, 500)}`);
		}
		return String(executionId);
	};

	/** @type {RunningN8n['executions']} */
	const executions = async (workflowId) => {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const res = await request('GET', `/rest/executions?filter=${filter}&limit=100`);
		const results = res.json?.data?.results;
		if (res.status !== 200 || !Array.isArray(results)) {
			throw new Error(`GET /rest/executions (workflow ${workflowId}) answered ${res.status}: ${res.text.slice(0, 300)}`);
		}
		return results
			.filter((/** @type {ExecutionSummary} */ e) => e.workflowId === workflowId)
			.sort((/** @type {ExecutionSummary} */ a, /** @type {ExecutionSummary} */ b) => Number(b.id) - Number(a.id));
	};

	/** @type {RunningN8n['execution']} */
	const execution = async (executionId) => {
		const res = await request('GET', `/rest/executions/${encodeURIComponent(executionId)}`);
		const stored = res.json?.data;
		if (res.status !== 200 || !stored || typeof stored !== 'object') {
			throw new Error(`GET /rest/executions/${executionId} answered ${res.status}: ${res.text.slice(0, 300)}`);
		}
		const data = typeof stored.data === 'string' ? n8nFlatted(instance).parse(stored.data) : stored.data;
		return { ...stored, data };
	};

	/** @type {RunningN8n['binaryData']} */
	const binaryData = async (binary) => {
		if (binary && typeof binary.id === 'string' && binary.id !== '') {
			const res = await requestBuffer(`/rest/binary-data?id=${encodeURIComponent(binary.id)}&action=download`);
			if (res.status !== 200) throw new Error(`GET /rest/binary-data (${binary.id}) answered ${res.status}: ${res.body.toString('utf8').slice(0, 300)}`);
			return res.body;
		}
		if (binary && typeof binary.data === 'string') return Buffer.from(binary.data, 'base64');
		throw new Error(`not a binary property: ${JSON.stringify(binary)?.slice(0, 200)}`);
	};

	return {
		url,
		pid,
		logFile,
		owner: { email: OWNER.email, password: OWNER.password },
		login,
		request,
		requestBuffer,
		nodeTypeNames,
		activateWorkflow,
		waitForWebhook,
		runManually,
		executions,
		execution,
		binaryData,
		stop,
		exited,
	};
}

module.exports = {
	PACKAGE_NAME,
	NODE_TYPE,
	TOOL_NODE_TYPE,
	TRIGGER_NODE_TYPE,
	CREDENTIAL_TYPE,
	ENCRYPTION_KEY,
	OWNER,
	packTarball,
	createInstance,
	installPackage,
	importCredentials,
	importWorkflows,
	executeWorkflow,
	startN8n,
	runN8n,
	nodeOutputs,
	nodeItems,
	waitFor,
	UNFINISHED_EXECUTION_STATES,
	parseExecutionJson,
	freePort,
	formatDuration: runtime.formatDuration,
};
