// @ts-check
'use strict';

/*
 * A compact, bench-only engine runner: runs Trigger → Items → <node under test> through n8n-core's real
 * WorkflowExecute, using the modules of a real n8n install (n8n-core, n8n-workflow, n8n-nodes-base, @n8n/di,
 * @n8n/config from `<n8nDir>/node_modules`), as test/harness does for the n8n-core dev dependency.
 *
 * What differs from test/harness, and why:
 * - Plain CommonJS, so that the real n8n's Node 24 runs it without a TypeScript step.
 * - The package's `require('n8n-workflow')` is pointed at the n8n install's copy, as n8n does for community
 *   packages (one n8n-workflow instance in the process, as in production).
 * - Credentials are stored encrypted (n8n-core's Credentials and Cipher) and decrypted on every
 *   `getDecrypted`, and their `authenticate` block is resolved through the workflow's expression engine, as
 *   n8n's CredentialsHelper does; only its database read is missing (the same for every contender).
 * - The expression engine is n8n's production default (`vm`, isolated-vm, with n8n's observability provider),
 *   unless `expressionEngine: 'legacy'` is asked for.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');
const { randomUUID } = require('node:crypto');

const REPO = path.resolve(__dirname, '..', '..');

/**
 * @typedef {object} EngineOptions
 * @property {string} n8nDir  the n8n install folder (holds node_modules/n8n)
 * @property {'vm' | 'legacy'} [expressionEngine]  default 'vm' (n8n 2.x's default)
 * @property {string} [packageRoot]  where the package's dist lives (default: the repo); its n8n-workflow is redirected
 */

/**
 * @typedef {object} RunOptions
 * @property {Record<string, unknown>} node  the node under test: type, typeVersion, parameters, credentials, ...
 * @property {number} itemCount
 * @property {(index: number) => Record<string, unknown>} makeItem  the json of input item `index`
 * @property {string} [mode]  default 'trigger' (a production run)
 */

/**
 * @param {EngineOptions} options
 */
async function createEngine(options) {
	const expressionEngine = options.expressionEngine ?? 'vm';
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'okd-bench-'));
	const env = process.env;
	env.N8N_USER_FOLDER = root;
	env.N8N_ENCRYPTION_KEY = 'okdokument-bench-encryption-key';
	env.N8N_BINARY_DATA_STORAGE_PATH = path.join(root, 'binaryData');
	env.N8N_DEFAULT_BINARY_DATA_MODE ??= 'filesystem';
	// 'warn', not 'silent': n8n's Logger turns the levels below its level into no-ops only when it is not silent; at
	// 'silent' every debug call still captures a stack trace (callsites). n8n's default is 'info' (debug is a no-op).
	env.N8N_LOG_LEVEL ??= 'warn';
	env.N8N_DIAGNOSTICS_ENABLED = 'false';
	env.N8N_VERSION_NOTIFICATIONS_ENABLED = 'false';
	env.N8N_EXPRESSION_ENGINE = expressionEngine;
	// Never let a proxy setting of the machine route loopback requests.
	for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy']) delete env[name];

	const n8nRequire = Module.createRequire(path.join(options.n8nDir, 'package.json'));
	redirectPackageImports(options.packageRoot ?? REPO, n8nRequire);

	const { Container } = n8nRequire('@n8n/di');
	const { GlobalConfig } = n8nRequire('@n8n/config');
	const core = n8nRequire('n8n-core');
	const workflowLib = n8nRequire('n8n-workflow');
	const { SSHClientsManager } = n8nRequire('n8n-core/dist/execution-engine/ssh-clients-manager');
	const { Expression, NodeHelpers, ICredentialsHelper, NodeConnectionTypes, Workflow, UserError, isExpression } = workflowLib;

	// n8n's KeyManagerService without key rotation (the default): every credential is encrypted and decrypted
	// with the instance key (aes-256-cbc, the data key wrapped with aes-256-gcm), as n8n's bootstrap sets it up.
	const cipher = Container.get(core.Cipher);
	const instanceSettings = Container.get(core.InstanceSettings);
	/** @type {any} */
	let instanceKeyInfo;
	const instanceKey = () =>
		(instanceKeyInfo ??= {
			id: 'instance-key',
			value: cipher.encryptDEKWithInstanceKey(instanceSettings.encryptionKey),
			algorithm: 'aes-256-cbc',
			format: 'no-prefix',
		});
	Container.get(core.EncryptionKeyProxy).setProvider({
		getActiveKey: async () => instanceKey(),
		getLegacyKey: async () => instanceKey(),
		getKeyById: async () => null,
	});

	if (Container.get(core.BinaryDataConfig).mode !== 'default') {
		await Container.get(core.BinaryDataService).init();
	}

	if (expressionEngine === 'vm') {
		const config = Container.get(GlobalConfig).expressionEngine;
		const { ExpressionObservabilityProvider } = n8nRequire(
			'n8n/dist/expression-observability/expression-observability.provider',
		);
		// As n8n's base command does at startup (commands/base-command.js).
		await Expression.initExpressionEngine({
			engine: config.engine,
			poolSize: config.poolSize,
			maxCodeCacheSize: config.maxCodeCacheSize,
			bridgeTimeout: config.bridgeTimeout,
			bridgeMemoryLimit: config.bridgeMemoryLimit,
			idleTimeoutMs: config.idleTimeout === undefined ? undefined : config.idleTimeout * 1000,
			lazyAcquire: config.lazyAcquire,
			compileCache: config.compileCache,
			observability: Container.get(ExpressionObservabilityProvider),
		});
	} else {
		Expression.setExpressionEngine('legacy');
	}

	/* -------------------------------------------------------------------------------------- node types */

	const standIn = (/** @type {string} */ name, /** @type {string[]} */ inputs) => ({
		displayName: name,
		name,
		group: ['transform'],
		version: 1,
		description: 'Bench stand-in',
		defaults: { name },
		inputs,
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	});

	class NodeTypes {
		/** @param {any[]} types */
		constructor(types) {
			/** @type {Map<string, any>} */
			this.types = new Map(types.map((type) => [type.description.name, type]));
		}
		/** @param {string} name */
		getByName(name) {
			const found = this.types.get(name) ?? this.types.get(name.slice(name.lastIndexOf('.') + 1));
			if (!found) throw new UserError(`Bench: unknown node type "${name}"`);
			return found;
		}
		/** @param {string} name @param {number} [version] */
		getByNameAndVersion(name, version) {
			return NodeHelpers.getVersionedNodeType(this.getByName(name), version);
		}
		getKnownTypes() {
			return {};
		}
	}

	/* -------------------------------------------------------------------------------------- credentials */

	const mockNode = { name: '', typeVersion: 1, type: 'mock', position: [0, 0], parameters: {} };
	const mockNodeTypes = new NodeTypes([{ description: standIn('mock', []) }]);

	/** Mirrors n8n's CredentialsHelper (packages/cli/src/credentials-helper.ts), without its database. */
	class BenchCredentialsHelper extends ICredentialsHelper {
		/** @param {Map<string, any>} credentialTypes @param {Map<string, { id: string, name: string, type: string, data: string }>} entities */
		constructor(credentialTypes, entities) {
			super();
			this.credentialTypes = credentialTypes;
			this.entities = entities;
		}
		/** @param {string} name */
		getType(name) {
			const type = this.credentialTypes.get(name);
			if (!type) throw new UserError(`Bench: unknown credential type "${name}"`);
			return type;
		}
		getParentTypes() {
			return [];
		}
		isCredentialUsableByNode() {
			return true;
		}
		/** @param {string} type */
		getCredentialsProperties(type) {
			return this.getType(type).properties;
		}
		/** @param {any} credentials @param {string} typeName @param {any} requestOptions @param {any} workflow @param {any} node */
		async authenticate(credentials, typeName, requestOptions, workflow, node) {
			const { authenticate } = this.getType(typeName);
			if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
			if (authenticate?.type === 'generic') {
				requestOptions.headers ??= {};
				for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
					for (const [key, value] of Object.entries(/** @type {object} */ (outerValue))) {
						const keyResolved = String(resolveValue(key, { $credentials: credentials }, workflow, node));
						const valueResolved = resolveValue(value, { $credentials: credentials }, workflow, node);
						requestOptions[outerKey] ??= {};
						requestOptions[outerKey][keyResolved] = valueResolved;
					}
				}
			}
			return requestOptions;
		}
		async preAuthentication() {
			return undefined;
		}
		async runPreAuthentication() {
			return undefined;
		}
		/** @param {any} nodeCredentials @param {string} type */
		async getCredentials(nodeCredentials, type) {
			const entity = this.entity(nodeCredentials, type);
			return new core.Credentials({ id: entity.id, name: entity.name }, entity.type, entity.data);
		}
		/** @param {any} nodeCredentials @param {string} type */
		entity(nodeCredentials, type) {
			const entity = this.entities.get(`${type}:${nodeCredentials.id}`);
			if (!entity) throw new UserError(`Credential with ID "${nodeCredentials.id}" does not exist for type "${type}".`);
			return entity;
		}
		/**
		 * @param {any} additionalData @param {any} nodeCredentials @param {string} type @param {string} mode
		 * @param {any} executeData @param {boolean} raw @param {any} expressionResolveValues
		 */
		async getDecrypted(additionalData, nodeCredentials, type, mode, executeData, raw, expressionResolveValues) {
			const credentials = await this.getCredentials(nodeCredentials, type);
			const decryptedDataOriginal = await credentials.getData();
			if (raw === true) return decryptedDataOriginal;
			const properties = this.getCredentialsProperties(type);
			let decryptedData = NodeHelpers.getNodeParameters(properties, { ...decryptedDataOriginal }, true, false, null, null);
			const additionalKeys = core.getAdditionalKeys(additionalData, mode, null, { isCredential: true });
			if (expressionResolveValues) {
				const v = expressionResolveValues;
				decryptedData = v.workflow.expression.getParameterValue(
					decryptedData,
					v.runExecutionData,
					v.runIndex,
					v.itemIndex,
					v.node.name,
					v.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					decryptedData,
				);
			} else {
				const workflow = new Workflow({ nodes: [mockNode], connections: {}, active: false, nodeTypes: mockNodeTypes });
				await workflow.expression.acquireIsolate();
				try {
					decryptedData = workflow.expression.getComplexParameterValue(
						mockNode,
						decryptedData,
						mode,
						additionalKeys,
						undefined,
						undefined,
						decryptedData,
					);
				} finally {
					await workflow.expression.releaseIsolate();
				}
			}
			return decryptedData;
		}
		async updateCredentials() {}
		async updateCredentialsOauthTokenData() {}
	}

	/** @param {unknown} value @param {any} additionalKeys @param {any} workflow @param {any} node */
	function resolveValue(value, additionalKeys, workflow, node) {
		if (!isExpression(value)) return value;
		const resolved = workflow.expression.getSimpleParameterValue(node, value, 'internal', additionalKeys, undefined, '');
		return resolved ? String(resolved) : '';
	}

	/**
	 * Stores credential data encrypted, as n8n's database holds it.
	 * @param {Array<{ id: string, name: string, type: string, data: Record<string, unknown> }>} list
	 */
	async function storeCredentials(list) {
		/** @type {Map<string, { id: string, name: string, type: string, data: string }>} */
		const entities = new Map();
		for (const { id, name, type, data } of list) {
			const credentials = new core.Credentials({ id, name }, type);
			await credentials.setData(data);
			entities.set(`${type}:${id}`, { id, name, type, data: /** @type {string} */ (credentials.getDataToSave().data) });
		}
		return entities;
	}

	/* -------------------------------------------------------------------------------------- running */

	const BASE_URL = 'http://localhost:5678';
	const unsupported = (/** @type {string} */ what) => async () => {
		throw new UserError(`Bench: ${what} is not supported`);
	};

	/**
	 * @param {any} credentialsHelper @param {any} hooks @param {string} executionId @param {string} workflowId
	 */
	function buildAdditionalData(credentialsHelper, hooks, executionId, workflowId) {
		return {
			credentialsHelper,
			hooks,
			executionId,
			workflowId,
			currentNodeExecutionIndex: 0,
			variables: {},
			externalSecretsProxy: new core.ExternalSecretsProxy(),
			restApiUrl: `${BASE_URL}/rest`,
			instanceBaseUrl: `${BASE_URL}/`,
			formBaseUrl: `${BASE_URL}/form`,
			formWaitingBaseUrl: `${BASE_URL}/form-waiting`,
			formTestBaseUrl: `${BASE_URL}/form-test`,
			webhookBaseUrl: `${BASE_URL}/webhook`,
			webhookWaitingBaseUrl: `${BASE_URL}/webhook-waiting`,
			webhookTestBaseUrl: `${BASE_URL}/webhook-test`,
			mcpBaseUrl: `${BASE_URL}/mcp`,
			mcpTestBaseUrl: `${BASE_URL}/mcp-test`,
			executeWorkflow: unsupported('executeWorkflow'),
			startRunnerTask: unsupported('startRunnerTask'),
			getRunExecutionData: async () => undefined,
			getRuntimeCredential: async () => undefined,
			logAiEvent: () => {},
		};
	}

	let executionCounter = 0;

	/**
	 * @param {{ nodeTypes: any[], credentialTypes: any[], credentials: Array<{ id: string, name: string, type: string, data: Record<string, unknown> }> }} setup
	 */
	async function prepare(setup) {
		const credentialTypes = new Map(setup.credentialTypes.map((type) => [type.name, type]));
		const entities = await storeCredentials(setup.credentials);
		const credentialsHelper = new BenchCredentialsHelper(credentialTypes, entities);

		/**
		 * Runs the workflow once and returns the node's output.
		 * @param {RunOptions} run
		 */
		return async function runWorkflow(run) {
			const trigger = {
				description: { ...standIn('benchTrigger', []), group: ['trigger'] },
				async execute() {
					return [[{ json: {} }]];
				},
			};
			const itemsType = {
				description: standIn('benchItems', [NodeConnectionTypes.Main]),
				async execute() {
					const items = new Array(run.itemCount);
					for (let i = 0; i < run.itemCount; i++) items[i] = { json: run.makeItem(i), pairedItem: { item: 0 } };
					return [items];
				},
			};
			const nodeTypes = new NodeTypes([trigger, itemsType, ...setup.nodeTypes]);
			const tested = /** @type {any} */ ({
				id: randomUUID(),
				name: 'Under Test',
				position: [440, 0],
				parameters: {},
				...run.node,
			});
			const main = NodeConnectionTypes.Main;
			const workflowData = {
				id: 'benchWorkflow',
				name: 'Bench workflow',
				active: false,
				isArchived: false,
				activeVersionId: null,
				createdAt: new Date(),
				updatedAt: new Date(),
				nodes: [
					{ id: randomUUID(), name: 'Trigger', type: 'benchTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
					{ id: randomUUID(), name: 'Items', type: 'benchItems', typeVersion: 1, position: [220, 0], parameters: {} },
					tested,
				],
				connections: {
					Trigger: { main: [[{ node: 'Items', type: main, index: 0 }]] },
					Items: { main: [[{ node: tested.name, type: main, index: 0 }]] },
				},
				settings: { executionOrder: 'v1' },
			};
			const workflow = new Workflow({
				id: workflowData.id,
				name: workflowData.name,
				nodes: workflowData.nodes,
				connections: workflowData.connections,
				active: false,
				nodeTypes,
				settings: workflowData.settings,
			});
			const mode = run.mode ?? 'trigger';
			const executionId = `bench-${++executionCounter}`;
			const hooks = new core.ExecutionLifecycleHooks(mode, executionId, workflowData);
			/** @type {any} */
			let finished;
			hooks.addHandler('workflowExecuteAfter', (/** @type {any} */ fullRunData) => {
				finished = fullRunData;
			});
			const additionalData = buildAdditionalData(credentialsHelper, hooks, executionId, workflow.id);
			const returned = await new core.WorkflowExecute(additionalData, mode).run({
				workflow,
				startNode: workflow.getNode('Trigger') ?? undefined,
			});
			const result = finished ?? returned;
			const taskData = result.data.resultData.runData[tested.name]?.[0];
			return {
				outputs: /** @type {any[][]} */ ((taskData?.data?.[main] ?? []).map((/** @type {any} */ output) => output ?? [])),
				error: result.data.resultData.error,
			};
		};
	}

	async function shutdown() {
		Container.get(SSHClientsManager).onShutdown();
		if (expressionEngine === 'vm') await Expression.disposeExpressionEngine();
		fs.rmSync(root, { recursive: true, force: true });
	}

	return {
		n8nRequire,
		workflowLib,
		core,
		prepare,
		shutdown,
		expressionEngine,
		versions: {
			n8nCore: n8nRequire('n8n-core/package.json').version,
			n8nWorkflow: n8nRequire('n8n-workflow/package.json').version,
			n8nNodesBase: n8nRequire('n8n-nodes-base/package.json').version,
			n8n: n8nRequire('n8n/package.json').version,
		},
	};
}

/**
 * Makes `require('n8n-workflow')` from the package's files resolve to the n8n install's copy, as it does when n8n
 * loads a community package (n8n adds its own module paths). Without this, dist/ would pick up the repo's
 * dev dependency: a second n8n-workflow instance, and `instanceof` checks between the node and the engine would
 * fail.
 * @param {string} packageRoot
 * @param {NodeJS.Require} n8nRequire
 */
function redirectPackageImports(packageRoot, n8nRequire) {
	redirectedPrefixes.add(path.join(path.resolve(packageRoot), 'dist') + path.sep);
	// @ts-ignore: Module._resolveFilename is internal but stable.
	const original = Module._resolveFilename;
	// @ts-ignore
	if (original.__okdBench) return;
	/** @type {any} */
	const patched = function (/** @type {string} */ request, /** @type {any} */ parent, /** @type {any[]} */ ...rest) {
		if (
			(request === 'n8n-workflow' || request.startsWith('n8n-workflow/')) &&
			typeof parent?.filename === 'string' &&
			[...redirectedPrefixes].some((prefix) => parent.filename.startsWith(prefix))
		) {
			return n8nRequire.resolve(request);
		}
		return original.call(this, request, parent, ...rest);
	};
	patched.__okdBench = true;
	// @ts-ignore
	Module._resolveFilename = patched;
}

/** @type {Set<string>} */
const redirectedPrefixes = new Set();

module.exports = { createEngine, redirectPackageImports, REPO };
