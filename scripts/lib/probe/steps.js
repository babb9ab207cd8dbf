// @ts-check
'use strict';

/**
 * The probe's calls, in order. Each answer is an observation (findings.js reads them); only a call without an answer
 * (or a refused key, or a redirect) stops the sequence. Whatever may exist on OKdokument is put in `created` before
 * the call that creates it, so that cleanup.js deletes it whatever happens next.
 */

const { randomUUID } = require('node:crypto');

const { accepted, refused } = require('./client');
const { probePdf, SIGNATURE_FIELDS } = require('./pdf');

/** @typedef {import('./client').Call} Call */

/** A harmless callback: nobody signs the probe's request, so nothing is ever sent there. */
const PROBE_CALLBACK = 'https://example.com/okdokument-probe';

/** Upload bodies (docs §8.7), the node's first: as long as one is refused, the next is tried. */
const UPLOAD_SHAPES = [
	{ step: 'upload:content', sent: 'file: {content}', file: (/** @type {string} */ base64) => ({ content: base64 }) },
	{ step: 'upload:$content', sent: 'file: {$content}', file: (/** @type {string} */ base64) => ({ $content: base64 }) },
	{ step: 'upload:bare', sent: 'file: "<base64>"', file: (/** @type {string} */ base64) => base64 },
];

const ALLOWED_FIELDS = {
	list: { SIGNATURE: SIGNATURE_FIELDS },
	string: { SIGNATURE: SIGNATURE_FIELDS.join(';') },
};
const RULES = {
	object: { signAnywhereEnabled: false, lang: 'en' },
	string: 'signAnywhereEnabled-false_lang-en',
};

/**
 * Creates, the node's defaults first, then one encoding changed at a time. A refused Create costs nothing, an
 * accepted one uses up a signature request: the first accepted one ends the list, and the order lets the refusals
 * before it tell which encoding was refused. Only when all four are refused: one without allowedFields and rules,
 * then one without the Send Info URL as well (Send and Wait needs it in Create).
 * @type {Array<{ step: string, allowedFields?: 'list' | 'string', rules?: 'object' | 'string', callback?: false }>}
 */
const CREATE_ATTEMPTS = [
	{ step: 'create:list+object', allowedFields: 'list', rules: 'object' },
	{ step: 'create:list+string', allowedFields: 'list', rules: 'string' },
	{ step: 'create:string+object', allowedFields: 'string', rules: 'object' },
	{ step: 'create:string+string', allowedFields: 'string', rules: 'string' },
	{ step: 'create:bare' },
	{ step: 'create:minimal', callback: false },
];

class Stop extends Error {}

/**
 * created: OKdokument said so. uncertain: it answered, but not clearly (a 5xx), so what "does not exist" says later is
 * final. unanswered: no answer came, so OKdokument may still be working on it when the cleanup asks.
 * @typedef {'created' | 'uncertain' | 'unanswered'} Certainty
 */

/** @param {Call} call @returns {Certainty} */
const certaintyOf = (call) => (call.outcome === 'answered' ? 'uncertain' : 'unanswered');

/**
 * @typedef {object} Created what may exist on OKdokument because of this run
 * @property {Map<string, Certainty>} signatureRequests
 * @property {Map<string, 'created'>} documents
 * @property {Certainty | undefined} uncertainUpload an upload without a clear answer: its document may exist, its ID unknown
 * @property {string} filename the name of every document this run uploads
 */

/**
 * @typedef {object} StepContext
 * @property {(step: string, method: string, path: string, options?: { body?: unknown, sent?: string, sentId?: string }) => Promise<Call>} call
 * @property {Created} created
 * @property {string} runId
 */

/** A call that must have an answer to go on; a refused key or a redirect ends the run too. @param {Call} call */
function mustAnswer(call) {
	if (call.outcome !== 'answered') throw new Stop(`${call.method} ${call.path}: ${call.error ?? call.outcome}`);
	if (call.status === 401 || call.status === 403) throw new Stop(`OKdokument refused the API key (${call.status})`);
	if (call.status !== null && call.status >= 300 && call.status < 400) {
		throw new Stop(`${call.method} ${call.path} answered with a redirect (${call.status}) to ${call.location ?? 'nowhere'}; not followed`);
	}
	return call;
}

/** The ID an answer names: `result` in both documentations. @param {Call} call */
function resultOf(call) {
	const answer = /** @type {Record<string, unknown> | undefined} */ (call.json);
	for (const key of ['result', 'documentId', 'id']) {
		const value = answer?.[key];
		if (typeof value === 'string' && value.trim() !== '') return value.trim();
	}
	return undefined;
}

/** @param {StepContext} ctx @returns {Promise<string | undefined>} the document ID */
async function upload(ctx) {
	const base64 = probePdf(`OKdokument API probe ${ctx.runId}`).toString('base64');
	for (const shape of UPLOAD_SHAPES) {
		const body = { filename: ctx.created.filename, state: 'tosign', file: shape.file(base64) };
		ctx.created.uncertainUpload = 'unanswered';
		const call = await ctx.call(shape.step, 'POST', '/JSON/document', { body, sent: shape.sent });
		ctx.created.uncertainUpload = refused(call) ? undefined : certaintyOf(call);
		mustAnswer(call);
		if (refused(call)) continue;
		const documentId = accepted(call) ? resultOf(call) : undefined;
		if (documentId === undefined) return undefined; // may be stored all the same: cleanup looks for its name
		ctx.created.uncertainUpload = undefined;
		ctx.created.documents.set(documentId, 'created');
		return documentId;
	}
	return undefined;
}

/** @param {StepContext} ctx @param {string} documentId @returns {Promise<string | undefined>} the signature request's ID */
async function create(ctx, documentId) {
	for (const attempt of CREATE_ATTEMPTS) {
		const signatureRequestId = randomUUID();
		/** @type {Record<string, unknown>} */
		const body = { id: documentId, changeState: 'tosign', signatureRequestId };
		if (attempt.callback !== false) body.sendInfoURL = `${PROBE_CALLBACK}?sent=create`;
		if (attempt.allowedFields) body.allowedFields = ALLOWED_FIELDS[attempt.allowedFields];
		if (attempt.rules) body.rules = RULES[attempt.rules];
		const sent = attempt.allowedFields
			? `allowedFields as ${attempt.allowedFields === 'list' ? 'lists' : 'text'}, rules as ${attempt.rules === 'object' ? 'an object' : 'text'}`
			: attempt.callback === false
				? 'only id, changeState, signatureRequestId'
				: 'neither allowedFields nor rules';
		ctx.created.signatureRequests.set(signatureRequestId, 'unanswered');
		const call = await ctx.call(attempt.step, 'POST', '/JSON/signatureRequest', { body, sent, sentId: signatureRequestId });
		if (refused(call)) ctx.created.signatureRequests.delete(signatureRequestId);
		else ctx.created.signatureRequests.set(signatureRequestId, certaintyOf(call));
		mustAnswer(call);
		if (refused(call)) continue;
		if (!accepted(call)) return undefined; // a 5xx: it may exist; cleanup deletes it. Another try could make two.
		const answered = resultOf(call) ?? signatureRequestId;
		ctx.created.signatureRequests.delete(signatureRequestId);
		ctx.created.signatureRequests.set(answered, 'created');
		return answered;
	}
	return undefined;
}

/** PATCH (the wiki), after a 405 the connector's POST; then the other spelling the same way. @param {StepContext} ctx @param {string} id */
async function update(ctx, id) {
	const patch = (/** @type {string} */ step, /** @type {string} */ name) =>
		ctx.call(step, 'PATCH', '/JSON/signatureRequest', { body: { signatureRequestId: id, [name]: `${PROBE_CALLBACK}?sent=${name}` }, sent: name });
	const post = (/** @type {string} */ step, /** @type {string} */ name) =>
		ctx.call(step, 'POST', `/JSON/signatureRequest/${encodeURIComponent(id)}`, { body: { [name]: `${PROBE_CALLBACK}?sent=${name}` }, sent: name });
	const first = mustAnswer(await patch('update:patch', 'sendInfoURL'));
	const way = first.status === 405 ? post : patch;
	if (first.status === 405) mustAnswer(await post('update:post', 'sendInfoURL'));
	mustAnswer(await way('update:spelling', 'sendInfoUrl'));
}

/** @param {StepContext} ctx */
async function probeSteps(ctx) {
	mustAnswer(await ctx.call('counter', 'GET', '/JSON/counter'));
	mustAnswer(await ctx.call('metadata:unknown', 'GET', `/JSON/document/metadata/okdokument-probe-unknown-${ctx.runId}`));
	const documentId = await upload(ctx);
	if (documentId === undefined) return;
	const signatureRequestId = await create(ctx, documentId);
	if (signatureRequestId !== undefined) await update(ctx, signatureRequestId);
	const encoded = encodeURIComponent(documentId);
	mustAnswer(await ctx.call('metadata', 'GET', `/JSON/document/metadata/${encoded}`));
	mustAnswer(await ctx.call('download', 'GET', `/JSON/document/${encoded}`));
	mustAnswer(await ctx.call('list', 'GET', '/JSON/list/flat?state=*'));
}

module.exports = { probeSteps, Stop, CREATE_ATTEMPTS, UPLOAD_SHAPES, ALLOWED_FIELDS, RULES };
