import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { DOCUMENT_URL_PATTERN, documentIdInUrl } from '../../callbacks/callback';
import type { FieldRef } from '../../helpers/validation';
import { fieldOf, invalidField, shortened, validateId, valueText, WITHOUT_SCHEMA_CHECK } from '../../helpers/validation';

/** The list search of From List (methods.listSearch of the node). */
export const SEARCH_DOCUMENTS_METHOD = 'searchDocuments';

const EXAMPLE_ID = 'y7Ki_u1mrUwijfb-o_S1JiphSsoXya8iypH380F';
const DOCUMENT_URL = new RegExp(`^${DOCUMENT_URL_PATTERN}$`);

/**
 * The Document ID of Get, Download and Delete and of an Existing Document to sign: picked from
 * OKdokument's list, or given as the ID or as a document URL. Workflows saved by 0.2.0 hold a plain
 * string here (an ID or an expression), which readDocumentId takes as the ID.
 */
export const documentIdField: INodeProperties = {
	displayName: 'Document ID',
	name: 'documentId',
	type: 'resourceLocator',
	required: true,
	default: { mode: 'list', value: '' },
	description:
		'The document: pick it from your OKdokument documents, or give its ID (documentId, as Upload and Create return it) or its URL',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a document...',
			hint: 'Latest change first. OKdokument deletes signed documents 10 days after signing, others after 30 days.',
			typeOptions: { searchListMethod: SEARCH_DOCUMENTS_METHOD, searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: `e.g. ${EXAMPLE_ID}`,
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: `e.g. https://api.okdokument.com/viewDocument?id=${EXAMPLE_ID}`,
			validation: [
				{
					type: 'regex',
					properties: {
						regex: DOCUMENT_URL_PATTERN,
						errorMessage:
							'Not a document URL: enter one ending in /JSON/document/<ID> or /rest/document/<ID>, or with /viewDocument?id=<ID>',
					},
				},
			],
		},
	],
};

/** What a saved Document ID holds: a locator value, or (saved by 0.2.0) the ID or an expression's result. */
function isLocatorValue(value: unknown): value is { mode: unknown; value: unknown } {
	return typeof value === 'object' && value !== null && 'mode' in value && 'value' in value;
}

/** The document a By URL value names: the editor's check (DOCUMENT_URL_PATTERN), then documentIdInUrl. */
function documentIdOfUrl(value: unknown, field: FieldRef): string {
	const url = typeof value === 'string' ? value.trim() : value;
	if (url === undefined || url === null || url === '') {
		throw invalidField(field, 'is empty', 'Enter the document’s URL, or choose From List or By ID.');
	}
	const id = typeof url === 'string' && DOCUMENT_URL.test(url) ? documentIdInUrl(url) : undefined;
	if (id === undefined) {
		throw invalidField(
			field,
			`is not a URL that names a document: "${shortened(valueText(url))}"`,
			'Enter a URL ending in /JSON/document/<ID> or /rest/document/<ID>, or with /viewDocument?id=<ID>, or choose By ID. A signing link (/openDocument/…) names the signature request, not its document.',
		);
	}
	return id;
}

/** The Document ID in any of its saved shapes, checked as validateId checks an ID. */
export function documentIdOf(value: unknown, field: FieldRef): string {
	if (!isLocatorValue(value)) return validateId(value, field);
	return validateId(value.mode === 'url' ? documentIdOfUrl(value.value, field) : value.value, field);
}

/** Reads and checks the Document ID before anything is sent. */
export function readDocumentId(context: IExecuteFunctions, itemIndex: number): string {
	return documentIdOf(
		context.getNodeParameter('documentId', itemIndex, undefined, WITHOUT_SCHEMA_CHECK),
		fieldOf(context, itemIndex, 'Document ID'),
	);
}
