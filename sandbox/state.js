// @ts-check
'use strict';

/**
 * The sandbox's in-memory OKdokument account: signature requests, documents and usage.
 * Route modules read and change it; nothing else keeps state.
 */

const { isObject } = require('./replies');

/** @typedef {import('./server').SignatureRequestRecord} SignatureRequestRecord */
/** @typedef {import('./server').SignatureRequestInput} SignatureRequestInput */
/** @typedef {import('./server').DocumentRecord} DocumentRecord */
/** @typedef {import('./types').State} State */

const DEMO_UUID = '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f';


/** @param {SignatureRequestInput} input @returns {SignatureRequestRecord} */
function toRecord(input) {
	if (!isObject(input) || typeof input.signatureRequestId !== 'string' || input.signatureRequestId === '') {
		throw new TypeError('a signature request needs a non-empty string signatureRequestId');
	}
	const id = input.signatureRequestId;
	return {
		...input,
		signatureRequestId: id,
		documentId: input.documentId ?? `doc-${id}`,
		sendInfoURL: input.sendInfoURL ?? '',
		resulturl: input.resulturl ?? '',
		state: input.state ?? 'tosign',
	};
}

/** @param {SignatureRequestRecord[]} seed @returns {State} */
function freshState(seed) {
	const signatureRequests = new Map(seed.map((record) => [record.signatureRequestId, { ...record }]));
	return {
		signatureRequests,
		documents: new Map(),
		stats: { signatureRequestsUsed: signatureRequests.size, downloaded: 0, deletedFiles: 0 },
		emails: [],
		callbacks: [],
		sequence: 0,
	};
}

/**
 * A new ID shaped like OKdokument's (letters, digits, '_' and '-'), unique in this sandbox.
 * @param {State} state @param {string} prefix
 */
function newId(state, prefix) {
	state.sequence += 1;
	return `${prefix}_${Date.now().toString(36)}-${state.sequence.toString(36).padStart(4, '0')}`;
}

/** The documents' "modification" format: YYYY-MM-DD HH:mm:ss (UTC). @param {Date} date */
function formatModification(date) {
	return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** @param {number} [count] @returns {SignatureRequestRecord[]} */
function demoSignatureRequests(count = 3) {
	return Array.from({ length: count }, (_, i) =>
		toRecord(
			count >= 2 && i === count - 1
				? { signatureRequestId: DEMO_UUID, documentId: 'y7Ki_sandboxDemo-o_S1Jiph0000' }
				: { signatureRequestId: `sr-demo-${i + 1}`, documentId: `doc-demo-${i + 1}` },
		),
	);
}

/**
 * Stores a document as an upload or an inline Create would.
 * @param {State} state
 * @param {{ filename?: string, content: Buffer, state?: DocumentRecord['state'], id?: string, date?: number }} input
 * @returns {DocumentRecord}
 */
function addDocument(state, input) {
	const now = input.date === undefined ? new Date() : new Date(input.date);
	const id = input.id ?? newId(state, 'doc');
	/** @type {DocumentRecord} */
	const record = {
		id,
		filename: input.filename ?? `${id}.pdf`,
		// 'tags' and 'tostamp' are pre-processing states that end in 'tosign' at once here.
		state: input.state === 'tags' || input.state === 'tostamp' || input.state === undefined ? 'tosign' : input.state,
		content: input.content,
		modification: formatModification(now),
		date: now.getTime(),
		number: String(state.documents.size + 1),
		group: 'api_user',
	};
	state.documents.set(id, record);
	return record;
}

/**
 * The documents the account holds: those stored (uploads, inline Creates) plus those that
 * seeded signature requests refer to, which exist without bytes.
 * @param {State} state @returns {Set<string>}
 */
function storedDocumentIds(state) {
	const ids = new Set(state.documents.keys());
	for (const record of state.signatureRequests.values()) if (record.documentId) ids.add(record.documentId);
	return ids;
}

/** The smallest PDF a viewer opens, with one line of text. @param {string} text */
function samplePdf(text) {
	const escaped = text.replace(/[()\\]/g, '\\$&');
	return Buffer.from(
		`%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n` +
			`3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 100]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n` +
			`4 0 obj<</Length ${24 + escaped.length}>>stream\nBT /F1 12 Tf 20 50 Td (${escaped}) Tj ET\nendstream endobj\n` +
			`5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
	);
}

module.exports = {
	DEMO_UUID,
	toRecord,
	freshState,
	newId,
	formatModification,
	demoSignatureRequests,
	addDocument,
	storedDocumentIds,
	samplePdf,
};
