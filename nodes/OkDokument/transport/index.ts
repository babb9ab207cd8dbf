import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { jsonParse, NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { apiKeyProblem, OKDOKUMENT_ENVIRONMENT_URLS } from '../../../credentials/OkDokumentApi.credentials';
import { refuseReportedFailure } from '../helpers/answers';
import type { StatusHints } from '../helpers/errors';
import {
	classifyNetworkFailure,
	errorFromNetworkFailure,
	errorFromResponse,
	noteAttempts,
} from '../helpers/errors';
import type { Redactor } from '../helpers/secrets';
import { redactor } from '../helpers/secrets';
import { describeCharacter, findForbiddenCharacter } from '../helpers/validation';
import type { RequestSettings } from './requestOptions';
import { readRequestOptions } from './requestOptions';
import {
	DEFAULT_MAX_ATTEMPTS,
	DEFAULT_RETRY,
	DEFAULT_RETRY_DELAY_MS,
	DEFAULT_TIMEOUT_MS,
	delayBeforeRetry,
	isTransientNetworkFailure,
	isTransientStatus,
	MAX_RETRY_AFTER_MS,
	parseRetryAfter,
} from '../helpers/retry';

export const CREDENTIAL_TYPE = 'okDokumentApi';
export { DEFAULT_TIMEOUT_MS };

const IDEMPOTENT_METHODS = new Set<IHttpRequestMethods>(['GET', 'HEAD', 'PATCH', 'PUT']);

/**
 * The action node for an item, the trigger while it handles a callback or checks for missed events, or
 * the editor asking the node for a list (the Document ID's From List).
 */
export type OkDokumentContext = IExecuteFunctions | IWebhookFunctions | IPollFunctions | ILoadOptionsFunctions;

export interface OkDokumentRequest {
	method: IHttpRequestMethods;
	/** Path under the base URL, starting with /JSON. */
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	/** What a status means for this operation, shown as the error's description. */
	statusHints?: StatusHints;
	/** What the request does, as a failure names it ("deleting the document"). */
	action?: string;
	/**
	 * Whether sending the request twice ends as sending it once did, answer included. Decides
	 * which failures are retried. By default reads and PATCH are; POST is not (a second
	 * signature request), nor DELETE (the repeat would answer "does not exist").
	 */
	idempotent?: boolean;
	/**
	 * Limits that win over the node's options, for a request someone waits on (OKdokument waits
	 * for the answer to its callback while the node confirms it): its timeout and attempts in all.
	 */
	limits?: RequestLimits;
}

export interface RequestLimits {
	timeoutMs: number;
	attempts: number;
}

export interface DownloadedFile {
	data: Buffer;
	contentType?: string;
	/** From Content-Disposition, when OKdokument sent one. */
	fileName?: string;
}

interface Connection {
	baseUrl: string;
	/** Hides the API key in what an answer brings back. */
	redact: Redactor;
	/**
	 * The credential as read once for this execution, for httpRequestWithAuthentication, which
	 * otherwise reads (decrypts, resolves) the credential again for every request.
	 */
	credentialOptions: { credentialsDecrypted: ICredentialsDecrypted };
	/** The node's Options, read once, when none of them is an expression; else undefined. */
	fixedSettings?: RequestSettings;
}

interface HttpAnswer {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/** An answer's body as text and as parsed JSON (undefined when it is none), both without the API key. */
interface AnswerBody {
	text: () => string;
	json: () => unknown;
}

/** Turns a 2xx answer into the result, or undefined when it is not what the operation expects. */
type AnswerReader<T> = (answer: HttpAnswer, body: AnswerBody) => T | undefined;

/** The credential is read once per execution, not once per item. */
const connections = new WeakMap<OkDokumentContext, Promise<Connection>>();

/**
 * What is wrong with a custom Base URL, or undefined: an absolute http(s) URL, as n8n's HTTP client (and so the
 * credential test) reads it, to which each request's path (/JSON/…) is added: so no query or fragment, which would
 * swallow that path, and no /JSON of its own.
 */
function baseUrlProblem(baseUrl: string): string | undefined {
	let url: URL;
	try {
		url = new URL(baseUrl);
	} catch {
		return 'is not an absolute http(s) URL';
	}
	// n8n's HTTP client takes a URL without "//" after the scheme (http:host) for a relative one.
	if (!/^https?:\/\//i.test(baseUrl) || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
		return 'is not an absolute http(s) URL';
	}
	// Each request's URL is this text with its path added: a space left before the path breaks it.
	const forbidden = findForbiddenCharacter(baseUrl);
	if (forbidden !== undefined) return `contains ${describeCharacter(forbidden)}`;
	if (/[?#]/.test(baseUrl)) return 'has a query or fragment (? or #), which the path of each request cannot follow';
	if (/\/JSON$/i.test(url.pathname)) return 'ends in /JSON, which the node adds to each request itself';
	return undefined;
}

function credentialError(context: OkDokumentContext, label: string, problem: string, hint: string): NodeOperationError {
	return new NodeOperationError(context.getNode(), `The ${label} in the OKdokument credential ${problem}`, { description: hint });
}

async function openConnection(this: OkDokumentContext): Promise<Connection> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const environment = credentials.environment as string | undefined;
	let baseUrl: string;
	if (environment === 'custom') {
		baseUrl = (typeof credentials.baseUrl === 'string' ? credentials.baseUrl : '').trim().replace(/\/+$/, '');
		const problem = baseUrlProblem(baseUrl);
		if (problem !== undefined) {
			throw credentialError(
				this,
				'Base URL',
				problem,
				'Open the credential and enter the scheme and host, such as http://127.0.0.1:8787, or choose the Production or Development environment.',
			);
		}
	} else {
		baseUrl =
			environment === 'development'
				? OKDOKUMENT_ENVIRONMENT_URLS.development
				: OKDOKUMENT_ENVIRONMENT_URLS.production;
	}
	const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey.trim() : credentials.apiKey;
	const keyProblem = apiKey === undefined || apiKey === null || apiKey === '' ? 'is empty' : apiKeyProblem(apiKey);
	if (keyProblem !== undefined) {
		throw credentialError(this, 'API Key', keyProblem, 'Open the credential and paste the key OKdokument issued again. Nothing was sent.');
	}
	const redact = redactor(apiKey as string);
	const reference = this.getNode().credentials?.[CREDENTIAL_TYPE];
	return {
		baseUrl,
		redact,
		credentialOptions: {
			credentialsDecrypted: {
				id: reference?.id ?? '',
				name: reference?.name ?? '',
				type: CREDENTIAL_TYPE,
				data: credentials,
			},
		},
		fixedSettings: readFixedSettings(this),
	};
}

function getConnection(this: OkDokumentContext): Promise<Connection> {
	let connection = connections.get(this);
	if (!connection) {
		connection = openConnection.call(this);
		connections.set(this, connection);
	}
	return connection;
}

/** The base URL requests go to, as the credential names it (no trailing slash). */
export async function okDokumentBaseUrl(this: OkDokumentContext): Promise<string> {
	return (await getConnection.call(this)).baseUrl;
}

const DEFAULT_SETTINGS: RequestSettings = {
	timeoutMs: DEFAULT_TIMEOUT_MS,
	retry: { enabled: DEFAULT_RETRY, maxAttempts: DEFAULT_MAX_ATTEMPTS, firstDelayMs: DEFAULT_RETRY_DELAY_MS },
};

/** The action node's Options for this item, checked; the trigger and the editor's lists use the defaults. */
function readSettings(context: OkDokumentContext, itemIndex: number): RequestSettings {
	return isActionNode(context) ? readRequestOptions(context, itemIndex) : DEFAULT_SETTINGS;
}

function withLimits(settings: RequestSettings, limits: RequestLimits | undefined): RequestSettings {
	if (!limits) return settings;
	return { timeoutMs: limits.timeoutMs, retry: { ...settings.retry, maxAttempts: limits.attempts } };
}

function isActionNode(context: OkDokumentContext): context is IExecuteFunctions {
	return 'getInputData' in context;
}

/** n8n's own test: a parameter value is an expression when it is a string starting with "=". */
function isExpression(value: unknown): boolean {
	return typeof value === 'string' && value.startsWith('=');
}

/**
 * Options without an expression cannot differ between items, so they are read once for the
 * run instead of once per request (each read resolves and validates the value again).
 * Undefined when any option is an expression: those are read for each item's requests.
 */
function readFixedSettings(context: OkDokumentContext): RequestSettings | undefined {
	if (!isActionNode(context)) return readSettings(context, 0);
	try {
		const raw = context.getNodeParameter('options', 0, {}, { rawExpressions: true });
		if (raw === null || typeof raw !== 'object' || Object.values(raw).some(isExpression)) return undefined;
		return readSettings(context, 0);
	} catch {
		// Whatever failed fails again, and for its own item, when the item reads its options.
		return undefined;
	}
}

function header(headers: Record<string, unknown>, name: string): string | undefined {
	const value = headers[name.toLowerCase()];
	return typeof value === 'string' ? value : undefined;
}

function parseJson(text: string): unknown {
	try {
		return jsonParse<unknown>(text);
	} catch {
		return undefined;
	}
}

function bodyText(body: unknown): string {
	if (typeof body === 'string') return body;
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
	return JSON.stringify(body ?? '');
}

interface AttemptFailure {
	error: NodeApiError;
	transient: boolean;
	retryAfterMs?: number;
}

type AttemptOutcome<T> = { result: T } | AttemptFailure;

/** Sends the request once; any answer but one the reader accepts comes back as a failure. */
async function attempt<T>(
	this: OkDokumentContext,
	options: IHttpRequestOptions,
	request: OkDokumentRequest,
	connection: Connection,
	itemIndex: number,
	read: AnswerReader<T>,
): Promise<AttemptOutcome<T>> {
	const idempotent = request.idempotent ?? IDEMPOTENT_METHODS.has(request.method);
	let answer: HttpAnswer;
	try {
		answer = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			CREDENTIAL_TYPE,
			options,
			connection.credentialOptions,
		)) as HttpAnswer;
	} catch (error) {
		const failure = classifyNetworkFailure(error);
		return {
			error: errorFromNetworkFailure(this.getNode(), failure, {
				baseUrl: connection.baseUrl,
				timeoutMs: options.timeout ?? DEFAULT_TIMEOUT_MS,
				itemIndex,
				redact: connection.redact.text,
			}),
			transient: isTransientNetworkFailure(failure.code, failure.timedOut, idempotent),
		};
	}

	// A server that echoes the key back must not put it into items or errors.
	let text: string | undefined;
	let json: { value: unknown } | undefined;
	const body: AnswerBody = {
		text: () => (text ??= connection.redact.text(bodyText(answer.body))),
		// Only a JSON escape (a backslash) can hide the key from the text's check: the parsed value is checked then.
		json: () => {
			json ??= { value: parseJson(body.text()) };
			if (body.text().includes('\\')) json.value = connection.redact.value(json.value);
			return json.value;
		},
	};
	const isSuccess = answer.statusCode >= 200 && answer.statusCode < 300;
	if (isSuccess) {
		const result = read(answer, body);
		if (result !== undefined) return { result };
	}

	const headers = answer.headers ?? {};
	const report = body.json();
	const isReport = report !== null && typeof report === 'object';
	const retryAfterMs = parseRetryAfter(header(headers, 'retry-after'));
	const location = header(headers, 'location');
	return {
		error: errorFromResponse(
			this.getNode(),
			{
				statusCode: answer.statusCode,
				report: isReport ? (report as IDataObject) : undefined,
				text: isReport ? undefined : body.text(),
				contentType: header(headers, 'content-type'),
				location: location && connection.redact.text(location),
				retryAfterMs,
			},
			itemIndex,
			request.statusHints,
		),
		transient: !isSuccess && isTransientStatus(answer.statusCode, idempotent),
		retryAfterMs,
	};
}

/**
 * Sends one request to OKdokument, retrying temporary failures as the node's options say.
 * Every failure becomes a fresh NodeApiError built from what OKdokument said, never from
 * the helper's error, which carries the request (and so the API key) in its cause.
 */
async function send<T>(
	this: OkDokumentContext,
	request: OkDokumentRequest,
	itemIndex: number,
	encoding: 'text' | 'arraybuffer',
	read: AnswerReader<T>,
): Promise<T> {
	const connection = await getConnection.call(this);
	const settings = withLimits(connection.fixedSettings ?? readSettings(this, itemIndex), request.limits);
	const abortSignal = 'getExecutionCancelSignal' in this ? this.getExecutionCancelSignal?.() : undefined;
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${connection.baseUrl}${request.path}`,
		body: request.body,
		qs: request.qs,
		json: encoding === 'text',
		// Bodies are read raw: a proxy's HTML page must not turn into a JSON parse error.
		encoding,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// The key goes only to the credential's base URL: a followed redirect would send x-api-key
		// to whatever host the Location names (only Authorization and Cookie are dropped across hosts).
		// A redirect comes back as a 3xx, which the error says. It also saves the redirect layer's
		// work on every request.
		disableFollowRedirect: true,
		timeout: settings.timeoutMs,
	};
	if (abortSignal) options.abortSignal = abortSignal;

	const attempts = settings.retry.enabled ? settings.retry.maxAttempts : 1;
	for (let attemptNumber = 1; ; attemptNumber++) {
		const outcome = await (attempt<T>).call(this, options, request, connection, itemIndex, read);
		if ('result' in outcome) return outcome.result;

		const { error, transient, retryAfterMs } = outcome;
		const finalAttempt = !transient || attemptNumber >= attempts || abortSignal?.aborted === true;
		const delay = finalAttempt ? undefined : delayBeforeRetry(attemptNumber, settings.retry, retryAfterMs);
		if (delay === undefined) {
			const waitTooLong =
				!finalAttempt && retryAfterMs !== undefined
					? `OKdokument asked to wait ${Math.ceil(retryAfterMs / 1000)} s, longer than the node waits (${MAX_RETRY_AFTER_MS / 1000} s).`
					: undefined;
			throw noteAttempts(error, attemptNumber, waitTooLong);
		}
		await waitUnlessAborted(delay, abortSignal);
		if (abortSignal?.aborted) throw noteAttempts(error, attemptNumber);
	}
}

/** Waits before a retry, but not past the execution being cancelled. */
async function waitUnlessAborted(ms: number, signal: AbortSignal | undefined): Promise<void> {
	if (!signal) return await sleep(ms);
	let onAbort = () => {};
	const aborted = new Promise<void>((resolve) => {
		onAbort = resolve;
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([sleep(ms), aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

const readObject: AnswerReader<IDataObject> = (_answer, body) => {
	const value = body.json();
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as IDataObject)
		: undefined;
};

const readList: AnswerReader<IDataObject[]> = (_answer, body) => {
	const value = body.json();
	return Array.isArray(value) ? (value as IDataObject[]) : undefined;
};

/** RFC 6266: the exact `filename*=UTF-8''…` when given, else the plain `filename` (never decoded: it may hold a '%'). */
function fileNameOf(disposition: string): string | undefined {
	const encoded = /filename\*\s*=\s*UTF-8''([^;\s]+)/i.exec(disposition)?.[1];
	if (encoded) {
		try {
			return decodeURIComponent(encoded);
		} catch {
			// Malformed: fall back to the plain name.
		}
	}
	return /filename\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(disposition)?.slice(1).find(Boolean);
}

const readFile: AnswerReader<DownloadedFile> = (answer) => {
	const { body, headers } = answer;
	const data = Buffer.isBuffer(body)
		? body
		: body instanceof ArrayBuffer
			? Buffer.from(body)
			: undefined;
	if (!data) return undefined;
	return {
		data,
		contentType: header(headers ?? {}, 'content-type'),
		fileName: fileNameOf(header(headers ?? {}, 'content-disposition') ?? ''),
	};
};

/** A request whose answer is a JSON object. */
export async function okDokumentApiRequest(
	this: OkDokumentContext,
	request: OkDokumentRequest,
	itemIndex: number,
): Promise<IDataObject> {
	const answer = await (send<IDataObject>).call(this, request, itemIndex, 'text', readObject);
	refuseReportedFailure(this, answer, itemIndex, request.action ?? 'the request');
	return answer;
}

/** A request whose answer is a JSON array. */
export async function okDokumentApiRequestList(
	this: OkDokumentContext,
	request: OkDokumentRequest,
	itemIndex: number,
): Promise<IDataObject[]> {
	return await (send<IDataObject[]>).call(this, request, itemIndex, 'text', readList);
}

/** A request whose answer is a file (the signed PDF). */
export async function okDokumentDownload(
	this: OkDokumentContext,
	request: OkDokumentRequest,
	itemIndex: number,
): Promise<DownloadedFile> {
	return await (send<DownloadedFile>).call(this, request, itemIndex, 'arraybuffer', readFile);
}
