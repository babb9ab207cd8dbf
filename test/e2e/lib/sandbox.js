// @ts-check
'use strict';

/** The OKdokument sandbox as the e2e run sets it up, what it received, and callbacks sent as OKdokument sends them. */

const { startSandbox, demoSignatureRequests } = require('../../../sandbox/server');
const { API_KEY, KNOWN_ID, KNOWN_ID_2 } = require('./fixtures');

/** @typedef {import('../../../sandbox/server').Sandbox} Sandbox */

/**
 * A sandbox that accepts API_KEY and knows KNOWN_ID, KNOWN_ID_2 and the demo requests (the examples use those).
 * @returns {Promise<Sandbox>}
 */
function startE2eSandbox() {
	return startSandbox({
		apiKeys: { [API_KEY]: { permitted: true } },
		signatureRequests: [{ signatureRequestId: KNOWN_ID }, { signatureRequestId: KNOWN_ID_2 }, ...demoSignatureRequests(3)],
	});
}

/**
 * The requests the sandbox received since the last clearRequests().
 * @param {Sandbox} sandbox
 * @returns {{ method: string, path: string, apiKey: unknown, body: any }[]}
 */
function received(sandbox) {
	return sandbox.requests.map((r) => ({ method: r.method, path: r.path, apiKey: r.headers['x-api-key'], body: r.body }));
}

/**
 * The sandbox traffic since the last clearRequests(), as [method, path, sent the right key].
 * @param {Sandbox} sandbox
 */
function traffic(sandbox) {
	return received(sandbox).map((r) => [r.method, r.path, r.apiKey === API_KEY]);
}

/**
 * A POST with a JSON body, as OKdokument (or a forger) sends its callback.
 * @param {string} url
 * @param {unknown} body
 */
async function postCallback(url, body) {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(30_000),
	});
	return { status: response.status, text: await response.text() };
}

module.exports = { startE2eSandbox, received, traffic, postCallback };
