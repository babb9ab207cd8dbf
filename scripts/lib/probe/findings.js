// @ts-check
'use strict';

/**
 * The answers to the questions of docs/okdokument-api-shapes.md (where OKdokument's documentation contradicts
 * itself), one row per question, read from the calls the probe made, each with the node setting that matches.
 */

const { accepted, refused } = require('./client');
const { encodingResults } = require('./encodings');
const { SHAPE_NAMES, isObject, keysOf, shapeOf } = require('./shapes');
const { ALLOWED_FIELDS, CREATE_ATTEMPTS, RULES, UPLOAD_SHAPES } = require('./steps');

/** @typedef {import('./client').Call} Call */
/** @typedef {import('./encodings').EncodingResult} EncodingResult */

/**
 * How the node stands to what was seen:
 * - default: its default matches; setting: a setting must be changed (named in `setting`); automatic: it copes by
 *   itself; problem: nothing in the node matches (report it); unknown: the probe could not tell; not observable /
 *   not probed: the probe cannot see it, or does not ask, to save a signature request.
 * @typedef {'default' | 'setting' | 'automatic' | 'problem' | 'unknown' | 'not observable' | 'not probed'} Fit
 */

/**
 * @typedef {object} Finding
 * @property {string} id stable, for machines
 * @property {string} question
 * @property {string} seen
 * @property {string} setting the node setting that matches
 * @property {Fit} fit
 */

/** A value as the report quotes it: JSON, text as it is. @param {unknown} value */
const code = (value) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;

/** @param {Call[]} calls @param {string} step */
const find = (calls, step) => calls.find((call) => call.step === step);

/** OKdokument's own word for what happened, when it gave one. @param {Call} call */
function messageOf(call) {
	const answer = call.json;
	if (!isObject(answer)) return '';
	const text = typeof answer.message === 'string' ? answer.message : typeof answer.code === 'string' ? answer.code : '';
	return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** "HTTP 200", "HTTP 400 err.invalid.rules", "no answer (…)", "not sent". @param {Call | undefined} call */
function statusOf(call) {
	if (!call) return 'not sent';
	if (call.status === null) return `no answer (${call.error ?? call.outcome})`;
	const message = accepted(call) ? '' : messageOf(call);
	return `HTTP ${call.status}${message ? ` ${message}` : ''}`;
}

/** "accepted (HTTP 200)", "refused (HTTP 405 …)", "failed (no answer …)". @param {Call | undefined} call */
function verdictOf(call) {
	if (!call) return 'not sent';
	return `${accepted(call) ? 'accepted' : refused(call) ? 'refused' : 'failed'} (${statusOf(call)})`;
}

const SAVED = 'each accepted Create uses up a signature request';

/** @param {EncodingResult} result @param {boolean} createAccepted */
function encodingText(result, createAccepted) {
	if (result.verdict === 'not tried') return `not tried (${createAccepted ? `${SAVED}, and one was enough` : 'the Creates stopped before it'})`;
	if (result.verdict === 'not determined') return `not determined (${statusOf(result.call)} together with the other half, itself not known to work)`;
	return `${result.verdict} (${statusOf(result.call)})`;
}

/**
 * @param {string} id @param {string} question
 * @param {Record<string, EncodingResult>} results by node option value
 * @param {boolean} createAccepted whether any Create was accepted
 * @param {Array<{ value: string, label: string, sent: string, setting: string }>} encodings the node's default first
 * @returns {Finding}
 */
function encodingFinding(id, question, results, createAccepted, encodings) {
	const seen = encodings
		.map((encoding) => `${encoding.label} ${encoding.sent}: ${encodingText(results[encoding.value], createAccepted)}`)
		.join('; ');
	const working = encodings.find((encoding) => results[encoding.value].verdict === 'accepted');
	if (!working) return { id, question, seen, setting: 'none known to work: see the Creates below', fit: 'unknown' };
	return { id, question, seen, setting: working.setting, fit: working === encodings[0] ? 'default' : 'setting' };
}

/** @param {Call[]} calls @returns {Finding} */
function sendInfoSpelling(calls) {
	const id = 'sendInfoUrlSpelling';
	const question = '`sendInfoURL` or `sendInfoUrl`';
	const created = calls.find((call) => call.step.startsWith('create:') && accepted(call));
	const createRefusedIt = created?.step === 'create:minimal';
	const upper = find(calls, 'update:post') ?? find(calls, 'update:patch');
	const lower = find(calls, 'update:spelling');
	const parts = created ? [`Create with \`sendInfoURL\`: ${createRefusedIt ? 'refused (only a Create without it was accepted)' : verdictOf(created)}`] : [];
	if (upper) {
		parts.push(`${upper.method === 'PATCH' ? 'PATCH' : 'the POST'} with \`sendInfoURL\`: ${verdictOf(upper)}; with \`sendInfoUrl\`: ${verdictOf(lower)}`);
		if (lower && accepted(upper) && accepted(lower)) parts.push('both are taken; which one is stored shows only in a callback, which the probe cannot receive');
	}
	const seen = parts.join('; ') || 'not asked: no signature request was created';
	if (createRefusedIt || (upper && !accepted(upper) && lower && accepted(lower))) {
		return { id, question, seen, setting: 'none: the node sends `sendInfoURL`; report this', fit: 'problem' };
	}
	if (upper && accepted(upper)) return { id, question, seen, setting: 'none: the node sends `sendInfoURL`', fit: 'default' };
	return { id, question, seen, setting: 'none known to work: see Update', fit: 'unknown' };
}

/** @param {Call[]} calls @returns {Finding} */
function createWay(calls) {
	const question = 'Create for a new file: inline `filedata` or upload, then `id` + `changeState`';
	const creates = CREATE_ATTEMPTS.map((attempt) => find(calls, attempt.step)).filter((call) => call !== undefined);
	const inline = `inline \`filedata\`: not tried (the node never sends it; ${SAVED})`;
	if (creates.length === 0) return { id: 'createWay', question, seen: 'not asked: no document was uploaded', setting: '—', fit: 'unknown' };
	const created = creates.find(accepted);
	if (created) {
		const seen = `upload, then \`id\` + \`changeState: "tosign"\`: accepted (${statusOf(created)}); ${inline}`;
		return { id: 'createWay', question, seen, setting: 'none: the node always uploads first', fit: 'default' };
	}
	const allRefused = creates.every(refused);
	const seen = `upload, then \`id\` + \`changeState\`: ${allRefused ? 'every Create was refused' : 'a Create failed'} (${creates.map(statusOf).join('; ')}); ${inline}`;
	const setting = allRefused ? 'none known to work: see the Creates below' : 'not known: run the probe again later';
	return { id: 'createWay', question, seen, setting, fit: allRefused ? 'problem' : 'unknown' };
}

/** @param {Call[]} calls @returns {Finding} */
function uploadBody(calls) {
	const question = 'Upload body: `file: {content}`, `file: {$content}` or a bare base64 `file`';
	const tried = UPLOAD_SHAPES.map((shape) => ({ shape, call: find(calls, shape.step) })).filter((t) => t.call !== undefined);
	if (tried.length === 0) return { id: 'uploadBody', question, seen: 'not asked', setting: '—', fit: 'unknown' };
	const seen = tried.map((t) => `\`${t.shape.sent}\`: ${verdictOf(t.call)}`).join('; ');
	const working = tried.find((t) => t.call && accepted(t.call));
	if (working?.shape === UPLOAD_SHAPES[0]) return { id: 'uploadBody', question, seen, setting: 'none: the node sends `file: {content}`', fit: 'default' };
	if (working) return { id: 'uploadBody', question, seen, setting: 'none: the node sends only `file: {content}`; report this', fit: 'problem' };
	return { id: 'uploadBody', question, seen, setting: 'none known to work: see the uploads below', fit: 'unknown' };
}

/** @param {Call[]} calls @returns {Finding} */
function updateWay(calls) {
	const question = 'Update: `PATCH /JSON/signatureRequest` or `POST /JSON/signatureRequest/{id}` with `{sendInfoURL}`';
	const patch = find(calls, 'update:patch');
	const post = find(calls, 'update:post');
	if (!patch) return { id: 'updateWay', question, seen: 'not asked: no signature request was created', setting: '—', fit: 'unknown' };
	const seen = `PATCH: ${verdictOf(patch)}${post ? `; the POST: ${verdictOf(post)}` : ''}`;
	if (accepted(patch)) return { id: 'updateWay', question, seen, setting: 'none: the node sends PATCH', fit: 'default' };
	if (post && accepted(post)) {
		const setting = 'none: after the 405 the node sends that POST by itself (it can change the Send Info URL only, not the Result URL)';
		return { id: 'updateWay', question, seen, setting, fit: 'automatic' };
	}
	return { id: 'updateWay', question, seen, setting: 'none known to work: see Update below', fit: 'problem' };
}

/**
 * The answers' shapes, those with the same keys together: "Upload, Create: `{…}`, the connector's".
 * @param {Array<{ label: string, call: Call }>} named @param {'answer' | 'error'} kind
 */
function shapesSeen(named, kind) {
	/** @type {Map<string, string[]>} */
	const groups = new Map();
	for (const { label, call } of named) {
		const shape = `\`${keysOf(call.json)}\`, ${SHAPE_NAMES[shapeOf(call.json, kind)]}`;
		groups.set(shape, [...(groups.get(shape) ?? []), label]);
	}
	return {
		text: [...groups].map(([shape, labels]) => `${labels.join(', ')}: ${shape}`).join('; '),
		odd: named.some(({ call }) => shapeOf(call.json, kind) === 'neither'),
	};
}

/** @param {Call[]} calls @returns {Finding} */
function answerShapes(calls) {
	const question = 'Answers: `{message, result, url, documentId}` (wiki) or `{code, message, result, statusCode, url, success}` (connector)';
	/** @type {Array<[string, (call: Call) => boolean]>} */
	const kinds = [
		['Upload', (call) => call.step.startsWith('upload:')],
		['Create', (call) => call.step.startsWith('create:')],
		['Update', (call) => call.step.startsWith('update:')],
		['Delete signature request', (call) => call.step === 'cleanup:signatureRequest'],
		['Delete document', (call) => call.step === 'cleanup:document'],
	];
	const named = kinds.flatMap(([label, isKind]) => {
		const call = calls.find((c) => isKind(c) && accepted(c));
		return call ? [{ label, call }] : [];
	});
	if (named.length === 0) return { id: 'answerShapes', question, seen: 'no answer to read', setting: '—', fit: 'unknown' };
	const { text, odd } = shapesSeen(named, 'answer');
	const failedOk = calls.filter((call) => call.status !== null && call.status < 300 && !accepted(call));
	const seen = failedOk.length > 0 ? `${text}; a 2xx with \`"success": false\`: ${failedOk.map((call) => call.step).join(', ')}` : text;
	const setting = odd ? 'the node reads `message` and `result` from any answer; check the one in neither shape' : 'none: the node reads both';
	return { id: 'answerShapes', question, seen, setting, fit: odd ? 'unknown' : 'automatic' };
}

/** @param {Call[]} calls @returns {Finding} */
function errorShapes(calls) {
	const question = 'Errors: `{message, value}` (wiki) or `{code, message, result, statusCode, success}` (connector)';
	const errors = calls.filter((call) => call.status !== null && call.status >= 400 && !call.step.startsWith('cleanup:'));
	if (errors.length === 0) return { id: 'errorShapes', question, seen: 'no error seen', setting: '—', fit: 'unknown' };
	const { text, odd } = shapesSeen(errors.map((call) => ({ label: `${call.step} (${call.status})`, call })), 'error');
	const setting = odd ? 'the node shows an error in neither shape as it came' : 'none: the node reads both';
	return { id: 'errorShapes', question, seen: text, setting, fit: odd ? 'unknown' : 'automatic' };
}

/** @param {Call[]} calls @returns {Finding[]} */
function findings(calls) {
	const encodings = encodingResults(calls);
	const createAccepted = calls.some((call) => call.step.startsWith('create:') && accepted(call));
	return [
		sendInfoSpelling(calls),
		encodingFinding('allowedFieldsEncoding', '`allowedFields`: lists or text joined by `;`', encodings.allowedFields, createAccepted, [
			{ value: 'list', label: 'lists', sent: code(ALLOWED_FIELDS.list), setting: 'Allowed Fields Encoding: Lists (the default)' },
			{ value: 'string', label: 'text', sent: code(ALLOWED_FIELDS.string), setting: 'Allowed Fields Encoding: Text Joined by Semicolons' },
		]),
		encodingFinding('rulesEncoding', '`rules`: an object or Name-Value text', encodings.rules, createAccepted, [
			{ value: 'object', label: 'an object', sent: code(RULES.object), setting: 'Signing Rules Encoding: Object (or the default, As Custom Rules Are Written, with Custom Rules as JSON)' },
			{ value: 'string', label: 'text', sent: code(RULES.string), setting: 'Signing Rules Encoding: Name-Value Text' },
		]),
		{
			id: 'unmodelledKeys',
			question: 'Keys the node does not model (`sigData`, …)',
			seen: `not probed (${SAVED})`,
			setting: 'Additional Body Fields (JSON), if you need one',
			fit: 'not probed',
		},
		createWay(calls),
		uploadBody(calls),
		updateWay(calls),
		answerShapes(calls),
		errorShapes(calls),
		{
			id: 'callbackShape',
			question: 'Callback: `{state, id, signatureRequestId}` (wiki) or the connector\'s `{code, message, result, statusCode, url, success}`',
			seen: 'not observable by the probe: OKdokument calls back only when someone signs or cancels, and the probe deletes its request unsigned',
			setting: 'the node reads both; for the connector\'s shape add `?documentId=` to the Send Info URL (see the trigger)',
			fit: 'not observable',
		},
	];
}

module.exports = { findings, statusOf };
