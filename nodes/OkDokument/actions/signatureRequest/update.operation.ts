import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { validateId, validateOptionalHttpUrl } from '../../helpers/validation';
import { okDokumentApiRequest } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Signature Request ID',
		name: 'signatureRequestId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 6f0c2a9e-1b7d-4c1a-9f57-2d8e4b1c3a55',
		description:
			'The ID OKdokument returned when the signature request was created (the "result" of Create), or the ID you chose for it',
	},
	{
		displayName: 'Send Info URL',
		name: 'sendInfoUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $execution.resumeUrl }}',
		description:
			'Back-end callback: when the signer submits or cancels, OKdokument POSTs the state, the document ID and the signature request ID to this URL as JSON. Leave empty to keep the current one.',
		hint: 'To continue this workflow when the signer finishes, add a Wait node set to resume "On Webhook Call" (POST) and enter {{ $execution.resumeUrl }} here',
	},
	{
		displayName: 'Result URL',
		name: 'resultUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://example.com/thank-you',
		description:
			'Where the signer’s browser goes after submitting or closing; OKdokument adds name, docid, lang, result (success, close or mobile) and ts to the query string. Leave empty to keep the current one.',
		hint: 'The page the signer sees afterwards. It is only a browser redirect: to react in n8n, use Send Info URL.',
	},
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

	const signatureRequestId = validateId(
		this.getNodeParameter('signatureRequestId', itemIndex),
		field('Signature Request ID'),
	);
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
			path: '/JSON/signatureRequest',
			body,
			statusHints: {
				400: 'The signature request does not exist, was deleted, or has expired (signing links expire after 24 hours unless created with a later expiration). Check the Signature Request ID and the environment in the credential.',
			},
		},
		itemIndex,
	);
	return [{ json: answer }];
}
