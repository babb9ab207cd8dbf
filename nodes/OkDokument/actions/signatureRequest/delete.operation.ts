import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { validateId } from '../../helpers/validation';
import { okDokumentApiRequest } from '../../transport';
import { answerMessage, refuseReportedFailure } from '../document/fields';

const properties: INodeProperties[] = [
	{
		displayName: 'Signature Request ID',
		name: 'signatureRequestId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 6f0c2a9e-1b7d-4c1a-9f57-2d8e4b1c3a55',
		description:
			'The ID of the signature request to withdraw: the "signatureRequestId" Create returned, or the ID you chose for it',
	},
];

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
	const signatureRequestId = validateId(this.getNodeParameter('signatureRequestId', itemIndex), {
		node: this.getNode(),
		itemIndex,
		label: 'Signature Request ID',
	});
	const answer = await okDokumentApiRequest.call(
		this,
		{
			method: 'DELETE',
			path: `/JSON/signatureRequest/${encodeURIComponent(signatureRequestId)}`,
			statusHints: {
				400: 'The signature request does not exist: the ID is wrong, it was already deleted, or it has expired (signing links expire after 24 hours unless created with a later expiration). Check the Signature Request ID and the environment in the credential.',
			},
		},
		itemIndex,
	);
	refuseReportedFailure(this, answer, itemIndex, 'deleting the signature request');
	return [{ json: { signatureRequestId, deleted: true, message: answerMessage(answer) } }];
}
