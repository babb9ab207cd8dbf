import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { fieldOf, validateId } from '../../helpers/validation';

/** The Document ID field of Get, Download and Delete. */
export const documentIdField: INodeProperties = {
	displayName: 'Document ID',
	name: 'documentId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. y7Ki_u1mrUwijfb-o_S1JiphSsoXya8iypH380F',
	description:
		'The document’s ID, as Upload and Create return it (documentId), or as Get Many and the signing callback show it',
};

/** Reads and validates the Document ID before anything is sent. */
export function readDocumentId(context: IExecuteFunctions, itemIndex: number): string {
	return validateId(
		context.getNodeParameter('documentId', itemIndex),
		fieldOf(context, itemIndex, 'Document ID'),
	);
}
