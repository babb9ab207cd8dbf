// @ts-check
'use strict';

/**
 * Reply helpers shared by the sandbox's route modules. They build the wiki's shapes and say what
 * each reply is (`shape`), so that dialects.js can answer in the connector's shapes instead.
 */

/** @typedef {import('./types').Reply} Reply */

/** A JSON answer that no dialect rewrites (lists, metadata, counters). @param {number} status @param {unknown} body @returns {Reply} */
const json = (status, body) => ({ status, json: body });

/** The documented error shape {"message": "<code>", "value": "<detail>"}. @param {number} status @param {string} message @param {string} value @returns {Reply} */
const apiError = (status, message, value) => ({ status, json: { message, value }, shape: 'error' });

/**
 * A success in the wiki's {message, result, …} shape (`url`, `documentId` where the docs show them).
 * @param {Record<string, unknown> & { message: string, result: string }} body @returns {Reply}
 */
const apiAnswer = (body) => ({ status: 200, json: body, shape: 'answer' });

/** @param {unknown} value @returns {value is Record<string, unknown>} */
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

module.exports = { json, apiError, apiAnswer, isObject };
