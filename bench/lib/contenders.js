// @ts-check
'use strict';

/*
 * The contenders: the same PATCH {base}/JSON/signatureRequest with {signatureRequestId, sendInfoURL, resulturl}
 * from three expressions per item and the key in x-api-key, sent
 *   - by this package's node (built dist/), in n8n's WorkflowExecute;
 *   - by n8n's HTTP Request node (n8n-nodes-base.httpRequest 4.x), in n8n's WorkflowExecute;
 *   - by a raw client (node:http with a keep-alive agent), outside of n8n.
 */

const http = require('node:http');
const path = require('node:path');

const { REPO } = require('./engine');

/** Distinctive and obviously fake. */
const API_KEY = '4e8a1c6b9_bench7f3d0e2a9c5b1d8f6e4a2c0b';

/** @param {number} index */
const idFor = (index) => `bench-${String(index).padStart(5, '0')}`;

/** The input item every contender gets: the three values its expressions read. @param {number} index */
function makeItem(index) {
	const id = idFor(index);
	return {
		id,
		callback: `https://hooks.example.com/webhook-waiting/${id}`,
		redirect: `https://example.com/thank-you?request=${id}`,
	};
}

/** @param {number} count */
const idsFor = (count) => Array.from({ length: count }, (_, i) => idFor(i));

/**
 * Loads the node and credential types the contenders use.
 * @param {{ n8nRequire: NodeJS.Require }} engine
 * @param {string} [packageRoot]
 */
function loadTypes(engine, packageRoot = REPO) {
	const dist = path.join(packageRoot, 'dist');
	const { OkDokument } = require(path.join(dist, 'nodes', 'OkDokument', 'OkDokument.node.js'));
	const { OkDokumentApi } = require(path.join(dist, 'credentials', 'OkDokumentApi.credentials.js'));
	const { HttpRequest } = engine.n8nRequire('n8n-nodes-base/dist/nodes/HttpRequest/HttpRequest.node.js');
	const { HttpHeaderAuth } = engine.n8nRequire('n8n-nodes-base/dist/credentials/HttpHeaderAuth.credentials.js');
	return {
		nodeTypes: [new OkDokument(), new HttpRequest()],
		credentialTypes: [new OkDokumentApi(), new HttpHeaderAuth()],
		okDokumentVersion: /** @type {number} */ (new OkDokument().description.version),
		httpRequestVersion: /** @type {number} */ (new HttpRequest().description.defaultVersion),
	};
}

/** @param {string} sandboxUrl */
function credentialsFor(sandboxUrl) {
	return [
		{
			id: 'okdBench',
			name: 'OKdokument (bench sandbox)',
			type: 'okDokumentApi',
			data: { apiKey: API_KEY, environment: 'custom', baseUrl: sandboxUrl },
		},
		{ id: 'headerBench', name: 'x-api-key (bench sandbox)', type: 'httpHeaderAuth', data: { name: 'x-api-key', value: API_KEY } },
	];
}

/**
 * The OKdokument node. `concurrency` undefined leaves the option unset (the default, 5).
 * @param {number | undefined} concurrency
 */
function okDokumentNode(concurrency) {
	return {
		type: 'n8n-nodes-okdokument.okDokument',
		typeVersion: 1,
		parameters: {
			resource: 'signatureRequest',
			operation: 'update',
			signatureRequestId: '={{ $json.id }}',
			sendInfoUrl: '={{ $json.callback }}',
			resultUrl: '={{ $json.redirect }}',
			// Set programmatically: the editor caps "Requests in Parallel" at its maxValue; getNodeParameter does not.
			options: concurrency === undefined ? {} : { concurrency },
		},
		credentials: { okDokumentApi: { id: 'okdBench', name: 'OKdokument (bench sandbox)' } },
	};
}

/**
 * n8n's HTTP Request node set up to send the same request. Defaults everywhere else (no batching, response format
 * autodetect, timeout 5 min), as a user would leave them.
 * @param {string} sandboxUrl
 * @param {number} typeVersion
 * @param {'credential' | 'headerParameter'} auth  a Header Auth credential, or the key typed into a header parameter
 */
function httpRequestNode(sandboxUrl, typeVersion, auth) {
	const body = {
		sendBody: true,
		contentType: 'json',
		specifyBody: 'keypair',
		bodyParameters: {
			parameters: [
				{ name: 'signatureRequestId', value: '={{ $json.id }}' },
				{ name: 'sendInfoURL', value: '={{ $json.callback }}' },
				{ name: 'resulturl', value: '={{ $json.redirect }}' },
			],
		},
	};
	const parameters =
		auth === 'credential'
			? { authentication: 'genericCredentialType', genericAuthType: 'httpHeaderAuth' }
			: {
					authentication: 'none',
					sendHeaders: true,
					specifyHeaders: 'keypair',
					headerParameters: { parameters: [{ name: 'x-api-key', value: API_KEY }] },
				};
	return {
		type: 'n8n-nodes-base.httpRequest',
		typeVersion,
		parameters: { method: 'PATCH', url: `${sandboxUrl}/JSON/signatureRequest`, ...parameters, ...body, options: {} },
		...(auth === 'credential' ? { credentials: { httpHeaderAuth: { id: 'headerBench', name: 'x-api-key (bench sandbox)' } } } : {}),
	};
}

/**
 * The raw client: node:http, one keep-alive agent with `concurrency` sockets, `concurrency` requests in flight,
 * JSON in and out, answers kept in item order. What the wire allows without n8n.
 * @param {string} sandboxUrl
 * @param {number} itemCount
 * @param {number} concurrency
 * @returns {Promise<any[]>}
 */
async function rawClient(sandboxUrl, itemCount, concurrency) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	const url = `${sandboxUrl}/JSON/signatureRequest`;
	const results = new Array(itemCount);
	let next = 0;
	/** @param {number} index @returns {Promise<any>} */
	const send = (index) => {
		const item = makeItem(index);
		return rawRequest(agent, url, { signatureRequestId: item.id, sendInfoURL: item.callback, resulturl: item.redirect });
	};
	const worker = async () => {
		while (next < itemCount) {
			const index = next++;
			results[index] = await send(index);
		}
	};
	try {
		await Promise.all(Array.from({ length: Math.min(concurrency, itemCount) }, worker));
	} finally {
		agent.destroy();
	}
	return results;
}

/**
 * The bench-only "floor" node types (see setup.js): what a node does per item at the least with n8n's helper as it comes.
 * @param {{ workflowLib: any }} engine
 * @param {string} sandboxUrl
 */
function floorNodeTypes(engine, sandboxUrl) {
	const { NodeConnectionTypes } = engine.workflowLib;
	/** @param {'raw' | 'helper'} how */
	const type = (how) => ({
		description: {
			displayName: `Bench floor (${how})`,
			name: `benchFloor${how === 'raw' ? 'Raw' : 'Helper'}`,
			group: ['transform'],
			version: 1,
			description: 'Bench-only',
			defaults: { name: `Bench floor (${how})` },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [
				{ displayName: 'ID', name: 'signatureRequestId', type: 'string', default: '' },
				{ displayName: 'Send Info URL', name: 'sendInfoUrl', type: 'string', default: '' },
				{ displayName: 'Result URL', name: 'resultUrl', type: 'string', default: '' },
				{ displayName: 'Concurrency', name: 'concurrency', type: 'number', default: 5 },
			],
		},
		/** @this {any} */
		async execute() {
			const items = this.getInputData();
			const concurrency = this.getNodeParameter('concurrency', 0);
			const agent = how === 'raw' ? new http.Agent({ keepAlive: true, maxSockets: concurrency }) : undefined;
			const url = `${sandboxUrl}/JSON/signatureRequest`;
			const results = new Array(items.length);
			let next = 0;
			const worker = async () => {
				while (next < items.length) {
					const i = next++;
					const body = {
						signatureRequestId: this.getNodeParameter('signatureRequestId', i),
						sendInfoURL: this.getNodeParameter('sendInfoUrl', i),
						resulturl: this.getNodeParameter('resultUrl', i),
					};
					const json =
						how === 'raw'
							? await rawRequest(/** @type {http.Agent} */ (agent), url, body)
							: await this.helpers.httpRequest({ method: 'PATCH', url, body, json: true, headers: { 'x-api-key': API_KEY } });
					results[i] = { json, pairedItem: { item: i } };
				}
			};
			try {
				await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
			} finally {
				agent?.destroy();
			}
			return [results];
		},
	});
	return [type('raw'), type('helper')];
}

/**
 * @param {'raw' | 'helper'} how
 * @param {number} concurrency
 */
function floorNode(how, concurrency) {
	return {
		type: how === 'raw' ? 'benchFloorRaw' : 'benchFloorHelper',
		typeVersion: 1,
		parameters: {
			signatureRequestId: '={{ $json.id }}',
			sendInfoUrl: '={{ $json.callback }}',
			resultUrl: '={{ $json.redirect }}',
			concurrency,
		},
	};
}

/**
 * One PATCH with node:http on a keep-alive agent; resolves with the parsed answer.
 * @param {http.Agent} agent
 * @param {string} url
 * @param {Record<string, unknown>} body
 * @returns {Promise<any>}
 */
function rawRequest(agent, url, body) {
	return new Promise((resolve, reject) => {
		const payload = JSON.stringify(body);
		const request = http.request(
			url,
			{
				method: 'PATCH',
				agent,
				headers: {
					'content-type': 'application/json',
					'content-length': Buffer.byteLength(payload),
					accept: 'application/json',
					'x-api-key': API_KEY,
				},
			},
			(response) => {
				/** @type {Buffer[]} */
				const chunks = [];
				response.on('data', (chunk) => chunks.push(chunk));
				response.on('end', () => {
					try {
						resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
					} catch (error) {
						reject(error);
					}
				});
				response.on('error', reject);
			},
		);
		request.on('error', reject);
		request.end(payload);
	});
}

module.exports = {
	floorNodeTypes,
	floorNode,
	API_KEY,
	idFor,
	idsFor,
	makeItem,
	loadTypes,
	credentialsFor,
	okDokumentNode,
	httpRequestNode,
	rawClient,
};
