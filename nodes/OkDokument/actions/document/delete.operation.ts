import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { answerMessage } from '../../helpers/answers';
import { documentIdField, readDocumentId } from './fields';
import { deleteDocument } from '../../documents/requests';

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
	const answer = await deleteDocument.call(this, documentId, itemIndex);
	return [{ json: { documentId, deleted: true, message: answerMessage(answer) } }];
}
