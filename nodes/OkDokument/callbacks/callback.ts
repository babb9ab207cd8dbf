import type { IDataObject } from 'n8n-workflow';
import { jsonParse } from 'n8n-workflow';

import { findForbiddenCharacter, isDotSegment, MAX_ID_LENGTH } from '../helpers/validation';

/** How a signing round ended, in OKdokument's spelling (docs §5). */
export type SigningOutcome = 'signed' | 'canceled';

export const SIGNING_OUTCOMES: readonly SigningOutcome[] = ['signed', 'canceled'];

/**
 * What every node reports for a document OKdokument marks errorsendinfo (docs §5): an earlier
 * callback for it failed, and its state no longer says whether it was signed or canceled.
 */
export const DELIVERY_FAILED = 'deliveryFailed';

/** How a signing event is reported: its outcome, or that OKdokument can no longer tell it. */
export type EventState = SigningOutcome | typeof DELIVERY_FAILED;

/** What a sendInfo callback says, read tolerantly. */
export interface SigningCallback {
	/** The outcome it claims, when it claims one this trigger understands. */
	state?: SigningOutcome;
	documentId?: string;
	/**
	 * The document its `url` names, when that is a document URL (see documentIdInUrl). Not part of
	 * either documented payload, so only a fallback where nothing else names the document.
	 */
	documentIdInUrl?: string;
	signatureRequestId?: string;
	/**
	 * The body as received (a JSON text parsed; anything that is not an object wrapped as `{ body }`), with anything
	 * nested deeper than 20 levels left out.
	 */
	raw: IDataObject;
}

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How deep a callback's body is kept for the items (OKdokument's callbacks are flat). */
const MAX_KEPT_DEPTH = 20;

/**
 * The body with anything nested deeper than MAX_KEPT_DEPTH replaced by a note: n8n copies and saves an item
 * recursively, and a body nested some thousand levels deep (which n8n's JSON parser reads) would fail the execution
 * that a confirmed callback starts or resumes, and lose its signature.
 */
function bounded(value: unknown, depth = 0): IDataObject[string] {
	if (typeof value !== 'object' || value === null) return value as IDataObject[string];
	if (depth >= MAX_KEPT_DEPTH) return `[left out: nested deeper than ${MAX_KEPT_DEPTH} levels]`;
	if (Array.isArray(value)) return value.map((entry) => bounded(entry, depth + 1)) as IDataObject[];
	return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, bounded(entry, depth + 1)]));
}

function toObject(body: unknown): IDataObject {
	if (isObject(body)) return body;
	if (typeof body === 'string') {
		try {
			const parsed = jsonParse<unknown>(body);
			if (isObject(parsed)) return parsed;
		} catch {
			// Not JSON: kept as text below.
		}
	}
	return body === undefined || body === '' ? {} : { body: body as IDataObject['body'] };
}

/** An ID OKdokument could have issued: text, at most MAX_ID_LENGTH characters, no white space or control characters. */
export function readId(value: unknown): string | undefined {
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const id = String(value).trim();
	const plausible =
		id !== '' && id.length <= MAX_ID_LENGTH && findForbiddenCharacter(id) === undefined && !isDotSegment(id);
	return plausible ? id : undefined;
}

/** Paths that name a document in OKdokument's documented URLs: the API's, the List's `url` (docs 3.6). */
const DOCUMENT_PATHS = [/\/JSON\/document\/(?:metadata\/)?([^/]+)$/, /\/rest\/document\/([^/]+)$/];

/**
 * The document a URL names, when it has one of the documented shapes: {base}/JSON/document/<id>,
 * {base}/rest/document/<id>, {base}/viewDocument?id=<id> (docs 3.3) or a result URL's docid (4.2).
 * A signing link (/openDocument/<signatureRequestId>) names a signature request, not a document.
 */
export function documentIdInUrl(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	let url: URL;
	try {
		url = new URL(value.trim());
	} catch {
		return undefined;
	}
	const decode = (segment: string) => {
		try {
			return decodeURIComponent(segment);
		} catch {
			return undefined;
		}
	};
	for (const pattern of DOCUMENT_PATHS) {
		const segment = pattern.exec(url.pathname)?.[1];
		if (segment !== undefined) return readId(decode(segment));
	}
	if (/\/viewDocument$/.test(url.pathname)) return readId(url.searchParams.get('id'));
	return readId(url.searchParams.get('docid'));
}

const URL_START = '\\s*[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s]+(?:/[^?#\\s]*)?';
const ID_SEGMENT = '[^/?#\\s]+';
const QUERY_NAMING = (name: string) => `\\?(?:[^#\\s]*&)?${name}=[^&#\\s]+[^#\\s]*(?:#\\S*)?`;

/**
 * The http(s) URLs documentIdInUrl reads, as one regular expression for n8n's editor, which checks a
 * Document ID given By URL against it (n8n anchors it as `^…$`, hence the group around the whole).
 * Where the two could differ, in an ID segment whose %-escapes decode to white space or control
 * characters, this one is the looser: the node checks both (see readDocumentId), so the editor never
 * refuses a URL the node would accept.
 */
export const DOCUMENT_URL_PATTERN =
	'(?:' +
	[
		`${URL_START}/(?:JSON/document/(?:metadata/)?|rest/document/)${ID_SEGMENT}(?:[?#]\\S*)?`,
		`${URL_START}/viewDocument${QUERY_NAMING('id')}`,
		// A /viewDocument URL names its document by id= only.
		`${URL_START}(?<!/viewDocument)${QUERY_NAMING('docid')}`,
	].join('|') +
	')\\s*';

export function toSigningOutcome(value: unknown): SigningOutcome | undefined {
	if (typeof value !== 'string') return undefined;
	const state = value.trim().toLowerCase();
	if (state === 'signed') return 'signed';
	if (state === 'canceled' || state === 'cancelled') return 'canceled';
	return undefined;
}

/**
 * The docs describe two payloads (§4.1, §8.9): the wiki's `{state, id, signatureRequestId}` and
 * the Power Automate connector's `{code, message, result, statusCode, url, success}`, where
 * `result` is the signature request ID and `success: true` / `code: "SUCCESS"` means signed.
 * Either, both mixed, or any extra fields are accepted.
 */
export function readCallback(body: unknown): SigningCallback {
	const raw = bounded(toObject(body)) as IDataObject;
	const succeeded =
		raw.success === true ||
		raw.success === 'true' ||
		(typeof raw.code === 'string' && raw.code.trim().toUpperCase() === 'SUCCESS');
	return {
		state: toSigningOutcome(raw.state) ?? (succeeded ? 'signed' : undefined),
		documentId: readId(raw.id) ?? readId(raw.documentId),
		documentIdInUrl: documentIdInUrl(raw.url),
		signatureRequestId: readId(raw.signatureRequestId) ?? readId(raw.result),
		raw,
	};
}
