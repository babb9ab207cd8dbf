// @ts-check
'use strict';

/** The former single file, now scripts/lib/n8n/ (one file per job); kept so that older callers keep working. */

/** @typedef {import('./n8n').Instance} Instance */
/** @typedef {import('./n8n').ExecuteResult} ExecuteResult */
/** @typedef {import('./n8n').RunningN8n} RunningN8n */
/** @typedef {import('./n8n').ExecutionSummary} ExecutionSummary */
/** @typedef {import('./n8n').StoredExecution} StoredExecution */

module.exports = require('./n8n');
