// @ts-check
'use strict';

/** Signature request endpoints (docs 3.1, 3.8, 3.9). */

const { apiError, isObject, json } = require('../replies');

/** @typedef {import('../types').Context} Context */
/** @typedef {import('../types').Reply} Reply */
/** @typedef {import('../types').Route} Route */

/** PATCH /JSON/signatureRequest (docs 3.8). @param {Context} ctx @returns {Reply} */
function updateSignatureRequest(ctx) {
	const body = ctx.request.body;
	if (!isObject(body)) return apiError(400, 'err.invalid.json', '');
	const id = body.signatureRequestId == null ? '' : String(body.signatureRequestId);
	const record = ctx.state.signatureRequests.get(id);
	if (!record) return apiError(400, `View ID does not exist: ${id}`, id);
	const sendInfoURL = body.sendInfoURL ?? body.sendInfoUrl; // the docs use both spellings
	if (typeof sendInfoURL === 'string') record.sendInfoURL = sendInfoURL;
	if (typeof body.resulturl === 'string') record.resulturl = body.resulturl;
	return json(200, { message: 'msg.updated', result: id, url: `${ctx.url}/${id}` });
}

/** @type {Route[]} */
const routes = [{ method: 'PATCH', path: '/JSON/signatureRequest', handler: updateSignatureRequest }];

module.exports = { routes };
