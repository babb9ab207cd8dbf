// @ts-check
'use strict';

/**
 * A throwaway PostgreSQL 15 cluster from Debian's `postgresql-15` package: `initdb` into a folder of ours, the server
 * on a free loopback port, a database for n8n, `pg_dump` of it, and a fast shutdown. PostgreSQL refuses to run as
 * root: when we are root, it runs as the `postgres` user that Debian's package creates (its folder is handed to that
 * user), otherwise as ourselves.
 *
 * Trust authentication on 127.0.0.1 only: the cluster lives for one run, holds test data, and is deleted after it.
 */

const fs = require('node:fs');
const path = require('node:path');

const { run, commandError, startProcess, freePort } = require('./processes');
const { waitFor } = require('./wait-for');

/** Where Debian's postgresql-15 puts its programs (only psql and pg_dump's wrappers are on PATH). */
const PG_BIN = '/usr/lib/postgresql/15/bin';
const HOST = '127.0.0.1';

/**
 * @typedef {object} Postgres
 * @property {string} host
 * @property {number} port
 * @property {string} database
 * @property {string} user
 * @property {Record<string, string>} n8nEnv  DB_TYPE and DB_POSTGRESDB_* for every n8n process
 * @property {number} pid          the server's (postmaster's) process id
 * @property {string} logFile
 * @property {() => Promise<string>} dump  `pg_dump` of the database, as plain SQL text
 * @property {(sql: string) => Promise<string[][]>} query  one statement through `psql`, its rows' fields (unaligned)
 * @property {() => Promise<void>} stop  fast shutdown (SIGINT), waits for it
 */

/**
 * The user PostgreSQL runs as: ourselves, or `postgres` when we are root.
 * @returns {Promise<{ uid?: number, gid?: number, name: string }>}
 */
async function serverUser() {
	if (process.getuid?.() !== 0) return { name: 'the current user' };
	const uid = await run('id', ['-u', 'postgres']);
	const gid = await run('id', ['-g', 'postgres']);
	if (uid.code !== 0 || gid.code !== 0) {
		throw new Error("PostgreSQL refuses to run as root, and there is no 'postgres' user (Debian's postgresql package creates it)");
	}
	return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), name: 'postgres' };
}

/**
 * Creates a cluster in `<dir>/data` (dir must not exist yet; its parent must be traversable by the postgres user),
 * starts it on a free port and creates the database.
 * @param {{ dir: string, database?: string, user?: string, timeoutMs?: number }} options
 * @returns {Promise<Postgres>}
 */
async function startPostgres({ dir, database = 'n8n', user = 'n8n', timeoutMs = 60_000 }) {
	const initdb = path.join(PG_BIN, 'initdb');
	if (!fs.existsSync(initdb)) {
		throw new Error(`${initdb} is missing: PostgreSQL 15's server is not installed (sudo apt-get install -y postgresql)`);
	}
	const runAs = await serverUser();
	const owner = { uid: runAs.uid, gid: runAs.gid };
	fs.mkdirSync(dir, { mode: 0o700 });
	if (runAs.uid !== undefined && runAs.gid !== undefined) fs.chownSync(dir, runAs.uid, runAs.gid);
	const dataDir = path.join(dir, 'data');
	const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' };

	const init = await run(initdb, ['-D', dataDir, '-U', user, '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync'], {
		cwd: dir,
		env,
		...owner,
		timeoutMs: 120_000,
	});
	if (init.code !== 0) throw commandError(`initdb (as ${runAs.name})`, init);

	const port = await freePort(HOST);
	const logFile = path.join(path.dirname(dir), `${path.basename(dir)}.log`);
	// Durability off (fsync, synchronous commits, full pages): a crash loses a cluster we delete anyway, and n8n's
	// writes stop waiting for a disk that other engineers' jobs keep busy. No Unix socket: TCP on loopback only.
	const server = startProcess(
		path.join(PG_BIN, 'postgres'),
		[
			'-D', dataDir,
			'-p', String(port),
			'-c', `listen_addresses=${HOST}`,
			'-c', 'unix_socket_directories=',
			'-c', 'fsync=off',
			'-c', 'synchronous_commit=off',
			'-c', 'full_page_writes=off',
			'-c', 'max_connections=100',
		],
		{ cwd: dir, env, logFile, stopSignal: 'SIGINT', stopTimeoutMs: 30_000, ...owner },
	);
	const client = (/** @type {string} */ program) => path.join(PG_BIN, program);
	const connection = ['-h', HOST, '-p', String(port), '-U', user];
	try {
		await waitFor(
			`PostgreSQL on ${HOST}:${port} to accept connections`,
			async () => {
				const exit = server.exitInfo();
				if (exit) throw new Error(`postgres exited with ${exit.code ?? exit.signal}:\n${server.recentLines().slice(-15).join('\n')}`);
				const ready = await run(client('pg_isready'), [...connection, '-d', 'postgres'], { env, timeoutMs: 10_000 });
				return ready.code === 0 ? true : undefined;
			},
			{ timeoutMs, intervalMs: 300 },
		);
		const created = await run(client('createdb'), [...connection, database], { env, timeoutMs: 30_000 });
		if (created.code !== 0) throw commandError(`createdb ${database}`, created);
	} catch (error) {
		await server.stop();
		throw error;
	}

	return {
		host: HOST,
		port,
		database,
		user,
		n8nEnv: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: HOST,
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: database,
			DB_POSTGRESDB_USER: user,
			DB_POSTGRESDB_PASSWORD: '',
		},
		pid: server.pid,
		logFile,
		dump: async () => {
			const dumped = await run(client('pg_dump'), [...connection, '--no-owner', database], { env, timeoutMs: 120_000 });
			if (dumped.code !== 0) throw commandError(`pg_dump ${database}`, dumped);
			return dumped.stdout;
		},
		query: async (sql) => {
			const result = await run(client('psql'), [...connection, '-d', database, '-X', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
				env,
				timeoutMs: 60_000,
			});
			if (result.code !== 0) throw commandError(`psql -c "${sql.slice(0, 80)}"`, result);
			return result.stdout.split('\n').filter((line) => line !== '').map((line) => line.split('\t'));
		},
		stop: server.stop,
	};
}

module.exports = { PG_BIN, startPostgres };
