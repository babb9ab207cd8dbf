// @ts-check
'use strict';

/**
 * Programs the tooling takes from Debian's packages: Chromium for the editor checks, Redis and PostgreSQL's server for
 * queue mode (a new machine has PostgreSQL 15's server; the check costs nothing where it is there). On a fresh
 * machine they are installed on first use when we are root (`apt-get update`, then `apt-get install -y`, quietly, as CI
 * needs); otherwise the error names the one command to run.
 *
 *   await ensureDebianPackages({ needed: [CHROMIUM], alsoInstall: [REDIS] }, print);
 */

const fs = require('node:fs');
const path = require('node:path');

const { run, commandError } = require('./n8n/processes');

/**
 * @typedef {object} DebianProgram
 * @property {string} package   the Debian package that installs it
 * @property {string} program   an absolute path, or a command looked up on PATH
 */

/** @type {DebianProgram} */
const CHROMIUM = Object.freeze({ package: 'chromium', program: '/usr/bin/chromium' });
/** @type {DebianProgram} */
const REDIS = Object.freeze({ package: 'redis-server', program: 'redis-server' });
/** PostgreSQL 15's server programs (what Debian 12's `postgresql` brings), not only the client tools. @type {DebianProgram} */
const POSTGRES = Object.freeze({ package: 'postgresql-15', program: '/usr/lib/postgresql/15/bin/initdb' });

/**
 * @param {DebianProgram} wanted
 * @returns {boolean}
 */
function isInstalled(wanted) {
	const candidates = path.isAbsolute(wanted.program)
		? [wanted.program]
		: (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, wanted.program));
	return candidates.some((file) => {
		try {
			fs.accessSync(file, fs.constants.X_OK);
			return true;
		} catch {
			return false;
		}
	});
}

/**
 * Installs what is missing. `needed`: this run cannot do without it; when it is missing and we are not root, the
 * error names the command. `alsoInstall`: installed in the same step when we are root (so that later work finds it),
 * only mentioned otherwise.
 * @param {{ needed?: DebianProgram[], alsoInstall?: DebianProgram[] }} programs
 * @param {(line: string) => void} print
 */
async function ensureDebianPackages({ needed = [], alsoInstall = [] }, print) {
	const missingNeeded = needed.filter((p) => !isInstalled(p));
	const missing = [...missingNeeded, ...alsoInstall.filter((p) => !isInstalled(p) && !missingNeeded.includes(p))];
	if (missing.length === 0) return;
	const packages = [...new Set(missing.map((p) => p.package))];
	const command = `sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}`;
	const programs = missing.map((p) => p.program).join(', ');

	if (process.getuid?.() !== 0) {
		if (missingNeeded.length === 0) {
			print(`note: ${programs} not installed (not needed by this run); to install: ${command}`);
			return;
		}
		throw new Error(`${missingNeeded.map((p) => p.program).join(', ')} missing. Install with: ${command}`);
	}

	print(`installing ${packages.join(', ')} from Debian's packages (${programs} missing)…`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	// Another apt-get (a colleague's, unattended upgrades) may hold dpkg's lock: wait for it rather than fail.
	const lockWait = ['-o', 'DPkg::Lock::Timeout=600'];
	const update = await run('apt-get', [...lockWait, 'update', '-qq'], { env, timeoutMs: 15 * 60_000 });
	if (update.code !== 0) throw commandError('apt-get update', update);
	const install = await run('apt-get', [...lockWait, 'install', '-y', '-qq', ...packages], { env, timeoutMs: 15 * 60_000 });
	if (install.code !== 0) throw commandError(`apt-get install -y ${packages.join(' ')}`, install);
	const still = missing.filter((p) => !isInstalled(p));
	if (still.length > 0) throw new Error(`apt-get installed ${packages.join(' ')}, but ${still.map((p) => p.program).join(', ')} is still missing`);
}

module.exports = { CHROMIUM, REDIS, POSTGRES, ensureDebianPackages };
