// @ts-check
'use strict';

/**
 * The signer's side of OKdokument, simulated: signing or canceling a signature request, the
 * sendInfo callback that follows (docs 4.1), and the browser redirect to the result URL (docs 4.2).
 * Used by the Sandbox API (`sign`, `cancel`) and by the /openDocument pages (routes/signing.js).
 */

const http = require('node:http');
const https = require('node:https');

const { callbackPayload } = require('./dialects');
const { addDocument, formatModification, samplePdf } = require('./state');

/** @typedef {import('./types').State} State */
/** @typedef {import('./server').DocumentRecord} DocumentRecord */
/** @typedef {import('./server').SigningResult} SigningResult */
/** @typedef {import('./server').Dialect} Dialect */
/** @typedef {{ baseUrl: string, dialect: Dialect, signal: AbortSignal | undefined, timeoutMs: number }} Delivery */

/**
 * How long the sandbox waits for the sendInfo callback's answer unless told otherwise; after it, the
 * document is errorsendinfo, as after any other failed delivery. OKdokument does not document its own.
 */
const CALLBACK_TIMEOUT_MS = 10_000;

/** A signing round that cannot happen (unknown request, or one already finished). */
class SigningRefused extends Error {}

/** The finished states: a request in one of them has no signing round left. */
const FINISHED = ['signed', 'canceled', 'errorsendinfo'];

/**
 * The request's document. A request seeded without one (e.g. the CLI's demo requests) gets a
 * sample PDF under its documentId the first time it is opened.
 * @param {State} state @param {import('./server').SignatureRequestRecord} request @returns {DocumentRecord}
 */
function documentOf(state, request) {
	const existing = state.documents.get(request.documentId);
	if (existing) return existing;
	return addDocument(state, {
		id: request.documentId,
		filename: `${request.documentId}.pdf`,
		content: samplePdf(`OKdokument sandbox document ${request.documentId}`),
	});
}

/**
 * The request that may be signed now, or a SigningRefused saying why not.
 * @param {State} state @param {string} signatureRequestId
 */
function openRequest(state, signatureRequestId) {
	const request = state.signatureRequests.get(signatureRequestId);
	if (!request) throw new SigningRefused(`Signature request ${signatureRequestId} does not exist`);
	if (FINISHED.includes(request.state)) {
		throw new SigningRefused(`Signature request ${signatureRequestId} is already finished (${request.state})`);
	}
	if (request.expirationTime !== undefined && Number(request.expirationTime) < Date.now()) {
		throw new SigningRefused(`Signature request ${signatureRequestId} has expired`);
	}
	return { request, document: documentOf(state, request) };
}

/**
 * What the signed PDF looks like here: the document's latest bytes (the upload, or the PDF an
 * earlier round signed) with a marker appended after %%EOF, where real signing appends its
 * incremental update; each signing round adds one. Viewers ignore it; tests can recognise it.
 * @param {DocumentRecord} document @param {string} signatureRequestId
 */
function signedPdf(document, signatureRequestId) {
	const marker = `\n% Signed in the OKdokument sandbox: ${document.filename} (signature request ${signatureRequestId})\n`;
	return Buffer.concat([document.signedContent ?? document.content, Buffer.from(marker, 'latin1')]);
}

/**
 * POSTs the callback as docs 4.1 describe: JSON, no authentication. Resolves with the answer's
 * status, or an error text when there was no answer.
 * @param {string} target @param {Record<string, unknown>} payload @param {AbortSignal | undefined} signal
 * @param {number} timeoutMs
 * @returns {Promise<{ status: number | null, error?: string }>}
 */
function postCallback(target, payload, signal, timeoutMs) {
	return new Promise((resolve) => {
		/** @type {URL} */
		let url;
		try {
			url = new URL(target);
		} catch {
			resolve({ status: null, error: `not a URL: ${target}` });
			return;
		}
		if (url.protocol !== 'http:' && url.protocol !== 'https:') {
			resolve({ status: null, error: `not an http(s) URL: ${target}` });
			return;
		}
		const body = JSON.stringify(payload);
		const client = url.protocol === 'https:' ? https : http;
		const request = client.request(url, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'content-length': String(Buffer.byteLength(body)),
				connection: 'close',
			},
			agent: false,
			signal,
		});
		request.on('response', (response) => {
			response.resume(); // the answer's body is not used
			response.on('end', () => resolve({ status: response.statusCode ?? null }));
			response.on('error', () => resolve({ status: response.statusCode ?? null }));
		});
		// The whole exchange, answer included, must end in time (a socket timeout alone restarts with every byte).
		const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
		request.on('close', () => clearTimeout(timer));
		request.on('error', (error) => resolve({ status: null, error: error.message }));
		request.end(body);
	});
}

/**
 * The result URL with the parameters of docs 4.2, or the sandbox's thank-you page when the
 * request has no result URL (OKdokument's default).
 * @param {string} baseUrl @param {string} resulturl @param {DocumentRecord} document
 * @param {'success' | 'close'} result @param {string} lang
 */
function redirectUrl(baseUrl, resulturl, document, result, lang) {
	const params = {
		name: document.filename.replace(/\.[^./\\]*$/, ''),
		docid: document.id,
		lang,
		result,
		ts: String(Date.now()),
	};
	let url;
	try {
		url = new URL(resulturl || `${baseUrl}/thankYouPage.html`);
	} catch {
		const query = new URLSearchParams(params).toString();
		return `${resulturl}${resulturl.includes('?') ? '&' : '?'}${query}`;
	}
	for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
	return url.toString();
}

/**
 * Ends a signing round as the signer would: the document becomes signed (with a signed PDF)
 * or canceled, OKdokument POSTs the callback to the request's sendInfoURL and waits for its
 * answer; anything but 200 (or no answer) leaves the document in errorsendinfo.
 * @param {State} state
 * @param {string} baseUrl  the sandbox's base URL, for the default thank-you page
 * @param {string} signatureRequestId
 * @param {'signed' | 'canceled'} outcome
 * @param {{ lang?: string, signal?: AbortSignal, deliverCallback?: boolean, dialect?: Dialect, callbackTimeoutMs?: number }} [options]
 *   lang: the browser's locale (default 'en'); deliverCallback: false sends no callback, as when the receiver was
 *   unreachable; dialect: the callback's shape (default 'wiki'); callbackTimeoutMs: how long to wait for its answer
 * @returns {Promise<SigningResult>}
 */
async function finishSigning(state, baseUrl, signatureRequestId, outcome, options = {}) {
	const { request, document } = openRequest(state, signatureRequestId);
	document.state = outcome;
	document.modification = formatModification(new Date());
	if (outcome === 'signed') document.signedContent = signedPdf(document, signatureRequestId);
	request.state = outcome;
	request.outcome = outcome;

	/** @type {SigningResult} */
	const result = {
		callbackStatus: null,
		state: outcome,
		redirect: redirectUrl(baseUrl, request.resulturl, document, outcome === 'signed' ? 'success' : 'close', options.lang ?? 'en'),
	};
	if (request.sendInfoURL) {
		const answer =
			options.deliverCallback === false
				? { status: null, error: UNDELIVERED }
				: await deliverCallback(state, request, document, {
						baseUrl,
						dialect: options.dialect ?? 'wiki',
						signal: options.signal,
						timeoutMs: options.callbackTimeoutMs ?? CALLBACK_TIMEOUT_MS,
					});
		result.callbackStatus = answer.status;
		if (answer.error !== undefined) result.callbackError = answer.error;
		if (answer.status !== 200) {
			document.state = 'errorsendinfo';
			document.modification = formatModification(new Date());
			request.state = 'errorsendinfo';
			result.state = 'errorsendinfo';
		}
	}
	return result;
}

/** Why a callback that `deliverCallback: false` held back got no answer. */
const UNDELIVERED = 'not delivered (the sandbox simulated an unreachable receiver)';

/**
 * The callback for a finished round, in the dialect's shape (the wiki's `{state, id, signatureRequestId}`
 * of docs 4.1, or the connector's), POSTed to the request's sendInfoURL.
 * Each delivery is logged (state.callbacks), with when it was sent and when its answer came (or it gave up).
 * @param {State} state @param {import('./server').SignatureRequestRecord} request @param {DocumentRecord} document
 * @param {Delivery} delivery
 */
async function deliverCallback(state, request, document, { baseUrl, dialect, signal, timeoutMs }) {
	const payload = callbackPayload(dialect, {
		outcome: request.outcome ?? 'signed',
		documentId: document.id,
		signatureRequestId: request.signatureRequestId,
		baseUrl,
	});
	const sentAt = Date.now();
	const answer = await postCallback(request.sendInfoURL, payload, signal, timeoutMs);
	state.callbacks.push({
		url: request.sendInfoURL,
		signatureRequestId: request.signatureRequestId,
		payload,
		status: answer.status,
		...(answer.error !== undefined ? { error: answer.error } : {}),
		sentAt,
		answeredAt: Date.now(),
	});
	return answer;
}

/**
 * Sends a finished round's callback once more, as OKdokument might after a failed delivery (its
 * documentation does not say whether it does). The document's state does not change: what a later
 * delivery does to an errorsendinfo document is not documented either, so it stays errorsendinfo.
 * @param {State} state @param {string} signatureRequestId @param {Delivery} delivery
 * @returns {Promise<{ status: number | null, error?: string }>}
 */
async function redeliverCallback(state, signatureRequestId, delivery) {
	const request = state.signatureRequests.get(signatureRequestId);
	if (!request) throw new SigningRefused(`Signature request ${signatureRequestId} does not exist`);
	if (request.outcome === undefined) {
		throw new SigningRefused(`Signature request ${signatureRequestId} is not finished: there is no callback to send`);
	}
	if (!request.sendInfoURL) throw new SigningRefused(`Signature request ${signatureRequestId} has no sendInfoURL`);
	return await deliverCallback(state, request, documentOf(state, request), delivery);
}

module.exports = { finishSigning, redeliverCallback, openRequest, SigningRefused, CALLBACK_TIMEOUT_MS };
