// @ts-check
'use strict';

/** Account endpoints (docs 3.10). */

const { json } = require('../replies');
const { storedDocumentIds } = require('../state');

/** @typedef {import('../types').Context} Context */
/** @typedef {import('../types').Reply} Reply */
/** @typedef {import('../types').Route} Route */

const ACCOUNT = 'sandbox'; // account prefix in /JSON/counter keys
const PACKAGE_SIZE = 100; // signature requests "bought" by the sandbox account

/** `<YYYY>.<M>.<account>`, the key of a monthly counter. @param {Date} date */
function monthKey(date) {
	return `${date.getUTCFullYear()}.${date.getUTCMonth() + 1}.${ACCOUNT}`;
}

/**
 * GET /JSON/counter (docs 3.10): every value a string, keys carry the account prefix.
 * Stored files are the documents the account holds (see storedDocumentIds), counted in their
 * upload month (seeded ones, which have no upload, in this month). Requests, downloads and
 * deletions are counted this month.
 * @param {Context} ctx @returns {Reply}
 */
function counter(ctx) {
	const { documents, stats } = ctx.state;
	const month = monthKey(new Date());
	const stored = storedDocumentIds(ctx.state);
	/** @type {Record<string, string>} */
	const filesByMonth = { [month]: '0' };
	for (const id of stored) {
		const uploaded = documents.get(id)?.date;
		const key = uploaded === undefined ? month : monthKey(new Date(uploaded));
		filesByMonth[key] = String(Number(filesByMonth[key] ?? 0) + 1);
	}
	const available = Math.max(0, PACKAGE_SIZE - stats.signatureRequestsUsed);
	return json(200, {
		actual: {
			[`${ACCOUNT}.storedFiles`]: String(stored.size),
			[`${ACCOUNT}.deleted.f`]: String(stats.deletedFiles),
			[`${ACCOUNT}.usedSignatureRequests`]: String(stats.signatureRequestsUsed),
			[`${ACCOUNT}.downloaded`]: String(stats.downloaded),
			[`${ACCOUNT}.availableSignatureRequests`]: String(available),
		},
		downloaded: { [month]: String(stats.downloaded) },
		files: filesByMonth,
		'deleted.f': { [month]: String(stats.deletedFiles) },
		signatureRequests: { [month]: String(stats.signatureRequestsUsed) },
	});
}

/** @type {Route[]} */
const routes = [{ method: 'GET', path: '/JSON/counter', handler: counter }];

module.exports = { routes };
