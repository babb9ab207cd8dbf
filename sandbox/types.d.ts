// Internal types of the sandbox's modules (checked with // @ts-check).
import type { CallbackDelivery, Dialect, DocumentRecord, RecordedRequest, SentEmail, SignatureRequestRecord } from './server';

/** What a route handler returns; `json` wins over `body`. */
export interface Reply {
	status: number;
	json?: unknown;
	body?: string | Buffer;
	headers?: Record<string, string>;
	/** What the JSON is, so that dialects.js can rewrite it for the connector: a wiki error or success answer. */
	shape?: 'error' | 'answer';
}

/** The in-memory account (see state.js). */
export interface State {
	signatureRequests: Map<string, SignatureRequestRecord>;
	documents: Map<string, DocumentRecord>;
	stats: { signatureRequestsUsed: number; downloaded: number; deletedFiles: number };
	/** The signing-link e-mails "sent" (emails.js), oldest first. */
	emails: SentEmail[];
	/** Every sendInfo callback delivered (or tried), oldest first. */
	callbacks: CallbackDelivery[];
	/** Counter behind newId(). */
	sequence: number;
}

export interface Context {
	request: RecordedRequest;
	/** Raw body bytes (for binary or multipart routes). */
	buffer: Buffer;
	/** Path parameters, e.g. { documentId } for '/JSON/document/:documentId'. */
	params: Record<string, string>;
	state: State;
	/** Base URL of the sandbox, no trailing slash. */
	url: string;
	/** The documented dialect the sandbox speaks now. */
	dialect: Dialect;
	/** How signing pages deliver callbacks: given up on when the sandbox stops, or after timeoutMs. */
	delivery: { signal: AbortSignal; timeoutMs: number };
}

export interface Route {
	method: string;
	path: string;
	/** Only in these dialects (default: both); elsewhere the path answers as if the route did not exist. */
	dialects?: Dialect[];
	handler: (ctx: Context) => Reply | Promise<Reply>;
}
