import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { fieldOf, validateOptionalHttpUrl, WITHOUT_SCHEMA_CHECK } from '../../helpers/validation';
import { readSignatureRequestId, resultUrlField, sendInfoUrlField, signatureRequestIdField } from './fields';
import { updateSignatureRequest } from './requests';

const properties: INodeProperties[] = [
	signatureRequestIdField,
	sendInfoUrlField(
		'To continue this workflow when the signer finishes, use the operation Wait for Signature instead (it sets this URL itself); to start another workflow, enter the production URL of an OKdokument Trigger',
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

/** PATCH /JSON/signatureRequest (docs 3.8; see requests.ts for OKdokuments that do not allow PATCH). */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const signatureRequestId = readSignatureRequestId(this, itemIndex);
	const sendInfoURL = validateOptionalHttpUrl(
		this.getNodeParameter('sendInfoUrl', itemIndex, '', WITHOUT_SCHEMA_CHECK),
		fieldOf(this, itemIndex, 'Send Info URL'),
	);
	const resulturl = validateOptionalHttpUrl(
		this.getNodeParameter('resultUrl', itemIndex, '', WITHOUT_SCHEMA_CHECK),
		fieldOf(this, itemIndex, 'Result URL'),
	);
	if (sendInfoURL === undefined && resulturl === undefined) {
		throw new NodeOperationError(
			this.getNode(),
			`Nothing to update: Send Info URL and Result URL are both empty (item index ${itemIndex})`,
			{ itemIndex, description: 'Fill in at least one of the two URLs.' },
		);
	}

	return [{ json: await updateSignatureRequest.call(this, { signatureRequestId, sendInfoURL, resulturl }, itemIndex) }];
}
