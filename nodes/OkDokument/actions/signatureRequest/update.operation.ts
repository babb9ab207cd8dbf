import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { refuseReportedFailure } from '../../helpers/answers';
import { validateOptionalHttpUrl } from '../../helpers/validation';
import { okDokumentApiRequest } from '../../transport';
import {
	readSignatureRequestId,
	signatureRequestIdField,
	UNKNOWN_SIGNATURE_REQUEST_HINT,
} from './fields';

const properties: INodeProperties[] = [
	signatureRequestIdField,
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
			path: '/JSON/signatureRequest',
			body,
			statusHints: { 400: UNKNOWN_SIGNATURE_REQUEST_HINT },
		},
		itemIndex,
	);
	refuseReportedFailure(this, answer, itemIndex, 'updating the signature request');
	return [{ json: answer }];
}
