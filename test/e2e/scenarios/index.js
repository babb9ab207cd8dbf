// @ts-check
'use strict';

/**
 * The e2e scenarios, in the order they run. Each is a file here that exports
 *
 *   module.exports = {
 *     needs: 'server',                 // 'cli': n8n execute, before n8n is started
 *                                      // 'server': a running n8n (await ctx.n8n())
 *                                      // 'stopped': after n8n has stopped (the scans of what it left)
 *     topologies: ['single', 'queue'], // where it runs (default ['single']): one `n8n start` per version, and/or
 *                                      // n8n 2.x in queue mode (test/e2e/lib/topologies.js)
 *     versions: MAIN_VERSIONS,          // which n8n versions (default: VERSIONS, every one the run knows; below)
 *     checks: [
 *       { name: 'what the user would see, in one line', run: async (ctx) => { … assert … } },
 *       { name: '…', topologies: ['single'], run: … },   // a check may narrow its scenario's topologies (and versions)
 *     ],
 *   };
 *
 * and a line below. The runner numbers the checks in this order: (1), (2), … across all scenarios (the numbers stay
 * the same with --only), runs them in every n8n version and topology they name, and gives each the context of
 * test/e2e/lib/context.js. A check fails by throwing (node:assert); what it says with ctx.say is printed above its ✓
 * line. Production webhooks and resume URLs are at `n8n.webhookUrl` (the webhook processor in queue mode), the editor
 * and REST API at `n8n.url`. In queue mode the runner also proves, after every check, that each execution it caused
 * ran on a worker (test/e2e/lib/queue-proof.js).
 */

const { N8N_RECIPES } = require('../../../scripts/n8n-runtime');

/** The order is the run order: every 'cli' scenario first, then 'server', then 'stopped'. */
const SCENARIOS = [
	'cli-executions', // n8n execute: Update's request and output, unknown ID, error output, wrong key, an example
	'document-id', // n8n execute: a Document ID saved by 0.2.0 as text, and the resource locator's values
	'every-operation', // n8n execute: every operation once (Update and Send and Wait have scenarios of their own)
	'n8n-start', // n8n start: owner, login, the editor's node types, the examples open
	'credential-test', // the credential's Test through n8n's REST API, a good and a wrong key
	'queue-topology', // queue mode: who serves what (the main no production webhooks, the webhook processor them)
	'update-many', // Update on 200 items, failed ones on the error output, started through a webhook
	'create-wait-download', // Create → Wait → Download, resumed by the sandbox signer's callback
	'send-and-wait', // Send and Wait for Signature: forged, altered, signed, canceled, timed out, many documents
	'wait-for-signature', // Wait for Signature: after Create, a request already signed, a 10 MB PDF downloaded slowly
	'send-and-wait-refused', // Send and Wait for Signature on an n8n without signed resume URLs: refused, nothing sent
	'trigger', // the OKdokument Trigger with a real and a forged callback
	'trigger-exactly-once', // the trigger's memory (repeats, a restart of n8n) and Catch Missed Events
	'trigger-burst', // each event once under load: bursts of callbacks, replayed, across a restart; Send and Wait's copies
	'mcp', // examples/mcp-server.json: the MCP Server Trigger with OKdokument tools, driven by the official MCP client
	'examples', // the examples of Create → Wait → Download and of the trigger, as a user runs them
	'queue-faults', // queue mode: a worker killed while an execution waits, Redis restarted
	'secrets-scan', // the API keys nowhere in what n8n printed, answered or stored (SQLite, or Postgres and every log)
];

/** Where a scenario runs unless it says otherwise. */
const TOPOLOGIES = ['single', 'queue'];
const DEFAULT_TOPOLOGIES = ['single'];

/**
 * The n8n versions of the run, as `--version` names them: one per recipe in scripts/n8n-runtime.js. '1' (1.123.81)
 * and '2' (2.41.1, the newest 2.x this registry installs) are what users run most; 'oldest' (1.88.0) is the oldest
 * n8n the package supports. A scenario runs on every one of them unless it says `versions`: whatever the package
 * does must work on every n8n it claims to support, so a new scenario (and a new recipe) is a compatibility check
 * too by default.
 */
const VERSIONS = Object.keys(N8N_RECIPES);
/** The versions users run most, for a check that asserts what only they do (say why where you use it). */
const MAIN_VERSIONS = ['1', '2'];
/**
 * n8n versions that sign resume URLs (n8n 1.110 and newer: n8n-core 1.109.0 added getSignedResumeUrl). Send and
 * Wait for Signature works there and refuses, before sending anything, on the others.
 */
const SIGNED_RESUME_URL_VERSIONS = ['1', '2'];
const UNSIGNED_RESUME_URL_VERSIONS = VERSIONS.filter((v) => !SIGNED_RESUME_URL_VERSIONS.includes(v));

/** @typedef {import('../lib/context').Context} Context */

/**
 * @typedef {object} Check
 * @property {string} name
 * @property {('single' | 'queue')[]} [topologies]
 * @property {string[]} [versions]
 * @property {(ctx: Context) => Promise<unknown>} run
 */

/**
 * @typedef {object} Scenario
 * @property {'cli' | 'server' | 'stopped'} needs
 * @property {('single' | 'queue')[]} [topologies]
 * @property {string[]} [versions]
 * @property {Check[]} checks
 */

/** @typedef {{ name: string, needs: Scenario['needs'], checks: (Check & { number: number, topologies: string[], versions: string[] })[] }} LoadedScenario */

const PHASES = ['cli', 'server', 'stopped'];

/**
 * Every scenario, its checks numbered; fails with a clear message when one is malformed or out of order.
 * @returns {LoadedScenario[]}
 */
function loadScenarios() {
	let number = 0;
	let phase = 0;
	return SCENARIOS.map((name) => {
		/** @type {Scenario} */
		const scenario = require(`./${name}`);
		const where = `test/e2e/scenarios/${name}.js`;
		if (!PHASES.includes(scenario?.needs)) throw new Error(`${where}: needs must be one of ${PHASES.join(', ')}`);
		if (PHASES.indexOf(scenario.needs) < phase) {
			throw new Error(`${where} (needs: '${scenario.needs}') must come before every scenario that needs '${PHASES[phase]}' (scenarios/index.js)`);
		}
		phase = PHASES.indexOf(scenario.needs);
		if (!Array.isArray(scenario.checks) || scenario.checks.length === 0) throw new Error(`${where}: no checks`);
		const topologies = scenario.topologies ?? DEFAULT_TOPOLOGIES;
		const versions = scenario.versions ?? VERSIONS;
		for (const check of scenario.checks) {
			if (typeof check?.name !== 'string' || typeof check.run !== 'function') throw new Error(`${where}: a check needs a name and run(ctx)`);
			for (const t of check.topologies ?? topologies) {
				if (!TOPOLOGIES.includes(t)) throw new Error(`${where}: topologies are ${TOPOLOGIES.join(', ')}, not "${t}"`);
			}
			for (const v of check.versions ?? versions) {
				if (!VERSIONS.includes(v)) throw new Error(`${where}: versions are ${VERSIONS.join(', ')}, not "${v}"`);
			}
		}
		return {
			name,
			needs: scenario.needs,
			checks: scenario.checks.map((check) => ({
				...check,
				number: ++number,
				topologies: check.topologies ?? topologies,
				versions: check.versions ?? versions,
			})),
		};
	});
}

module.exports = {
	SCENARIOS,
	PHASES,
	TOPOLOGIES,
	VERSIONS,
	MAIN_VERSIONS,
	SIGNED_RESUME_URL_VERSIONS,
	UNSIGNED_RESUME_URL_VERSIONS,
	loadScenarios,
};
