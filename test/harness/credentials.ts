/**
 * Credential types and the `ICredentialsHelper` the engine calls for `getCredentials`,
 * `httpRequestWithAuthentication` and credential tests.
 *
 * Same job as the CredentialsHelper of n8n's cli package, minus the database: the decrypted data
 * comes from the test, gets the credential type's property defaults (display options respected),
 * and `={{ }}` expressions are resolved by the workflow's expression engine.
 */
import { Credentials, getAdditionalKeys } from 'n8n-core';
import {
	deepCopy,
	ICredentialsHelper,
	isExpression,
	NodeHelpers,
	UserError,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialsExpressionResolveValues,
	type ICredentialType,
	type IDataObject,
	type IExecuteData,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type IRequestOptionsSimplified,
	type IWorkflowDataProxyAdditionalKeys,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { HarnessNodeTypes } from './node-types';

/** A credential type class (instantiated with `new`) or an instance. */
export type CredentialTypeInput = ICredentialType | (new () => ICredentialType);

export function instantiateCredentialType(input: CredentialTypeInput): ICredentialType {
	return typeof input === 'function' ? new input() : input;
}

export class CredentialTypeRegistry {
	private readonly types = new Map<string, ICredentialType>();

	constructor(credentialTypes: ICredentialType[]) {
		for (const type of credentialTypes) this.types.set(type.name, type);
	}

	getByName(name: string): ICredentialType {
		const type = this.types.get(name);
		if (!type) {
			throw new UserError(
				`Harness: unknown credential type "${name}" (registered: ${[...this.types.keys()].join(', ')})`,
			);
		}
		return type;
	}

	getParentTypes(name: string): string[] {
		const type = this.types.get(name);
		if (!type?.extends) return [];
		return type.extends.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	/** The type's properties, merged over those of the types it extends (as n8n does). */
	getProperties(name: string): INodeProperties[] {
		const type = this.getByName(name);
		if (!type.extends) return type.properties;
		const merged: INodeProperties[] = [];
		for (const parent of type.extends) {
			if (this.types.has(parent)) NodeHelpers.mergeNodeProperties(merged, this.getProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(merged, type.properties);
		return merged;
	}
}

// A workflow with one inert node, for resolving expressions outside of an execution.
const RESOLVER_NODE_TYPE = 'harnessExpressionResolver';
const resolverNodeTypes = new HarnessNodeTypes([
	{
		description: {
			displayName: 'Expression Resolver',
			name: RESOLVER_NODE_TYPE,
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: [],
			outputs: [],
			properties: [],
		},
	} satisfies INodeType,
]);
const resolverNode: INode = {
	id: 'harness-expression-resolver',
	name: 'Expression Resolver',
	type: RESOLVER_NODE_TYPE,
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

export function createResolverWorkflow(): Workflow {
	return new Workflow({
		id: 'harness-resolver',
		nodes: [{ ...resolverNode }],
		connections: {},
		active: false,
		nodeTypes: resolverNodeTypes,
	});
}

export function getResolverNode(workflow: Workflow): INode {
	return workflow.getNode(resolverNode.name) as INode;
}

/** Runs `fn` with an expression isolate held (a no-op with the default, legacy expression engine). */
export async function withIsolate<T>(workflow: Workflow, fn: () => T): Promise<T> {
	await workflow.expression.acquireIsolate();
	try {
		return fn();
	} finally {
		await workflow.expression.releaseIsolate();
	}
}

export class HarnessCredentialsHelper extends ICredentialsHelper {
	/**
	 * @param credentialTypes the known credential types
	 * @param store decrypted credential data by credential type name (what the "database" holds);
	 *              `updateCredentials` writes back here, as n8n writes back to its database
	 */
	constructor(
		readonly credentialTypes: CredentialTypeRegistry,
		readonly store: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		return this.credentialTypes.getParentTypes(name);
	}

	isCredentialUsableByNode(_credentialType: string, _nodeType: string): boolean {
		return true;
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.credentialTypes.getProperties(type);
	}

	/** Applies the credential type's `authenticate` (generic block or function) to the request. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.credentialTypes.getByName(typeName);
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (authenticate?.type === 'generic') {
			const resolverWorkflow = workflow ?? createResolverWorkflow();
			const resolverContextNode = node ?? getResolverNode(resolverWorkflow);
			const resolve = (value: unknown) =>
				resolveCredentialValue(value, { $credentials: credentials }, resolverWorkflow, resolverContextNode);
			const options = requestOptions as unknown as Record<string, unknown>;
			options.headers ??= {};
			for (const [target, entries] of Object.entries(authenticate.properties)) {
				if (entries === null || typeof entries !== 'object') {
					// e.g. `url` or `skipSslCertificateValidation`: a plain value, not a map of entries.
					options[target] = resolve(entries);
					continue;
				}
				const bucket = (options[target] ??= {}) as IDataObject;
				for (const [key, value] of Object.entries(entries as IDataObject)) {
					bucket[resolve(key)] = resolve(value);
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	/**
	 * n8n's behaviour: a credential type with `preAuthentication` and a hidden, expirable property
	 * gets the hook called when that property is empty, when the request came back 401
	 * (`credentialsExpired`) or during a credential test; the result is merged and saved.
	 */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		const expirable = this.getCredentialsProperties(typeName).find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (expirable === undefined) return undefined;
		const isCredentialTest = node?.type === CREDENTIAL_TEST_NODE_TYPE;
		if (credentials[expirable.name] !== '' && !credentialsExpired && !isCredentialTest) {
			return undefined;
		}
		const output = await credentialType.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		this.store[typeName] = { ...this.store[typeName], ...(output as ICredentialDataDecryptedObject) };
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const { preAuthentication } = this.credentialTypes.getByName(typeName);
		if (typeof preAuthentication !== 'function') return undefined;
		return (await preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<Credentials> {
		const credentials = new Credentials({ id: nodeCredentials.id, name: nodeCredentials.name }, type);
		await credentials.setData(this.getStored(nodeCredentials, type));
		return credentials;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.getStored(nodeCredentials, type);
		if (raw === true) return stored;
		return await this.applyDefaults(additionalData, stored, type, mode, executeData, expressionResolveValues);
	}

	/** Credential property defaults, then expression resolution (`$self` is the credential data). */
	async applyDefaults(
		additionalData: IWorkflowExecuteAdditionalData,
		data: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		let decrypted = NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			data as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (data.oauthTokenData !== undefined) decrypted.oauthTokenData = data.oauthTokenData;

		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
		if (expressionResolveValues) {
			const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } =
				expressionResolveValues;
			try {
				decrypted = workflow.expression.getParameterValue(
					decrypted as INodeParameters,
					runExecutionData,
					runIndex,
					itemIndex,
					node.name,
					connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					decrypted,
				) as ICredentialDataDecryptedObject;
			} catch (error) {
				(error as Error).message += ' [Error resolving credentials]';
				throw error;
			}
		} else {
			const workflow = createResolverWorkflow();
			decrypted = await withIsolate(
				workflow,
				() =>
					workflow.expression.getComplexParameterValue(
						getResolverNode(workflow),
						decrypted as INodeParameters,
						mode,
						additionalKeys,
						undefined,
						undefined,
						decrypted,
					) as ICredentialDataDecryptedObject,
			);
		}
		return decrypted;
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store[type] = deepCopy(data);
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store[type] = { ...this.store[type], oauthTokenData: data.oauthTokenData };
	}

	private getStored(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): ICredentialDataDecryptedObject {
		const stored = this.store[type];
		if (stored === undefined) {
			// The message n8n gives for a credential that is not in its database.
			throw new UserError(
				`Credential with ID "${nodeCredentials.id ?? ''}" does not exist for type "${type}".`,
			);
		}
		return deepCopy(stored);
	}
}

/** Node type name n8n's credential tester runs the test request under (its No-Op node). */
export const CREDENTIAL_TEST_NODE_TYPE = 'n8n-nodes-base.noOp';

/** Resolves one value of an `authenticate` block, as n8n does: expressions only, result as a string. */
function resolveCredentialValue(
	value: unknown,
	additionalKeys: IWorkflowDataProxyAdditionalKeys,
	workflow: Workflow,
	node: INode,
): string {
	if (!isExpression(value)) return value as string;
	const resolved = workflow.expression.getSimpleParameterValue(
		node,
		value,
		'internal',
		additionalKeys,
		undefined,
		'',
	);
	if (!resolved) return '';
	return String(resolved);
}
