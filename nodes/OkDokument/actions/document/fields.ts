import type { IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { DOCUMENT_URL_PATTERN, documentIdInUrl } from '../../callbacks/callback';
import type { FieldRef } from '../../helpers/validation';
import { fieldOf, invalidField, readText, shortened, validateId, valueText, WITHOUT_SCHEMA_CHECK } from '../../helpers/validation';

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

/**
 * How OKdokument prepares an uploaded file (docs 3.11, `state`), the same in Upload and in
 * Create's New Document: the values are OKdokument's.
 */
export const DOCUMENT_STATE_OPTIONS: INodePropertyOptions[] = [
	{
		name: 'Add Digital Stamp',
		value: 'tostamp',
		description: 'Insert OKdokument’s digital stamp before the document is ready',
	},
	{
		name: 'Find Tags',
		value: 'tags',
		description: 'Turn text tags such as _SC1_ (required) or _SO1_ (optional) into signature fields first',
	},
	{ name: 'Ready to Sign', value: 'tosign', description: 'Ready to be signed as it is' },
];

/** The same values, in the docs' order. */
export const DOCUMENT_STATES = ['tosign', 'tags', 'tostamp'];

export const DOCUMENT_STATE_DESCRIPTION = 'How OKdokument prepares the uploaded file before it can be signed';

/** The Document State of an upload: one of OKdokument's values (an expression could give anything else). */
export function readDocumentState(value: unknown, field: FieldRef): string {
	const state = readText(value, field);
	if (state === '') return 'tosign';
	if (!DOCUMENT_STATES.includes(state)) {
		throw invalidField(field, `is not one of ${DOCUMENT_STATES.join(', ')}: "${shortened(state)}"`, 'Choose Ready to Sign, Find Tags or Add Digital Stamp.');
	}
	return state;
}
