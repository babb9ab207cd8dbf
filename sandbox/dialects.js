// @ts-check
'use strict';

/**
 * The two ways OKdokument is documented to answer (docs 8.8, 8.9): the wiki's, which the routes
 * build, and the Power Automate connector's, into which this module turns them.
 *
 * - wiki:      answers {message, result, url, documentId}, errors {message, value},
 *              callbacks {state, id, signatureRequestId}.
 * - connector: answers {code, message, result, statusCode, url, success} without documentId, errors
 *              {code, message, result, statusCode, success}, callbacks {code, message, result,
 *              statusCode, url, success}; no PATCH, but POST /JSON/signatureRequest/{id} (routes mark
 *              which dialect has them).
 */

const http = require('node:http');

/** @typedef {import('./server').Dialect} Dialect */
/** @typedef {import('./types').Reply} Reply */

/** @type {readonly Dialect[]} */
const DIALECTS = ['wiki', 'connector'];

/** @param {unknown} dialect @returns {Dialect} */
function checkDialect(dialect) {
	if (!DIALECTS.includes(/** @type {Dialect} */ (dialect))) {
		throw new TypeError(`Unknown dialect ${String(dialect)}; expected one of ${DIALECTS.join(', ')}`);
	}
	return /** @type {Dialect} */ (dialect);
}

/** The connector's `code` for a status: "SUCCESS" for 2xx (SW's description), else the status name, e.g. "NOT_FOUND". @param {number} status */
function codeFor(status) {
	if (status >= 200 && status < 300) return 'SUCCESS';
	return (http.STATUS_CODES[status] ?? 'ERROR').toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/**
 * The reply as the dialect speaks it. Only replies the routes marked (`shape`) are rewritten;
 * lists, metadata, counters, files and pages are the same in both.
 * @param {Reply} reply @param {Dialect} dialect @returns {Reply}
 */
function inDialect(reply, dialect) {
	if (dialect === 'wiki' || reply.shape === undefined) return reply;
	const body = /** @type {Record<string, unknown>} */ (reply.json);
	const success = reply.shape === 'answer';
	/** @type {Record<string, unknown>} */
	const connector = {
		code: codeFor(reply.status),
		message: body.message,
		result: success ? body.result : body.value,
		statusCode: reply.status,
	};
	if (success && body.url !== undefined) connector.url = body.url;
	connector.success = success;
	return { ...reply, json: connector };
}

/**
 * The sendInfo callback of a finished round (docs 4.1; the connector's notification schema, 7.1).
 * @param {Dialect} dialect
 * @param {{ outcome: 'signed' | 'canceled', documentId: string, signatureRequestId: string, baseUrl: string }} round
 * @returns {Record<string, unknown>}
 */
function callbackPayload(dialect, { outcome, documentId, signatureRequestId, baseUrl }) {
	if (dialect === 'wiki') return { state: outcome, id: documentId, signatureRequestId };
	// The connector's trigger fires "once document is signed"; a cancel is our guess: success false.
	const signed = outcome === 'signed';
	return {
		code: signed ? 'SUCCESS' : 'CANCELED',
		message: signed ? 'msg.signature.request.signed' : 'msg.signature.request.canceled',
		result: signatureRequestId,
		statusCode: 200,
		url: `${baseUrl}/openDocument/${encodeURIComponent(signatureRequestId)}`,
		success: signed,
	};
}

module.exports = { DIALECTS, checkDialect, codeFor, inDialect, callbackPayload };
