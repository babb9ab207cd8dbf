import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { okDokumentApiRequest } from '../../transport';
import {
	readSignatureRequestId,
	signatureRequestIdField,
	UNKNOWN_SIGNATURE_REQUEST_HINT,
} from './fields';
import { answerMessage } from '../../helpers/answers';

const properties: INodeProperties[] = [signatureRequestIdField];

const displayOptions = {
	show: {
		resource: ['signatureRequest'],
		operation: ['delete'],
	},
};

export const description = updateDisplayOptions(displayOptions, properties);

/** DELETE /JSON/signatureRequest/{signatureRequestId} (docs 3.9): the signing link stops working; the document stays. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const signatureRequestId = readSignatureRequestId(this, itemIndex);
	const answer = await okDokumentApiRequest.call(
		this,
		{
			method: 'DELETE',
			action: 'deleting the signature request',
			path: `/JSON/signatureRequest/${encodeURIComponent(signatureRequestId)}`,
			statusHints: { 400: UNKNOWN_SIGNATURE_REQUEST_HINT },
		},
		itemIndex,
	);
	return [{ json: { signatureRequestId, deleted: true, message: answerMessage(answer) } }];
}
