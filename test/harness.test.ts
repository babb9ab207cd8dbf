/**
 * Self-test of the in-process engine harness (test/harness): a tiny node and credential type,
 * talking real HTTP to a local echo server, run through n8n-core's WorkflowExecute.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	type IAuthenticateGeneric,
	type ICredentialDataDecryptedObject,
	type ICredentialTestRequest,
	type ICredentialType,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestHelper,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
	type JsonObject,
} from 'n8n-workflow';

import {
	readBinary,
	resolveCredentialTestRequest,
	runNode,
	shutdownEngine,
	storeBinary,
	testCredential,
	type RunNodeOptions,
} from './harness';

const API_KEY = 'secret-key-4711';
const PDF_BYTES = Buffer.from('%PDF-1.4 harness test document\n%%EOF\n');

// ---------------------------------------------------------------------------------------------
// A local API: /echo echoes the request, /fail answers 400, /me checks the key, /file is a PDF.

interface Recorded {
	method: string;
	url: string;
	headers: IncomingMessage['headers'];
	body: unknown;
}

let server: Server;
let baseUrl: string;
const requests: Recorded[] = [];

function send(res: ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const raw = Buffer.concat(chunks).toString('utf8');
	let body: unknown = raw;
	try {
		body = raw ? JSON.parse(raw) : undefined;
	} catch {
		// not JSON: keep the text
	}
	const recorded: Recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
	requests.push(recorded);

	const session = req.headers.authorization === 'Bearer session-1';
	const key = req.headers['x-api-key'] ?? (session ? API_KEY : undefined);
	if (req.url === '/login') {
		const { apiKey } = (body ?? {}) as IDataObject;
		return apiKey === API_KEY ? send(res, 200, { token: 'session-1' }) : send(res, 401, { message: 'No' });
	}
	if (req.url === '/me') {
		if (key === API_KEY) return send(res, 200, { user: 'harness', disabled: false });
		if (key === 'disabled-key') return send(res, 200, { user: 'harness', disabled: true });
		if (key === 'forbidden-key') return send(res, 403, { message: 'Forbidden' });
		return send(res, 401, { message: 'Invalid API key' });
	}
	if (key !== API_KEY) return send(res, 401, { message: 'Invalid API key' });
	if (req.url === '/echo') return send(res, 200, recorded);
	if (req.url === '/fail') return send(res, 400, { message: 'Nope: bad input' });
	if (req.url === '/file') {
		res.writeHead(200, { 'content-type': 'application/pdf' });
		res.end(PDF_BYTES);
		return;
	}
	send(res, 404, { message: 'No such route' });
}

beforeAll(async () => {
	server = createServer((req, res) => {
		handle(req, res).catch((error: Error) => send(res, 500, { message: error.message }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await new Promise<void>((resolve) => server.close(() => resolve()));
	await shutdownEngine();
});

beforeEach(() => {
	requests.length = 0;
});

// ---------------------------------------------------------------------------------------------
// Credential type: header auth from an expression, a defaulted property, a test request with rules.

class EchoApi implements ICredentialType {
	name = 'echoApi';
	displayName = 'Echo API';
	documentationUrl = 'https://example.invalid/docs';
	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'http://127.0.0.1:9' },
		{ displayName: 'Client Name', name: 'clientName', type: 'string', default: 'n8n-harness' },
	];
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-API-KEY': '={{$credentials.apiKey}}',
				'X-Client': '={{$credentials.clientName}}',
			},
		},
	};
	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/me', method: 'GET' },
		rules: [
			{ type: 'responseCode', properties: { value: 403, message: 'The key may not read the account' } },
		],
	};
}

class EchoApiWithBodyRule extends EchoApi {
	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/me', method: 'GET' },
		rules: [
			{
				type: 'responseSuccessBody',
				properties: { key: 'disabled', value: true, message: 'The account is disabled' },
			},
		],
	};
}

/** Logs in with the key for a session token (n8n's expirable `preAuthentication` pattern). */
class SessionApi implements ICredentialType {
	name = 'sessionApi';
	displayName = 'Session API';
	properties: INodeProperties[] = [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true },
			default: '',
		},
	];
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const { token } = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${credentials.baseUrl as string}/login`,
			body: { apiKey: credentials.apiKey },
			json: true,
		})) as { token: string };
		return { sessionToken: token };
	}
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.sessionToken}}' } },
	};
}

// ---------------------------------------------------------------------------------------------
// Node type: echo (JSON), download (binary out), upload (binary in); errors as a good node does.

class EchoTest implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Echo Test',
		name: 'echoTest',
		group: ['transform'],
		version: [1, 2],
		description: 'Harness self-test node',
		defaults: { name: 'Echo Test' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'echoApi', required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Echo', value: 'echo' },
					{ name: 'Download', value: 'download' },
					{ name: 'Upload', value: 'upload' },
				],
				default: 'echo',
			},
			{ displayName: 'Message', name: 'message', type: 'string', required: true, default: '' },
			{ displayName: 'Path', name: 'path', type: 'string', default: '/echo' },
			{
				displayName: 'Handle Errors Per Item',
				name: 'handleErrors',
				type: 'boolean',
				default: true,
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const credentialType = Object.keys(this.getNode().credentials ?? {})[0] ?? 'echoApi';
		const credentials = await this.getCredentials(credentialType);
		const returnData: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const operation = this.getNodeParameter('operation', i) as string;
				const url = `${credentials.baseUrl as string}${this.getNodeParameter('path', i) as string}`;
				if (operation === 'download') {
					const data = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
						method: 'GET',
						url: `${credentials.baseUrl as string}/file`,
						encoding: 'arraybuffer',
					})) as Buffer;
					const binary = await this.helpers.prepareBinaryData(
						Buffer.from(data),
						'document.pdf',
						'application/pdf',
					);
					returnData.push({
						json: { fileName: 'document.pdf' },
						binary: { data: binary },
						pairedItem: { item: i },
					});
					continue;
				}
				let body: IDataObject = { message: this.getNodeParameter('message', i) as string };
				if (operation === 'upload') {
					const binary = this.helpers.assertBinaryData(i, 'data');
					const buffer = await this.helpers.getBinaryDataBuffer(i, 'data');
					body = { fileName: binary.fileName, mimeType: binary.mimeType, text: buffer.toString('utf8') };
				}
				const response = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
					method: 'POST',
					url,
					body,
					json: true,
				})) as IDataObject;
				returnData.push(
					...this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(response), {
						itemData: { item: i },
					}),
				);
			} catch (error) {
				if (!(this.getNodeParameter('handleErrors', i) as boolean)) {
					throw error;
				}
				const apiError =
					error instanceof NodeApiError
						? new NodeApiError(this.getNode(), (error.context.data ?? {}) as JsonObject, {
								itemIndex: i,
								httpCode: error.httpCode ?? undefined,
							})
						: new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
				if (this.continueOnFail()) {
					returnData.push({ json: { error: apiError.message }, pairedItem: { item: i } });
					continue;
				}
				throw apiError;
			}
		}
		return [returnData];
	}
}

class SessionEchoTest extends EchoTest {
	description: INodeTypeDescription = {
		...new EchoTest().description,
		displayName: 'Session Echo Test',
		name: 'sessionEchoTest',
		defaults: { name: 'Session Echo Test' },
		credentials: [{ name: 'sessionApi', required: true }],
	};
}

function options(overrides: Partial<RunNodeOptions> & Pick<RunNodeOptions, 'node'>): RunNodeOptions {
	return {
		nodeTypes: [EchoTest],
		credentialTypes: [EchoApi],
		credentials: { echoApi: { apiKey: API_KEY, baseUrl } },
		...overrides,
	};
}

const twoItems: INodeExecutionData[] = [
	{ json: { x: 'first', path: '/echo' } },
	{ json: { x: 'second', path: '/fail' } },
];

// ---------------------------------------------------------------------------------------------

describe('runNode', () => {
	it('runs the node in the real engine: auth header, per-item expressions, pairedItem', async () => {
		const result = await runNode(
			options({
				node: { type: 'echoTest', parameters: { message: '=Hello {{ $json.x }}' } },
				items: [{ json: { x: 'a' } }, { json: { x: 'b' } }, { json: { x: 'c' } }],
			}),
		);

		expect(result.error).toBeUndefined();
		expect(result.run.status).toBe('success');
		expect(result.nodeName).toBe('Echo Test');
		expect(result.workflow.getNode('Echo Test')?.typeVersion).toBe(2);
		expect(result.outputs).toHaveLength(1);
		const [main] = result.outputs;
		expect(main.map((item) => (item.json.body as IDataObject).message)).toEqual([
			'Hello a',
			'Hello b',
			'Hello c',
		]);
		expect(main.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		for (const item of main) {
			expect(item.json.method).toBe('POST');
			expect(item.json.url).toBe('/echo');
			const headers = item.json.headers as IDataObject;
			expect(headers['x-api-key']).toBe(API_KEY);
			// not given in the test's credential data: the credential type's default applies
			expect(headers['x-client']).toBe('n8n-harness');
			expect(headers['content-type']).toContain('application/json');
		}
		expect(requests).toHaveLength(3);
		// the upstream Items node fed the items, paired with the trigger's single item
		expect(result.run.data.resultData.runData.Items[0].data?.main[0]).toEqual([
			{ json: { x: 'a' }, pairedItem: { item: 0 } },
			{ json: { x: 'b' }, pairedItem: { item: 0 } },
			{ json: { x: 'c' }, pairedItem: { item: 0 } },
		]);
	});

	it('resolves node types by a package-prefixed name and honours typeVersion', async () => {
		const result = await runNode(
			options({
				node: {
					type: 'n8n-nodes-harness.echoTest',
					typeVersion: 1,
					name: 'My Echo',
					parameters: { message: 'static' },
				},
			}),
		);
		expect(result.error).toBeUndefined();
		expect(result.nodeName).toBe('My Echo');
		expect(result.taskData?.executionStatus).toBe('success');
		expect(result.outputs[0][0].json.body).toEqual({ message: 'static' });
	});

	it('continueOnFail: the node reports the failed item itself, the run succeeds', async () => {
		const result = await runNode(
			options({
				node: {
					type: 'echoTest',
					continueOnFail: true,
					parameters: { message: '={{ $json.x }}', path: '={{ $json.path }}' },
				},
				items: twoItems,
			}),
		);

		expect(result.error).toBeUndefined();
		expect(result.run.status).toBe('success');
		expect(result.outputs).toHaveLength(1);
		const [main] = result.outputs;
		expect(main).toHaveLength(2);
		expect((main[0].json.body as IDataObject).message).toBe('first');
		expect(main[1]).toEqual({
			json: { error: 'Bad request - please check your parameters' },
			pairedItem: { item: 1 },
		});
	});

	it('continueOnFail: an error thrown out of execute passes the input through (engine)', async () => {
		const result = await runNode(
			options({
				node: {
					type: 'echoTest',
					continueOnFail: true,
					parameters: { message: '={{ $json.x }}', path: '={{ $json.path }}', handleErrors: false },
				},
				items: twoItems,
			}),
		);

		// the engine replaces the output with the node's input and records the error on the task
		expect(result.outputs).toEqual([
			[
				{ json: twoItems[0].json, pairedItem: { item: 0 } },
				{ json: twoItems[1].json, pairedItem: { item: 1 } },
			],
		]);
		expect(result.taskData?.executionStatus).toBe('error');
		expect(result.taskData?.error?.name).toBe('NodeApiError');
		// engine quirk: the error of the last node executed, even a continued one, fails the execution
		expect(result.run.status).toBe('error');
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '400' });
	});

	it("onError 'continueErrorOutput': the failed item goes to the error output", async () => {
		const result = await runNode(
			options({
				node: {
					type: 'echoTest',
					onError: 'continueErrorOutput',
					parameters: { message: '={{ $json.x }}', path: '={{ $json.path }}' },
				},
				items: twoItems,
			}),
		);

		expect(result.error).toBeUndefined();
		expect(result.outputs).toHaveLength(2);
		const [success, errors] = result.outputs;
		expect(success).toHaveLength(1);
		expect(success[0].pairedItem).toEqual({ item: 0 });
		expect((success[0].json.body as IDataObject).message).toBe('first');
		// the engine merges the paired input item's json under the error
		expect(errors).toEqual([
			{
				json: { ...twoItems[1].json, error: 'Bad request - please check your parameters' },
				pairedItem: { item: 1 },
			},
		]);
	});

	it("onError 'continueErrorOutput': an item not shaped as an error stays on success", async () => {
		const misshapen = { json: { error: 'boom', status: 500 }, pairedItem: { item: 0 } };
		const shapeNode: INodeType = {
			description: {
				displayName: 'Shape',
				name: 'shape',
				group: ['transform'],
				version: 1,
				description: '',
				defaults: { name: 'Shape' },
				inputs: [NodeConnectionTypes.Main],
				outputs: [NodeConnectionTypes.Main],
				properties: [],
			},
			async execute() {
				return [[misshapen]];
			},
		};
		const result = await runNode({
			nodeTypes: [shapeNode],
			node: { type: 'shape', onError: 'continueErrorOutput' },
		});
		expect(result.outputs).toEqual([[misshapen], []]);
	});

	it('stopWorkflow (default): the error surfaces with its itemIndex, as the engine stores it', async () => {
		const result = await runNode(
			options({
				node: { type: 'echoTest', parameters: { message: '={{ $json.x }}', path: '={{ $json.path }}' } },
				items: twoItems,
			}),
		);

		expect(result.run.status).toBe('error');
		expect(result.outputs).toEqual([]);
		expect(result.taskData?.executionStatus).toBe('error');
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'Bad request - please check your parameters',
			description: 'Nope: bad input',
			httpCode: '400',
			context: { itemIndex: 1 },
			node: { name: 'Echo Test', type: 'echoTest' },
		});
		expect(result.error?.context.data).toBeUndefined();
		// a spread copy: not an instance any more
		expect(result.error).not.toBeInstanceOf(NodeApiError);
		expect(result.executionErrorJson).toMatchObject({
			name: 'NodeApiError',
			httpCode: '400',
			description: 'Nope: bad input',
			context: { itemIndex: 1 },
		});
		expect(result.run.data.resultData.lastNodeExecuted).toBe('Echo Test');
		// nothing stored with the execution carries the API key
		expect(JSON.stringify(result.run)).not.toContain(API_KEY);
	});

	it('wraps an HTTP failure from httpRequestWithAuthentication when the node rethrows it as is', async () => {
		const result = await runNode(
			options({
				node: {
					type: 'echoTest',
					parameters: { message: 'x', path: '/fail', handleErrors: false },
				},
			}),
		);
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '400',
			description: 'Nope: bad input',
			context: { data: { message: 'Nope: bad input' } },
		});
		expect(result.error?.context.itemIndex).toBeUndefined();
		// the in-memory error's cause holds the request (with the key); what is stored does not
		expect(JSON.stringify(result.run)).not.toContain(API_KEY);
	});

	it('downloads into binary data stored the n8n 2.x way, and uploads binary input', async () => {
		const download = await runNode(
			options({ node: { type: 'echoTest', parameters: { operation: 'download', message: 'x' } } }),
		);
		expect(download.error).toBeUndefined();
		const binary = download.outputs[0][0].binary?.data;
		expect(binary).toMatchObject({
			fileName: 'document.pdf',
			mimeType: 'application/pdf',
			fileExtension: 'pdf',
		});
		expect(binary?.id).toMatch(/^filesystem-v2:/);
		expect(await readBinary(binary!)).toEqual(PDF_BYTES);

		const stored = await storeBinary('hello binary', { fileName: 'note.txt', mimeType: 'text/plain' });
		const inline = {
			data: Buffer.from('inline').toString('base64'),
			mimeType: 'text/plain',
			fileName: 'inline.txt',
		};
		const upload = await runNode(
			options({
				items: [
					{ json: {}, binary: { data: stored } },
					{ json: {}, binary: { data: inline } },
					{ json: {} },
				],
				node: { type: 'echoTest', continueOnFail: true, parameters: { operation: 'upload', message: 'x' } },
			}),
		);
		expect(upload.error).toBeUndefined();
		const [main] = upload.outputs;
		expect(main.map((item) => item.json.body ?? item.json)).toEqual([
			{ fileName: 'note.txt', mimeType: 'text/plain', text: 'hello binary' },
			{ fileName: 'inline.txt', mimeType: 'text/plain', text: 'inline' },
			{
				error:
					"This operation expects the node's input data to contain a binary file 'data', but none was found [item 2]",
			},
		]);
	});

	it('runs the credential type\'s preAuthentication once and keeps the token for later requests', async () => {
		const result = await runNode({
			nodeTypes: [SessionEchoTest],
			credentialTypes: [SessionApi],
			credentials: { sessionApi: { apiKey: API_KEY, baseUrl } },
			node: { type: 'sessionEchoTest', parameters: { message: '={{ $json.x }}' } },
			items: [{ json: { x: 1 } }, { json: { x: 2 } }],
		});
		expect(result.error).toBeUndefined();
		expect(requests.map((request) => request.url)).toEqual(['/login', '/echo', '/echo']);
		expect(result.outputs[0].map((item) => (item.json.headers as IDataObject).authorization)).toEqual([
			'Bearer session-1',
			'Bearer session-1',
		]);
	});

	it('rejects when the engine refuses to start the workflow (missing required parameter)', async () => {
		await expect(
			runNode(options({ node: { type: 'echoTest', parameters: { message: '' } } })),
		).rejects.toMatchObject({ name: 'WorkflowHasIssuesError' });
	});

	it('fails the node like n8n when the credential is missing', async () => {
		const result = await runNode({
			nodeTypes: [EchoTest],
			credentialTypes: [EchoApi],
			node: { type: 'echoTest', parameters: { message: 'x' } },
		});
		expect(result.error).toMatchObject({ message: 'Node does not have any credentials set' });
	});
});

describe('credential tests', () => {
	it('resolveCredentialTestRequest resolves the test request against the credential data', async () => {
		expect(await resolveCredentialTestRequest(EchoApi, { apiKey: API_KEY, baseUrl })).toEqual({
			baseURL: baseUrl,
			url: '/me',
			method: 'GET',
		});
		// defaults apply when the data leaves a property out
		expect(await resolveCredentialTestRequest(new EchoApi(), { apiKey: API_KEY })).toMatchObject({
			baseURL: 'http://127.0.0.1:9',
		});
	});

	it('testCredential sends the test request with auth and mirrors n8n verdicts', async () => {
		expect(await testCredential(EchoApi, { apiKey: API_KEY, baseUrl })).toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		expect(requests.at(-1)).toMatchObject({
			method: 'GET',
			url: '/me',
			headers: { 'x-api-key': API_KEY, 'x-client': 'n8n-harness' },
		});

		expect(await testCredential(EchoApi, { apiKey: 'wrong', baseUrl })).toEqual({
			status: 'Error',
			message: 'Unauthorized',
		});
		expect(await testCredential(EchoApi, { apiKey: 'forbidden-key', baseUrl })).toEqual({
			status: 'Error',
			message: 'The key may not read the account',
		});
		expect(await testCredential(EchoApiWithBodyRule, { apiKey: 'disabled-key', baseUrl })).toEqual({
			status: 'Error',
			message: 'The account is disabled',
		});
		// port 9 (discard) is closed here: the network error code is the message
		expect(await testCredential(EchoApi, { apiKey: API_KEY })).toEqual({
			status: 'Error',
			message: 'ECONNREFUSED',
		});
	});
});
