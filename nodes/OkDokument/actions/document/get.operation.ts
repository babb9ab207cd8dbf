import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { okDokumentApiRequest } from '../../transport';
import { documentIdField, documentNotFoundHints, documentPath, readDocumentId } from './fields';

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
	const metadata = await okDokumentApiRequest.call(
		this,
		{
			method: 'GET',
			path: documentPath('/JSON/document/metadata', documentId),
			statusHints: documentNotFoundHints,
		},
		itemIndex,
	);
	return [{ json: metadata }];
}
