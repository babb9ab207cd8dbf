// @ts-check
'use strict';

/**
 * Which documented shape an answer has (docs §8.8): the wiki's `{message, result, url, documentId}` and errors
 * `{message, value}`, or the connector's `{code, message, result, statusCode, url, success}` for both.
 */

/** @typedef {'wiki' | 'connector' | 'both' | 'neither'} ShapeLabel */

/** @param {unknown} value @returns {value is Record<string, unknown>} */
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * @param {unknown} json
 * @param {'answer' | 'error'} kind
 * @returns {ShapeLabel}
 */
function shapeOf(json, kind) {
	if (!isObject(json)) return 'neither';
	const has = (/** @type {string} */ key) => key in json;
	const connector = has('code') && has('statusCode') && has('success');
	const wiki =
		kind === 'error'
			? has('message') && has('value')
			: has('message') && has('result') && !has('code') && !has('statusCode') && !has('success');
	// The wiki's own marks: an error's `value`, Create's `documentId`.
	if (connector && (has('value') || has('documentId'))) return 'both';
	if (connector) return 'connector';
	return wiki ? 'wiki' : 'neither';
}

/** `{message, result, url}`, or what the answer was instead. @param {unknown} json */
function keysOf(json) {
	if (isObject(json)) return `{${Object.keys(json).join(', ')}}`;
	if (Array.isArray(json)) return `a list of ${json.length}`;
	return json === undefined ? 'no JSON' : `JSON ${typeof json}`;
}

/** @type {Record<ShapeLabel, string>} */
const SHAPE_NAMES = { wiki: "the wiki's", connector: "the connector's", both: "both documentations' keys at once", neither: 'neither documented shape' };

module.exports = { shapeOf, keysOf, isObject, SHAPE_NAMES };
