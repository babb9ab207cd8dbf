import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';

import { readId } from '../callbacks/callback';
import { ALL_STATES, listDocuments } from '../documents/requests';

/**
 * The editor's lists (resource locators' From List). OKdokument's list has no search and no paging
 * (docs 3.6): each call reads the whole list, and the node filters, sorts and cuts it.
 */

/** Documents per page; the editor asks for the next page when the user scrolls to the end. */
export const DOCUMENTS_PAGE_SIZE = 100;

function text(value: unknown): string {
	return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

/** OKdokument's `modification` ("YYYY-MM-DD HH:mm:ss") to the minute; anything else as given. */
function toTheMinute(modification: string): string {
	return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(modification) ? modification.slice(0, 16) : modification;
}

/** The latest change first: `modification` sorts as text; then the later upload, the higher number. */
function latestChangeFirst(a: IDataObject, b: IDataObject): number {
	return (
		text(b.modification).localeCompare(text(a.modification)) ||
		(Number(b.date) || 0) - (Number(a.date) || 0) ||
		(Number(b.number) || 0) - (Number(a.number) || 0)
	);
}

interface ListedDocument {
	id: string;
	/** The name the list shows and the search matches: the file name, else the ID. */
	fileName: string;
	document: IDataObject;
}

function toListed(document: IDataObject): ListedDocument | undefined {
	const id = readId(document.id);
	return id === undefined ? undefined : { id, fileName: text(document.filename) || id, document };
}

/** "contract.pdf — signed, 2026-12-01 10:16", linked to the document's URL when the list gives one. */
function toListItem({ id, fileName, document }: ListedDocument): INodeListSearchItems {
	const details = [text(document.state), toTheMinute(text(document.modification))].filter(Boolean).join(', ');
	const url = text(document.url);
	return {
		name: details ? `${fileName} — ${details}` : fileName,
		value: id,
		...(/^https?:\/\//i.test(url) && { url }),
	};
}

function pageStart(paginationToken: string | undefined): number {
	const start = Number(paginationToken);
	return Number.isSafeInteger(start) && start > 0 ? start : 0;
}

/** Document ID → From List: every document, searched by file name (any case), latest change first. */
export async function searchDocuments(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const wanted = (filter ?? '').trim().toLowerCase();
	const listed = (await listDocuments.call(this, ALL_STATES, 0))
		.map(toListed)
		.filter((entry): entry is ListedDocument => entry?.fileName.toLowerCase().includes(wanted) === true)
		.sort((a, b) => latestChangeFirst(a.document, b.document));
	const start = pageStart(paginationToken);
	const end = start + DOCUMENTS_PAGE_SIZE;
	return {
		results: listed.slice(start, end).map(toListItem),
		...(end < listed.length && { paginationToken: String(end) }),
	};
}
