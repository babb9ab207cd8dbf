/**
 * Credential tests the way n8n's editor runs them ("Test" / saving a credential): the credential
 * type's `test.request` is sent by n8n-core's RoutingNode (declarative routing, real HTTP through
 * `httpRequestWithAuthentication`, the `authenticate` block applied) from a temporary No-Op node.
 */
import { ExecuteContext, RoutingNode } from 'n8n-core';
import {
	createRunExecutionData,
	NodeConnectionTypes,
	Workflow,
	type DeclarativeRestApiSettings,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type IDataObject,
	type INode,
	type INodeCredentialTestResult,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import {
	createResolverWorkflow,
	CREDENTIAL_TEST_NODE_TYPE,
	CredentialTypeRegistry,
	getResolverNode,
	HarnessCredentialsHelper,
	instantiateCredentialType,
	withIsolate,
	type CredentialTypeInput,
} from './credentials';
import { buildAdditionalData, ensureEngine } from './engine';
import { HarnessNodeTypes } from './node-types';

const CREDENTIAL_ID = 'harness-credential';

function prepare(credentialTypeInput: CredentialTypeInput, data: ICredentialDataDecryptedObject) {
	const credentialType = instantiateCredentialType(credentialTypeInput);
	const credentialsHelper = new HarnessCredentialsHelper(new CredentialTypeRegistry([credentialType]), {
		[credentialType.name]: data,
	});
	const additionalData = buildAdditionalData({ credentialsHelper, executionId: 'harness-credential-test' });
	return { credentialType, credentialsHelper, additionalData };
}

/** The credential data as a credential test sees it: type defaults applied, expressions resolved. */
async function decrypt(
	credentialsHelper: HarnessCredentialsHelper,
	additionalData: IWorkflowExecuteAdditionalData,
	type: string,
): Promise<ICredentialDataDecryptedObject> {
	return await credentialsHelper.getDecrypted(
		additionalData,
		{ id: CREDENTIAL_ID, name: type },
		type,
		'internal',
	);
}

/**
 * The credential type's `test.request` with every `={{ }}` expression resolved against the
 * credential data (`$credentials`, after the type's defaults), e.g.
 * `{ baseURL: 'http://127.0.0.1:1234', url: '/me', method: 'GET' }`. Auth headers are not part of
 * it: they come from the type's `authenticate` (see `testCredential`).
 */
export async function resolveCredentialTestRequest(
	credentialTypeInput: CredentialTypeInput,
	data: ICredentialDataDecryptedObject,
): Promise<DeclarativeRestApiSettings.HttpRequestOptions> {
	await ensureEngine();
	const { credentialType, credentialsHelper, additionalData } = prepare(credentialTypeInput, data);
	if (!credentialType.test) {
		throw new Error(`Credential type "${credentialType.name}" has no test request`);
	}
	const request = credentialType.test.request;
	const credentials = await decrypt(credentialsHelper, additionalData, credentialType.name);
	const workflow = createResolverWorkflow();
	return await withIsolate(
		workflow,
		() =>
			workflow.expression.getComplexParameterValue(
				getResolverNode(workflow),
				request as unknown as INodeParameters,
				'internal',
				{ $credentials: credentials },
			) as unknown as DeclarativeRestApiSettings.HttpRequestOptions,
	);
}

/**
 * Runs the credential type's `test` as n8n's CredentialsTester does and returns its verdict:
 * `{ status: 'OK', message: 'Connection successful!' }`, or `{ status: 'Error', message }` where
 * the message is, in n8n's order: the matching `responseCode` rule's message, the HTTP status text
 * (or `Received HTTP status code: N`) for a non-2xx response, the network error code
 * (`ECONNREFUSED`), or the error's message; a 2xx body matching a `responseSuccessBody` rule gives
 * that rule's message.
 */
export async function testCredential(
	credentialTypeInput: CredentialTypeInput,
	data: ICredentialDataDecryptedObject,
): Promise<INodeCredentialTestResult> {
	await ensureEngine();
	const { credentialType, credentialsHelper, additionalData } = prepare(credentialTypeInput, data);
	const testRequest = credentialType.test;
	if (!testRequest) {
		return { status: 'Error', message: 'No testing function found for this credential.' };
	}

	let credentialsDecrypted: ICredentialsDecrypted;
	try {
		credentialsDecrypted = {
			id: CREDENTIAL_ID,
			name: credentialType.displayName,
			type: credentialType.name,
			data: await decrypt(credentialsHelper, additionalData, credentialType.name),
		};
	} catch (error) {
		return { status: 'Error', message: String((error as Error).message) };
	}

	// A No-Op stand-in whose only property routes the test request.
	const testNodeType: INodeType = {
		description: {
			displayName: 'No Operation, do nothing',
			name: CREDENTIAL_TEST_NODE_TYPE,
			group: ['organization'],
			version: 1,
			description: 'No Operation',
			defaults: { name: 'No Operation, do nothing' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: credentialType.name, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: testRequest.request },
					default: '',
				},
			],
		},
	};
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: CREDENTIAL_TEST_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [credentialType.name]: { id: CREDENTIAL_ID, name: credentialType.displayName } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new HarnessNodeTypes([testNodeType]),
	});
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		createRunExecutionData(),
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);

	let response: INodeExecutionData[][] | undefined;
	try {
		response = await withIsolate(
			workflow,
			async () => await new RoutingNode(context, testNodeType, credentialsDecrypted).runNode(),
		);
	} catch (error) {
		const cause = (error as { cause?: { response?: { status: number; statusText?: string }; code?: string } })
			.cause;
		if (cause?.response) {
			const { status, statusText } = cause.response;
			for (const rule of testRequest.rules ?? []) {
				if (rule.type === 'responseCode' && rule.properties.value === status) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (status < 199 || status > 299) {
				return { status: 'Error', message: statusText || `Received HTTP status code: ${status}` };
			}
		} else if (cause?.code) {
			return { status: 'Error', message: cause.code };
		}
		return { status: 'Error', message: String((error as Error).message) };
	}

	for (const rule of testRequest.rules ?? []) {
		if (rule.type === 'responseSuccessBody') {
			const body = response?.[0]?.[0]?.json;
			if (getPath(body, rule.properties.key) === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}

/** `lodash.get` for a path like `a.b[0].c`. */
function getPath(value: IDataObject | undefined, path: string): unknown {
	let current: unknown = value;
	for (const key of path.replace(/\[(\w+)\]/g, '.$1').split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as IDataObject)[key];
	}
	return current;
}
