// @ts-check
'use strict';

/**
 * An n8n instance: the pinned runtime (scripts/n8n-runtime.js), a fresh user folder outside any project, and the
 * environment every n8n command of that instance runs with. Nothing runs yet; see processes.js and start.js.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const runtime = require('../../n8n-runtime');
const { cleanBaseEnv, freePort } = require('./processes');

/** Fixed and fake: every instance of ours can read every other's database. Never use it for real data. */
const ENCRYPTION_KEY = 'okdokument-e2e-not-a-secret-0123456789';

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

	const base = runtime.runtimeEnv(cleanBaseEnv(), rt.nodeVersion);
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

module.exports = { ENCRYPTION_KEY, createInstance };
