// @ts-check
'use strict';

/**
 * The package as users get it: built and packed (`packTarball`), installed into an instance the way Settings →
 * Community Nodes installs it (`installPackage`), and loaded with n8n's own package loader to prove n8n sees its types.
 */

const fs = require('node:fs');
const path = require('node:path');

const { run, tail, commandError, withLock } = require('./processes');

/** @typedef {import('./instance').Instance} Instance */

/** The package this repository builds, and the node/credential type names n8n gives it as a community package. */
const PACKAGE_NAME = 'n8n-nodes-okdokument';
const NODE_TYPE = `${PACKAGE_NAME}.okDokument`;
const TOOL_NODE_TYPE = `${PACKAGE_NAME}.okDokumentTool`;
const TRIGGER_NODE_TYPE = `${PACKAGE_NAME}.okDokumentTrigger`;
const CREDENTIAL_TYPE = 'okDokumentApi';

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

module.exports = { PACKAGE_NAME, NODE_TYPE, TOOL_NODE_TYPE, TRIGGER_NODE_TYPE, CREDENTIAL_TYPE, packTarball, installPackage };
