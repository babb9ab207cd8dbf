import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { validateOptionalHttpUrl } from '../../helpers/validation';
import { okDokumentApiRequest } from '../../transport';
import {
	readSignatureRequestId,
	resultUrlField,
	sendInfoUrlField,
	signatureRequestIdField,
	UNKNOWN_SIGNATURE_REQUEST_HINT,
} from './fields';

const properties: INodeProperties[] = [
	signatureRequestIdField,
	sendInfoUrlField(
		'To continue this workflow when the signer finishes, add a Wait node set to resume "On Webhook Call" (POST) and enter {{ $execution.resumeUrl }} here',
		'. Leave empty to keep the current one.',
	),
	resultUrlField(
		'. Leave empty to keep the current one.',
		'The page the signer sees afterwards. It is only a browser redirect: to react in n8n, use Send Info URL.',
	),
];

const displayOptions = {
	show: {
		resource: ['signatureRequest'],
		operation: ['update'],
	},
};

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	const field = (label: string) => ({ node, itemIndex, label });

	const signatureRequestId = readSignatureRequestId(this, itemIndex);
	const sendInfoURL = validateOptionalHttpUrl(
		this.getNodeParameter('sendInfoUrl', itemIndex, ''),
		field('Send Info URL'),
	);
	const resulturl = validateOptionalHttpUrl(
		this.getNodeParameter('resultUrl', itemIndex, ''),
		field('Result URL'),
	);
	if (sendInfoURL === undefined && resulturl === undefined) {
		throw new NodeOperationError(
			node,
			`Nothing to update: Send Info URL and Result URL are both empty (item index ${itemIndex})`,
			{ itemIndex, description: 'Fill in at least one of the two URLs.' },
		);
	}

	// Wire names are OKdokument's own: "sendInfoURL" with capitals, "resulturl" all lower case.
	const body: IDataObject = { signatureRequestId };
	if (sendInfoURL !== undefined) body.sendInfoURL = sendInfoURL;
	if (resulturl !== undefined) body.resulturl = resulturl;

	const answer = await okDokumentApiRequest.call(
		this,
		{
			method: 'PATCH',
			action: 'updating the signature request',
			path: '/JSON/signatureRequest',
			body,
			statusHints: { 400: UNKNOWN_SIGNATURE_REQUEST_HINT },
		},
		itemIndex,
	);
	return [{ json: answer }];
}
