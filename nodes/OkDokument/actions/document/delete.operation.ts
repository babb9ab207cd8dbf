import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { answerMessage, refuseReportedFailure } from '../../helpers/answers';
import { okDokumentApiRequest } from '../../transport';
import { documentIdField, documentNotFoundHints, documentPath, readDocumentId } from './fields';

const properties: INodeProperties[] = [documentIdField];

const displayOptions = {
	show: {
		resource: ['document'],
		operation: ['delete'],
	},
};

export const description = updateDisplayOptions(displayOptions, properties);

/** DELETE /JSON/document/{documentId} (docs 3.5). */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const documentId = readDocumentId(this, itemIndex);
	const answer = await okDokumentApiRequest.call(
		this,
		{
			method: 'DELETE',
			path: documentPath('/JSON/document', documentId),
			statusHints: documentNotFoundHints,
		},
		itemIndex,
	);
	refuseReportedFailure(this, answer, itemIndex, 'deleting the document');
	return [{ json: { documentId, deleted: true, message: answerMessage(answer) } }];
}
