// @ts-check
'use strict';

/*
 * Shared by throughput.js and memory.js (both run under the n8n runtime's Node 24): the engine, the sandbox
 * process, and one `run(itemCount)` per contender that checks what came back.
 */

const { createEngine, redirectPackageImports } = require('./engine');
const { startSandboxProcess } = require('./sandbox-process');
const c = require('./contenders');

/**
 * @typedef {object} Contender
 * @property {string} key
 * @property {string} label
 * @property {'engine' | 'raw'} kind
 * @property {number | 'all'} concurrency  requests in flight the contender is set up for ('all' = every item at once)
 * @property {(itemCount: number) => Promise<number>} run  runs once; resolves with the number of good answers
 */

/**
 * @param {{ n8nDir: string, expressionEngine: 'vm' | 'legacy', sandboxIds: string[], latency: number, packageRoot?: string }} options
 */
async function setUp(options) {
	const engine = await createEngine({
		n8nDir: options.n8nDir,
		expressionEngine: options.expressionEngine,
		packageRoot: options.packageRoot,
	});
	/** @type {import('./sandbox-process').SandboxProcess | undefined} */
	let started;
	try {
		const types = c.loadTypes(engine, options.packageRoot);
		const sandbox = await startSandboxProcess({ apiKey: c.API_KEY, ids: options.sandboxIds });
		started = sandbox;
		await sandbox.setLatency(options.latency);
		const runWorkflow = await engine.prepare({
			nodeTypes: [...types.nodeTypes, ...c.floorNodeTypes(engine, sandbox.url)],
			credentialTypes: types.credentialTypes,
			credentials: c.credentialsFor(sandbox.url),
		});

		/**
		 * @param {Record<string, unknown>} node
		 * @returns {(itemCount: number) => Promise<number>}
		 */
		const inEngine = (node) => async (itemCount) => {
			const { outputs, error } = await runWorkflow({ node, itemCount, makeItem: c.makeItem });
			if (error) throw new Error(`the workflow failed: ${error.message} ${error.description ?? ''}`);
			return countGood(outputs[0] ?? [], (item) => item.json);
		};

		/** @type {Record<string, Contender>} */
		const contenders = {};
		/** @param {Contender} contender */
		const add = (contender) => {
			contenders[contender.key] = contender;
		};
		/**
		 * @param {number | undefined} concurrency
		 * @param {{ name: string, run: (node: Record<string, unknown>) => (itemCount: number) => Promise<number> }} [variant]
		 */
		const okd = (concurrency, variant) =>
			add({
				key: `${concurrency === undefined ? 'okd-default' : `okd-${concurrency}`}${variant ? `@${variant.name}` : ''}`,
				label: `${
					concurrency === undefined
						? 'OKdokument node, default settings (5 in parallel)'
						: `OKdokument node, ${concurrency} in parallel`
				}${variant ? ` [${variant.name}]` : ''}`,
				kind: 'engine',
				concurrency: concurrency ?? 5,
				run: (variant?.run ?? inEngine)(c.okDokumentNode(concurrency)),
			});
		/**
		 * Another build of the package (e.g. a candidate fix compiled elsewhere), run in this same process with its own
		 * node and credential types.
		 * @param {string} name
		 * @param {string} packageRoot  holds dist/
		 */
		const variant = async (name, packageRoot) => {
			redirectPackageImports(packageRoot, engine.n8nRequire);
			const variantTypes = c.loadTypes(engine, packageRoot);
			const variantRun = await engine.prepare({
				nodeTypes: variantTypes.nodeTypes,
				credentialTypes: variantTypes.credentialTypes,
				credentials: c.credentialsFor(sandbox.url),
			});
			return {
				name,
				run: (/** @type {Record<string, unknown>} */ node) => async (/** @type {number} */ itemCount) => {
					const { outputs, error } = await variantRun({ node, itemCount, makeItem: c.makeItem });
					if (error) throw new Error(`the workflow failed: ${error.message} ${error.description ?? ''}`);
					return countGood(outputs[0] ?? [], (item) => item.json);
				},
			};
		};
		/** @param {boolean} [withHeaderVariant]  also the key typed into a header parameter (no credential) */
		const addHttpRequest = (withHeaderVariant = false) => {
			add({
				key: 'http-request',
				label: `HTTP Request ${types.httpRequestVersion}, Header Auth credential`,
				kind: 'engine',
				concurrency: 'all',
				run: inEngine(c.httpRequestNode(sandbox.url, types.httpRequestVersion, 'credential')),
			});
			if (!withHeaderVariant) return;
			add({
				key: 'http-request-header',
				label: `HTTP Request ${types.httpRequestVersion}, key in a header parameter`,
				kind: 'engine',
				concurrency: 'all',
				run: inEngine(c.httpRequestNode(sandbox.url, types.httpRequestVersion, 'headerParameter')),
			});
		};
		/**
		 * Bench-only nodes that do what the OKdokument node does per item with nothing of its own: read the same
		 * three expressions, send the request (with a raw keep-alive client, or with n8n's httpRequest helper and the key
		 * read once, its other options n8n's defaults), output the answer.
		 * @param {'raw' | 'helper'} how
		 * @param {number} concurrency
		 */
		const floor = (how, concurrency) =>
			add({
				key: `floor-${how}-${concurrency}`,
				label: `bench-only node: 3 expressions + ${how === 'raw' ? 'raw keep-alive client' : 'n8n httpRequest helper'}, ${concurrency} in parallel`,
				kind: 'engine',
				concurrency,
				run: inEngine(c.floorNode(how, concurrency)),
			});
		/** @param {number} concurrency */
		const raw = (concurrency) =>
			add({
				key: `raw-${concurrency}`,
				label: `raw node:http, keep-alive, ${concurrency} in parallel`,
				kind: 'raw',
				concurrency,
				run: async (itemCount) => countGood(await c.rawClient(sandbox.url, itemCount, concurrency), (json) => json),
			});

		return {
			engine,
			types,
			sandbox,
			contenders,
			okd,
			variant,
			addHttpRequest,
			floor,
			raw,
			async tearDown() {
				await sandbox.stop();
				await engine.shutdown();
			},
		};
	} catch (error) {
		await started?.stop();
		await engine.shutdown();
		throw error;
	}
}

/**
 * @template T
 * @param {T[]} list
 * @param {(entry: T) => any} jsonOf
 */
function countGood(list, jsonOf) {
	let good = 0;
	for (const entry of list) {
		const json = jsonOf(entry);
		if (json?.message === 'msg.updated' && typeof json.result === 'string') good++;
	}
	return good;
}

module.exports = { setUp };
