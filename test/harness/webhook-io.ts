/**
 * What the webhook harnesses (a trigger's webhook, a waiting node's resume URL) share: the
 * Downstream node that records what reaches it, n8n's request body parsing, the few express
 * additions nodes use on the request and response, and a capture of n8n's logger.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parse as parseQueryString } from 'node:querystring';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import {
	deepCopy,
	jsonParse,
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

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

/** The body as n8n's `parseBody` leaves it on `req.body`. */
export function parseBody(raw: Buffer, contentType: string): { body: unknown } | { error: string } {
	if (raw.length === 0) return { body: undefined };
	const text = raw.toString('utf8').replace(/^\uFEFF/, '');
	try {
		if (contentType === 'application/json') return { body: jsonParse<unknown>(text) };
		if (contentType === 'application/x-www-form-urlencoded') return { body: { ...parseQueryString(text) } };
		if (contentType === 'text/plain') return { body: text };
	} catch (error) {
		return { error: (error as Error).message };
	}
	return { body: undefined };
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
 * The request as n8n hands it to a node's webhook: its body as n8n's `parseBody` leaves it, and the
 * express request; or, for a body that does not parse, why n8n answers 422 before the node runs.
 */
export function webhookRequest(
	req: IncomingMessage,
	raw: Buffer,
	url: URL,
): { body: unknown; httpRequest: NonNullable<IWorkflowExecuteAdditionalData['httpRequest']> } | { error: string } {
	const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	const parsed = parseBody(raw, contentType);
	if ('error' in parsed) return parsed;
	return {
		body: parsed.body,
		httpRequest: toExpressRequest(req, {
			body: parsed.body,
			rawBody: raw,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			contentType,
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

