/**
 * A resource locator's list search (From List) the way n8n's editor has it run: n8n's
 * DynamicNodeParametersService.getResourceLocatorResults builds a one-node workflow ("Temp-Node") from
 * the node's current parameters and credentials, and calls the node type's
 * `methods.listSearch[methodName](filter, paginationToken)` on n8n-core's real `LoadOptionsContext`
 * (mode `internal`, `additionalData.currentNodeParameters` set). Here the same, with the harness's
 * credentials helper and real HTTP. Each search or "load more" in the editor is one such call.
 */
import {
	deepCopy,
	type ICredentialDataDecryptedObject,
	type INode,
	type INodeListSearchResult,
	type INodeParameters,
	Workflow,
	UserError,
} from 'n8n-workflow';
import { LoadOptionsContext } from 'n8n-core';

import {
	CredentialTypeRegistry,
	HarnessCredentialsHelper,
	instantiateCredentialType,
	withIsolate,
	type CredentialTypeInput,
} from './credentials';
import { buildAdditionalData, ensureEngine } from './engine';
import { HarnessNodeTypes, instantiateNodeType, latestVersion, type NodeTypeInput } from './node-types';

export interface ListSearchOptions {
	nodeType: NodeTypeInput;
	credentialTypes?: CredentialTypeInput[];
	/** Decrypted credential data by credential type; the node gets `{ [type]: { id: '1', name: type } }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** The node's parameters as the editor sends them (`currentNodeParameters`). Default `{}`. */
	parameters?: INodeParameters;
	/** The mode's `typeOptions.searchListMethod`. */
	methodName: string;
	/** The parameter's path, e.g. `parameters.documentId`. */
	path?: string;
	/** What the user typed in the list's search box. */
	filter?: string;
	/** The previous page's `paginationToken` (the editor sends it when the user scrolls to the end). */
	paginationToken?: string;
}

/** Runs `methods.listSearch[methodName]` and returns its result, or rejects with what the method threw. */
export async function runListSearch(options: ListSearchOptions): Promise<INodeListSearchResult> {
	await ensureEngine();
	const nodeType = instantiateNodeType(options.nodeType);
	const nodeTypes = new HarnessNodeTypes([nodeType]);
	const credentialsHelper = new HarnessCredentialsHelper(
		new CredentialTypeRegistry((options.credentialTypes ?? []).map(instantiateCredentialType)),
		deepCopy(options.credentials ?? {}),
	);
	const parameters = deepCopy(options.parameters ?? {});
	const credentialTypeNames = Object.keys(options.credentials ?? {});
	const node: INode = {
		id: 'uuid-1234',
		name: 'Temp-Node',
		type: nodeType.description.name,
		typeVersion: latestVersion(nodeType),
		position: [0, 0],
		parameters,
		...(credentialTypeNames.length > 0 && {
			credentials: Object.fromEntries(credentialTypeNames.map((type) => [type, { id: '1', name: type }])),
		}),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const method = nodeTypes.getByNameAndVersion(node.type, node.typeVersion).methods?.listSearch?.[options.methodName];
	if (typeof method !== 'function') {
		throw new UserError(`Harness: node type "${node.type}" has no listSearch method "${options.methodName}"`);
	}
	const additionalData = buildAdditionalData({ credentialsHelper, workflowId: workflow.id });
	additionalData.currentNodeParameters = parameters;
	const context = new LoadOptionsContext(
		workflow,
		workflow.getNode(node.name) as INode,
		additionalData,
		options.path ?? '',
	);
	return await withIsolate(workflow, async () => await method.call(context, options.filter, options.paginationToken));
}
