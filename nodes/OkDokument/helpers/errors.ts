import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

type Failure = NonNullable<NodeApiError['failure']>;

/** What an operation may tell the user about a status that means something specific for it. */
export type StatusHints = Partial<Record<number, string>>;

/** An HTTP answer that was not 2xx, or a 2xx that could not be read. */
export interface FailedResponse {
	statusCode: number;
	/** Parsed JSON report, when the body was JSON. */
	report?: IDataObject;
	/** The raw body, already stripped of secrets, when it was not JSON. */
	text?: string;
	contentType?: string;
	/** Where a redirect (3xx) pointed, already stripped of secrets. */
	location?: string;
	/** Milliseconds the server asked us to wait (Retry-After), when it did. */
	retryAfterMs?: number;
}

const STATUS_HEADLINES: Record<number, string> = {
	400: 'OKdokument rejected the request',
	401: 'OKdokument rejected the API key',
	403: 'This API key is not allowed to do that',
	404: 'OKdokument could not find what was asked for',
	405: 'OKdokument does not allow this method here',
	409: 'OKdokument reports a conflict',
	429: 'OKdokument is receiving too many requests',
};

const STATUS_DESCRIPTIONS: Record<number, string> = {
	400: 'Check the values sent to OKdokument.',
	401: 'Check the API key and the environment in the OKdokument credential: a key only works in the environment (Production or Development) that issued it.',
	403: 'The API key is valid but lacks permission for this operation. Ask OKdokument to grant it, or use a key that has it.',
	404: 'Check the ID: it may never have existed, or OKdokument may have deleted it.',
	429: 'Wait a moment and run the workflow again, or send fewer requests at once.',
};

const SERVER_FAILURE_DESCRIPTION =
	'The failure is on OKdokument’s side, not in your workflow. Retrying later may help; if it keeps failing, contact OKdokument support.';

function headline(statusCode: number): string {
	if (STATUS_HEADLINES[statusCode]) return STATUS_HEADLINES[statusCode];
	if (statusCode >= 500) return 'OKdokument failed to process the request';
	return 'OKdokument answered with an error';
}

function isRedirect(statusCode: number): boolean {
	return statusCode >= 300 && statusCode < 400;
}

/** The transport never follows a redirect, so that the API key goes nowhere but to the base URL. */
function describeRedirect(location: string | undefined): string {
	return `The node does not follow redirects, so that the API key is only ever sent to the base URL of the OKdokument credential${location ? `, not to ${location}` : ''}. If OKdokument has moved, choose the matching environment or enter the new address as the Base URL; if a proxy in between redirects, check its settings.`;
}

function failureFor(response: FailedResponse): Failure | undefined {
	const { statusCode, retryAfterMs } = response;
	if (statusCode === 401) return { cause: 'credential-invalid' };
	if (statusCode === 400 || statusCode === 403 || statusCode === 404 || isRedirect(statusCode)) {
		return { cause: 'configuration-invalid' };
	}
	if (statusCode === 429) return { cause: 'rate-limited', retryAfterMs };
	if (statusCode === 502 || statusCode === 503 || statusCode === 504) {
		return { cause: 'temporarily-unavailable', retryAfterMs };
	}
	return undefined;
}

/** OKdokument's reports carry either a sentence ("View ID does not exist: x") or a code ("err.not.found"). */
function apiText(report: IDataObject | undefined): string | undefined {
	const message = report?.message;
	return typeof message === 'string' && message.trim() !== '' ? message.trim() : undefined;
}

function isSentence(text: string): boolean {
	return /\s/.test(text);
}

function describeNonJsonBody(response: FailedResponse): string {
	const text = response.text?.trim() ?? '';
	if (text === '') return 'The answer had an empty body instead of a JSON report.';
	const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
	const isHtml = /html/i.test(response.contentType ?? '') || /^<(!doctype|html)/i.test(text);
	if (title !== undefined || isHtml) {
		return `The answer was an HTML page${title ? ` ("${title}")` : ''} instead of a JSON report, which usually comes from a proxy or gateway in front of OKdokument.`;
	}
	const excerpt = text.length > 200 ? `${text.slice(0, 200)}…` : text;
	return `The answer was not JSON: "${excerpt}"`;
}

/**
 * NodeApiError rewrites messages that mention common error codes and prefers the body's
 * own `message`; we set the final wording ourselves so the user reads exactly this.
 */
function createApiError(
	node: INode,
	errorResponse: JsonObject,
	text: { message: string; description: string },
	options: { httpCode?: string; itemIndex: number; failure?: Failure },
): NodeApiError {
	const error = new NodeApiError(node, errorResponse, {
		message: text.message,
		description: text.description,
		httpCode: options.httpCode,
		itemIndex: options.itemIndex,
		failure: options.failure,
	});
	error.message = text.message;
	error.description = text.description;
	return error;
}

/** Maps an OKdokument answer that is not a readable success to the error the user sees. */
export function errorFromResponse(
	node: INode,
	response: FailedResponse,
	itemIndex: number,
	hints: StatusHints = {},
): NodeApiError {
	const { statusCode, report } = response;
	const text = apiText(report);
	const isSuccessStatus = statusCode >= 200 && statusCode < 300;

	let message: string;
	if (isSuccessStatus) message = `OKdokument answered HTTP ${statusCode} but the answer could not be read`;
	else if (isRedirect(statusCode)) message = `OKdokument answered with a redirect (HTTP ${statusCode})`;
	else if (text && isSentence(text)) message = text;
	else message = `${headline(statusCode)} (HTTP ${statusCode}${text ? `: ${text}` : ''})`;

	const meaning =
		hints[statusCode] ??
		STATUS_DESCRIPTIONS[statusCode] ??
		(statusCode >= 500 ? SERVER_FAILURE_DESCRIPTION : 'Check the values sent to OKdokument.');
	let description: string;
	// A redirect's body is a courtesy page; where it points is what matters.
	if (isRedirect(statusCode)) description = describeRedirect(response.location);
	else if (report) {
		description = isSuccessStatus ? 'The answer was JSON but not the object OKdokument documents.' : meaning;
	} else {
		description = `${describeNonJsonBody(response)} ${isSuccessStatus ? 'Retrying later may help.' : meaning}`;
	}

	const error = createApiError(node, (report ?? {}) as JsonObject, { message, description }, {
		httpCode: String(statusCode),
		itemIndex,
		failure: failureFor(response),
	});
	if (report) error.context.data = report;
	return error;
}

const NETWORK_CAUSES: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused (nothing is listening at that address)',
	ECONNRESET: 'the connection was closed before OKdokument answered',
	EPIPE: 'the connection was closed before OKdokument answered',
	ENOTFOUND: 'the host name could not be resolved',
	EAI_AGAIN: 'the host name could not be resolved (DNS did not answer)',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
	CERT_HAS_EXPIRED: 'the server’s TLS certificate has expired',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'the server’s TLS certificate is self-signed',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server’s TLS certificate could not be verified',
};

interface ErrorLike {
	code?: unknown;
	message?: unknown;
	cause?: unknown;
}

/** What is known of a request that got no HTTP answer. */
export interface NetworkFailure {
	code?: string;
	timedOut: boolean;
	/** The innermost error message, e.g. "connect ECONNREFUSED 127.0.0.1:9"; never the request. */
	detail: string;
}

/** Reads the error code and innermost message from an error and its causes. */
export function classifyNetworkFailure(error: unknown): NetworkFailure {
	let code: string | undefined;
	let detail = '';
	for (let current = error as ErrorLike | undefined, depth = 0; current && depth < 5; depth++) {
		if (code === undefined && typeof current.code === 'string' && current.code !== '') code = current.code;
		if (typeof current.message === 'string' && current.message !== '') detail = current.message;
		current = current.cause as ErrorLike | undefined;
	}
	const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(detail);
	return { code, timedOut, detail };
}

/** Maps a request that got no HTTP answer (refused, reset, DNS, timeout) to the error the user sees. */
export function errorFromNetworkFailure(
	node: INode,
	failure: NetworkFailure,
	context: { baseUrl: string; timeoutMs: number; itemIndex: number; redact: (text: string) => string },
): NodeApiError {
	const { code, timedOut } = failure;
	const detail = context.redact(failure.detail);
	const cause = timedOut
		? `no answer came within ${context.timeoutMs} ms`
		: ((code && NETWORK_CAUSES[code]) ?? 'the request failed before an answer came');
	return createApiError(
		node,
		{},
		{
			message: `Could not reach OKdokument at ${context.baseUrl}: ${cause}`,
			description: `${detail ? `Details: ${detail}. ` : ''}Check the environment or base URL in the OKdokument credential and the network between n8n and OKdokument.${timedOut ? ' If OKdokument is only slow, raise the timeout in the node options.' : ''}`,
		},
		{
			itemIndex: context.itemIndex,
			failure: timedOut || code === 'ECONNRESET' ? { cause: 'temporarily-unavailable' } : undefined,
		},
	);
}

/** Says on a final error how often the request was sent, when it was more than once. */
export function noteAttempts(error: NodeApiError, attempts: number, note?: string): NodeApiError {
	if (attempts > 1) {
		error.message = `${error.message} (after ${attempts} attempts)`;
		error.context.attempts = attempts;
	}
	if (note) error.description = `${note} ${error.description ?? ''}`.trim();
	return error;
}

/** Whatever was thrown while handling an item, as an n8n error that names the item. */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const nodeError = new NodeOperationError(node, error as Error, { itemIndex });
	// n8n keeps the message only of an `instanceof Error`, which an error from another realm (a vm) is not;
	// an item without one would pass for a success on the error output.
	if (!nodeError.message) {
		const message = (error as ErrorLike | undefined)?.message;
		nodeError.message = typeof message === 'string' && message !== '' ? message : String(error);
	}
	return nodeError;
}
