import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
} from 'n8n-workflow';
import { jsonParse, NodeOperationError } from 'n8n-workflow';

import { OKDOKUMENT_ENVIRONMENT_URLS } from '../../../credentials/OkDokumentApi.credentials';
import type { StatusHints } from '../helpers/errors';
import { errorFromNetworkFailure, errorFromResponse } from '../helpers/errors';

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

function parseRetryAfter(value: string | undefined): number | undefined {
	if (!value) return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function parseJsonObject(text: string): IDataObject | undefined {
	try {
		const value = jsonParse<unknown>(text);
		return value !== null && typeof value === 'object' ? (value as IDataObject) : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Sends one request to OKdokument and returns its JSON answer. Every failure becomes a
 * fresh NodeApiError built from what OKdokument said, never from the helper's error,
 * which carries the request (and so the API key) in its cause.
 */
export async function okDokumentApiRequest(
	this: IExecuteFunctions,
	request: OkDokumentRequest,
	itemIndex: number,
): Promise<IDataObject> {
	const { baseUrl, redact } = await getConnection.call(this);
	const timeoutMs = this.getNodeParameter('options.timeout', itemIndex, DEFAULT_TIMEOUT_MS) as number;
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		body: request.body,
		qs: request.qs,
		json: true,
		// Read the body as text: a proxy's HTML page must not turn into a JSON parse error.
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: timeoutMs,
	};

	let answer: HttpAnswer;
	try {
		answer = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			CREDENTIAL_TYPE,
			options,
		)) as HttpAnswer;
	} catch (error) {
		throw errorFromNetworkFailure(this.getNode(), error, { baseUrl, timeoutMs, itemIndex, redact });
	}

	const headers = answer.headers ?? {};
	const raw = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? '');
	// A server that echoes the key back must not put it into items or errors.
	const text = redact(raw);
	const report = parseJsonObject(text);
	const isSuccess = answer.statusCode >= 200 && answer.statusCode < 300;
	if (isSuccess && report && !Array.isArray(report)) return report;

	throw errorFromResponse(
		this.getNode(),
		{
			statusCode: answer.statusCode,
			report,
			text: report ? undefined : text,
			contentType: header(headers, 'content-type'),
			retryAfterMs: parseRetryAfter(header(headers, 'retry-after')),
		},
		itemIndex,
		request.statusHints,
	);
}
