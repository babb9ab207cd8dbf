// @ts-check
'use strict';

/**
 * Deletes everything the run may have created, always (steps.js lists it in `created` before each call that could
 * create it): signature requests first, then documents; then it reads the document list to prove that none of them
 * is left, deleting any document with the run's file name that an unanswered upload may have stored.
 */

const { accepted, refused } = require('./client');
const { KEY_VARIABLE } = require('./options');

/** @typedef {import('./client').Call} Call */
/** @typedef {import('./steps').Created} Created */

/**
 * @typedef {object} Leftover
 * @property {'signature request' | 'document'} kind
 * @property {string} id
 * @property {string} why
 * @property {string} command how to delete it by hand (the key stays in the environment variable)
 */

/**
 * @typedef {object} CleanupResult
 * @property {string[]} deleted e.g. 'document doc_1'
 * @property {Leftover[]} left
 * @property {'verified' | 'not verified' | 'nothing to verify'} verification
 * @property {string} [verificationNote]
 */

/** @param {string} baseUrl @param {string} path */
const deleteCommand = (baseUrl, path) => `curl -X DELETE -H "x-api-key: $${KEY_VARIABLE}" '${baseUrl}${path}'`;

/** @param {string} id */
const documentPath = (id) => `/JSON/document/${encodeURIComponent(id)}`;

/**
 * @param {{ call: import('./steps').StepContext['call'], created: Created, baseUrl: string, stopped: () => boolean }} ctx
 *   `stopped` tells that the user asked to leave without cleaning up
 * @returns {Promise<CleanupResult>}
 */
async function cleanup({ call, created, baseUrl, stopped }) {
	/** @type {CleanupResult} */
	const result = { deleted: [], left: [], verification: 'nothing to verify' };
	/**
	 * @param {'signature request' | 'document'} kind @param {string} id @param {string} path
	 * @param {boolean} mayNotExist a "does not exist" answer means there was nothing to delete
	 */
	const remove = async (kind, id, path, mayNotExist) => {
		const leftover = (/** @type {string} */ why) => result.left.push({ kind, id, why, command: deleteCommand(baseUrl, path) });
		if (stopped()) return leftover('not deleted: the probe was stopped before');
		const answer = await call(`cleanup:${kind === 'document' ? 'document' : 'signatureRequest'}`, 'DELETE', path);
		if (accepted(answer)) result.deleted.push(`${kind} ${id}`);
		else if (!(mayNotExist && refused(answer))) leftover(answer.status === null ? answer.error ?? answer.outcome : `HTTP ${answer.status}`);
	};
	for (const [id, certainty] of created.signatureRequests) {
		await remove('signature request', id, `/JSON/signatureRequest/${encodeURIComponent(id)}`, certainty === 'uncertain');
	}
	for (const id of created.documents.keys()) await remove('document', id, documentPath(id), false);
	if (created.documents.size > 0 || created.uncertainUpload) await verify({ call, created, baseUrl, stopped }, result, remove);
	return result;
}

/**
 * Reads the document list: a document deleted a moment ago must be gone, and one with the run's file name that no
 * answer named (an upload without a clear answer) is deleted now.
 * @param {Parameters<typeof cleanup>[0]} ctx
 * @param {CleanupResult} result
 * @param {(kind: 'document', id: string, path: string, mayNotExist: boolean) => Promise<unknown>} remove
 */
async function verify({ call, created, baseUrl, stopped }, result, remove) {
	result.verification = 'not verified';
	if (stopped()) return;
	const list = await call('cleanup:verify', 'GET', '/JSON/list/flat?state=*');
	if (!accepted(list) || !Array.isArray(list.json)) {
		result.verificationNote = `the document list could not be read (${list.status === null ? list.error : `HTTP ${list.status}`})`;
		return;
	}
	for (const entry of /** @type {unknown[]} */ (list.json)) {
		const document = /** @type {Record<string, unknown>} */ (entry ?? {});
		const id = String(document.id);
		const path = documentPath(id);
		if (created.documents.has(id)) {
			const wasDeleted = result.deleted.indexOf(`document ${id}`);
			if (wasDeleted < 0) continue; // already listed as left
			result.deleted.splice(wasDeleted, 1);
			result.left.push({ kind: 'document', id, why: 'its DELETE was accepted, yet the list still has it', command: deleteCommand(baseUrl, path) });
		} else if (document.filename === created.filename) {
			await remove('document', id, path, false);
		}
	}
	result.verification = 'verified';
}

module.exports = { cleanup, deleteCommand };
