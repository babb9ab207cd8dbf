import { randomUUID } from 'crypto';

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readSignedPdfField, signedPdfProperties } from '../../callbacks/signedPdf';
import { refuseUnreachableResumeUrl, refuseWithoutSignedResumeUrls, resumeUrlFor } from './resumeUrl';
import { sendSignatureRequest } from './send';
import { readSigningInput, signingProperties } from './signingInput';
import { refuseWhatCannotWait, waitForOutcome } from './waiting';
import { SIGNED_PDF } from './waitingOutcome';
import { DEFAULT_EXPIRATION_MS } from './expiration';
import type { LinkLifetime } from './waitLimit';
import { readWaitTill, waitLimitProperties } from './waitLimit';

const properties: INodeProperties[] = [
	{
		displayName:
			'Sends the document for signature, OKdokument e-mails the signer the link, then this workflow pauses until OKdokument confirms that the signer signed or canceled, or the wait limit passes',
		name: 'sendAndWaitNotice',
		type: 'notice',
		default: '',
	},
	...signingProperties({
		sendInfoUrl: false,
		signerByEmail: true,
		offeredToTools: false,
		signatureRequestIdDescription:
			'Your own ID for this signature request, for example a UUID; the node chooses a UUID when empty. Each signing round needs a new ID.',
	}),
	...waitLimitProperties(
		'Wait as long as the signer can sign: 24 hours, or until the Expiration you set (plus one hour)',
	),
	...signedPdfProperties(SIGNED_PDF),
];

const displayOptions = {
	show: {
		resource: ['signatureRequest'],
		operation: ['sendAndWait'],
	},
};

export const description = updateDisplayOptions(displayOptions, properties);

/** The link lives until the Expiration the user set (epoch ms, as Create sends it), or 24 hours. */
function linkLifetime(expirationTime: string | undefined, now = Date.now()): LinkLifetime {
	const expiresAt = expirationTime !== undefined ? Number(expirationTime) : now + DEFAULT_EXPIRATION_MS;
	return {
		expiresAt,
		text: `${new Date(expiresAt).toISOString()}${expirationTime === undefined ? ' (24 hours from now: no Expiration is set)' : ''}`,
		tooLateHint: 'Set Additional Fields → Expiration to the end of the wait (at most 10 days ahead), or shorten the wait.',
	};
}

/** Only the n8n versions that check the signature on request have it (docs/n8n-behaviour.md). */
type WithSignatureValidation = IExecuteFunctions & { setSignatureValidationRequired?: () => void };

/**
 * Creates the signature request with this execution's signed resume URL as its callback
 * (sendInfoURL) and puts the execution to wait. OKdokument e-mails the signer the link: the
 * paused workflow cannot.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	refuseWithoutSignedResumeUrls(this, itemIndex);
	refuseWhatCannotWait(this, itemIndex);
	const input = await readSigningInput.call(this, itemIndex, { sendInfoUrl: false, signerByEmail: true });
	const waitTill = readWaitTill(this, itemIndex, linkLifetime(input.expirationTime));
	readSignedPdfField(this, SIGNED_PDF, itemIndex);
	const signatureRequestId = input.signatureRequestId ?? randomUUID();
	await refuseUnreachableResumeUrl(this, resumeUrlFor(this, { signatureRequestId, documentId: '' }, itemIndex), itemIndex);

	(this as WithSignatureValidation).setSignatureValidationRequired?.();
	const created = await sendSignatureRequest.call(this, input, itemIndex, {
		signatureRequestId,
		sendInfoURL: ({ documentId }) => resumeUrlFor(this, { signatureRequestId, documentId }, itemIndex),
	});
	const waitingFor = { signatureRequestId, documentId: created.documentId };
	return await waitForOutcome(this, waitingFor, { url: created.url, message: created.message }, waitTill);
}
