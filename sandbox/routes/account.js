// @ts-check
'use strict';

/** Account endpoints (docs 3.10). */

const { json } = require('../replies');

/** @typedef {import('../types').Context} Context */
/** @typedef {import('../types').Reply} Reply */
/** @typedef {import('../types').Route} Route */

const ACCOUNT = 'sandbox'; // account prefix in /JSON/counter keys
const PACKAGE_SIZE = 100; // signature requests "bought" by the sandbox account

/** GET /JSON/counter (docs 3.10): every value a string, keys carry the account prefix. @param {Context} ctx @returns {Reply} */
function counter(ctx) {
	const { signatureRequests, stats } = ctx.state;
	const documentIds = new Set([...signatureRequests.values()].map((r) => r.documentId).filter(Boolean));
	const now = new Date();
	const month = `${now.getUTCFullYear()}.${now.getUTCMonth() + 1}.${ACCOUNT}`;
	const available = Math.max(0, PACKAGE_SIZE - stats.signatureRequestsUsed);
	return json(200, {
		actual: {
			[`${ACCOUNT}.storedFiles`]: String(documentIds.size),
			[`${ACCOUNT}.deleted.f`]: String(stats.deletedFiles),
			[`${ACCOUNT}.usedSignatureRequests`]: String(stats.signatureRequestsUsed),
			[`${ACCOUNT}.downloaded`]: String(stats.downloaded),
			[`${ACCOUNT}.availableSignatureRequests`]: String(available),
		},
		downloaded: { [month]: String(stats.downloaded) },
		files: { [month]: String(documentIds.size) },
		'deleted.f': { [month]: String(stats.deletedFiles) },
		signatureRequests: { [month]: String(stats.signatureRequestsUsed) },
	});
}

/** @type {Route[]} */
const routes = [{ method: 'GET', path: '/JSON/counter', handler: counter }];

module.exports = { routes };
