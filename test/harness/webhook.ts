/**
 * Runs a webhook trigger node for real: an HTTP server on 127.0.0.1 that serves the node's
 * webhook at the path n8n gives it, calls the node's `webhook()` in n8n-core's `WebhookContext`,
 * answers as n8n does, and when the node returns `workflowData` runs the rest of the workflow
 * (trigger → `Downstream`, a node that records what it receives) through `WorkflowExecute`.
 *
 * ```ts
 * const trigger = await startWebhookTrigger({
 *   nodeTypes: [MyTrigger], credentialTypes: [MyApi],
 *   node: { type: 'myTrigger', parameters: { ... } },
 *   credentials: { myApi: { apiKey: 'k' } },
 * });
 * await fetch(trigger.productionUrl, { method: 'POST', ... });
 * await trigger.settled();   // every request answered and every execution finished
 * trigger.received()         // the items the downstream node received, over all executions
 * trigger.calls              // each request: what the node saw, n8n's answer, the outcome
 * trigger.logs               // n8n logger lines written while the trigger ran
 * await trigger.stop();      // runs the node's webhookMethods `delete`, closes the server
 * ```
 *
 * What it copies from n8n 2.41's webhook handling (packages/cli webhook-helpers `executeWebhook`):
 * - the production URL `<base>/webhook/<webhookId>/<path>` runs in mode `webhook`, the test URL
 *   `<base>/webhook-test/<webhookId>/<path>` in mode `manual`; other paths or methods get 404;
 * - the body is parsed as n8n's `parseBody` does (JSON, urlencoded, text/plain; others stay
 *   undefined); a JSON body that does not parse gets 422 before the node runs;
 * - the node throws → 500 and a failed execution whose only run is the trigger's (the engine
 *   rethrows the error there, so nothing downstream runs);
 * - `noWebhookResponse` → the node answered itself; no `workflowData` → 200 with `webhookResponse`
 *   or `{"message":"Webhook call received"}`, and no execution;
 * - `workflowData` (responseMode `onReceived`) → the execution is started, then 200 with the
 *   body n8n's `extractWebhookOnReceivedResponse` gives.
 * - on start, `webhookMethods.<name>.checkExists` and, if it says false, `create` run in a
 *   `HookContext` (activation `activate`), as n8n does when the workflow is activated.
 * Error bodies are simplified (`{ code, message }`); status codes are n8n's.
 */
import './env';

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { ExecutionLifecycleHooks, HookContext, WebhookContext, WorkflowExecute } from 'n8n-core';
import {
	createRunExecutionData,
	deepCopy,
	NodeConnectionTypes,
	NodeHelpers,
	UserError,
	Workflow,
	type CloseFunction,
	type ExecutionError,
	type ICredentialDataDecryptedObject,
	type INode,
	type INodeExecutionData,
	type IRun,
	type IWebhookData,
	type IWebhookDescription,
	type IWebhookResponseData,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type WebhookType,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import {
	CredentialTypeRegistry,
	HarnessCredentialsHelper,
	instantiateCredentialType,
	type CredentialTypeInput,
} from './credentials';
import { buildAdditionalData, ensureEngine } from './engine';
import { HarnessNodeTypes, instantiateNodeType, latestVersion, type NodeTypeInput } from './node-types';
import type { HarnessNode } from './run-node';
import {
	answer,
	captureLogger,
	createDownstreamNodeType,
	DOWNSTREAM_NODE_NAME,
	DOWNSTREAM_NODE_TYPE,
	parseBody,
	readRaw,
	toExpressRequest,
	toExpressResponse,
	type LogLine,
} from './webhook-io';

export { DOWNSTREAM_NODE_NAME, type LogLine } from './webhook-io';
const WORKFLOW_ID = 'harnessWebhookWorkflow';

export interface StartWebhookTriggerOptions {
	/** Node types the workflow may use: the trigger under test (and any other). */
	nodeTypes: NodeTypeInput[];
	credentialTypes?: CredentialTypeInput[];
	/**
	 * The trigger as it sits in the workflow. `name` defaults to the type's `defaults.name`,
	 * `typeVersion` to the latest, `webhookId` to a fresh UUID (n8n assigns one when the node is
	 * added), `credentials` to `{ [type]: { id: '1', name: type } }` for each of `credentials`.
	 */
	node: HarnessNode;
	/** Decrypted credential data by credential type. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Which of the node's webhooks to serve; default 'default'. */
	webhookName?: WebhookType;
}

/** One execution the trigger started. */
export interface WebhookExecution {
	executionId: string;
	mode: WorkflowExecuteMode;
	/** What the trigger emitted (`workflowData`), or undefined for a failed trigger. */
	triggerOutput?: INodeExecutionData[][];
	/** The items the downstream node received (deep copies); [] when it did not run. */
	received: INodeExecutionData[];
	/** The execution's error (`run.data.resultData.error`), if it failed. */
	error?: ExecutionError;
	run: IRun;
}

/** One HTTP request to the harness server. */
export interface WebhookCall {
	method: string;
	/** Path as received, without the query string. */
	path: string;
	headers: IncomingMessage['headers'];
	/** The body as the node saw it (`getBodyData()`). */
	body: unknown;
	mode?: WorkflowExecuteMode;
	response: { status: number; body: unknown };
	/**
	 * started: the node returned workflowData and an execution ran; ignored: it returned none;
	 * failed: `webhook()` threw; rejected: n8n would not have called the node (404, 422).
	 */
	outcome: 'started' | 'ignored' | 'failed' | 'rejected';
	/** What `webhook()` threw. */
	error?: Error;
	/** What `webhook()` returned. */
	result?: IWebhookResponseData;
	execution?: WebhookExecution;
}

export interface WebhookTrigger {
	/** The harness server, e.g. http://127.0.0.1:12345 (no trailing slash). */
	readonly baseUrl: string;
	/** The URL n8n shows as the node's Production URL (`<base>/webhook/<webhookId>/<path>`). */
	readonly productionUrl: string;
	/** The URL n8n shows as the node's Test URL (`<base>/webhook-test/<webhookId>/<path>`). */
	readonly testUrl: string;
	/** The trigger node as it sits in the workflow. */
	readonly node: INode;
	readonly calls: WebhookCall[];
	readonly executions: WebhookExecution[];
	/** Lines the n8n logger received while the trigger ran (any level, whatever N8N_LOG_LEVEL). */
	readonly logs: LogLine[];
	/** The lifecycle methods that ran and what they returned, e.g. ['checkExists:true']. */
	readonly lifecycle: string[];
	/** Every item the downstream node received, over all executions, in order. */
	received(): INodeExecutionData[];
	/** Waits until every request is answered and every execution it started has finished. */
	settled(): Promise<void>;
	/** Runs the webhook's `delete` lifecycle method, closes the server, restores the logger. */
	stop(): Promise<void>;
}

export async function startWebhookTrigger(options: StartWebhookTriggerOptions): Promise<WebhookTrigger> {
	await ensureEngine();
	const webhookName = options.webhookName ?? 'default';

	const executions: WebhookExecution[] = [];
	const receivedBy = new Map<string, INodeExecutionData[]>();
	const nodeTypes = new HarnessNodeTypes([
		...options.nodeTypes.map(instantiateNodeType),
		createDownstreamNodeType((executionId, items) => receivedBy.set(executionId, items)),
	]);
	const credentialTypes = new CredentialTypeRegistry(
		(options.credentialTypes ?? []).map(instantiateCredentialType),
	);
	const credentialsHelper = new HarnessCredentialsHelper(credentialTypes, deepCopy(options.credentials ?? {}));

	const triggerType = nodeTypes.getByName(options.node.type);
	const typeVersion = options.node.typeVersion ?? latestVersion(triggerType);
	const nodeType = nodeTypes.getByNameAndVersion(options.node.type, typeVersion);
	const description = nodeType.description;
	const webhookDescription = description.webhooks?.find((webhook) => webhook.name === webhookName);
	if (!webhookDescription || !nodeType.webhook) {
		throw new UserError(`Harness: node type "${options.node.type}" has no webhook named "${webhookName}"`);
	}
	if ((webhookDescription.responseMode ?? 'onReceived') !== 'onReceived') {
		throw new UserError('Harness: only webhooks with responseMode "onReceived" are supported');
	}

	const credentialNames = Object.keys(options.credentials ?? {});
	const node: INode = {
		id: randomUUID(),
		webhookId: randomUUID(),
		position: [0, 0],
		...(credentialNames.length > 0 && {
			credentials: Object.fromEntries(credentialNames.map((type) => [type, { id: '1', name: type }])),
		}),
		...deepCopy(options.node),
		name: options.node.name ?? description.defaults.name ?? description.displayName,
		typeVersion,
		parameters: deepCopy(options.node.parameters ?? {}),
	};
	const downstream: INode = {
		id: randomUUID(),
		name: DOWNSTREAM_NODE_NAME,
		type: DOWNSTREAM_NODE_TYPE,
		typeVersion: 1,
		position: [220, 0],
		parameters: {},
	};
	const workflowData: IWorkflowBase = {
		id: WORKFLOW_ID,
		name: 'Harness webhook workflow',
		active: true,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [node, downstream],
		connections: {
			[node.name]: {
				main: [[{ node: DOWNSTREAM_NODE_NAME, type: NodeConnectionTypes.Main, index: 0 }]],
			},
		},
		settings: { executionOrder: 'v1' },
	};
	// A fresh Workflow per call, as n8n builds one per webhook request.
	const newWorkflow = () =>
		new Workflow({
			id: WORKFLOW_ID,
			name: workflowData.name,
			nodes: deepCopy(workflowData.nodes),
			connections: workflowData.connections,
			active: true,
			nodeTypes,
			settings: workflowData.settings,
		});

	const logs: LogLine[] = [];
	const restoreLogger = captureLogger(logs);
	const calls: WebhookCall[] = [];
	const pending = new Set<Promise<void>>();
	const sockets = new Set<Socket>();
	let baseUrl = '';

	const webhookPath = String(webhookDescription.path);
	const relativePath = NodeHelpers.getNodeWebhookPath(
		WORKFLOW_ID,
		node,
		webhookPath,
		webhookDescription.isFullPath === true,
	);
	const routes = new Map<string, WorkflowExecuteMode>([
		[`/webhook/${relativePath}`, 'webhook'],
		[`/webhook-test/${relativePath}`, 'manual'],
	]);

	function additionalDataFor(executionId: string, hooks?: ExecutionLifecycleHooks) {
		return {
			...buildAdditionalData({ credentialsHelper, hooks, executionId, workflowId: WORKFLOW_ID }),
			instanceBaseUrl: `${baseUrl}/`,
			webhookBaseUrl: `${baseUrl}/webhook`,
			webhookTestBaseUrl: `${baseUrl}/webhook-test`,
			webhookWaitingBaseUrl: `${baseUrl}/webhook-waiting`,
		};
	}

	function webhookDataFor(
		additionalData: IWorkflowExecuteAdditionalData,
		mode: WorkflowExecuteMode,
	): IWebhookData {
		return {
			httpMethod: webhookDescription!.httpMethod as IWebhookData['httpMethod'],
			node: node.name,
			path: relativePath,
			webhookDescription: webhookDescription as IWebhookDescription,
			workflowId: WORKFLOW_ID,
			workflowExecuteAdditionalData: additionalData,
			webhookId: node.webhookId,
			isTest: mode === 'manual',
		};
	}

	/** Runs the workflow from the trigger's output, as n8n's WorkflowRunner does for a webhook. */
	async function execute(
		workflow: Workflow,
		executionId: string,
		mode: WorkflowExecuteMode,
		triggerOutput: INodeExecutionData[][] | undefined,
		triggerError: Error | undefined,
	): Promise<WebhookExecution> {
		const workflowNode = workflow.getNode(node.name) as INode;
		const runExecutionData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [
					{ node: workflowNode, data: { main: triggerOutput ?? [[{ json: {} }]] }, source: null },
				],
			},
		});
		if (triggerError) {
			// What n8n merges into the execution when the webhook function threw.
			runExecutionData.resultData = {
				runData: {},
				lastNodeExecuted: node.name,
				error: { ...triggerError, message: triggerError.message, stack: triggerError.stack } as ExecutionError,
			};
		}
		const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
		let finished: IRun | undefined;
		hooks.addHandler('workflowExecuteAfter', (run) => {
			finished = run;
		});
		const returned = await new WorkflowExecute(
			additionalDataFor(executionId, hooks),
			mode,
			runExecutionData,
		).processRunExecutionData(workflow);
		const run = finished ?? returned;
		const execution: WebhookExecution = {
			executionId,
			mode,
			triggerOutput,
			received: receivedBy.get(executionId) ?? [],
			error: run.data.resultData.error,
			run,
		};
		executions.push(execution);
		return execution;
	}

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const raw = await readRaw(req);
		const url = new URL(req.url ?? '/', baseUrl);
		const method = req.method ?? 'GET';
		const call: WebhookCall = {
			method,
			path: url.pathname,
			headers: { ...req.headers },
			body: undefined,
			response: { status: 0, body: undefined },
			outcome: 'rejected',
		};
		calls.push(call);
		const respond = (status: number, body: unknown) => {
			call.response = { status, body };
			answer(res, status, body);
		};

		const mode = routes.get(url.pathname);
		if (mode === undefined || method !== webhookDescription!.httpMethod) {
			respond(404, { code: 404, message: `The requested webhook "${method} ${url.pathname}" is not registered.` });
			return;
		}
		call.mode = mode;
		const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
		const parsed = parseBody(raw, contentType);
		if ('error' in parsed) {
			respond(422, { code: 422, message: 'Failed to parse request body', hint: parsed.error });
			return;
		}
		call.body = parsed.body;

		const executionId = `harness-webhook-${calls.length}`;
		const additionalData = additionalDataFor(executionId);
		additionalData.httpRequest = toExpressRequest(req, {
			body: parsed.body,
			rawBody: raw,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			contentType,
		});
		additionalData.httpResponse = toExpressResponse(res);
		const workflow = newWorkflow();
		const workflowNode = workflow.getNode(node.name) as INode;
		const closeFunctions: CloseFunction[] = [];
		const context = new WebhookContext(
			workflow,
			workflowNode,
			additionalData,
			mode,
			webhookDataFor(additionalData, mode),
			closeFunctions,
			null,
		);

		let result: IWebhookResponseData;
		try {
			result = await nodeType.webhook!.call(context);
		} catch (error) {
			call.outcome = 'failed';
			call.error = error as Error;
			respond(500, { code: 0, message: 'Workflow Webhook Error: Workflow could not be started!' });
			call.execution = await execute(workflow, executionId, mode, undefined, error as Error);
			return;
		} finally {
			await Promise.allSettled(closeFunctions.map(async (close) => await close()));
		}
		call.result = result;

		if (result.noWebhookResponse === true) {
			call.response = { status: res.statusCode, body: undefined };
		}
		if (result.workflowData === undefined) {
			call.outcome = 'ignored';
			if (result.noWebhookResponse !== true) {
				respond(200, result.webhookResponse ?? { message: 'Webhook call received' });
			}
			return;
		}

		call.outcome = 'started';
		const running = execute(workflow, executionId, mode, result.workflowData, undefined);
		if (result.noWebhookResponse !== true) {
			const responseData = workflow.expression.getComplexParameterValue(
				workflowNode,
				webhookDescription!.responseData,
				mode,
				{},
				undefined,
				'firstEntryJson',
			);
			const body =
				responseData === 'noData'
					? undefined
					: responseData || (result.webhookResponse ?? { message: 'Workflow was started' });
			respond(200, body);
		}
		call.execution = await running;
	}

	const server = createServer((req, res) => {
		const handling = handle(req, res).catch((error: unknown) => {
			answer(res, 500, { code: 0, message: `Harness failure: ${(error as Error).message}` });
		});
		pending.add(handling);
		void handling.finally(() => pending.delete(handling));
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	const lifecycle: string[] = [];
	async function runLifecycle(method: 'checkExists' | 'create' | 'delete'): Promise<boolean | undefined> {
		const fn = nodeType.webhookMethods?.[webhookName]?.[method];
		if (fn === undefined) return undefined;
		const additionalData = additionalDataFor(`harness-activation-${method}`);
		const workflow = newWorkflow();
		const context = new HookContext(
			workflow,
			workflow.getNode(node.name) as INode,
			additionalData,
			'webhook',
			'activate',
			webhookDataFor(additionalData, 'webhook'),
		);
		const result = await fn.call(context);
		lifecycle.push(`${method}:${String(result)}`);
		return result;
	}
	try {
		if ((await runLifecycle('checkExists')) === false) await runLifecycle('create');
	} catch (error) {
		server.close();
		restoreLogger();
		throw error;
	}

	async function settled(): Promise<void> {
		while (pending.size > 0) await Promise.allSettled([...pending]);
	}

	let stopping: Promise<void> | undefined;
	return {
		get baseUrl() {
			return baseUrl;
		},
		productionUrl: `${baseUrl}/webhook/${relativePath}`,
		testUrl: `${baseUrl}/webhook-test/${relativePath}`,
		node,
		calls,
		executions,
		logs,
		lifecycle,
		received: () => executions.flatMap((execution) => execution.received),
		settled,
		stop() {
			stopping ??= (async () => {
				try {
					await settled();
					await runLifecycle('delete');
				} finally {
					await new Promise<void>((resolve) => {
						server.close(() => resolve());
						for (const socket of sockets) socket.destroy();
					});
					restoreLogger();
				}
			})();
			return stopping;
		},
	};
}
