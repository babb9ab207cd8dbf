// @ts-check
'use strict';

/**
 * Deletes everything the run may have created, always (steps.js lists it in `created` before each call that could
 * create it): signature requests first, then documents; then it reads the document list to prove that none of them
 * is left, deleting any document with the run's file name that an unclear upload may have stored. Whatever it cannot
 * delete, or cannot be sure about, is listed with the command that deletes it by hand.
 */

const { setTimeout: sleep } = require('node:timers/promises');

const { accepted, refused } = require('./client');
const { KEY_VARIABLE } = require('./options');

/** @typedef {import('./client').Call} Call */
/** @typedef {import('./steps').Created} Created */
/** @typedef {import('./steps').Certainty} Certainty */

/**
 * @typedef {object} Leftover
 * @property {'signature request' | 'document'} kind
 * @property {string} id
 * @property {string} why
 * @property {string} command how to delete it (or find it) by hand; the key stays in the environment variable
 */

/**
 * @typedef {object} CleanupResult
 * @property {string[]} deleted e.g. 'document doc_1'
 * @property {Leftover[]} left
 * @property {'verified' | 'not verified' | 'nothing to verify'} verification
 * @property {string} [verificationNote]
 */

/** @param {string} baseUrl @param {string} method @param {string} path */
const curl = (baseUrl, method, path) => `curl -X ${method} -H "x-api-key: $${KEY_VARIABLE}" '${baseUrl}${path}'`;
/** @param {string} id */
const documentPath = (id) => `/JSON/document/${encodeURIComponent(id)}`;
/** @param {string} id */
const requestPath = (id) => `/JSON/signatureRequest/${encodeURIComponent(id)}`;
const LIST_PATH = '/JSON/list/flat?state=*';
const NOT_DELETED = 'not deleted: the probe was told to leave without cleaning up';
/** The longest the cleanup waits for OKdokument to finish a call whose answer never came. */
const MAX_SETTLE_MS = 5000;

/**
 * @param {object} ctx
 * @param {import('./steps').StepContext['call']} ctx.call
 * @param {Created} ctx.created
 * @param {string} ctx.baseUrl
 * @param {AbortSignal} ctx.leave aborted when the user asks to leave without cleaning up
 * @param {number} ctx.settleMs how long OKdokument may still be working on a call whose answer never came
 * @param {(line: string) => void} ctx.log
 * @returns {Promise<CleanupResult>}
 */
async function cleanup({ call, created, baseUrl, leave: leaveSignal, settleMs, log }) {
	/** @type {CleanupResult} */
	const result = { deleted: [], left: [], verification: 'nothing to verify' };
	const stopped = () => leaveSignal.aborted;
	/** @param {'signature request' | 'document'} kind @param {string} id @param {string} why */
	const leave = (kind, id, why) =>
		result.left.push({ kind, id, why, command: curl(baseUrl, 'DELETE', kind === 'document' ? documentPath(id) : requestPath(id)) });

	/** @param {'signature request' | 'document'} kind @param {string} id @param {Certainty} certainty */
	const remove = async (kind, id, certainty) => {
		if (stopped()) return leave(kind, id, NOT_DELETED);
		const path = kind === 'document' ? documentPath(id) : requestPath(id);
		const answer = await call(kind === 'document' ? 'cleanup:document' : 'cleanup:signatureRequest', 'DELETE', path);
		if (accepted(answer)) return result.deleted.push(`${kind} ${id}`);
		if (answer.outcome === 'interrupted') return leave(kind, id, NOT_DELETED);
		const status = answer.status === null ? (answer.error ?? answer.outcome) : `HTTP ${answer.status}`;
		if (certainty === 'created' || !refused(answer)) return leave(kind, id, `its DELETE failed (${status})`);
		// OKdokument does not know it: nothing was created, unless it is still working on a call that got no answer.
		if (certainty === 'unanswered') leave(kind, id, `perhaps: its Create got no answer, and OKdokument did not know it yet at cleanup (${status})`);
	};

	if (created.uncertainUpload === 'unanswered' || [...created.signatureRequests.values()].includes('unanswered')) {
		const ms = Math.min(settleMs, MAX_SETTLE_MS);
		log(`A call that may create something got no answer: waiting ${ms} ms for OKdokument to finish it before cleaning up`);
		await sleep(ms, undefined, { signal: leaveSignal }).catch(() => undefined);
	}
	for (const [id, certainty] of created.signatureRequests) await remove('signature request', id, certainty);
	for (const id of created.documents.keys()) await remove('document', id, 'created');
	if (created.documents.size > 0 || created.uncertainUpload) await verify({ call, created, stopped, result, remove, leave });
	if (created.uncertainUpload === 'unanswered' && result.verification === 'verified') {
		result.left.push({
			kind: 'document',
			id: created.filename,
			why: 'perhaps: an upload got no answer, and the list did not have it yet at cleanup; look for this name',
			command: curl(baseUrl, 'GET', LIST_PATH),
		});
	}
	return result;
}

/**
 * Reads the document list: a document deleted a moment ago must be gone, and one with the run's file name that no
 * answer named (an unclear upload) is deleted now.
 * @param {object} ctx
 * @param {import('./steps').StepContext['call']} ctx.call
 * @param {Created} ctx.created
 * @param {() => boolean} ctx.stopped
 * @param {CleanupResult} ctx.result
 * @param {(kind: 'document', id: string, certainty: Certainty) => Promise<unknown>} ctx.remove
 * @param {(kind: 'document', id: string, why: string) => unknown} ctx.leave
 */
async function verify({ call, created, stopped, result, remove, leave }) {
	result.verification = 'not verified';
	if (stopped()) return;
	const list = await call('cleanup:verify', 'GET', LIST_PATH);
	if (!accepted(list) || !Array.isArray(list.json)) {
		result.verificationNote = `the document list could not be read (${list.status === null ? list.error : `HTTP ${list.status}`})`;
		return;
	}
	for (const entry of /** @type {unknown[]} */ (list.json)) {
		const document = /** @type {Record<string, unknown>} */ (typeof entry === 'object' && entry !== null ? entry : {});
		const id = String(document.id);
		const deleted = result.deleted.indexOf(`document ${id}`);
		if (deleted >= 0) {
			result.deleted.splice(deleted, 1);
			leave('document', id, 'its DELETE was accepted, yet the list still has it');
		} else if (document.filename === created.filename && !created.documents.has(id)) {
			created.documents.set(id, 'created');
			created.uncertainUpload = undefined; // found
			await remove('document', id, 'created');
		}
	}
	result.verification = 'verified';
}

module.exports = { cleanup };
