// @ts-check
'use strict';

/**
 * The OKdokument Tool as an MCP client sees it: examples/mcp-server.json (n8n's MCP Server Trigger with three
 * OKdokument tools), activated, driven by the official MCP client SDK over the trigger's production URL, in both
 * transports n8n's trigger speaks (Streamable HTTP, and SSE).
 */

const assert = require('node:assert/strict');

const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');
const { SSEClientTransport } = require('@modelcontextprotocol/sdk/client/sse.js');

const lib = require('../../../scripts/lib/n8n');
const { API_KEY, MCP_CLIENT_TOKEN, SECRETS, example } = require('../lib/fixtures');
const { traffic } = require('../lib/sandbox');
const { MAIN_VERSIONS } = require('.');

/** @typedef {import('../../../scripts/lib/n8n').RunningN8n} RunningN8n */
/** @typedef {import('../lib/context').Context} Context */

const MCP_EXAMPLE = example('mcp-server.json');
const TRIGGER = MCP_EXAMPLE.nodes.find((/** @type {any} */ n) => n.type === '@n8n/n8n-nodes-langchain.mcpTrigger');
/** The three tools, by the names n8n gives them (the node name, spaces as underscores). */
const TOOL_NODES = MCP_EXAMPLE.nodes.filter((/** @type {any} */ n) => n.type === lib.TOOL_NODE_TYPE);
/** How many documents the example's "List documents" tool passes on. */
const LIST_LIMIT = TOOL_NODES.find((/** @type {any} */ n) => n.name === 'List documents').parameters.limit;
const toolDescription = (/** @type {string} */ nodeName) => TOOL_NODES.find((/** @type {any} */ n) => n.name === nodeName).parameters.toolDescription;
/** What $fromAI('key', 'description', …) in the example says to the model. */
const fromAiDescription = (/** @type {string} */ nodeName, /** @type {string} */ parameter) =>
	/\$fromAI\('[^']+', '([^']+)'/.exec(TOOL_NODES.find((/** @type {any} */ n) => n.name === nodeName).parameters[parameter])?.[1];

const NOT_FOUND_HINT =
	'The document does not exist or was deleted (OKdokument deletes signed documents 10 days after signing, unsigned after 30 days). Check the Document ID and the environment in the credential.';

/** @param {RunningN8n} n8n */
function serverUrl(n8n) {
	// A v2 MCP Server Trigger answers both transports at <WEBHOOK_URL>/mcp/<path> (v1: …/sse and …/messages).
	return new URL(`${n8n.webhookUrl}/mcp/${TRIGGER.parameters.path}`);
}

const AUTHORIZATION = { Authorization: `Bearer ${MCP_CLIENT_TOKEN}` };

/**
 * A connected MCP client, as Claude Desktop or an IDE connects (the token of the trigger's Bearer Auth sent).
 * @param {URL} url
 * @param {'streamable-http' | 'sse'} transport
 */
async function connect(url, transport) {
	const client = new Client({ name: 'okdokument-e2e', version: '1.0.0' });
	if (transport === 'sse') {
		await client.connect(
			new SSEClientTransport(url, {
				requestInit: { headers: AUTHORIZATION },
				eventSourceInit: { fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...AUTHORIZATION } }) },
			}),
		);
	} else {
		await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: AUTHORIZATION } }));
	}
	return client;
}

/**
 * The example, activated, until n8n serves its MCP endpoint (a client connects).
 * @param {RunningN8n} n8n
 */
async function activated(n8n) {
	const workflow = await n8n.request('GET', `/rest/workflows/${MCP_EXAMPLE.id}`);
	if (workflow.json?.data?.active !== true) await n8n.activateWorkflow(MCP_EXAMPLE.id);
	let last = 'no answer';
	await lib.waitFor(
		`n8n to serve the MCP Server Trigger at ${serverUrl(n8n)}`,
		async () => {
			const client = await connect(serverUrl(n8n), 'streamable-http').catch((/** @type {unknown} */ error) => {
				last = String(error);
				return undefined;
			});
			await client?.close();
			return client === undefined ? undefined : true;
		},
		{ timeoutMs: 30_000, intervalMs: 500, describe: () => last },
	);
}

/**
 * Everything the client received, for the check that the key is in none of it (and for the secrets scan).
 * @param {Context} ctx
 * @param {unknown[]} answers
 */
function assertNoSecrets(ctx, answers) {
	const text = JSON.stringify(answers);
	ctx.capture(text);
	for (const secret of SECRETS) assert.ok(!text.includes(secret), 'the MCP client received the API key');
}

/**
 * The JSON a tool answered (n8n sends it as one text item).
 * @param {any} result
 */
function answerOf(result) {
	assert.equal(result.isError, undefined, `the tool call failed: ${JSON.stringify(result).slice(0, 500)}`);
	assert.equal(result.content?.length, 1, JSON.stringify(result).slice(0, 500));
	assert.equal(result.content[0].type, 'text');
	return JSON.parse(result.content[0].text);
}

/**
 * The message of a tool error, as n8n puts it in the text: in one process "<error class>: <message>" (n8n 2.41.1
 * "NodeOperationError: ", 1.123 "Error: "), in queue mode (2.41.1, the tool run on a worker) the JSON
 * {"error":{"message","name"}}. The message is the node's own in both, reason ("Details: …") included.
 * @param {string} text
 */
function toolErrorMessage(text) {
	if (text.startsWith('{')) return JSON.parse(text).error?.message;
	const prefix = /^\w*Error: /.exec(text);
	assert.ok(prefix, `a tool error starts with the error's class: ${text}`);
	return text.slice(prefix[0].length);
}

/**
 * Without the token n8n refuses the client before any tool is listed; with it the client lists exactly the
 * three tools, with the descriptions the example gives them and input schemas that ask for what a model can
 * give (a document ID, a state) and nothing else.
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 */
async function checkListTools(n8n, ctx) {
	await activated(n8n);
	const url = serverUrl(n8n);
	const anonymous = new Client({ name: 'okdokument-e2e-anonymous', version: '1.0.0' });
	const refused = await anonymous.connect(new StreamableHTTPClientTransport(url)).then(
		() => assert.fail('n8n let a client without the token in'),
		(/** @type {any} */ error) => error,
	);
	// n8n's Bearer Auth answers 403 "Authorization data is wrong!" without the header and with a wrong token alike.
	assert.equal(refused.code, 403, `without the token: ${refused}`);
	assert.match(String(refused), /Authorization data is wrong!/);
	const wrongToken = new StreamableHTTPClientTransport(url, { requestInit: { headers: { Authorization: 'Bearer not-the-token' } } });
	const forbidden = await new Client({ name: 'okdokument-e2e-wrong-token', version: '1.0.0' }).connect(wrongToken).then(
		() => assert.fail('n8n let a client with a wrong token in'),
		(/** @type {any} */ error) => error,
	);
	assert.equal(forbidden.code, 403, `with a wrong token: ${forbidden}`);

	const client = await connect(url, 'streamable-http');
	try {
		const { tools } = await client.listTools();
		assertNoSecrets(ctx, [tools]);
		assert.deepEqual(
			tools.map((/** @type {any} */ t) => t.name).sort(),
			['Get_a_document', 'Get_account_usage', 'List_documents'],
		);
		const byName = Object.fromEntries(tools.map((/** @type {any} */ t) => [t.name, t]));
		for (const [name, node] of [['Get_a_document', 'Get a document'], ['Get_account_usage', 'Get account usage'], ['List_documents', 'List documents']]) {
			assert.equal(byName[name].description, toolDescription(node), `${name}'s description`);
		}
		const inputs = (/** @type {string} */ name) => {
			const { properties, required } = byName[name].inputSchema;
			return { properties, required: required ?? [] };
		};
		assert.deepEqual(inputs('Get_account_usage'), { properties: {}, required: [] });
		assert.deepEqual(inputs('Get_a_document'), {
			properties: { documentId: { type: 'string', description: fromAiDescription('Get a document', 'documentId') } },
			required: ['documentId'],
		});
		assert.deepEqual(inputs('List_documents'), {
			properties: { state: { type: 'string', description: fromAiDescription('List documents', 'state') } },
			required: ['state'],
		});
		ctx.say(`      ${url}: ${tools.map((/** @type {any} */ t) => `${t.name}(${Object.keys(t.inputSchema.properties ?? {}).join(', ')})`).join(', ')}`);
	} finally {
		await client.close();
	}
}

/**
 * Each tool called as a model calls it: OKdokument's answer comes back as the tool's result, and the sandbox
 * saw the request the operation makes, with the key; an unknown document ID comes back as a tool error with
 * OKdokument's reason. The API key is in nothing the client received.
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 */
async function checkCallTools(n8n, ctx) {
	const { sandbox, version } = ctx;
	await activated(n8n);
	const document = sandbox.addDocument({
		id: `doc-e2e-mcp-${version}`,
		filename: 'mcp-offer.pdf',
		content: Buffer.from('%PDF-1.4\n% mcp\n%%EOF\n', 'latin1'),
		state: 'signed',
	});
	const client = await connect(serverUrl(n8n), 'streamable-http');
	/** @type {unknown[]} */
	const answers = [];
	const call = async (/** @type {string} */ name, /** @type {Record<string, unknown>} */ args) => {
		sandbox.clearRequests();
		const result = await client.callTool({ name, arguments: args });
		answers.push(result);
		return result;
	};
	try {
		const usage = answerOf(await call('Get_account_usage', {}));
		assert.equal(usage.length, 1);
		assert.equal(usage[0].account, 'sandbox');
		assert.equal(typeof usage[0].availableSignatureRequests, 'number', JSON.stringify(usage));
		assert.deepEqual(traffic(sandbox), [['GET', '/JSON/counter', true]]);

		const got = answerOf(await call('Get_a_document', { documentId: document.id }));
		assert.deepEqual(got, [
			{ filename: 'mcp-offer.pdf', state: 'signed', modification: document.modification, id: document.id, date: document.date, number: document.number },
		]);
		assert.deepEqual(traffic(sandbox), [['GET', `/JSON/document/metadata/${document.id}`, true]]);

		const listed = answerOf(await call('List_documents', { state: 'signed' }));
		assert.deepEqual(sandbox.requests.map((r) => [r.path, r.query]), [['/JSON/list/flat', { state: 'signed' }]]);
		// OKdokument's list as it is now, of which the example's tool passes on the first LIST_LIMIT (earlier scenarios
		// leave many signed documents, this one's among them).
		const okdokument = await (await fetch(`${sandbox.url}/JSON/list/flat?state=signed`, { headers: { 'x-api-key': API_KEY } })).json();
		assert.ok(okdokument.some((/** @type {any} */ d) => d.id === document.id), 'the sandbox lists the signed document');
		assert.deepEqual(
			listed.map((/** @type {any} */ d) => [d.id, d.state]),
			okdokument.slice(0, LIST_LIMIT).map((/** @type {any} */ d) => [d.id, d.state]),
			JSON.stringify(listed).slice(0, 500),
		);

		const unknown = /** @type {any} */ (await call('Get_a_document', { documentId: `doc-e2e-mcp-unknown-${version}` }));
		assert.equal(unknown.isError, true, `an unknown document is a tool error: ${JSON.stringify(unknown).slice(0, 500)}`);
		assert.equal(unknown.content?.length, 1);
		assert.equal(
			toolErrorMessage(unknown.content[0].text),
			`OKdokument could not find what was asked for (HTTP 404: err.not.found)\n\nDetails: ${NOT_FOUND_HINT}`,
		);

		const badState = /** @type {any} */ (await call('List_documents', { state: 'done' }));
		assert.equal(badState.isError, true);
		assert.equal(
			toolErrorMessage(badState.content[0].text),
			'State "done" is not a document state (item index 0)\n\nDetails: Use one of: *, errorsendinfo, canceled, signed, tags, tosign, tostamp (* means all).',
		);
		assert.deepEqual(sandbox.requests, [], 'a state that is no document state is refused before anything is sent');

		assertNoSecrets(ctx, answers);
		ctx.say(`      4 calls answered by OKdokument, 2 tool errors: "${toolErrorMessage(unknown.content[0].text).split('\n')[0]}"`);
	} finally {
		await client.close();
	}
}

/**
 * The same server over SSE, the older transport some clients still use: the tools are listed and one answers.
 * @param {RunningN8n} n8n
 * @param {Context} ctx
 */
async function checkSse(n8n, ctx) {
	await activated(n8n);
	const client = await connect(serverUrl(n8n), 'sse');
	try {
		const { tools } = await client.listTools();
		assert.deepEqual(tools.map((/** @type {any} */ t) => t.name).sort(), ['Get_a_document', 'Get_account_usage', 'List_documents']);
		ctx.sandbox.clearRequests();
		const result = await client.callTool({ name: 'Get_account_usage', arguments: {} });
		assertNoSecrets(ctx, [tools, result]);
		assert.equal(answerOf(result)[0].account, 'sandbox');
		assert.deepEqual(traffic(ctx.sandbox), [['GET', '/JSON/counter', true]]);
	} finally {
		await client.close();
	}
}

/** @type {import('.').Scenario} */
module.exports = {
	needs: 'server',
	topologies: ['single', 'queue'],
	// The MCP Server Trigger is n8n's, not the package's: tested where users run it most, to keep CI's run short.
	versions: MAIN_VERSIONS,
	checks: [
		{
			name: 'MCP Server Trigger (examples/mcp-server.json, activated): without the token no client gets in; with it the MCP client lists the three OKdokument tools, each asking only for what a model can give',
			run: async (ctx) => checkListTools(await ctx.n8n(), ctx),
		},
		{
			name: 'MCP client calls each OKdokument tool and gets OKdokument’s answer; an unknown document and a wrong state are tool errors with the reason; the key is in nothing it received',
			run: async (ctx) => checkCallTools(await ctx.n8n(), ctx),
		},
		{
			name: 'MCP over SSE: the same tools listed and answering',
			run: async (ctx) => checkSse(await ctx.n8n(), ctx),
		},
	],
};
