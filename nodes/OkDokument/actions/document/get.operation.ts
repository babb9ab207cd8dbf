import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { documentIdField, readDocumentId } from './fields';
import { getDocumentMetadata } from '../../documents/requests';

const properties: INodeProperties[] = [documentIdField];

const displayOptions = {
	show: {
		resource: ['document'],
		operation: ['get'],
	},
};

export const description = updateDisplayOptions(displayOptions, properties);

/** GET /JSON/document/metadata/{documentId} (docs 3.7): the document's name, state and dates, as OKdokument returns them. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const documentId = readDocumentId(this, itemIndex);
	return [{ json: await getDocumentMetadata.call(this, documentId, itemIndex) }];
}
