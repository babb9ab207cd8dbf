// @ts-check
'use strict';

/**
 * After n8n has stopped: the API keys appear nowhere in what n8n printed or answered (the context's capture), nor in
 * any file of its user folder, its SQLite database included.
 */

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { SECRETS } = require('../lib/fixtures');

/** @type {import('.').Scenario} */
module.exports = {
	needs: 'stopped',
	checks: [
		{
			name: 'the API keys appear nowhere: not in anything n8n printed, not in its database or other files',
			run: async ({ instance, captured, expectedStored, say }) => {
				const dataDir = path.join(instance.userFolder, '.n8n');
				/** @type {{ name: string, bytes: Buffer }[]} */
				const sources = captured.map((text, i) => ({ name: `printed output #${i + 1}`, bytes: Buffer.from(text, 'utf8') }));
				/** @param {string} dir */
				const walk = (dir) => {
					for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
						const full = path.join(dir, entry.name);
						if (entry.isDirectory()) {
							if (full !== path.join(dataDir, 'nodes')) walk(full);
						} else if (entry.isFile()) {
							sources.push({ name: path.relative(instance.userFolder, full), bytes: fs.readFileSync(full) });
						}
					}
				};
				walk(instance.userFolder);
				const databases = sources.filter((s) => /database\.sqlite/.test(s.name));
				assert.ok(databases.length > 0 && databases.some((d) => d.bytes.length > 0), 'no SQLite database found to scan');
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
				say(`      scanned ${sources.length} outputs and files (${databases.map((d) => `${d.name} ${Math.round(d.bytes.length / 1024)} KiB`).join(', ')})`);
			},
		},
	],
};
