// @ts-check
'use strict';

/**
 * Real n8n instances for `npm run dev`, the end-to-end tests and the editor (browser) tests.
 *
 * Plain CommonJS on Node's standard library. n8n itself runs under the pinned Node 24 from
 * scripts/n8n-runtime.js; this code runs under whatever Node runs the caller (20 or newer).
 *
 *   const tgz = await packTarball({ repoDir, outDir });              // npm run build + npm pack
 *   const instance = await createInstance({ version: '1', root });   // fresh user folder, env
 *   await installPackage(instance, tgz);                              // as Community Nodes installs it
 *   await importCredentials(instance, [{ id, name, type, data }]);
 *   await importWorkflows(instance, [workflowJson]);
 *   const run = await executeWorkflow(instance, 'e2eHappy');         // n8n execute --id … --rawOutput
 *   const n8n = await startN8n(instance, { port: 5678 });             // n8n start + owner + login()
 *   const queue = await createQueue();                                // or queue mode: Postgres, Redis, 4 processes
 *   await queue.installPackage(tgz); const n8n = await queue.start(); // n8n.webhookUrl: the webhook processor
 *   await n8n.activateWorkflow('e2eTrigger');                         // production webhooks on (2.x: "publish")
 *   await n8n.waitForWebhook('<webhookId>/okdokument');               // …and really served
 *   const [latest] = await n8n.executions('e2eTrigger');              // REST API: newest first
 *   const run = await n8n.execution(latest.id);                       // status, runData (parsed)
 *   const pdf = await n8n.binaryData(item.binary.data);               // the bytes, in every binary-data mode
 *   await n8n.stop();
 *
 * One file per job; this one only gathers their API:
 *   instance.js         a fresh user folder and the environment n8n runs with (createInstance)
 *   package-install.js  pack the package, install the tarball as Community Nodes does, check n8n's loader sees it
 *   processes.js        run a command, start a long-running process in its own group, n8n's binary, ports, locks
 *   cli.js              n8n's command line: import:credentials, import:workflow, execute (and judge what it printed)
 *   start.js            `n8n start`: one process with SQLite, its owner and REST client (startN8n)
 *   rest-api.js         owner set-up, login, REST calls, activate/run workflows, read executions and binaries back
 *   execution-data.js   the items each node produced in an execution; unfinished states
 *   wait-for.js         wait for a condition, for n8n to be ready, for a webhook to be served
 *   shutdown.js         on Ctrl-C stop what was started, on any exit delete temporary folders
 * Queue mode (n8n 2.x):
 *   postgres.js         a throwaway PostgreSQL 15 cluster (initdb, the server as the postgres user, pg_dump, psql)
 *   redis.js            redis-server on a free loopback port, restartable
 *   queue.js            the topology: Postgres, Redis, a main, two workers, a webhook processor (createQueue)
 *   queue-jobs.js       which process enqueued and which worker ran each execution, from their logs
 */

const { ENCRYPTION_KEY, createInstance } = require('./instance');
const packageInstall = require('./package-install');
const { runN8n, freePort } = require('./processes');
const { importCredentials, importWorkflows, executeWorkflow, parseExecutionJson } = require('./cli');
const { startN8n } = require('./start');
const { createQueue } = require('./queue');
const { OWNER } = require('./rest-api');
const { UNFINISHED_EXECUTION_STATES, nodeOutputs, nodeItems } = require('./execution-data');
const { waitFor } = require('./wait-for');
const { formatDuration } = require('../../n8n-runtime');

/** @typedef {import('./instance').Instance} Instance */
/** @typedef {import('./processes').RunResult} RunResult */
/** @typedef {import('./cli').CredentialInput} CredentialInput */
/** @typedef {import('./cli').ExecuteResult} ExecuteResult */
/** @typedef {import('./start').RunningN8n} RunningN8n */
/** @typedef {import('./queue').Queue} Queue */
/** @typedef {import('./queue').RunningQueue} RunningQueue */
/** @typedef {import('./rest-api').ExecutionSummary} ExecutionSummary */
/** @typedef {import('./rest-api').StoredExecution} StoredExecution */

module.exports = {
	PACKAGE_NAME: packageInstall.PACKAGE_NAME,
	NODE_TYPE: packageInstall.NODE_TYPE,
	TOOL_NODE_TYPE: packageInstall.TOOL_NODE_TYPE,
	TRIGGER_NODE_TYPE: packageInstall.TRIGGER_NODE_TYPE,
	CREDENTIAL_TYPE: packageInstall.CREDENTIAL_TYPE,
	ENCRYPTION_KEY,
	OWNER,
	packTarball: packageInstall.packTarball,
	createInstance,
	installPackage: packageInstall.installPackage,
	importCredentials,
	importWorkflows,
	executeWorkflow,
	startN8n,
	createQueue,
	runN8n,
	nodeOutputs,
	nodeItems,
	waitFor,
	UNFINISHED_EXECUTION_STATES,
	parseExecutionJson,
	freePort,
	formatDuration,
};
