// @ts-check
'use strict';

/**
 * One HTTP call to OKdokument, recorded whatever happens: each is timed out, none is retried (a repeated POST could
 * use up a second signature request), and redirects are reported, never followed (the key would go with them).
 */

const TEXT_KEPT = 500;

/**
 * @typedef {object} Call
 * @property {string} step what the call asks, e.g. 'upload:content' (findings.js reads calls by step)
 * @property {string} method
 * @property {string} path under the base URL, query included
 * @property {string} [sent] what the body held, in words (never the file or the key)
 * @property {string} [sentId] the signatureRequestId a Create chose
 * @property {number | null} status null when no answer came
 * @property {number} ms
 * @property {'answered' | 'timeout' | 'no-answer' | 'interrupted'} outcome
 * @property {string} [error] why no answer came
 * @property {string} [contentType]
 * @property {unknown} [json] the parsed answer, when it was JSON
 * @property {string} [text] the start of an answer that was not JSON
 * @property {boolean} [pdf] whether the answer was a PDF
 * @property {string} [location] a redirect's Location header
 */

/**
 * @param {{ baseUrl: string, apiKey: string, timeoutMs: number, onCall?: (call: Call) => void }} settings
 */
function createClient({ baseUrl, apiKey, timeoutMs, onCall }) {
	/** @type {Call[]} */
	const calls = [];

	/**
	 * @param {string} step
	 * @param {string} method
	 * @param {string} path
	 * @param {{ body?: unknown, sent?: string, sentId?: string, signal: AbortSignal }} options
	 * @returns {Promise<Call>}
	 */
	async function call(step, method, path, { body, sent, sentId, signal }) {
		/** @type {Call} */
		const record = { step, method, path, status: null, ms: 0, outcome: 'no-answer' };
		if (sent !== undefined) record.sent = sent;
		if (sentId !== undefined) record.sentId = sentId;
		const timeout = AbortSignal.timeout(timeoutMs);
		/** @type {Record<string, string>} */
		const headers = { 'x-api-key': apiKey, accept: 'application/json' };
		if (body !== undefined) headers['content-type'] = 'application/json';
		const started = performance.now();
		try {
			const response = await fetch(`${baseUrl}${path}`, {
				method,
				headers,
				body: body === undefined ? undefined : JSON.stringify(body),
				redirect: 'manual',
				signal: AbortSignal.any([signal, timeout]),
			});
			const bytes = Buffer.from(await response.arrayBuffer());
			record.status = response.status;
			record.outcome = 'answered';
			record.contentType = response.headers.get('content-type') ?? '';
			const location = response.headers.get('location');
			if (location) record.location = location;
			readBody(record, bytes);
		} catch (error) {
			record.outcome = signal.aborted ? 'interrupted' : timeout.aborted ? 'timeout' : 'no-answer';
			record.error = record.outcome === 'timeout' ? `no answer within ${timeoutMs} ms` : describe(error);
		}
		record.ms = Math.round(performance.now() - started);
		calls.push(record);
		onCall?.(record);
		return record;
	}

	return { call, calls };
}

/** @param {Call} record @param {Buffer} bytes */
function readBody(record, bytes) {
	if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') {
		record.pdf = true;
		return;
	}
	const text = bytes.toString('utf8');
	try {
		record.json = JSON.parse(text);
	} catch {
		if (text !== '') record.text = text.slice(0, TEXT_KEPT);
	}
}

/** @param {unknown} error */
function describe(error) {
	if (!(error instanceof Error)) return String(error);
	const cause = /** @type {{ cause?: unknown }} */ (error).cause;
	return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}

/** A 2xx that does not say `"success": false` (the connector's answers carry it). @param {Call} call */
function accepted(call) {
	if (call.status === null || call.status < 200 || call.status > 299) return false;
	const answer = /** @type {{ success?: unknown } | undefined} */ (call.json);
	return !(typeof answer === 'object' && answer !== null && answer.success === false);
}

/** OKdokument certainly did nothing: it answered, and with a 4xx or a 2xx that says it failed. @param {Call} call */
function refused(call) {
	if (call.status === null) return false;
	return (call.status >= 400 && call.status < 500) || (call.status < 300 && !accepted(call));
}

module.exports = { createClient, accepted, refused };
