// @ts-check
'use strict';

/**
 * The key must appear in nothing the probe prints or writes, server answers included (an answer may echo it).
 * Everything leaves through one redactor: the key as sent, as a URL or JSON would carry it, and its long parts
 * (a server could echo the part after the `_` alone).
 */

const REDACTED = '[redacted]';
const MIN_PART_LENGTH = 8;

/** @param {string} text */
const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * @param {string} key
 * @returns {(text: string) => string}
 */
function redactor(key) {
	const forms = new Set([key, encodeURIComponent(key), JSON.stringify(key).slice(1, -1)]);
	for (const part of key.split(/[^A-Za-z0-9]+/)) if (part.length >= MIN_PART_LENGTH) forms.add(part);
	const longestFirst = [...forms].filter((form) => form !== '').sort((a, b) => b.length - a.length);
	if (longestFirst.length === 0) return (text) => text;
	const pattern = new RegExp(longestFirst.map(escapeRegExp).join('|'), 'gi');
	return (text) => text.replace(pattern, REDACTED);
}

module.exports = { redactor };
