// @ts-check
'use strict';

/** Reply helpers shared by the sandbox's route modules. */

/** @typedef {import('./types').Reply} Reply */


/** @param {number} status @param {unknown} body @returns {Reply} */
const json = (status, body) => ({ status, json: body });

/** The documented error shape {"message": "<code>", "value": "<detail>"}. @param {number} status @param {string} message @param {string} value @returns {Reply} */
const apiError = (status, message, value) => json(status, { message, value });

/** @param {unknown} value @returns {value is Record<string, unknown>} */
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

module.exports = { json, apiError, isObject };
