// @ts-check
'use strict';

// Placeholder: these endpoints are being implemented.

/** @type {import('../types').Route[]} */
const routes = [];

module.exports = { routes };
