// @ts-check
'use strict';

/**
 * What the Creates tell about the two encodings (docs §8.4, §8.6). Each Create sent one encoding of allowedFields and
 * one of rules (steps.js, CREATE_ATTEMPTS). An encoding is accepted when a Create with it was accepted; refused when a
 * Create with it was refused although the other half of that Create is known to be accepted.
 */

const { accepted, refused } = require('./client');
const { CREATE_ATTEMPTS } = require('./steps');

/** @typedef {import('./client').Call} Call */
/** @typedef {'accepted' | 'refused' | 'failed' | 'not determined' | 'not tried'} Verdict */
/** @typedef {{ verdict: Verdict, call?: Call }} EncodingResult */

/**
 * @param {Call[]} calls
 * @returns {{ allowedFields: Record<'list' | 'string', EncodingResult>, rules: Record<'object' | 'string', EncodingResult> }}
 */
function encodingResults(calls) {
	const tried = CREATE_ATTEMPTS.flatMap((attempt) => {
		const call = calls.find((c) => c.step === attempt.step);
		return call && attempt.allowedFields && attempt.rules ? [{ ...attempt, call }] : [];
	});
	/** @param {'allowedFields' | 'rules'} property @param {string} encoding */
	const isAccepted = (property, encoding) => tried.some((t) => t[property] === encoding && accepted(t.call));
	/** @param {'allowedFields' | 'rules'} property @param {string} encoding @returns {EncodingResult} */
	const resultFor = (property, encoding) => {
		const other = property === 'allowedFields' ? 'rules' : 'allowedFields';
		const withIt = tried.filter((t) => t[property] === encoding);
		const acceptedCall = withIt.find((t) => accepted(t.call));
		if (acceptedCall) return { verdict: 'accepted', call: acceptedCall.call };
		const refusal = withIt.find((t) => refused(t.call) && isAccepted(other, /** @type {string} */ (t[other])));
		if (refusal) return { verdict: 'refused', call: refusal.call };
		const failure = withIt.find((t) => !refused(t.call));
		if (failure) return { verdict: 'failed', call: failure.call };
		return withIt.length > 0 ? { verdict: 'not determined', call: withIt[0].call } : { verdict: 'not tried' };
	};
	return {
		allowedFields: { list: resultFor('allowedFields', 'list'), string: resultFor('allowedFields', 'string') },
		rules: { object: resultFor('rules', 'object'), string: resultFor('rules', 'string') },
	};
}

module.exports = { encodingResults };
