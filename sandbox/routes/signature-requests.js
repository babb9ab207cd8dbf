// @ts-check
'use strict';

/** Signature request endpoints (docs 3.1, 3.8, 3.9, and the connector's 3.12). */

const { randomUUID } = require('node:crypto');

const { apiAnswer, apiError, isObject, json } = require('../replies');
const { addDocument, storedDocumentIds } = require('../state');
const { signingEmail } = require('../emails');
const { MAX_DOCUMENT_BYTES, decodeFile } = require('./documents');

/** @typedef {import('../types').Context} Context */
/** @typedef {import('../types').Reply} Reply */
/** @typedef {import('../types').Route} Route */
/** @typedef {import('../server').SignatureRequestRecord} SignatureRequestRecord */
/** @typedef {import('../server').DocumentRecord} DocumentRecord */
/** @typedef {import('../server').Dialect} Dialect */

const UPLOAD_STATES = ['tosign', 'tags', 'tostamp'];
const FIELD_TYPES = ['SIGNATURE', 'TEXT', 'CHECKBOX', 'RADIO', 'COMBOBOX'];
const FIELDS_BEFORE_SIGNING = ['flatten', 'readOnly', 'keep'];

/** @param {unknown} value */
const isString = (value) => typeof value === 'string';

/**
 * Old form {"SIGNATURE": "_SO1_;_SO2_"} or new form {"SIGNATURE": ["SC_signature"]} (docs 8.6); the
 * connector types the value as a string only.
 * @param {unknown} value @param {Dialect} dialect
 */
function isAllowedFields(value, dialect) {
	const isNames = (/** @type {unknown} */ names) =>
		isString(names) || (dialect === 'wiki' && Array.isArray(names) && names.every(isString));
	return isObject(value) && Object.entries(value).every(([type, names]) => FIELD_TYPES.includes(type) && isNames(names));
}

/** The object form (W-new) or the Name-Value string (SW, W 5.7); the connector types it as a string only. @param {unknown} rules @param {Dialect} dialect */
function isRules(rules, dialect) {
	return (isString(rules) && rules !== '') || (dialect === 'wiki' && isObject(rules));
}

/** @param {unknown} value */
function isFieldConfig(value) {
	return (
		Array.isArray(value) &&
		value.every(
			(entry) =>
				isObject(entry) &&
				isString(entry.name) &&
				isString(entry.value) &&
				(entry.readOnly === undefined || typeof entry.readOnly === 'boolean'),
		)
	);
}

/**
 * The optional settings of Create, checked as strictly as the dialect's docs describe them; the
 * first problem is reported as OKdokument reports errors.
 * @param {Record<string, unknown>} body @param {Dialect} dialect @returns {Reply | undefined}
 */
function checkSettings(body, dialect) {
	for (const name of ['sendInfoURL', 'resulturl', 'signatureRequestId']) {
		const value = body[name];
		if (value !== undefined && (!isString(value) || value === '')) return apiError(400, `err.invalid.${name}`, String(value));
	}
	const { expirationTime, rules, allowedFields, fieldConfig, ignoreRequired, fieldsBeforeSigning } = body;
	// A string of epoch milliseconds (docs 3.1.1), never a number.
	if (expirationTime !== undefined && !(isString(expirationTime) && /^\d+$/.test(expirationTime))) {
		return apiError(400, 'err.invalid.expirationTime', String(expirationTime));
	}
	if (rules !== undefined && !isRules(rules, dialect)) return apiError(400, 'err.invalid.rules', '');
	if (allowedFields !== undefined && !isAllowedFields(allowedFields, dialect)) return apiError(400, 'err.invalid.allowedFields', '');
	if (fieldConfig !== undefined && !isFieldConfig(fieldConfig)) return apiError(400, 'err.invalid.fieldConfig', '');
	if (ignoreRequired !== undefined && !(Array.isArray(ignoreRequired) && ignoreRequired.every((type) => FIELD_TYPES.includes(type)))) {
		return apiError(400, 'err.invalid.ignoreRequired', '');
	}
	if (fieldsBeforeSigning !== undefined && !FIELDS_BEFORE_SIGNING.includes(/** @type {string} */ (fieldsBeforeSigning))) {
		return apiError(400, 'err.invalid.fieldsBeforeSigning', String(fieldsBeforeSigning));
	}
	return undefined;
}

/**
 * The document to sign: uploaded inline (`filedata`, with `content` or `$content`; the wiki only)
 * or an existing one (`id`, with `changeState`, which the connector requires).
 * @param {Context} ctx @param {Record<string, unknown>} body @returns {{ documentId: string } | { error: Reply }}
 */
function documentToSign(ctx, body) {
	if (ctx.dialect === 'connector') {
		// The connector's body has no filedata: id and changeState are required (SW 7.1).
		if (body.id === undefined) return { error: apiError(400, 'err.missing.document', 'id') };
		if (body.changeState === undefined) return { error: apiError(400, 'err.missing.changeState', 'changeState') };
	}
	if (body.filedata !== undefined && ctx.dialect === 'wiki') {
		const filedata = body.filedata;
		if (!isObject(filedata)) return { error: apiError(400, 'err.invalid.filedata', '') };
		const content = decodeFile(filedata);
		if (!content || content.length === 0) return { error: apiError(400, 'err.invalid.file', 'filedata.content') };
		if (content.length > MAX_DOCUMENT_BYTES) return { error: apiError(400, 'err.file.too.large', String(content.length)) };
		const state = filedata.state ?? 'tosign';
		if (!isString(state) || !UPLOAD_STATES.includes(state)) return { error: apiError(400, 'err.invalid.state', String(state)) };
		if (filedata.filename !== undefined && (!isString(filedata.filename) || filedata.filename === '')) {
			return { error: apiError(400, 'err.invalid.filename', '') };
		}
		const filename = /** @type {string | undefined} */ (filedata.filename);
		const document = addDocument(ctx.state, { filename, content, state: /** @type {DocumentRecord['state']} */ (state) });
		return { documentId: document.id };
	}
	if (body.id !== undefined) {
		const id = String(body.id);
		if (!storedDocumentIds(ctx.state).has(id)) return { error: apiError(400, 'err.document.not.exist', id) };
		if (body.changeState !== undefined && body.changeState !== 'tosign') {
			return { error: apiError(400, 'err.invalid.changeState', String(body.changeState)) };
		}
		// A document that was already signed can be signed again only when switched back.
		const document = ctx.state.documents.get(id);
		if (document && document.state !== 'tosign' && body.changeState !== 'tosign') {
			return { error: apiError(400, 'err.document.not.tosign', id) };
		}
		if (document) document.state = 'tosign';
		return { documentId: id };
	}
	return { error: apiError(400, 'err.missing.document', 'filedata or id') };
}

/** POST /JSON/signatureRequest (docs 3.1). @param {Context} ctx @returns {Reply} */
function createSignatureRequest(ctx) {
	const body = ctx.request.body;
	if (!isObject(body)) return apiError(400, 'err.invalid.json', '');
	const problem = checkSettings(body, ctx.dialect);
	if (problem) return problem;
	const requested = /** @type {string | undefined} */ (body.signatureRequestId);
	if (requested !== undefined && ctx.state.signatureRequests.has(requested)) {
		// The connector's error shape, which SW documents for 409 (its meaning is our guess: a reused ID).
		return json(409, { code: 'CONFLICT', message: 'err.signature.request.id.exists', result: requested, statusCode: 409, success: false });
	}
	if (ctx.dialect === 'wiki' && body.filedata !== undefined && body.id !== undefined) {
		return apiError(400, 'err.ambiguous.document', 'filedata and id');
	}
	const found = documentToSign(ctx, body);
	if ('error' in found) return found.error;

	const signatureRequestId = requested ?? randomUUID();
	const url = `${ctx.url}/openDocument/${encodeURIComponent(signatureRequestId)}`;
	const invitation = signingEmail(body.rules, { signatureRequestId, documentId: found.documentId, url });
	if (invitation && 'error' in invitation) return invitation.error;
	/** @type {SignatureRequestRecord} */
	const record = {
		signatureRequestId,
		documentId: found.documentId,
		sendInfoURL: /** @type {string} */ (body.sendInfoURL ?? ''),
		resulturl: /** @type {string} */ (body.resulturl ?? ''),
		state: 'tosign',
	};
	for (const name of /** @type {const} */ (['expirationTime', 'rules', 'allowedFields', 'fieldConfig', 'ignoreRequired', 'fieldsBeforeSigning'])) {
		if (body[name] !== undefined) Object.assign(record, { [name]: body[name] });
	}
	ctx.state.signatureRequests.set(signatureRequestId, record);
	ctx.state.stats.signatureRequestsUsed += 1;
	if (invitation) ctx.state.emails.push(invitation.email);
	// The connector's answer (dialects.js) leaves documentId out.
	return apiAnswer({
		message: 'msg.signature.request.id.created',
		result: signatureRequestId,
		url,
		documentId: found.documentId,
	});
}

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
	return apiAnswer({ message: 'msg.updated', result: id, url: `${ctx.url}/${id}` });
}

/**
 * POST /JSON/signatureRequest/:signatureRequestId (docs 3.12, the connector only): sets the
 * request's callback, `{"sendInfoURL": …}`; nothing else can be changed this way.
 * @param {Context} ctx @returns {Reply}
 */
function registerCallback(ctx) {
	const body = ctx.request.body;
	if (!isObject(body)) return apiError(400, 'err.invalid.json', '');
	const id = ctx.params.signatureRequestId;
	const record = ctx.state.signatureRequests.get(id);
	if (!record) return apiError(400, 'err.signature.request.not.exist', id);
	if (!isString(body.sendInfoURL) || body.sendInfoURL === '') return apiError(400, 'err.invalid.sendInfoURL', String(body.sendInfoURL));
	record.sendInfoURL = body.sendInfoURL;
	return apiAnswer({ message: 'msg.updated', result: id });
}

/** DELETE /JSON/signatureRequest/:signatureRequestId (docs 3.9): the link dies, the document stays. @param {Context} ctx @returns {Reply} */
function deleteSignatureRequest(ctx) {
	const id = ctx.params.signatureRequestId;
	if (!ctx.state.signatureRequests.delete(id)) return apiError(400, 'err.signature.request.not.exist', id);
	return apiAnswer({ message: 'msg.deleted', result: id });
}

/** @type {Route[]} */
const routes = [
	{ method: 'POST', path: '/JSON/signatureRequest', handler: createSignatureRequest },
	{ method: 'PATCH', path: '/JSON/signatureRequest', dialects: ['wiki'], handler: updateSignatureRequest },
	{ method: 'POST', path: '/JSON/signatureRequest/:signatureRequestId', dialects: ['connector'], handler: registerCallback },
	{ method: 'DELETE', path: '/JSON/signatureRequest/:signatureRequestId', handler: deleteSignatureRequest },
];

module.exports = { routes };
