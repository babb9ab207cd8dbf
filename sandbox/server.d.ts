// Types for sandbox/server.js (plain CommonJS, checked with // @ts-check against this file).
// Dev tooling only: the sandbox is never shipped in the package.

import type { IncomingHttpHeaders } from 'node:http';

/** The key the sandbox accepts when no `apiKeys` are given. Obviously fake, shaped like `<hex>_<hex>`. */
export declare const DEFAULT_API_KEY: string;

/**
 * Which documentation the sandbox follows where the two disagree (docs 8.6, 8.8, 8.9, 8.10):
 * - 'wiki' (default): answers `{message, result, url, documentId}`, errors `{message, value}`, callbacks
 *   `{state, id, signatureRequestId}`, `PATCH /JSON/signatureRequest`; accepts both encodings of `rules` and
 *   `allowedFields`.
 * - 'connector' (the Power Automate connector's definition): answers `{code, message, result, statusCode, url,
 *   success}` without `documentId`, errors `{code, message, result, statusCode, success}`, callbacks `{code, message,
 *   result, statusCode, url, success}`; PATCH answers 405, `POST /JSON/signatureRequest/{id}` with `{sendInfoURL}`
 *   sets the callback instead; Create needs `id` and `changeState` (no inline `filedata`); `rules` must be a string
 *   and `allowedFields` values strings, as the connector types them.
 */
export type Dialect = 'wiki' | 'connector';

/** Both dialects, the default first. */
export declare const DIALECTS: readonly Dialect[];

/** Document / signing states from the API docs (section 5). */
export type DocumentState = 'tags' | 'tostamp' | 'tosign' | 'signed' | 'errorsendinfo' | 'canceled';

export interface ApiKeyAccess {
	/** `false` makes every /JSON call with this key answer 403 err.forbidden. */
	permitted: boolean;
}

export interface SignatureRequestRecord {
	signatureRequestId: string;
	documentId: string;
	sendInfoURL: string;
	resulturl: string;
	state: DocumentState;
	/** What Create was sent (docs 3.1.1), stored as received; absent for seeded records unless given. */
	expirationTime?: string;
	rules?: Record<string, unknown> | string;
	allowedFields?: Record<string, string | string[]>;
	fieldConfig?: Array<{ name: string; value: string; readOnly?: boolean }>;
	ignoreRequired?: string[];
	fieldsBeforeSigning?: 'flatten' | 'readOnly' | 'keep';
	/** How the signing round ended, once it has (kept when a failed callback turns the state into errorsendinfo). */
	outcome?: 'signed' | 'canceled';
}

/** A stored document (docs 3.6, 3.7): what List and Document Info show, plus its bytes. */
export interface DocumentRecord {
	id: string;
	filename: string;
	state: DocumentState;
	/** The uploaded file. */
	content: Buffer;
	/** The signed PDF, once signed. */
	signedContent?: Buffer;
	/** 'YYYY-MM-DD HH:mm:ss' */
	modification: string;
	/** Epoch ms of the upload. */
	date: number;
	/** A running number, as digits. */
	number: string;
	group: string;
}

/** Only `content` is required; the ID is generated unless given, the file name defaults to `<id>.pdf`, the state to 'tosign'. */
export interface DocumentInput {
	id?: string;
	filename?: string;
	content: Buffer;
	state?: DocumentState;
	/** The signed PDF, which Download then returns instead of `content`. */
	signedContent?: Buffer;
	/** When it was uploaded (epoch ms, also its `modification`), as if stored earlier; default now. */
	date?: number;
}

/** Only `signatureRequestId` is required; the rest defaults to `doc-<id>`, '', '', 'tosign'. */
export type SignatureRequestInput = Partial<SignatureRequestRecord> & { signatureRequestId: string };

export interface SigningOptions {
	/** The signer's browser locale, passed on as `lang` in the redirect; default 'en'. */
	lang?: string;
	/**
	 * Default true. false: the callback is not sent at all, as when the receiver (n8n) was down or
	 * unreachable at the moment of signing; the document ends in 'errorsendinfo'.
	 */
	deliverCallback?: boolean;
}

/** The end of a signing round (docs 4.1, 4.2). */
export interface SigningResult {
	/**
	 * Status of the answer to the sendInfo callback (POST, JSON `{state, id, signatureRequestId}`, or the
	 * connector's shape in that dialect, no authentication); null when the request has no sendInfoURL or no answer came.
	 */
	callbackStatus: number | null;
	/** Why no answer came (connection refused, timeout, ...), when the callback got none. */
	callbackError?: string;
	/** The document's state afterwards: 'signed' or 'canceled', or 'errorsendinfo' when the callback was not answered 200. */
	state: DocumentState;
	/** Where the signer's browser goes: the result URL (default: the sandbox's /thankYouPage.html) with name, docid, lang, result (success | close) and ts. */
	redirect: string;
}

export interface SandboxOptions {
	/** Default '127.0.0.1'. */
	host?: string;
	/** Default 0 (a random free port). */
	port?: number;
	/** Default `{ [DEFAULT_API_KEY]: { permitted: true } }`. */
	apiKeys?: Record<string, ApiKeyAccess>;
	/** Seed state; `reset()` returns to it. */
	signatureRequests?: SignatureRequestInput[];
	/** Default 'wiki'; `reset()` returns to it. */
	dialect?: Dialect;
	/** Default true: no console output. */
	quiet?: boolean;
	/** Custom sink for the one-line-per-request log; overrides `quiet`. */
	log?: (line: string) => void;
	/**
	 * How long the signer waits for the answer to a sendInfo callback, in ms; default 10000. A callback not
	 * answered in time leaves the document errorsendinfo, as any failed delivery does. `reset()` returns to it.
	 */
	callbackTimeoutMs?: number;
}

/**
 * The e-mail with the signing link that OKdokument sends when a new request's rules set `emailTo` (with
 * `emailFrom`, which it requires: without it Create answers 400 err.missing.emailFrom). Recorded, never sent.
 */
export interface SentEmail {
	/** Always okdokument@okdokument.sk (docs §6). */
	from: string;
	/** The signer: the rule emailTo. */
	to: string;
	/** Where replies go: the rule emailFrom. */
	replyTo: string;
	/** The rule nameFrom, when set. */
	senderName?: string;
	/** The rule emailMessage, when set. */
	message?: string;
	signatureRequestId: string;
	documentId: string;
	/** The signing link it carries: {base}/openDocument/<signatureRequestId>. */
	url: string;
	/** Epoch ms. */
	sentAt: number;
}

/** One delivery of a sendInfo callback (docs 4.1), as the signer sent it. */
export interface CallbackDelivery {
	url: string;
	signatureRequestId: string;
	/** The JSON body, in the dialect spoken when it was sent. */
	payload: Record<string, unknown>;
	/** The answer's status; null when none came (refused, timed out). */
	status: number | null;
	error?: string;
	/** Epoch ms when it was sent, and when its answer came or the signer gave up. */
	sentAt: number;
	answeredAt: number;
}

export interface RecordedRequest {
	method: string;
	/** Path as received (still percent-encoded), without the query string. */
	path: string;
	query: Record<string, string>;
	/** Lower-cased header names, values as received (including x-api-key). */
	headers: IncomingHttpHeaders;
	rawBody: string;
	/** Parsed JSON, or undefined when the body is empty or not JSON. */
	body: unknown;
	/** Date.now() when the request arrived. */
	receivedAt: number;
	/** Date.now() when the answer was sent in full (undefined while it is not, or for a dropped connection). */
	answeredAt?: number;
	/** The fault that answered instead of the API ('drop', 'status', …, or 'chaos:429' / 'chaos:503' / 'chaos:drop'). */
	fault?: string;
}

/**
 * A seeded share of transient failures, decided before the request is processed (so a failed
 * request changes nothing). The verdict for a request depends only on the seed, its method, path
 * and body, and how many identical requests came before it: repeatable whatever the arrival order.
 */
export interface ChaosOptions {
	/** Share of requests that fail, 0..1. */
	rate: number;
	/** Default 1. */
	seed?: number;
	/** Which failures to mix; default all three: 429 (with Retry-After), 503, dropped connection. */
	kinds?: Array<'429' | '503' | 'drop'>;
	/** Retry-After of the 429s, in seconds; default 0. */
	retryAfterSeconds?: number;
}

export interface FaultScope {
	/** Number of matching requests the fault applies to; default: until cleared. */
	times?: number;
	/** Only requests whose path starts with this prefix; default: all paths. */
	path?: string;
}

export type Fault = FaultScope &
	(
		| { type: 'status'; status?: number; body?: unknown } // JSON report; default 500 {"message":"err.internal","value":""}
		| { type: 'html'; status?: number } // proxy-style HTML error page; default 502
		| { type: 'empty'; status?: number } // no body at all; default 500
		| { type: 'text'; status?: number; body?: string } // text/plain; default 200 'not json'
		| { type: 'redirect'; status?: number; location: string } // no body, a Location header; default 307
		| { type: 'delay'; ms: number } // normal answer, but late
		| { type: 'hold' } // normal answer once releaseHeld() is called: requests that arrived apart are answered together
		| { type: 'drop' } // socket destroyed without an answer
	);

export interface Sandbox {
	/** e.g. 'http://127.0.0.1:12345', no trailing slash. */
	readonly url: string;
	readonly port: number;
	/** Every received request in arrival order (faulted ones included). Live array. */
	readonly requests: RecordedRequest[];
	/** The most requests being handled at the same time since start, reset() or clearRequests(). */
	readonly maxConcurrentRequests: number;
	/** The dialect it speaks now. */
	readonly dialect: Dialect;
	/** Speaks this dialect from the next request (and callback) on; `reset()` returns to the one it started with. */
	setDialect(dialect: Dialect): void;
	clearRequests(): void;
	/** A copy of the stored record, or undefined. */
	getSignatureRequest(id: string): SignatureRequestRecord | undefined;
	/** Copies of every stored signature request (seeded, added, created through the API), in creation order. */
	listSignatureRequests(): SignatureRequestRecord[];
	/** Adds or replaces one record; returns a copy of what was stored. */
	addSignatureRequest(record: SignatureRequestInput): SignatureRequestRecord;
	/** Copies of the signing-link e-mails sent since the start or the last reset(), oldest first. */
	readonly emails: SentEmail[];
	/** Copies of every sendInfo callback delivered (or tried) since the start or the last reset(), oldest first. */
	readonly callbacks: CallbackDelivery[];
	/** How long the signer waits for a callback's answer from now on (ms); reset() restores the start value. */
	setCallbackTimeout(ms: number): void;
	/** A copy of the stored document (bytes included), or undefined. */
	getDocument(id: string): DocumentRecord | undefined;
	/** Stores a document as an upload would ('tags' and 'tostamp' end in 'tosign'); returns a copy. */
	addDocument(input: DocumentInput): DocumentRecord;
	/**
	 * The signer signs (see SigningResult): the document becomes 'signed' with a signed PDF, then
	 * the sendInfo callback is POSTed and its answer awaited. Rejects (SigningRefused) for an
	 * unknown, finished or expired request.
	 */
	sign(signatureRequestId: string, options?: SigningOptions): Promise<SigningResult>;
	/** The signer presses Cancel: as `sign`, with 'canceled' and result=close. */
	cancel(signatureRequestId: string, options?: SigningOptions): Promise<SigningResult>;
	/**
	 * POSTs a finished round's callback (in the current dialect's shape) once more (as OKdokument might
	 * after a failed delivery) and resolves with the answer's status (null and `error` when none came).
	 * The document's state does not change. Rejects (SigningRefused) for an unknown or unfinished request.
	 */
	redeliverCallback(signatureRequestId: string): Promise<{ status: number | null; error?: string }>;
	/**
	 * Restores the seed state (no e-mails), the starting dialect and callback timeout, and clears the request log,
	 * all faults, latency and chaos.
	 */
	reset(): void;
	/** Answers every request this many ms late (simulated network and server time); 0 turns it off. */
	setLatency(ms: number): void;
	/** Fails a seeded share of requests transiently (see ChaosOptions); undefined turns it off. */
	setChaos(options: ChaosOptions | undefined): void;
	/** Queues a fault. Faults are checked in the order they were set; the first matching one wins. */
	setFault(fault: Fault): void;
	clearFaults(): void;
	/** Lets every request a 'hold' fault keeps waiting go on to its normal answer; returns how many. stop() does too. */
	releaseHeld(): number;
	/** Closes the server, destroys open sockets and pending delay timers. Idempotent. */
	stop(): Promise<void>;
}

export declare function startSandbox(options?: SandboxOptions): Promise<Sandbox>;

/** Example seed used by the CLI: `count` records, ids sr-demo-1, sr-demo-2, ..., the last one UUID-shaped when count >= 2. */
export declare function demoSignatureRequests(count?: number): SignatureRequestRecord[];
