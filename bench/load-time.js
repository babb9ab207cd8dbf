// @ts-check
'use strict';

/*
 * One load-time sample, in a fresh process (bench/run.js starts many, alternating). Under the n8n runtime's Node 24,
 * with n8n-workflow resolved from the n8n install, as n8n loads a community package.
 *
 *   <node24> bench/load-time.js '<json config>'   (prints one JSON line: milliseconds)
 *
 * Modes:
 *   workflow   require('n8n-workflow') alone: the baseline
 *   package    require the built node (dist/nodes/OkDokument/OkDokument.node.js), which loads n8n-workflow itself
 *   increment  require('n8n-workflow') first (not timed), then the node and its credential: what loading the package
 *              costs in n8n, where n8n-workflow is always loaded already
 */

const Module = require('node:module');
const path = require('node:path');

const { redirectPackageImports } = require('./lib/engine');

/** @type {{ mode: 'workflow' | 'package' | 'increment', n8nDir: string, packageRoot: string }} */
const config = JSON.parse(process.argv[2] ?? '{}');
const n8nRequire = Module.createRequire(path.join(config.n8nDir, 'package.json'));
redirectPackageImports(config.packageRoot, n8nRequire);
const nodeFile = path.join(config.packageRoot, 'dist', 'nodes', 'OkDokument', 'OkDokument.node.js');
const credentialFile = path.join(config.packageRoot, 'dist', 'credentials', 'OkDokumentApi.credentials.js');

/** @param {() => void} load */
function time(load) {
	const started = process.hrtime.bigint();
	load();
	return Number(process.hrtime.bigint() - started) / 1e6;
}

let ms;
if (config.mode === 'workflow') {
	ms = time(() => n8nRequire('n8n-workflow'));
} else if (config.mode === 'package') {
	ms = time(() => require(nodeFile));
} else {
	n8nRequire('n8n-workflow');
	ms = time(() => {
		require(nodeFile);
		require(credentialFile);
	});
}
// The node must really be usable: instantiate it, as n8n does when it loads the package.
const { OkDokument } = require(nodeFile);
new OkDokument();
process.stdout.write(`${JSON.stringify({ mode: config.mode, ms })}\n`);
