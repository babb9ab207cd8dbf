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
 * trigger.staticData.read()  // the workflow's static data as n8n's database holds it
 * await trigger.fireCrons(); // a node with trigger(): runs what it scheduled with registerCron
 * const again = await trigger.restart(); // n8n restarted: same URL and database, nothing in memory
 * await trigger.stop();      // runs the node's webhookMethods `delete`, closes the server
 * ```
 *
 * What it copies from n8n 2.41's webhook handling (packages/cli webhook-helpers `executeWebhook`):
 * - the production URL `<base>/webhook/<webhookId>/<path>` runs in mode `webhook`, the test URL
 *   `<base>/webhook-test/<webhookId>/<path>` in mode `manual`; other paths or methods get 404;
 * - the body is read as n8n reads it (webhook-io.ts, webhookRequest): JSON, XML, a form, text,
 *   multipart; one that does not parse gets 422 (400 for multipart), one above N8N_PAYLOAD_SIZE_MAX
 *   500, before the node runs;
 * - the node throws → 500 and a failed execution whose only run is the trigger's (the engine
 *   rethrows the error there, so nothing downstream runs);
 * - `noWebhookResponse` → the node answered itself; no `workflowData` → 200 with `webhookResponse`
 *   or `{"message":"Webhook call received"}`, and no execution;
 * - `workflowData` (responseMode `onReceived`) → the execution is started, then 200 with the
 *   body n8n's `extractWebhookOnReceivedResponse` gives.
 * - on start, `webhookMethods.<name>.checkExists` and, if it says false, `create` run in a
 *   `HookContext` (activation `activate`), as n8n does when the workflow is activated; then a
 *   node's `trigger()` runs in a `TriggerContext`, and a polling node's `poll()` in a
 *   `PollContext`, each kept for the whole activation as n8n keeps it (with its own Workflow):
 *   `emit` (or what poll() returns) starts an execution in mode `trigger`; `registerCron` and
 *   the crons of the node's Poll Times are recorded for `fireCrons()`; poll() runs once at
 *   activation, where an error fails the activation; failures n8n reports otherwise are
 *   recorded in `triggerFailures`.
 * - static data lives in a StaticDataStore (static-data.ts) and is saved when n8n 2.41 saves it.
 * Error bodies are simplified (`{ code, message }`); status codes are n8n's.
 */
import './env';

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import {
	ExecutionLifecycleHooks,
	HookContext,
	PollContext,
	TriggerContext,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';
import {
	createRunExecutionData,
	deepCopy,
	NodeConnectionTypes,
	NodeHelpers,
	toCronExpression,
	UserError,
	Workflow,
	type CloseFunction,
	type ExecutionError,
	type ICredentialDataDecryptedObject,
	type INode,
	type INodeExecutionData,
	type IRun,
	type ITriggerResponse,
	type TriggerTime,
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
import { HarnessNodeTypes, instantiateNodeType, latestVersion, standInNode, type NodeTypeInput } from './node-types';
import type { HarnessNode } from './run-node';
import { StaticDataStore } from './static-data';
import {
	answer,
	captureLogger,
	createDownstreamNodeType,
	DOWNSTREAM_NODE_NAME,
	DOWNSTREAM_NODE_TYPE,
	readRaw,
	startHarnessServer,
	recordingExpressResponse,
	webhookRequest,
	type LogLine,
} from './webhook-io';

export { DOWNSTREAM_NODE_NAME, type LogLine } from './webhook-io';
export { StaticDataStore } from './static-data';
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
	/** The workflow's stored static data; default a new, empty store. */
	staticData?: StaticDataStore;
	/** The port to listen on; default any free one. */
	port?: number;
}

/**
 * A failure of trigger() or poll() that n8n reports: as a failed execution (poll()'s errors and
 * `__emitError`, trigger()'s `saveFailedExecution`), or by deactivating the workflow
 * (trigger()'s `emitError`).
 */
export interface TriggerFailure {
	kind: 'failedExecution' | 'deactivation';
	error: Error;
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
	/** The port the harness server listens on. */
	readonly port: number;
	/** The workflow's static data as stored (what a restart starts from). */
	readonly staticData: StaticDataStore;
	/** The cron expressions trigger() registered. */
	readonly crons: string[];
	readonly triggerFailures: TriggerFailure[];
	/** Runs every registered cron's callback once, then waits until everything settled. */
	fireCrons(): Promise<void>;
	/**
	 * Waits until every request is answered, every execution it started has finished, and
	 * trigger() has no request to OKdokument (or anything) in flight.
	 */
	settled(): Promise<void>;
	/**
	 * n8n stops and starts again: the triggers are deactivated (webhooks stay registered, as n8n
	 * keeps them), `whileStopped` runs while nothing listens, then the same node is activated
	 * again on the same port, with the stored static data.
	 */
	restart(options?: { whileStopped?: () => Promise<void> }): Promise<WebhookTrigger>;
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
	const downstream = standInNode(DOWNSTREAM_NODE_NAME, DOWNSTREAM_NODE_TYPE, 220);
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
	const store = options.staticData ?? new StaticDataStore();
	// A fresh Workflow per call, as n8n builds one per webhook request, from the stored static data.
	const newWorkflow = () =>
		new Workflow({
			id: WORKFLOW_ID,
			name: workflowData.name,
			nodes: deepCopy(workflowData.nodes),
			connections: workflowData.connections,
			active: true,
			nodeTypes,
			staticData: store.load(),
			settings: workflowData.settings,
		});

	const logs: LogLine[] = [];
	const restoreLogger = captureLogger(logs);
	const calls: WebhookCall[] = [];
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
		return buildAdditionalData({ credentialsHelper, hooks, executionId, workflowId: WORKFLOW_ID, baseUrl });
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

	/**
	 * Runs the workflow from the trigger's output, as n8n's WorkflowRunner does: in a Workflow of
	 * its own with the stored static data, saved at the end if the execution changed it.
	 */
	async function execute(
		executionId: string,
		mode: WorkflowExecuteMode,
		triggerOutput: INodeExecutionData[][] | undefined,
		triggerError: Error | undefined,
	): Promise<WebhookExecution> {
		const workflow = newWorkflow();
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
		hooks.addHandler('workflowExecuteAfter', (run, newStaticData) => {
			finished = run;
			if (newStaticData && mode !== 'manual') store.save(newStaticData);
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
		const request = await webhookRequest(req, raw, url);
		if ('refused' in request) {
			respond(request.refused.status, request.refused.body);
			return;
		}
		call.body = request.body;

		const executionId = `harness-webhook-${calls.length}`;
		const additionalData = additionalDataFor(executionId);
		additionalData.httpRequest = request.httpRequest;
		const { response, answeredBody } = recordingExpressResponse(res);
		additionalData.httpResponse = response;
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
			call.execution = await execute(executionId, mode, undefined, error as Error);
			return;
		} finally {
			await Promise.allSettled(closeFunctions.map(async (close) => await close()));
		}
		call.result = result;
		// What n8n 2.41 saves: see static-data.ts.
		if (mode !== 'manual' && (result.noWebhookResponse === true || result.workflowData === undefined)) {
			store.saveIfChanged(workflow);
		}

		if (result.noWebhookResponse === true) {
			call.response = { status: res.statusCode, body: answeredBody() };
		}
		if (result.workflowData === undefined) {
			call.outcome = 'ignored';
			if (result.noWebhookResponse !== true) {
				respond(200, result.webhookResponse ?? { message: 'Webhook call received' });
			}
			return;
		}

		call.outcome = 'started';
		const running = execute(executionId, mode, result.workflowData, undefined);
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

	const server = await startHarnessServer(handle, options.port);
	baseUrl = server.baseUrl;

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
		store.saveIfChanged(workflow);
		return result;
	}

	/** Counts a promise the node started outside a request (trigger()), so settled() waits for it. */
	const track = <T>(promise: Promise<T>): Promise<T> => server.track(promise);

	const crons: Array<{ expression: string; onTick: () => unknown }> = [];
	const triggerFailures: TriggerFailure[] = [];
	let emitted = 0;
	/** What n8n does with emitted data: saves the activation's copy of static data whole, then runs. */
	const emitFrom =
		(workflow: Workflow) =>
		(data: INodeExecutionData[][]) => {
			store.saveIfChanged(workflow);
			emitted += 1;
			track(execute(`harness-trigger-${emitted}`, 'trigger', data, undefined));
		};
	/** Requests the node sends outside a request to the harness count for settled(). */
	function trackRequests(context: { helpers: object }): void {
		const helpers = context.helpers as Record<string, unknown>;
		for (const helper of ['httpRequest', 'httpRequestWithAuthentication']) {
			const original = helpers[helper] as (...args: unknown[]) => Promise<unknown>;
			helpers[helper] = function (this: unknown, ...args: unknown[]) {
				return track(original.apply(this, args));
			};
		}
	}

	/** What a trigger's or poller's context is built from: its own Workflow, in mode trigger, activation activate. */
	const activationArgs = (workflow: Workflow, executionId: string) =>
		[workflow, workflow.getNode(node.name) as INode, additionalDataFor(executionId), 'trigger', 'activate'] as const;

	/** trigger() in the Workflow n8n keeps while the workflow is active (active-workflow-triggers). */
	async function activateTrigger(): Promise<ITriggerResponse | undefined> {
		if (!nodeType.trigger) return undefined;
		const workflow = newWorkflow();
		const context = new TriggerContext(
			...activationArgs(workflow, 'harness-trigger'),
			emitFrom(workflow),
			(error) => triggerFailures.push({ kind: 'deactivation', error }),
			(error) => triggerFailures.push({ kind: 'failedExecution', error: error as Error }),
			{
				registerCron: (cron, onTick) => {
					crons.push({ expression: cron.expression, onTick: () => onTick(new Date()) });
				},
			},
		);
		trackRequests(context);
		const response = await nodeType.trigger.call(context);
		store.saveIfChanged(workflow); // the end of n8n's activation
		return response;
	}

	/** poll(), as n8n-core's poll trigger executor runs it: once now, then on each Poll Times cron. */
	async function activatePoller(): Promise<void> {
		if (!nodeType.poll) return;
		const workflow = newWorkflow();
		const emit = emitFrom(workflow);
		const reportError = (error: Error) => triggerFailures.push({ kind: 'failedExecution', error });
		const context = new PollContext(...activationArgs(workflow, 'harness-poll'), emit, reportError);
		trackRequests(context);
		const poll = async (activating: boolean) => {
			try {
				const response = await nodeType.poll!.call(context);
				if (response !== null) emit(response);
			} catch (error) {
				if (activating) throw error;
				reportError(error as Error);
			}
		};
		await poll(true);
		store.saveIfChanged(workflow); // the end of n8n's activation
		const pollTimes = context.getNodeParameter('pollTimes', {}) as { item?: TriggerTime[] };
		for (const time of pollTimes.item ?? []) crons.push({ expression: toCronExpression(time), onTick: () => poll(false) });
	}

	let triggerResponse: ITriggerResponse | undefined;
	try {
		if ((await runLifecycle('checkExists')) === false) await runLifecycle('create');
		triggerResponse = await activateTrigger();
		await activatePoller();
	} catch (error) {
		await server.close();
		restoreLogger();
		throw error;
	}

	const { settled, port } = server;

	let stopping: Promise<void> | undefined;
	function shutDown(deactivate: boolean): Promise<void> {
		stopping ??= (async () => {
			try {
				await settled();
				crons.length = 0;
				await triggerResponse?.closeFunction?.();
				if (deactivate) await runLifecycle('delete');
			} finally {
				await server.close();
				restoreLogger();
			}
		})();
		return stopping;
	}

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
		port,
		staticData: store,
		get crons() {
			return crons.map((cron) => cron.expression);
		},
		triggerFailures,
		received: () => executions.flatMap((execution) => execution.received),
		settled,
		async fireCrons() {
			for (const cron of crons) {
				const result = cron.onTick();
				if (result instanceof Promise) track(result);
			}
			await settled();
		},
		async restart(restartOptions = {}) {
			await shutDown(false);
			await restartOptions.whileStopped?.();
			return await startWebhookTrigger({ ...options, node, staticData: store, port });
		},
		stop: () => shutDown(true),
	};
}
