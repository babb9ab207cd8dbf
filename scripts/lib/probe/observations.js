// @ts-check
'use strict';

/**
 * What else the answers show that the node relies on: Create's answer (documentId, signing link, the ID chosen),
 * the counter, the metadata, the download and the list. Keys and kinds only: no values from the account.
 */

const { accepted } = require('./client');
const { statusOf } = require('./findings');
const { isObject, keysOf } = require('./shapes');

/** @typedef {import('./client').Call} Call */

/** @param {Call} create @param {string | undefined} documentId */
function createAnswer(create, documentId) {
	const answer = isObject(create.json) ? create.json : {};
	const parts = [];
	if (create.sentId !== undefined) {
		parts.push(answer.result === create.sentId ? '`result` is the `signatureRequestId` the probe chose' : '`result` is not the `signatureRequestId` the probe chose');
	}
	parts.push(
		typeof answer.documentId === 'string'
			? `has \`documentId\`${documentId === undefined ? '' : answer.documentId === documentId ? ', the uploaded document' : ', another than the uploaded document'}`
			: 'has no `documentId`',
	);
	if (typeof answer.url === 'string') parts.push(/\/openDocument\//.test(answer.url) ? '`url` is a `/openDocument/…` signing link' : '`url` is not a `/openDocument/…` link');
	else parts.push('has no `url`');
	return `Create's answer ${parts.join('; ')}.`;
}

/** @param {Call | undefined} counter */
function counterText(counter) {
	if (!counter || !accepted(counter) || !isObject(counter.json)) return `Counter: ${statusOf(counter)}.`;
	const groups = Object.entries(counter.json);
	const values = groups.flatMap(([, group]) => (isObject(group) ? Object.values(group) : [group]));
	const kinds = [...new Set(values.map((value) => typeof value))].join(', ');
	return `Counter: \`${keysOf(counter.json)}\`, values of type ${kinds || 'none'}${kinds === 'string' ? ' (as documented)' : ''}.`;
}

/**
 * @param {Call[]} calls
 * @param {string | undefined} documentId the uploaded document
 * @returns {string[]}
 */
function observations(calls, documentId) {
	const find = (/** @type {string} */ step) => calls.find((call) => call.step === step);
	const lines = [counterText(find('counter'))];
	const create = calls.find((call) => call.step.startsWith('create:') && accepted(call));
	if (create) lines.push(createAnswer(create, documentId));
	const metadata = find('metadata');
	if (metadata) {
		const state = isObject(metadata.json) && typeof metadata.json.state === 'string' ? `, state \`${metadata.json.state}\`` : '';
		lines.push(`Document metadata: ${statusOf(metadata)}, \`${keysOf(metadata.json)}\`${state}.`);
	}
	const download = find('download');
	if (download) {
		const body = download.pdf ? 'a PDF' : `not a PDF (\`${keysOf(download.json)}\`)`;
		lines.push(`Download: ${statusOf(download)}, ${body}, content type \`${download.contentType ?? ''}\`.`);
	}
	const list = find('list');
	if (list) {
		if (Array.isArray(list.json)) {
			const ours = list.json.find((entry) => isObject(entry) && entry.id === documentId);
			const listed = ours ? `lists the uploaded document as \`${keysOf(ours)}\`` : 'does not list the uploaded document';
			lines.push(`List (\`state=*\`): ${statusOf(list)}, a list of ${list.json.length} that ${listed}.`);
		} else lines.push(`List (\`state=*\`): ${statusOf(list)}, \`${keysOf(list.json)}\` instead of a list.`);
	}
	return lines;
}

module.exports = { observations };
