import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { StatusHints } from '../../helpers/errors';
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

/** The path of one document under /JSON, with the ID encoded as one path segment. */
export function documentPath(prefix: string, documentId: string): string {
	return `${prefix}/${encodeURIComponent(documentId)}`;
}

export const documentNotFoundHints: StatusHints = {
	404: 'The document does not exist or was deleted (OKdokument deletes signed documents 10 days after signing, unsigned after 30 days). Check the Document ID and the environment in the credential.',
};
