/**
 * Runs Trigger → Items → node under test through n8n-core's real `WorkflowExecute`.
 */
import { randomUUID } from 'node:crypto';

import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
	deepCopy,
	jsonStringify,
	NodeConnectionTypes,
	UserError,
	Workflow,
	type ExecutionError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type IRun,
	type ITaskData,
	type IWorkflowBase,
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
	AGENT_NODE_TYPE,
	createAgentNodeType,
	createItemsNodeType,
	HarnessNodeTypes,
	HarnessTrigger,
	instantiateNodeType,
	ITEMS_NODE_TYPE,
	latestVersion,
	standInNode,
	TRIGGER_NODE_TYPE,
	type NodeTypeInput,
	type ToolCall,
} from './node-types';

export const TRIGGER_NODE_NAME = 'Trigger';
export const ITEMS_NODE_NAME = 'Items';
export const AGENT_NODE_NAME = 'Agent';

/** The node under test, as it would sit in a workflow. Anything of `INode` may be set. */
export type HarnessNode = Partial<INode> & Pick<INode, 'type'>;

export interface RunNodeOptions {
	/** Node types the workflow may use: the node under test (and any other). */
	nodeTypes: NodeTypeInput[];
	/** Credential types: their `authenticate`, property defaults and `test`. */
	credentialTypes?: CredentialTypeInput[];
	/**
	 * `name` defaults to the type's `defaults.name`, `typeVersion` to its latest version, `parameters`
	 * to `{}`. `credentials` defaults to `{ [type]: { id: '1', name: type } }` for every type in
	 * `credentials` below.
	 */
	node: HarnessNode;
	/** Decrypted credential data by credential type (before defaults and expression resolution). */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Items the node under test receives (from the Items node). Default: one empty item. */
	items?: INodeExecutionData[];
	/** Default `manual` (a run from the editor). */
	mode?: WorkflowExecuteMode;
	/** Workflow settings, over `{ executionOrder: 'v1' }` (what new workflows get). */
	settings?: IWorkflowSettings;
	/** `$vars` */
	variables?: Record<string, string>;
	/** Cancels the execution this long after it starts, as the editor's Stop button does. */
	cancelAfterMs?: number;
	/**
	 * Runs the node under test (a `toolVariant`) as an AI agent's tool instead: wired to a stand-in agent
	 * (after Items) that asks n8n-core for its tools, as an agent or the MCP Server Trigger does, and calls
	 * it with each of these. `outputs` are then the agent's: one `ToolCallOutcome` per call.
	 */
	toolCalls?: ToolCall[];
}

export interface RunNodeResult {
	/**
	 * The node under test's output: `[main]` or, with `onError: 'continueErrorOutput'`,
	 * `[success, error]`; `[]` if it produced none (e.g. it failed and stopped the workflow).
	 */
	outputs: INodeExecutionData[][];
	/**
	 * The execution's error as the engine recorded it (`run.data.resultData.error`), or undefined.
	 * The engine stores a spread copy (`{ ...error, message, stack }`) of what the node threw: the
	 * own enumerable fields (`name`, `description`, `httpCode`, `context`, `node`, `messages`, ...)
	 * are there; the prototype (`instanceof`, `toJSON`) and the non-enumerable `cause` are not.
	 */
	error?: ExecutionError;
	/** `error` serialized as n8n stores it with the execution (JSON round trip). */
	executionErrorJson?: IDataObject;
	/** The node under test's task data (`run.data.resultData.runData[nodeName][0]`). */
	taskData?: ITaskData;
	/** The full run, as handed to the `workflowExecuteAfter` hook. */
	run: IRun;
	/** The node under test's name in the workflow. */
	nodeName: string;
	/** The workflow that ran (for `workflow.expression`, node lookups, ...). */
	workflow: Workflow;
}

let executionCounter = 0;

export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	await ensureEngine();

	const testedTypes = options.nodeTypes.map(instantiateNodeType);
	const items = options.items ?? [{ json: {} }];
	const asTool = options.toolCalls !== undefined;
	const nodeTypes = new HarnessNodeTypes([
		new HarnessTrigger(),
		createItemsNodeType(items),
		...(asTool ? [createAgentNodeType(options.toolCalls ?? [])] : []),
		...testedTypes,
	]);
	const credentialTypes = new CredentialTypeRegistry(
		(options.credentialTypes ?? []).map(instantiateCredentialType),
	);
	const credentialsHelper = new HarnessCredentialsHelper(
		credentialTypes,
		deepCopy(options.credentials ?? {}),
	);

	const testedType = nodeTypes.getByName(options.node.type);
	const typeVersion = options.node.typeVersion ?? latestVersion(testedType);
	const description = nodeTypes.getByNameAndVersion(options.node.type, typeVersion).description;
	const nodeName = options.node.name ?? description.defaults.name ?? description.displayName;
	if ([TRIGGER_NODE_NAME, ITEMS_NODE_NAME, AGENT_NODE_NAME].includes(nodeName)) {
		throw new UserError(`Harness: the node under test cannot be named "${nodeName}"`);
	}

	const triggerNode = standInNode(TRIGGER_NODE_NAME, TRIGGER_NODE_TYPE, 0);
	const itemsNode = standInNode(ITEMS_NODE_NAME, ITEMS_NODE_TYPE, 220);
	const credentialTypeNames = Object.keys(options.credentials ?? {});
	const testedNode: INode = {
		id: randomUUID(),
		position: [440, 0],
		...(credentialTypeNames.length > 0 && {
			credentials: Object.fromEntries(
				credentialTypeNames.map((type) => [type, { id: '1', name: type }]),
			),
		}),
		...deepCopy(options.node),
		name: nodeName,
		typeVersion,
		parameters: deepCopy(options.node.parameters ?? {}),
	};

	const agentNode = standInNode(AGENT_NODE_NAME, AGENT_NODE_TYPE, 660);
	const main = NodeConnectionTypes.Main;
	const aiTool = NodeConnectionTypes.AiTool;
	const connections: IWorkflowBase['connections'] = asTool
		? {
				[TRIGGER_NODE_NAME]: { main: [[{ node: ITEMS_NODE_NAME, type: main, index: 0 }]] },
				[ITEMS_NODE_NAME]: { main: [[{ node: AGENT_NODE_NAME, type: main, index: 0 }]] },
				[nodeName]: { [aiTool]: [[{ node: AGENT_NODE_NAME, type: aiTool, index: 0 }]] },
			}
		: {
				[TRIGGER_NODE_NAME]: { main: [[{ node: ITEMS_NODE_NAME, type: main, index: 0 }]] },
				[ITEMS_NODE_NAME]: { main: [[{ node: nodeName, type: main, index: 0 }]] },
			};
	const workflowData: IWorkflowBase = {
		id: 'harnessWorkflow',
		name: 'Harness workflow',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [triggerNode, itemsNode, testedNode, ...(asTool ? [agentNode] : [])],
		connections,
		settings: { executionOrder: 'v1', ...options.settings },
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

	const mode = options.mode ?? 'manual';
	const executionId = `harness-${++executionCounter}`;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	let finishedRun: IRun | undefined;
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => {
		finishedRun = fullRunData;
	});
	const additionalData = buildAdditionalData({
		credentialsHelper,
		hooks,
		executionId,
		workflowId: workflow.id,
		variables: options.variables,
	});

	const execution = new WorkflowExecute(additionalData, mode).run({
		workflow,
		startNode: workflow.getNode(TRIGGER_NODE_NAME) ?? undefined,
	});
	const cancelTimer =
		options.cancelAfterMs === undefined ? undefined : setTimeout(() => execution.cancel(), options.cancelAfterMs);
	const returnedRun = await execution.finally(() => clearTimeout(cancelTimer));
	const run = finishedRun ?? returnedRun;

	const taskData = run.data.resultData.runData[nodeName]?.[0];
	const outputData = asTool ? run.data.resultData.runData[AGENT_NODE_NAME]?.[0]?.data : taskData?.data;
	const error = run.data.resultData.error;
	return {
		outputs: (outputData?.[main] ?? []).map((output) => output ?? []),
		error,
		executionErrorJson: error === undefined ? undefined : toStoredJson(error),
		taskData,
		run,
		nodeName,
		workflow,
	};
}

/** JSON round trip, as the execution is stored (a circular reference becomes `[Circular Reference]`). */
export function toStoredJson(value: unknown): IDataObject {
	return JSON.parse(jsonStringify(value, { replaceCircularRefs: true })) as IDataObject;
}
