import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { sendSignatureRequest } from './send';
import { readSigningInput, signingProperties } from './signingInput';

const displayOptions = {
	show: {
		resource: ['signatureRequest'],
		operation: ['create'],
	},
};

export const description = updateDisplayOptions(
	displayOptions,
	signingProperties({
		sendInfoUrl: true,
		offeredToTools: true,
		signatureRequestIdDescription:
			'Your own ID for this signature request, for example a UUID; OKdokument generates one when empty. Each signing round needs a new ID.',
	}),
);

/**
 * POST /JSON/signatureRequest (docs 3.1): registers a signing round and returns the signer’s
 * link, with the document's ID (a new file is uploaded first).
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const input = await readSigningInput.call(this, itemIndex, { sendInfoUrl: true });
	const created = await sendSignatureRequest.call(this, input, itemIndex);
	return [{ json: { ...created } }];
}
