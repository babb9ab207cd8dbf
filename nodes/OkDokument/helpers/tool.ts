import type {
	IDisplayOptions,
	IExecuteFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

/**
 * n8n offers a node that is `usableAsTool` to AI agents (and through the MCP Server Trigger to any MCP
 * client) as a second node type, `<type>Tool`, with the same description. displayOptions on `@tool` show
 * a parameter only in that tool (`true`) or only in the workflow node (`false`): that is how the tool
 * leaves out what a model cannot supply (a file from the input, hours of waiting).
 */
export const IN_TOOL = { '@tool': [true] };
export const NOT_IN_TOOL = { '@tool': [false] };

/** Whether this run is the node as an AI agent's tool (also n8n 2.x's human-review tool, `…HitlTool`). */
export function runsAsTool(context: Pick<IExecuteFunctions, 'getNode'>): boolean {
	return /Tool$/.test(context.getNode().type);
}

/** The same property, shown only in the tool (`inTool: true`) or only in the workflow node. */
export function onlyWhere(inTool: boolean, property: INodeProperties): INodeProperties {
	const displayOptions: IDisplayOptions = property.displayOptions ?? {};
	return {
		...property,
		displayOptions: { ...displayOptions, show: { ...displayOptions.show, ...(inTool ? IN_TOOL : NOT_IN_TOOL) } },
	};
}

export interface OperationListOptions {
	resource: string;
	options: INodePropertyOptions[];
	/** What the workflow node selects by default (saved workflows rely on it: never change it). */
	default: string;
	/** Operations the tool does not offer: one value a line. */
	notForTools: string[];
	/** What the tool selects by default, if `default` is not for tools (it must be one of the tool's). */
	toolDefault?: string;
}

/**
 * A resource's Operation parameter twice: every operation in the workflow node, and in the tool all but
 * `notForTools`. Both are named `operation`, so saved workflows read the same value either way.
 */
export function operationProperties(list: OperationListOptions): INodeProperties[] {
	const toolOptions = list.options.filter((option) => !list.notForTools.includes(String(option.value)));
	const toolDefault = list.toolDefault ?? list.default;
	const operation = (options: INodePropertyOptions[], defaultValue: string): INodeProperties => ({
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [list.resource] } },
		options,
		default: defaultValue,
	});
	return [
		onlyWhere(false, operation(list.options, list.default)),
		onlyWhere(true, operation(toolOptions, toolDefault)),
	];
}

/**
 * The error as a model reads it. n8n hands an AI agent or MCP client the error's message; in one process it adds
 * the description after "Details:", but in queue mode (n8n 2.41, the tool run on a worker) it sends the message
 * alone. So a tool puts the description in the message the way n8n would (n8n then adds nothing): the model gets
 * the reason and what to do either way.
 */
export function withDetailsInMessage<T extends { message: string; description?: string | null }>(error: T): T {
	if (error.description && !error.message.includes(error.description)) {
		error.message = `${error.message}\n\nDetails: ${error.description}`;
	}
	return error;
}
