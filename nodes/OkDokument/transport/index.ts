import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
} from 'n8n-workflow';
import { jsonParse, NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { OKDOKUMENT_ENVIRONMENT_URLS } from '../../../credentials/OkDokumentApi.credentials';
import type { StatusHints } from '../helpers/errors';
import {
	classifyNetworkFailure,
	errorFromNetworkFailure,
	errorFromResponse,
	noteAttempts,
} from '../helpers/errors';
import type { RetryPolicy } from '../helpers/retry';
import {
	DEFAULT_MAX_ATTEMPTS,
	DEFAULT_RETRY,
	DEFAULT_RETRY_DELAY_MS,
	delayBeforeRetry,
	isTransientNetworkFailure,
	isTransientStatus,
	MAX_RETRY_AFTER_MS,
	parseRetryAfter,
} from '../helpers/retry';

export const CREDENTIAL_TYPE = 'okDokumentApi';
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface OkDokumentRequest {
	method: IHttpRequestMethods;
	/** Path under the base URL, starting with /JSON. */
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	/** What a status means for this operation, shown as the error's description. */
	statusHints?: StatusHints;
	/**
	 * Whether sending the request twice does no more than sending it once. Decides which
	 * failures are retried; by default everything but POST is.
	 */
	idempotent?: boolean;
}

interface Connection {
	baseUrl: string;
	redact: (text: string) => string;
}

interface HttpAnswer {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/** The credential is read once per execution, not once per item. */
const connections = new WeakMap<IExecuteFunctions, Promise<Connection>>();

function isHttpUrl(value: string): boolean {
	try {
		const { protocol } = new URL(value);
		return protocol === 'http:' || protocol === 'https:';
	} catch {
		return false;
	}
}

async function openConnection(this: IExecuteFunctions): Promise<Connection> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const environment = credentials.environment as string | undefined;
	let baseUrl: string;
	if (environment === 'custom') {
		baseUrl = String(credentials.baseUrl ?? '')
			.trim()
			.replace(/\/+$/, '');
		if (!isHttpUrl(baseUrl)) {
			throw new NodeOperationError(
				this.getNode(),
				'The Base URL in the OKdokument credential is not an absolute http(s) URL',
				{
					description:
						'Open the credential and enter a URL such as http://127.0.0.1:8787, or choose the Production or Development environment.',
				},
			);
		}
	} else {
		baseUrl =
			environment === 'development'
				? OKDOKUMENT_ENVIRONMENT_URLS.development
				: OKDOKUMENT_ENVIRONMENT_URLS.production;
	}
	const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey : '';
	const redact = (text: string) => (apiKey.length >= 4 ? text.split(apiKey).join('***') : text);
	return { baseUrl, redact };
}

function getConnection(this: IExecuteFunctions): Promise<Connection> {
	let connection = connections.get(this);
	if (!connection) {
		connection = openConnection.call(this);
		connections.set(this, connection);
	}
	return connection;
}

function header(headers: Record<string, unknown>, name: string): string | undefined {
	const value = headers[name.toLowerCase()];
	return typeof value === 'string' ? value : undefined;
}

function parseJsonObject(text: string): IDataObject | undefined {
	try {
		const value = jsonParse<unknown>(text);
		return value !== null && typeof value === 'object' ? (value as IDataObject) : undefined;
	} catch {
		return undefined;
	}
}

function readRetryPolicy(this: IExecuteFunctions, itemIndex: number): RetryPolicy {
	const option = (name: string, fallback: number | boolean) =>
		this.getNodeParameter(`options.${name}`, itemIndex, fallback);
	return {
		enabled: option('retry', DEFAULT_RETRY) !== false,
		maxAttempts: Math.max(1, Math.floor(Number(option('maxAttempts', DEFAULT_MAX_ATTEMPTS)))),
		firstDelayMs: Math.max(0, Number(option('retryDelay', DEFAULT_RETRY_DELAY_MS))),
	};
}

interface AttemptFailure {
	error: NodeApiError;
	transient: boolean;
	retryAfterMs?: number;
}

type AttemptOutcome = { report: IDataObject } | AttemptFailure;

/** Sends the request once; any answer but a readable success comes back as a failure. */
async function attempt(
	this: IExecuteFunctions,
	options: IHttpRequestOptions,
	request: OkDokumentRequest,
	connection: Connection,
	itemIndex: number,
): Promise<AttemptOutcome> {
	const idempotent = request.idempotent ?? request.method !== 'POST';
	let answer: HttpAnswer;
	try {
		answer = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			CREDENTIAL_TYPE,
			options,
		)) as HttpAnswer;
	} catch (error) {
		const failure = classifyNetworkFailure(error);
		return {
			error: errorFromNetworkFailure(this.getNode(), failure, {
				baseUrl: connection.baseUrl,
				timeoutMs: options.timeout ?? DEFAULT_TIMEOUT_MS,
				itemIndex,
				redact: connection.redact,
			}),
			transient: isTransientNetworkFailure(failure.code, failure.timedOut, idempotent),
		};
	}

	const headers = answer.headers ?? {};
	const raw = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? '');
	// A server that echoes the key back must not put it into items or errors.
	const text = connection.redact(raw);
	const report = parseJsonObject(text);
	const isSuccess = answer.statusCode >= 200 && answer.statusCode < 300;
	if (isSuccess && report && !Array.isArray(report)) return { report };

	const retryAfterMs = parseRetryAfter(header(headers, 'retry-after'));
	return {
		error: errorFromResponse(
			this.getNode(),
			{
				statusCode: answer.statusCode,
				report,
				text: report ? undefined : text,
				contentType: header(headers, 'content-type'),
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
 * Sends one request to OKdokument and returns its JSON answer, retrying temporary failures
 * as the node's options say. Every failure becomes a fresh NodeApiError built from what
 * OKdokument said, never from the helper's error, which carries the request (and so the
 * API key) in its cause.
 */
export async function okDokumentApiRequest(
	this: IExecuteFunctions,
	request: OkDokumentRequest,
	itemIndex: number,
): Promise<IDataObject> {
	const connection = await getConnection.call(this);
	const policy = readRetryPolicy.call(this, itemIndex);
	const abortSignal = this.getExecutionCancelSignal?.();
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${connection.baseUrl}${request.path}`,
		body: request.body,
		qs: request.qs,
		json: true,
		// Read the body as text: a proxy's HTML page must not turn into a JSON parse error.
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: this.getNodeParameter('options.timeout', itemIndex, DEFAULT_TIMEOUT_MS) as number,
		...(abortSignal ? { abortSignal } : {}),
	};

	const attempts = policy.enabled ? policy.maxAttempts : 1;
	for (let attemptNumber = 1; ; attemptNumber++) {
		const outcome = await attempt.call(this, options, request, connection, itemIndex);
		if ('report' in outcome) return outcome.report;

		const { error, transient, retryAfterMs } = outcome;
		const finalAttempt = !transient || attemptNumber >= attempts || abortSignal?.aborted === true;
		const delay = finalAttempt ? undefined : delayBeforeRetry(attemptNumber, policy, retryAfterMs);
		if (delay === undefined) {
			const waitTooLong =
				!finalAttempt && retryAfterMs !== undefined
					? `OKdokument asked to wait ${Math.ceil(retryAfterMs / 1000)} s, longer than the node waits (${MAX_RETRY_AFTER_MS / 1000} s).`
					: undefined;
			throw noteAttempts(error, attemptNumber, waitTooLong);
		}
		await sleep(delay);
	}
}
