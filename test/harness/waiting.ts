/**
 * Runs a node that puts the execution to wait (`putExecutionToWait`) for real, and resumes it as
 * n8n does: Trigger → Items → node under test → `Downstream` (records what reaches it), through
 * n8n-core's `WorkflowExecute`, with an HTTP server on 127.0.0.1 that serves the execution's
 * waiting webhooks (`<base>/webhook-waiting/<executionId>/<suffix>`), and a way to let the wait
 * run out.
 *
 * ```ts
 * const execution = await startWaitingExecution({ nodeTypes: [MyNode], node: {...}, credentials, items });
 * execution.status            // 'waiting' (or 'success' / 'error' if it did not wait)
 * await fetch(resumeUrl, { method: 'POST', body })   // resumeUrl as the node handed it out
 * await execution.settled();  // every request answered and every resumed run finished
 * execution.calls             // each request: n8n's answer and what happened
 * execution.received()        // what the Downstream node received
 * await execution.timeOut();  // the wait runs out, as n8n's WaitTracker resumes it
 * execution.stored()          // the execution as n8n keeps it in its database (JSON text)
 * await execution.stop();
 * ```
 *
 * What it copies from n8n 2.41.1 (packages/cli `WaitingWebhooks.executeWebhook`,
 * `getWebhookExecutionData` and webhook-helpers `executeWebhook` / `prepareExecutionData`):
 * - between runs the execution lives only as stored JSON: each resume starts from a parsed copy,
 *   as a resume in another process (queue mode) would, so nothing in memory survives;
 * - a call is checked before the node runs: for a waiting node whose id is the URL's suffix and
 *   whose operation is `sendAndWait`, the URL's HMAC `signature` (over path and query, keyed by
 *   the instance's secret); for any other waiting node the execution's `resumeToken`; a failed
 *   check gets 401. A running execution gets 409, a finished one 409, except that a
 *   send-and-wait URL gets n8n's "no action required" page (200); one that failed gets 409;
 * - then the body is read as n8n reads it (webhook-io.ts, webhookRequest): one that does not parse
 *   gets 422 (400 for multipart), one above N8N_PAYLOAD_SIZE_MAX 500, before the node runs;
 * - then the waiting node is disabled, its last run is dropped and its webhook (restartWebhook,
 *   same method, `path` equal to the suffix) runs in a `WebhookContext`; `noWebhookResponse` →
 *   the node answered itself; no `workflowData` → 200 with `webhookResponse` or
 *   `{"message":"Webhook call received"}` and the stored execution does not change;
 *   `workflowData` → it becomes the waiting node's input (`forwardAllOutputs`), n8n answers 200
 *   `{"message":"Workflow was started"}` and the execution continues; `webhook()` throws → 500,
 *   and the execution continues with the error merged in (so it ends failed);
 * - `timeOut()`: the execution continues from the stored data with `waitTill` set, so the
 *   engine disables the waiting node and its input passes through (its code does not run).
 * Error bodies are simplified; status codes are n8n's.
 */
import './env';

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { Container } from '@n8n/di';
import {
	ExecutionLifecycleHooks,
	InstanceSettings,
	validateUrlSignature,
	WAITING_TOKEN_QUERY_PARAM,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';
import {
	deepCopy,
	jsonParse,
	jsonStringify,
	NodeConnectionTypes,
	SEND_AND_WAIT_OPERATION,
	UserError,
	Workflow,
	type CloseFunction,
	type ExecutionStatus,
	type ICredentialDataDecryptedObject,
	type INode,
	type INodeExecutionData,
	type IRun,
	type IRunExecutionData,
	type IWebhookData,
	type IWebhookDescription,
	type IWebhookResponseData,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type IWorkflowSettings,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import {
	CredentialTypeRegistry,
	HarnessCredentialsHelper,
	instantiateCredentialType,
	type CredentialTypeInput,
} from './credentials';
import { buildAdditionalData, ensureEngine } from './engine';
import {
	createItemsNodeType,
	HarnessNodeTypes,
	HarnessTrigger,
	instantiateNodeType,
	ITEMS_NODE_TYPE,
	latestVersion,
	TRIGGER_NODE_TYPE,
	type NodeTypeInput,
} from './node-types';
import { ITEMS_NODE_NAME, TRIGGER_NODE_NAME, type HarnessNode } from './run-node';
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

const WORKFLOW_ID = 'harnessWaitingWorkflow';
/** What n8n shows when a send-and-wait URL is called after its execution finished. */
export const NO_ACTION_REQUIRED_PAGE = '<html><body><h1>No action required</h1></body></html>';

export interface StartWaitingOptions {
	nodeTypes: NodeTypeInput[];
	credentialTypes?: CredentialTypeInput[];
	/** The node under test; defaults as in `runNode`. */
	node: HarnessNode;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** What the node under test receives. Default: one empty item. */
	items?: INodeExecutionData[];
	/** Default `webhook` (a workflow started by a production webhook). */
	mode?: WorkflowExecuteMode;
	settings?: IWorkflowSettings;
}

/** One HTTP request to the waiting webhook server. */
export interface WaitingCall {
	method: string;
	path: string;
	query: Record<string, string>;
	/** The body as the node saw it. */
	body: unknown;
	response: { status: number; body: unknown };
	/**
	 * resumed: the node returned workflowData and the execution continued; ignored: it returned none
	 * (the execution keeps waiting); failed: `webhook()` threw; rejected: n8n answered without
	 * running the node (401, 404, 409, or the "no action required" page).
	 */
	outcome: 'resumed' | 'ignored' | 'failed' | 'rejected';
	error?: Error;
	result?: IWebhookResponseData;
}

/** The execution as n8n keeps it between runs. */
interface StoredExecution {
	status: ExecutionStatus;
	finished: boolean;
	waitTill?: string;
	/** `IRunExecutionData` as JSON text. */
	data: string;
}

export interface WaitingExecution {
	readonly baseUrl: string;
	readonly executionId: string;
	/** The node under test as it sits in the workflow (its `id` is the resume URL's suffix). */
	readonly node: INode;
	/** The stored execution's status: waiting, running, success, error, canceled. */
	readonly status: ExecutionStatus;
	/** When the wait runs out, while waiting. */
	readonly waitTill: Date | undefined;
	/** Every run so far: the first (until the wait), then each resumed one. */
	readonly runs: IRun[];
	readonly calls: WaitingCall[];
	readonly logs: LogLine[];
	/** The stored execution data (parsed), as the next resume will see it. */
	data(): IRunExecutionData;
	/** The stored execution as n8n writes it to its database (JSON text), to scan for secrets. */
	stored(): string;
	/** Every item the Downstream node received, over all runs, in order. */
	received(): INodeExecutionData[];
	/** Lets the wait run out now: the execution continues as n8n's WaitTracker continues it. */
	timeOut(): Promise<void>;
	/** Waits until every request is answered and every resumed run has finished. */
	settled(): Promise<void>;
	stop(): Promise<void>;
}

let executionCounter = 0;

/** The webhooks of a node with their path and method resolved, as n8n's WebhookService lists them. */
function restartWebhooksOf(workflow: Workflow, node: INode, mode: WorkflowExecuteMode) {
	const description = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description;
	return (description.webhooks ?? [])
		.filter((webhook) => webhook.restartWebhook === true)
		.map((webhook) => ({
			description: webhook,
			httpMethod: String(workflow.expression.getSimpleParameterValue(node, webhook.httpMethod, mode, {})),
			path: String(workflow.expression.getSimpleParameterValue(node, webhook.path, mode, {})),
		}));
}

export async function startWaitingExecution(options: StartWaitingOptions): Promise<WaitingExecution> {
	await ensureEngine();
	const mode = options.mode ?? 'webhook';
	const items = options.items ?? [{ json: {} }];
	const received: INodeExecutionData[] = [];
	const nodeTypes = new HarnessNodeTypes([
		new HarnessTrigger(),
		createItemsNodeType(items),
		...options.nodeTypes.map(instantiateNodeType),
		createDownstreamNodeType((_executionId, got) => received.push(...got)),
	]);
	const credentialTypes = new CredentialTypeRegistry((options.credentialTypes ?? []).map(instantiateCredentialType));
	const credentialsHelper = new HarnessCredentialsHelper(credentialTypes, deepCopy(options.credentials ?? {}));

	const testedType = nodeTypes.getByName(options.node.type);
	const typeVersion = options.node.typeVersion ?? latestVersion(testedType);
	const nodeType = nodeTypes.getByNameAndVersion(options.node.type, typeVersion);
	const nodeName = options.node.name ?? nodeType.description.defaults.name ?? nodeType.description.displayName;
	const credentialNames = Object.keys(options.credentials ?? {});
	const node: INode = {
		id: randomUUID(),
		position: [440, 0],
		...(credentialNames.length > 0 && {
			credentials: Object.fromEntries(credentialNames.map((type) => [type, { id: '1', name: type }])),
		}),
		...deepCopy(options.node),
		name: nodeName,
		typeVersion,
		parameters: deepCopy(options.node.parameters ?? {}),
	};
	const main = NodeConnectionTypes.Main;
	const workflowData: IWorkflowBase = {
		id: WORKFLOW_ID,
		name: 'Harness waiting workflow',
		active: true,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [
			{ id: randomUUID(), name: TRIGGER_NODE_NAME, type: TRIGGER_NODE_TYPE, typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: randomUUID(), name: ITEMS_NODE_NAME, type: ITEMS_NODE_TYPE, typeVersion: 1, position: [220, 0], parameters: {} },
			node,
			{ id: randomUUID(), name: DOWNSTREAM_NODE_NAME, type: DOWNSTREAM_NODE_TYPE, typeVersion: 1, position: [660, 0], parameters: {} },
		],
		connections: {
			[TRIGGER_NODE_NAME]: { main: [[{ node: ITEMS_NODE_NAME, type: main, index: 0 }]] },
			[ITEMS_NODE_NAME]: { main: [[{ node: nodeName, type: main, index: 0 }]] },
			[nodeName]: { main: [[{ node: DOWNSTREAM_NODE_NAME, type: main, index: 0 }]] },
		},
		settings: { executionOrder: 'v1', ...options.settings },
	};
	// A fresh Workflow for every run, from the saved workflow, as n8n builds one per resume.
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

	const executionId = `harness-wait-${++executionCounter}`;
	const logs: LogLine[] = [];
	const restoreLogger = captureLogger(logs);
	const calls: WaitingCall[] = [];
	const runs: IRun[] = [];
	let baseUrl = '';
	let stored: StoredExecution | undefined;

	function additionalDataFor(hooks?: ExecutionLifecycleHooks): IWorkflowExecuteAdditionalData {
		return buildAdditionalData({ credentialsHelper, hooks, executionId, workflowId: WORKFLOW_ID, baseUrl });
	}

	/** Runs (or continues) the execution and stores where it ended, as n8n does after every run. */
	async function runAndStore(run: (additionalData: IWorkflowExecuteAdditionalData) => Promise<IRun>) {
		const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
		let finished: IRun | undefined;
		hooks.addHandler('workflowExecuteAfter', (fullRunData) => {
			finished = fullRunData;
		});
		stored = stored && { ...stored, status: 'running' };
		const returned = await run(additionalDataFor(hooks));
		const result = finished ?? returned;
		runs.push(result);
		stored = {
			status: result.status,
			finished: result.finished === true && result.status === 'success',
			waitTill: result.waitTill ? new Date(result.waitTill).toISOString() : undefined,
			data: jsonStringify(result.data, { replaceCircularRefs: true }),
		};
	}

	const loadData = (): IRunExecutionData => jsonParse<IRunExecutionData>(stored!.data);

	function isSendAndWait(workflow: Workflow, suffix: string | undefined): boolean {
		return Object.values(workflow.nodes).some(
			(candidate) => candidate.id === suffix && candidate.parameters.operation === SEND_AND_WAIT_OPERATION,
		);
	}

	function checkCall(req: IncomingMessage, url: URL, data: IRunExecutionData, sendAndWait: boolean): boolean {
		const provided = url.searchParams.get(WAITING_TOKEN_QUERY_PARAM);
		if (!provided) return false;
		if (sendAndWait) {
			const signed = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
			return validateUrlSignature(provided, signed, Container.get(InstanceSettings).hmacSignatureSecret);
		}
		return provided === data.resumeToken;
	}

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const raw = await readRaw(req);
		const url = new URL(req.url ?? '/', baseUrl);
		const method = req.method ?? 'GET';
		const call: WaitingCall = {
			method,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			body: undefined,
			response: { status: 0, body: undefined },
			outcome: 'rejected',
		};
		calls.push(call);
		const respond = (status: number, body: unknown) => {
			call.response = { status, body };
			answer(res, status, body);
		};

		const [, prefix, calledExecution, suffix] = url.pathname.split('/');
		if (prefix !== 'webhook-waiting' || calledExecution !== executionId || stored === undefined) {
			respond(404, { code: 404, message: `The execution "${calledExecution}" does not exist.` });
			return;
		}
		const workflow = newWorkflow();
		const sendAndWait = isSendAndWait(workflow, suffix);
		let data = loadData();
		if (data.resumeToken && !checkCall(req, url, data, sendAndWait)) {
			respond(401, sendAndWait ? '<html><body>Invalid token</body></html>' : { error: 'Invalid token' });
			return;
		}
		if (stored.status === 'running') {
			respond(409, { code: 409, message: `The execution "${executionId}" is running already.` });
			return;
		}
		if (data.resultData.error) {
			respond(409, { code: 409, message: `The execution "${executionId}" has finished with error.` });
			return;
		}
		if (stored.finished || stored.status !== 'waiting') {
			if (sendAndWait) respond(200, NO_ACTION_REQUIRED_PAGE);
			else respond(409, { code: 409, message: `The execution "${executionId} has finished already.` });
			return;
		}

		// getWebhookExecutionData: disable the waiting node, drop its last run, find its webhook.
		const stackEntry = data.executionData!.nodeExecutionStack[0];
		stackEntry.node.disabled = true;
		data.waitTill = undefined;
		const lastNodeExecuted = data.resultData.lastNodeExecuted as string;
		data.resultData.runData[lastNodeExecuted]?.pop();
		const waitingNode = workflow.getNode(lastNodeExecuted) as INode;
		const webhook = restartWebhooksOf(workflow, waitingNode, mode).find(
			(candidate) => candidate.httpMethod === method && candidate.path === (suffix ?? ''),
		);
		if (!webhook) {
			if (sendAndWait) respond(200, NO_ACTION_REQUIRED_PAGE);
			else respond(404, { code: 404, message: 'The workflow does not contain a waiting webhook with a matching path/method.' });
			return;
		}

		const request = await webhookRequest(req, raw, url);
		if ('refused' in request) {
			respond(request.refused.status, request.refused.body);
			return;
		}
		call.body = request.body;
		const additionalData = additionalDataFor();
		additionalData.httpRequest = request.httpRequest;
		const { response, answeredBody } = recordingExpressResponse(res);
		additionalData.httpResponse = response;
		const webhookData: IWebhookData = {
			httpMethod: webhook.httpMethod as IWebhookData['httpMethod'],
			node: waitingNode.name,
			path: webhook.path,
			webhookDescription: webhook.description as IWebhookDescription,
			workflowId: WORKFLOW_ID,
			workflowExecuteAdditionalData: additionalData,
		};
		const closeFunctions: CloseFunction[] = [];
		const context = new WebhookContext(workflow, waitingNode, additionalData, mode, webhookData, closeFunctions, data);
		const webhookType = nodeTypes.getByNameAndVersion(waitingNode.type, waitingNode.typeVersion);

		let result: IWebhookResponseData;
		let merge: Partial<IRunExecutionData> = {};
		try {
			result = await webhookType.webhook!.call(context);
			call.result = result;
		} catch (error) {
			call.outcome = 'failed';
			call.error = error as Error;
			respond(500, { code: 0, message: 'Workflow Webhook Error: Workflow could not be started!' });
			const thrown = error as Error;
			merge = {
				resultData: {
					runData: {},
					lastNodeExecuted,
					error: { ...thrown, message: thrown.message, stack: thrown.stack } as never,
				},
			};
			result = { noWebhookResponse: true, workflowData: [[{ json: {} }]] };
		} finally {
			await Promise.allSettled(closeFunctions.map(async (close) => await close()));
		}

		if (result.noWebhookResponse === true && call.outcome !== 'failed') {
			call.response = { status: res.statusCode, body: answeredBody() };
		}
		if (result.workflowData === undefined) {
			call.outcome = 'ignored';
			if (result.noWebhookResponse !== true) {
				respond(200, result.webhookResponse ?? { message: 'Webhook call received' });
			}
			return;
		}

		// prepareExecutionData: the webhook's data becomes the waiting node's input.
		stackEntry.data.main = result.workflowData;
		stackEntry.metadata = { ...stackEntry.metadata, forwardAllOutputs: true };
		data = Object.assign(data, merge);
		if (call.outcome !== 'failed') call.outcome = 'resumed';
		if (result.noWebhookResponse !== true) respond(200, { message: 'Workflow was started' });
		await runAndStore(async (runData) =>
			await new WorkflowExecute(runData, mode, data).processRunExecutionData(newWorkflow()),
		);
	}

	const server = await startHarnessServer(handle);
	baseUrl = server.baseUrl;

	try {
		await runAndStore(async (additionalData) => {
			const workflow = newWorkflow();
			return await new WorkflowExecute(additionalData, mode).run({
				workflow,
				startNode: workflow.getNode(TRIGGER_NODE_NAME) ?? undefined,
			});
		});
	} catch (error) {
		await server.close();
		restoreLogger();
		throw error;
	}

	const { settled } = server;

	let stopping: Promise<void> | undefined;
	return {
		baseUrl,
		executionId,
		node,
		get status() {
			return stored!.status;
		},
		get waitTill() {
			return stored?.waitTill ? new Date(stored.waitTill) : undefined;
		},
		runs,
		calls,
		logs,
		data: loadData,
		stored: () => JSON.stringify(stored),
		received: () => received,
		async timeOut() {
			await settled();
			if (stored?.status !== 'waiting') {
				throw new UserError(`Harness: the execution is ${stored?.status}, not waiting`);
			}
			const data = loadData();
			await runAndStore(async (additionalData) =>
				await new WorkflowExecute(additionalData, mode, data).processRunExecutionData(newWorkflow()),
			);
		},
		settled,
		stop() {
			stopping ??= (async () => {
				try {
					await settled();
				} finally {
					await server.close();
					restoreLogger();
				}
			})();
			return stopping;
		},
	};
}

