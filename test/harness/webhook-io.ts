/**
 * What the webhook harnesses (a trigger's webhook, a waiting node's resume URL) share: the
 * Downstream node that records what reaches it, n8n's request body parsing, the few express
 * additions nodes use on the request and response, and a capture of n8n's logger.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parse as parseQueryString } from 'node:querystring';
import { gunzipSync, inflateSync } from 'node:zlib';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import {
	deepCopy,
	jsonParse,
	NodeConnectionTypes,
	sanitizeXmlName,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { parse as parseQuery } from 'qs';
import { Parser as XmlParser } from 'xml2js';

export const DOWNSTREAM_NODE_NAME = 'Downstream';
export const DOWNSTREAM_NODE_TYPE = 'harnessDownstream';

export interface LogLine {
	level: 'error' | 'warn' | 'info' | 'debug';
	message: string;
	metadata?: unknown;
}

/** The node after the one under test: passes its input on and records it. */
export function createDownstreamNodeType(
	record: (executionId: string, items: INodeExecutionData[]) => void,
): INodeType {
	return {
		description: {
			displayName: 'Harness Downstream',
			name: DOWNSTREAM_NODE_TYPE,
			group: ['transform'],
			version: 1,
			description: 'Test harness stand-in: records what the node before it emitted',
			defaults: { name: DOWNSTREAM_NODE_NAME },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const items = this.getInputData();
			record(this.getExecutionId(), deepCopy(items));
			return [items];
		},
	};
}

/** n8n's answer to a request it refuses before any node runs: its status and body (simplified). */
export interface Refusal {
	status: number;
	body: unknown;
}

/** What n8n 2.41.1 answers when reading the body fails for another reason than a parse (see webhookRequest). */
const CANNOT_READ: Refusal = { status: 500, body: { code: 0, message: 'There was a problem executing the workflow' } };

/** n8n's limit on a request body: N8N_PAYLOAD_SIZE_MAX, in MiB, 16 unless set. */
function payloadSizeMax(): number {
	return Number(process.env.N8N_PAYLOAD_SIZE_MAX ?? 16) * 1024 * 1024;
}

/** The media type and charset of a Content-Type header, read as n8n reads it (@n8n/backend-network parseContentType). */
function parseContentType(header: string | undefined): { type: string; charset: string } | undefined {
	if (!header) return undefined;
	const [type, ...parameters] = header.split(';');
	let charset = 'utf-8';
	for (const parameter of parameters) {
		const at = parameter.indexOf('=');
		if (at === -1 || parameter.slice(0, at).toLowerCase().trim() !== 'charset') continue;
		charset = parameter.slice(at + 1).trim().replace(/^"(.*)"$/, '$1');
	}
	// The type is lower-cased but not trimmed: "application/json ; charset=utf-8" is no JSON to n8n.
	return { type: type.toLowerCase(), charset: charset.toLowerCase() };
}

/**
 * xml2js with n8n's options. n8n shares one parser between requests, and that parser can stop answering after some
 * sequences of broken XML (docs/n8n-behaviour.md); the harness takes a fresh one for each body, so that a test
 * ends.
 */
const xmlParser = () =>
	new XmlParser({
		async: true,
		normalize: true,
		normalizeTags: true,
		explicitArray: false,
		tagNameProcessors: [sanitizeXmlName],
		attrNameProcessors: [sanitizeXmlName],
	});

const stripBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/** The body as n8n's `parseBody` leaves it on `req.body`, or its 422 for a body that does not parse. */
export async function parseBody(raw: Buffer, type: string | undefined, charset = 'utf-8'): Promise<{ body: unknown } | { refused: Refusal }> {
	if (raw.length === 0) return { body: undefined };
	try {
		const text = () => raw.toString(charset as BufferEncoding);
		if (!Buffer.isEncoding(charset)) throw new TypeError(`Unknown encoding: ${charset}`);
		if (type === 'application/json') return { body: jsonParse<unknown>(stripBom(text())) };
		if (type?.endsWith('/xml') || type?.endsWith('+xml')) return { body: (await xmlParser().parseStringPromise(text())) as unknown };
		// A null-prototype object, repeated keys as lists, as Node's querystring gives it.
		if (type === 'application/x-www-form-urlencoded') return { body: parseQueryString(stripBom(text()), undefined, undefined, { maxKeys: 1000 }) };
		if (type === 'text/plain') return { body: text() };
	} catch (error) {
		return { refused: { status: 422, body: { code: 422, message: 'Failed to parse request body', hint: (error as Error).message } } };
	}
	return { body: undefined };
}

/**
 * A multipart/form-data body as n8n gives it to a node: `{ data: <fields>, files: <files> }`, a field sent more
 * than once as a list, one sent once as its value. n8n reads it with formidable; here Node's own reader reads it,
 * and a file is described by its name, type and size (n8n adds where formidable stored it).
 */
async function parseFormData(raw: Buffer, contentType: string): Promise<{ body: unknown } | { refused: Refusal }> {
	let form: FormData;
	try {
		form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
	} catch {
		return { refused: { status: 400, body: { code: 400, message: 'The submitted form data could not be parsed.' } } };
	}
	const data: IDataObject = {};
	const files: IDataObject = {};
	for (const [name, value] of form.entries()) {
		const target = typeof value === 'string' ? data : files;
		const entry = typeof value === 'string' ? value : { originalFilename: value.name, mimetype: value.type, size: value.size };
		const earlier = target[name];
		target[name] = earlier === undefined ? entry : Array.isArray(earlier) ? [...earlier, entry] : [earlier, entry];
	}
	return { body: { data, files } };
}

/** The body as it arrived, decompressed as n8n decompresses it (gzip, deflate); undefined when that fails. */
function decoded(req: IncomingMessage, raw: Buffer): Buffer | undefined {
	try {
		const encoding = req.headers['content-encoding'];
		if (encoding === 'gzip') return gunzipSync(raw);
		if (encoding === 'deflate') return inflateSync(raw);
		return raw;
	} catch {
		return undefined;
	}
}

/** The few express additions n8n's request object has and nodes use. */
export function toExpressRequest(
	req: IncomingMessage,
	extra: { body: unknown; rawBody: Buffer; path: string; query: IDataObject; contentType: string },
): NonNullable<IWorkflowExecuteAdditionalData['httpRequest']> {
	return Object.assign(req, { params: {}, ...extra }) as unknown as NonNullable<
		IWorkflowExecuteAdditionalData['httpRequest']
	>;
}

/**
 * The request as n8n 2.41.1 hands it to a node's webhook (webhook-helpers `parseRequestBody` and the body-parser
 * middleware), or the answer n8n gives instead, before any node runs; checked against a real n8n 2.41.1 (see
 * docs/n8n-behaviour.md, "Webhook request bodies"):
 * - a body longer than N8N_PAYLOAD_SIZE_MAX (16 MiB unless set), after gzip or deflate is undone, or one that does
 *   not decompress: 500 `{"code":0,"message":"There was a problem executing the workflow"}` (raw-body's 413 is
 *   not one of n8n's response errors), whatever the content type;
 * - multipart/form-data: `{ data, files }` (parseFormData), or 400 when it does not parse;
 * - otherwise parseBody: JSON (a leading byte order mark dropped), XML (xml2js, with n8n's options), a form
 *   (repeated keys as lists), text/plain (byte order mark kept), each decoded with the charset the header names
 *   (utf-8 unless named; an unknown one is a 422); anything else, or no body, leaves the body undefined; a body that
 *   does not parse gets 422. The media type is compared as written, lower-cased but not trimmed.
 * The query is read as express's "extended" parser (qs), which n8n sets, reads it.
 */
export async function webhookRequest(
	req: IncomingMessage,
	raw: Buffer,
	url: URL,
): Promise<{ body: unknown; httpRequest: NonNullable<IWorkflowExecuteAdditionalData['httpRequest']> } | { refused: Refusal }> {
	const body = decoded(req, raw);
	if (body === undefined || body.length > payloadSizeMax()) return { refused: CANNOT_READ };
	const header = req.headers['content-type'];
	const { type, charset } = parseContentType(header) ?? { type: undefined, charset: 'utf-8' };
	const parsed = type === 'multipart/form-data' ? await parseFormData(body, header!) : type?.startsWith('multipart/') ? { body: undefined } : await parseBody(body, type, charset);
	if ('refused' in parsed) return parsed;
	return {
		body: parsed.body,
		httpRequest: toExpressRequest(req, {
			body: parsed.body,
			rawBody: body,
			path: url.pathname,
			// As express's "extended" query parser, which n8n sets: a repeated key is a list, a[b]=c an object.
			query: parseQuery(url.search.slice(1), { allowPrototypes: true }) as IDataObject,
			contentType: type ?? '',
		}),
	};
}

/** `status`, `json`, `send` over Node's response, for nodes that answer themselves. */
export function toExpressResponse(res: ServerResponse): NonNullable<IWorkflowExecuteAdditionalData['httpResponse']> {
	const express = Object.assign(res, {
		status(code: number) {
			res.statusCode = code;
			return express;
		},
		json(body: unknown) {
			if (!res.headersSent) res.setHeader('content-type', 'application/json; charset=utf-8');
			res.end(JSON.stringify(body));
			return express;
		},
		send(body: unknown) {
			res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
			return express;
		},
	});
	return express as unknown as NonNullable<IWorkflowExecuteAdditionalData['httpResponse']>;
}

/** toExpressResponse that also keeps the body a node answered with json(), for the call's record. */
export function recordingExpressResponse(res: ServerResponse): {
	response: NonNullable<IWorkflowExecuteAdditionalData['httpResponse']>;
	answeredBody: () => unknown;
} {
	const response = toExpressResponse(res);
	let answered: { body: unknown } | undefined;
	const sendJson = response.json.bind(response);
	response.json = (body: unknown) => {
		answered = { body };
		return sendJson(body);
	};
	return { response, answeredBody: () => answered?.body };
}

export function answer(res: ServerResponse, status: number, body: unknown): void {
	if (res.writableEnded || res.destroyed) return;
	const isText = typeof body === 'string';
	res.writeHead(status, {
		'content-type': isText ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
	});
	res.end(isText ? body : body === undefined ? '' : JSON.stringify(body));
}

/** Closes a harness server at once, its open connections too. */
export interface HarnessServer {
	/** e.g. http://127.0.0.1:12345 (no trailing slash) */
	readonly baseUrl: string;
	readonly port: number;
	/** Counts work started outside a request (a trigger's own promise), so that settled() waits for it too. */
	track<T>(promise: Promise<T>): Promise<T>;
	/** Waits until every request is answered and every tracked piece of work has finished. */
	settled(): Promise<void>;
	/** Closes the server and the connections still open. */
	close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 for a harness: each request goes to `handle`; a failure of the harness itself is a 500. */
export async function startHarnessServer(
	handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
	port = 0,
): Promise<HarnessServer> {
	const pending = new Set<Promise<unknown>>();
	const sockets = new Set<Socket>();
	const keep = (work: Promise<unknown>) => {
		pending.add(work);
		void work.finally(() => pending.delete(work));
	};
	const server = createServer((req, res) => {
		keep(
			handle(req, res).catch((error: unknown) => {
				answer(res, 500, { code: 0, message: `Harness failure: ${(error as Error).message}` });
			}),
		);
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve());
	});
	const listening = (server.address() as AddressInfo).port;
	return {
		baseUrl: `http://127.0.0.1:${listening}`,
		port: listening,
		track(promise) {
			keep(promise.then(() => undefined, () => undefined));
			return promise;
		},
		async settled() {
			// A yield to the event loop after each round lets a node's code go on after a request it
			// awaited, and start the next (or an execution), before settled() decides nothing is left.
			do {
				await Promise.allSettled([...pending]);
				await new Promise((resolve) => setImmediate(resolve));
			} while (pending.size > 0);
		},
		async close() {
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				for (const socket of sockets) socket.destroy();
			});
		},
	};
}

export async function readRaw(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

/** Records what the n8n logger receives (node contexts log through `Container.get(Logger)`). */
export function captureLogger(logs: LogLine[]): () => void {
	const logger = Container.get(Logger);
	const originals = LOG_LEVELS.map((level) => [level, logger[level]] as const);
	for (const [level, original] of originals) {
		logger[level] = (message: string, metadata?: never) => {
			logs.push({ level, message, metadata: metadata === undefined ? undefined : deepCopy(metadata) });
			original.call(logger, message, metadata);
		};
	}
	return () => {
		for (const [level, original] of originals) logger[level] = original;
	};
}

