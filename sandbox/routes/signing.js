// @ts-check
'use strict';

/**
 * The signer's browser pages (docs 3.3, 4.2), not under /JSON and without an API key:
 * GET /openDocument/:id shows the document with Sign and Cancel buttons; each runs the
 * simulation of signer.js (callback included) and redirects to the result URL.
 */

const { finishSigning, openRequest, SigningRefused } = require('../signer');

/** @typedef {import('../types').Context} Context */
/** @typedef {import('../types').Reply} Reply */
/** @typedef {import('../types').Route} Route */

/** @param {string} text */
function escapeHtml(text) {
	return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** @param {number} status @param {string} title @param {string} body @returns {Reply} */
function page(status, title, body) {
	const html = `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body>\n<h1>${escapeHtml(title)}</h1>\n${body}\n</body>\n</html>\n`;
	return { status, body: html, headers: { 'content-type': 'text/html; charset=utf-8' } };
}

/** @param {unknown} error @returns {Reply} */
function refusal(error) {
	if (!(error instanceof SigningRefused)) throw error;
	return page(400, 'This signing link is not valid', `<p>${escapeHtml(error.message)}.</p>`);
}

/** The browser's locale, as OKdokument passes it on in the redirect (docs 4.2). @param {Context} ctx */
function browserLanguage(ctx) {
	const header = ctx.request.headers['accept-language'];
	const first = typeof header === 'string' ? header.split(',')[0].split(';')[0].trim() : '';
	return /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(first) ? first.split('-')[0].toLowerCase() : 'en';
}

/** GET /openDocument/:signatureRequestId @param {Context} ctx @returns {Reply} */
function openDocument(ctx) {
	const id = ctx.params.signatureRequestId;
	let document;
	try {
		({ document } = openRequest(ctx.state, id));
	} catch (error) {
		return refusal(error);
	}
	const action = (/** @type {string} */ verb) => `/openDocument/${encodeURIComponent(id)}/${verb}`;
	return page(
		200,
		`Sign ${document.filename}`,
		[
			`<p>OKdokument sandbox: signature request <code>${escapeHtml(id)}</code> for <strong>${escapeHtml(document.filename)}</strong>.</p>`,
			`<form method="post" action="${escapeHtml(action('sign'))}"><button type="submit">Sign</button></form>`,
			`<form method="post" action="${escapeHtml(action('cancel'))}"><button type="submit">Cancel</button></form>`,
		].join('\n'),
	);
}

/** @param {'signed' | 'canceled'} outcome @returns {(ctx: Context) => Promise<Reply>} */
function finish(outcome) {
	return async (ctx) => {
		try {
			const result = await finishSigning(ctx.state, ctx.url, ctx.params.signatureRequestId, outcome, {
				lang: browserLanguage(ctx),
				dialect: ctx.dialect,
				signal: ctx.delivery.signal,
				callbackTimeoutMs: ctx.delivery.timeoutMs,
			});
			return { status: 302, body: '', headers: { location: result.redirect } };
		} catch (error) {
			return refusal(error);
		}
	};
}

/** GET /thankYouPage.html, OKdokument's default result page. @param {Context} ctx @returns {Reply} */
function thankYouPage(ctx) {
	const { name = '', result = '' } = ctx.request.query;
	const outcome = result === 'success' ? 'was signed' : 'was not signed';
	return page(200, 'Thank you', `<p>The document <strong>${escapeHtml(name)}</strong> ${outcome}.</p>`);
}

/** @type {Route[]} */
const routes = [
	{ method: 'GET', path: '/openDocument/:signatureRequestId', handler: openDocument },
	{ method: 'POST', path: '/openDocument/:signatureRequestId/sign', handler: finish('signed') },
	{ method: 'POST', path: '/openDocument/:signatureRequestId/cancel', handler: finish('canceled') },
	{ method: 'GET', path: '/thankYouPage.html', handler: thankYouPage },
];

module.exports = { routes };
