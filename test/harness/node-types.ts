/**
 * The node type registry the engine sees, plus the two stand-in nodes that feed the node under test.
 */
// Not re-exported from n8n-core's index; a deep import of the compiled file (n8n-core has no `exports` map).
import { commonPollingParameters } from 'n8n-core/dist/nodes-loader/constants';
import { randomUUID } from 'node:crypto';

import {
	deepCopy,
	NodeConnectionTypes,
	NodeHelpers,
	UserError,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type INodeTypes,
	type IVersionedNodeType,
} from 'n8n-workflow';

export type AnyNodeType = INodeType | IVersionedNodeType;
/** A node type class (instantiated with `new`) or an instance. */
export type NodeTypeInput = AnyNodeType | (new () => AnyNodeType);

export const TRIGGER_NODE_TYPE = 'harnessTrigger';
export const ITEMS_NODE_TYPE = 'harnessItems';

/**
 * The node type as n8n's loader leaves it: a polling node also gets n8n's "Poll Times" parameter
 * (DirectoryLoader.applySpecialNodeParameters), which n8n reads when it activates the poller.
 */
export function instantiateNodeType(input: NodeTypeInput): AnyNodeType {
	const nodeType = typeof input === 'function' ? new input() : input;
	const { description } = nodeType;
	if ('polling' in description && description.polling === true && !description.properties.some((p) => p.name === 'pollTimes')) {
		description.properties = [...deepCopy(commonPollingParameters), ...description.properties];
	}
	return nodeType;
}

/** The highest version a node type declares (what a new node gets in the editor). */
export function latestVersion(nodeType: AnyNodeType): number {
	if ('nodeVersions' in nodeType) {
		return nodeType.description.defaultVersion ?? nodeType.currentVersion;
	}
	const { version } = nodeType.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

/**
 * `INodeTypes` over a fixed set of node types, keyed by `description.name`.
 * A type name with a package prefix (`n8n-nodes-foo.myNode`, `CUSTOM.myNode`) also finds `myNode`,
 * so workflows can use the names a real n8n install gives the package's nodes.
 */
export class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, AnyNodeType>();

	constructor(nodeTypes: AnyNodeType[]) {
		for (const nodeType of nodeTypes) this.types.set(nodeType.description.name, nodeType);
	}

	getByName(nodeType: string): AnyNodeType {
		const found =
			this.types.get(nodeType) ?? this.types.get(nodeType.slice(nodeType.lastIndexOf('.') + 1));
		if (!found) {
			throw new UserError(
				`Harness: unknown node type "${nodeType}" (registered: ${[...this.types.keys()].join(', ')})`,
			);
		}
		return found;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

/** A stand-in node of the harness workflow, at its place on the canvas. */
export function standInNode(name: string, type: string, x: number): INode {
	return { id: randomUUID(), name, type, typeVersion: 1, position: [x, 0], parameters: {} };
}

function standInDescription(
	name: string,
	displayName: string,
	inputs: INodeTypeDescription['inputs'],
	group: INodeTypeDescription['group'],
): INodeTypeDescription {
	return {
		displayName,
		name,
		group,
		version: 1,
		description: 'Test harness stand-in',
		defaults: { name: displayName },
		inputs,
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};
}

/**
 * Start node of every harness workflow: like a manual trigger, it emits a single empty item.
 * It runs through `execute` (not `trigger`), so it behaves the same in every execution mode.
 */
export class HarnessTrigger implements INodeType {
	description = standInDescription(TRIGGER_NODE_TYPE, 'Harness Trigger', [], ['trigger']);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [[{ json: {} }]];
	}
}

/**
 * Emits exactly the given items (deep copies), each paired with the trigger's single item unless
 * the item already carries its own `pairedItem`. Registered fresh for every run.
 */
export function createItemsNodeType(items: INodeExecutionData[]): INodeType {
	return {
		description: standInDescription(
			ITEMS_NODE_TYPE,
			'Harness Items',
			[NodeConnectionTypes.Main],
			['transform'],
		),
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			return [
				items.map((item) => ({
					...deepCopy(item),
					pairedItem: item.pairedItem === undefined ? { item: 0 } : deepCopy(item.pairedItem),
				})),
			];
		},
	};
}

/**
 * The node as n8n offers it to AI agents (`<type>Tool`): what n8n's node loader does for a node that is
 * `usableAsTool` (n8n 2.41 `NodeTypes.getByNameAndVersion` → `convertNodeToAiTool`): the same
 * description and `execute`, named `…Tool`, no main input, one `ai_tool` output. n8n also adds its own
 * Tool Description parameters; without them the tool describes itself as n8n's "Set Automatically" does
 * (the operation's action, "… in <node name>").
 */
export function toolVariant(input: NodeTypeInput): INodeType {
	const nodeType = instantiateNodeType(input);
	if ('nodeVersions' in nodeType) throw new UserError('Harness: toolVariant takes an unversioned node type');
	const { usableAsTool, ...description } = nodeType.description;
	if (!usableAsTool) throw new UserError(`Harness: ${description.name} is not usableAsTool`);
	const tool = Object.create(nodeType) as INodeType;
	tool.description = {
		...description,
		name: `${description.name}Tool`,
		displayName: `${description.displayName} Tool`,
		inputs: [],
		outputs: [NodeConnectionTypes.AiTool],
	};
	return tool;
}

export const AGENT_NODE_TYPE = 'harnessAgent';

/** One tool call the stand-in agent makes: the arguments a model would give. */
export interface ToolCall {
	args: IDataObject;
}

/** What the stand-in agent saw of a tool, and what one call returned or threw. */
export interface ToolCallOutcome extends IDataObject {
	tool: string;
	description: string;
	/** The tool's input schema, built by n8n from the node's `$fromAI()` calls: key → type and description. */
	schema: IDataObject;
	/** What the tool returned: n8n hands the agent the JSON of the node's output items (parsed here). */
	result?: IDataObject[];
	/** What it threw: the message an agent or MCP client reads. */
	error?: string;
}

interface ZodLike {
	shape?: Record<string, { description?: string; _def?: { typeName?: string } }>;
}

/**
 * A stand-in for an AI agent (or the MCP Server Trigger): it asks n8n-core for its connected tools, as
 * they do, and calls the one tool with each of `calls`, in order. One output item per call.
 */
export function createAgentNodeType(calls: ToolCall[]): INodeType {
	return {
		description: {
			...standInDescription(AGENT_NODE_TYPE, 'Harness Agent', [NodeConnectionTypes.Main], ['transform']),
			inputs: [NodeConnectionTypes.Main, { type: NodeConnectionTypes.AiTool, displayName: 'Tools', required: true }],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const connected = (await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0)) as Array<{
				name: string;
				description: string;
				schema: ZodLike;
				invoke: (args: IDataObject) => Promise<unknown>;
			}>;
			if (connected.length !== 1) throw new UserError(`Harness: expected one tool, got ${connected.length}`);
			const [tool] = connected;
			const schema = Object.fromEntries(
				Object.entries(tool.schema.shape ?? {}).map(([key, value]) => [
					key,
					{ type: value._def?.typeName ?? 'unknown', description: value.description ?? '' },
				]),
			);
			const outcomes: ToolCallOutcome[] = [];
			for (const call of calls) {
				const outcome: ToolCallOutcome = { tool: tool.name, description: tool.description, schema };
				try {
					outcome.result = JSON.parse(String(await tool.invoke(call.args))) as IDataObject[];
				} catch (error) {
					outcome.error = error instanceof Error ? error.message : String(error);
				}
				outcomes.push(outcome);
			}
			return [outcomes.map((json) => ({ json, pairedItem: { item: 0 } }))];
		},
	};
}
