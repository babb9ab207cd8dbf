// @ts-check
'use strict';

/** Document endpoints (docs 3.4, 3.5, 3.6, 3.7, 3.11). */

const { apiAnswer, apiError, isObject, json } = require('../replies');
const { addDocument } = require('../state');

/** @typedef {import('../types').Context} Context */
/** @typedef {import('../types').Reply} Reply */
/** @typedef {import('../types').Route} Route */
/** @typedef {import('../server').DocumentRecord} DocumentRecord */
/** @typedef {import('../server').DocumentState} DocumentState */

const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
const UPLOAD_STATES = ['tosign', 'tags', 'tostamp'];
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The docs disagree on the file's shape (section 8.7): W-old `file: {content}` (or `$content`),
 * SW a bare base64 string. All three are accepted. @param {unknown} file
 */
function base64Of(file) {
	if (typeof file === 'string') return file;
	if (isObject(file)) {
		const content = file.content ?? file.$content;
		if (typeof content === 'string') return content;
	}
	return undefined;
}

/** @param {unknown} file @returns {Buffer | undefined} */
function decodeFile(file) {
	const base64 = base64Of(file)?.replace(/\s+/g, '');
	if (base64 === undefined || base64.length % 4 !== 0 || !BASE64.test(base64)) return undefined;
	return Buffer.from(base64, 'base64');
}

/** POST /JSON/document (docs 3.11). @param {Context} ctx @returns {Reply} */
function uploadDocument(ctx) {
	const body = ctx.request.body;
	if (!isObject(body)) return apiError(400, 'err.invalid.json', '');
	const content = decodeFile(body.file);
	if (!content || content.length === 0) return apiError(400, 'err.invalid.file', 'file');
	if (content.length > MAX_DOCUMENT_BYTES) return apiError(400, 'err.file.too.large', String(content.length));
	const state = body.state ?? 'tosign';
	if (typeof state !== 'string' || !UPLOAD_STATES.includes(state)) {
		return apiError(400, 'err.invalid.state', String(state));
	}
	if (body.filename !== undefined && typeof body.filename !== 'string') {
		return apiError(400, 'err.invalid.filename', '');
	}
	const record = addDocument(ctx.state, {
		filename: body.filename === '' ? undefined : body.filename,
		content,
		state: /** @type {DocumentState} */ (state),
	});
	// The wiki's example is cut off after "msg.docum…" (docs 3.11): both documented shapes at once, the
	// wiki's {message, result} and SW's {code, statusCode, success}; the connector dialect sends SW's alone.
	return apiAnswer({
		message: 'msg.document.uploaded',
		result: record.id,
		code: 'SUCCESS',
		statusCode: 200,
		success: true,
	});
}

/** @param {Context} ctx @returns {DocumentRecord | undefined} */
function findDocument(ctx) {
	return ctx.state.documents.get(ctx.params.documentId);
}

/** @param {Context} ctx */
function notFound(ctx) {
	return apiError(404, 'err.not.found', ctx.params.documentId);
}

/** GET /JSON/document/metadata/:documentId (docs 3.7). @param {Context} ctx @returns {Reply} */
function documentInfo(ctx) {
	const record = findDocument(ctx);
	if (!record) return notFound(ctx);
	const { filename, state, modification, id, date, number } = record;
	return json(200, { filename, state, modification, id, date, number });
}

/** GET /JSON/list/flat?state=<code|*> (docs 3.6). @param {Context} ctx @returns {Reply} */
function listDocuments(ctx) {
	const wanted = ctx.request.query.state;
	if (wanted === undefined || wanted === '') return apiError(400, 'err.missing.parameter', 'state');
	const list = [...ctx.state.documents.values()]
		.filter((record) => wanted === '*' || record.state === wanted)
		.map(({ filename, state, modification, id, date, number, group }) => ({
			filename,
			state,
			modification,
			id,
			url: `${ctx.url}/rest/document/${encodeURIComponent(id)}`,
			date,
			number,
			group,
		}));
	return json(200, list);
}

/**
 * RFC 6266: a plain ASCII `filename` for every client, plus `filename*` when the name is not ASCII.
 * @param {string} filename
 */
function contentDisposition(filename) {
	const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
	const exact = ascii === filename ? '' : `; filename*=UTF-8''${encodeURIComponent(filename)}`;
	return `attachment; filename="${ascii}"${exact}`;
}

/** GET /JSON/document/:documentId (docs 3.4): the signed PDF once signed, else the upload. @param {Context} ctx @returns {Reply} */
function downloadDocument(ctx) {
	const record = findDocument(ctx);
	if (!record) return notFound(ctx);
	ctx.state.stats.downloaded += 1;
	return {
		status: 200,
		body: record.signedContent ?? record.content,
		headers: { 'content-type': 'application/pdf', 'content-disposition': contentDisposition(record.filename) },
	};
}

/** DELETE /JSON/document/:documentId (docs 3.5). @param {Context} ctx @returns {Reply} */
function deleteDocument(ctx) {
	const record = findDocument(ctx);
	if (!record) return notFound(ctx);
	ctx.state.documents.delete(record.id);
	ctx.state.stats.deletedFiles += 1;
	return apiAnswer({ message: 'msg.deleted', result: record.id });
}

/** @type {Route[]} */
const routes = [
	{ method: 'POST', path: '/JSON/document', handler: uploadDocument },
	{ method: 'GET', path: '/JSON/document/metadata/:documentId', handler: documentInfo },
	{ method: 'GET', path: '/JSON/list/flat', handler: listDocuments },
	{ method: 'GET', path: '/JSON/document/:documentId', handler: downloadDocument },
	{ method: 'DELETE', path: '/JSON/document/:documentId', handler: deleteDocument },
];

module.exports = { routes, MAX_DOCUMENT_BYTES, decodeFile };
