// @ts-check
'use strict';

/**
 * After n8n has stopped: the API keys appear nowhere in what n8n printed or answered (the context's capture), nor in
 * any file it keeps: its user folder (in queue mode every process's, with each process's log, and the folders and
 * logs of Postgres and Redis), nor in what it stored (the SQLite database, or a `pg_dump` of the Postgres database).
 */

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { SECRETS } = require('../lib/fixtures');
const { filesBelow } = require('../lib/topologies');

/** @type {import('.').Scenario} */
module.exports = {
	needs: 'stopped',
	topologies: ['single', 'queue'],
	checks: [
		{
			name: 'the API keys appear nowhere: not in anything n8n printed or logged, not in its database (SQLite, or pg_dump in queue mode) or other files',
			run: async ({ topology, captured, expectedStored, say }) => {
				/** @type {{ name: string, bytes: Buffer }[]} */
				const sources = captured.map((text, i) => ({ name: `printed output #${i + 1}`, bytes: Buffer.from(text, 'utf8') }));
				// The package's own install (.n8n/nodes) is the code, not data n8n wrote.
				const inPackageInstall = (/** @type {string} */ file) => file.split(path.sep).join('/').includes('/.n8n/nodes/');
				for (const folder of topology.folders) {
					for (const file of filesBelow(folder).filter((f) => !inPackageInstall(f))) {
						sources.push({ name: path.relative(folder, file), bytes: fs.readFileSync(file) });
					}
				}
				const databases = await topology.storedData();
				sources.push(...databases);
				assert.ok(databases.length > 0 && databases.some((d) => d.bytes.length > 0), 'no database found to scan');
				// Guard against scanning the wrong thing: what the scenarios that ran stored must be in what was scanned.
				assert.ok(expectedStored.length > 0, 'no scenario that ran stored anything to scan (run this one with the others)');
				const missing = expectedStored.filter((text) => !databases.some((d) => d.bytes.includes(text)));
				assert.deepEqual(missing, [], 'the database does not hold the executions (nothing meaningful was scanned)');
				const leaks = [];
				for (const secret of SECRETS) {
					for (const source of sources) {
						if (source.bytes.includes(secret)) leaks.push(`"${secret}" in ${source.name}`);
					}
				}
				assert.deepEqual(leaks, [], 'API key found');
				const logs = sources.filter((s) => /\.log$/.test(s.name)).length;
				assert.ok(logs > 0, 'no log file found to scan');
				say(`      scanned ${sources.length} outputs and files, ${logs} of them logs (${databases.map((d) => `${d.name} ${Math.round(d.bytes.length / 1024)} KiB`).join(', ')})`);
			},
		},
	],
};
