import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { fieldOf, validateId, WITHOUT_SCHEMA_CHECK } from '../../helpers/validation';

/** The Signature Request ID field of Update and Delete. */
export const signatureRequestIdField: INodeProperties = {
	displayName: 'Signature Request ID',
	name: 'signatureRequestId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 6f0c2a9e-1b7d-4c1a-9f57-2d8e4b1c3a55',
	description:
		'The ID OKdokument returned when the signature request was created (signatureRequestId, the "result" of Create), or the ID you chose for it',
};

/** Reads and validates the Signature Request ID before anything is sent. */
export function readSignatureRequestId(context: IExecuteFunctions, itemIndex: number): string {
	return validateId(
		context.getNodeParameter('signatureRequestId', itemIndex, undefined, WITHOUT_SCHEMA_CHECK),
		fieldOf(context, itemIndex, 'Signature Request ID'),
	);
}

/** What OKdokument's 400 means for a call naming a signature request. */
export const UNKNOWN_SIGNATURE_REQUEST_HINT =
	'The signature request does not exist, was deleted, or has expired (signing links expire after 24 hours unless created with a later expiration). Check the Signature Request ID and the environment in the credential.';

const SEND_INFO_URL_DESCRIPTION =
	'Back-end callback: when the signer submits or cancels, OKdokument POSTs the state, the document ID and the signature request ID to this URL as JSON';
const RESULT_URL_DESCRIPTION =
	'Where the signer’s browser goes after submitting or closing; OKdokument adds name, docid, lang, result (success, close or mobile) and ts to the query string';

/** Send Info URL (wire name "sendInfoURL") of Create and Update; `extra` adds to the description. */
export function sendInfoUrlField(hint: string, extra = ''): INodeProperties {
	return {
		displayName: 'Send Info URL',
		name: 'sendInfoUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://n8n.example.com/webhook/…/okdokument',
		description: `${SEND_INFO_URL_DESCRIPTION}${extra}`,
		hint,
	};
}

/** Result URL (wire name "resulturl") of Create and Update; `extra` adds to the description. */
export function resultUrlField(extra = '', hint?: string): INodeProperties {
	return {
		displayName: 'Result URL',
		name: 'resultUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://example.com/thank-you',
		description: `${RESULT_URL_DESCRIPTION}${extra}`,
		...(hint ? { hint } : {}),
	};
}
