// @ts-check
'use strict';

/**
 * The signing-link e-mail OKdokument sends when a request's rules name a signer (docs 3.1.3:
 * `emailTo`, which needs `emailFrom`; the mail itself comes from okdokument@okdokument.sk, docs §6).
 * The sandbox sends nothing: it records each e-mail, so that tests can assert who was told.
 */

const { apiError, isObject } = require('./replies');

/** @typedef {import('./server').SentEmail} SentEmail */
/** @typedef {import('./types').Reply} Reply */

const SENDER = 'okdokument@okdokument.sk';

/**
 * The rules as name → value, from either documented form: the object, or the connector's
 * `Name-Value_Name-Value` text (docs 3.1.3 b).
 * @param {unknown} rules @returns {Record<string, unknown>}
 */
function ruleValues(rules) {
	if (isObject(rules)) return rules;
	if (typeof rules !== 'string') return {};
	/** @type {Record<string, unknown>} */
	const values = {};
	for (const pair of rules.split('_')) {
		const dash = pair.indexOf('-');
		if (dash > 0) values[pair.slice(0, dash)] = pair.slice(dash + 1);
	}
	return values;
}

/** @param {unknown} value */
const text = (value) => (typeof value === 'string' ? value.trim() : '');

/**
 * The e-mail a new request's rules ask for, or an error when `emailTo` comes without `emailFrom`;
 * undefined when the rules name no signer.
 * @param {unknown} rules
 * @param {{ signatureRequestId: string, documentId: string, url: string }} request
 * @returns {{ email: SentEmail } | { error: Reply } | undefined}
 */
function signingEmail(rules, request) {
	const values = ruleValues(rules);
	const to = text(values.emailTo);
	if (to === '') return undefined;
	const replyTo = text(values.emailFrom);
	if (replyTo === '') return { error: apiError(400, 'err.missing.emailFrom', 'emailFrom') };
	return {
		email: {
			from: SENDER,
			to,
			replyTo,
			...(text(values.nameFrom) ? { senderName: text(values.nameFrom) } : {}),
			...(text(values.emailMessage) ? { message: text(values.emailMessage) } : {}),
			...request,
			sentAt: Date.now(),
		},
	};
}

module.exports = { signingEmail };
