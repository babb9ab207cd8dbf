import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readSignedPdfField, signedPdfProperties } from '../../callbacks/signedPdf';
import { getDocumentMetadata } from '../../documents/requests';
import { toNodeError } from '../../helpers/errors';
import { okDokumentBaseUrl } from '../../transport';
import { documentIdField, readDocumentId } from '../document/fields';
import { MAX_EXPIRATION_MS } from './expiration';
import { readSignatureRequestId, signatureRequestIdField } from './fields';
import { updateSignatureRequest } from './requests';
import { refuseUnreachableResumeUrl, resumeUrlFor } from './resumeUrl';
import { continueWithOutcome, refuseWhatCannotWait, waitForOutcome } from './waiting';
import type { LinkLifetime } from './waitLimit';
import { readWaitTill, waitLimitProperties } from './waitLimit';
import { finishedOutcome, SIGNED_PDF } from './waitingOutcome';

const properties: INodeProperties[] = [
	{
		displayName:
			'Points the signature request’s callback at this execution, then pauses this workflow until OKdokument confirms that the signer signed or canceled, or the wait limit passes. A request the signer already finished continues at once.',
		name: 'waitForSignatureNotice',
		type: 'notice',
		default: '',
	},
	{
		...signatureRequestIdField,
		description: 'The request to wait for: Create’s signatureRequestId, or the ID of a request created elsewhere',
	},
	{
		...documentIdField,
		description: 'The document that request is for: Create’s documentId (OKdokument confirms the outcome with its state)',
	},
	...waitLimitProperties(
		'Wait as long as the request may still be signed: OKdokument’s links live at most 10 days (plus one hour)',
	),
	...signedPdfProperties(SIGNED_PDF),
];

const displayOptions = {
	show: {
		resource: ['signatureRequest'],
		operation: ['waitForSignature'],
	},
};

export const description = updateDisplayOptions(displayOptions, properties);

/** An existing request's expiry is not known (OKdokument has no call that tells it): at most 10 days. */
function linkLifetime(now = Date.now()): LinkLifetime {
	const expiresAt = now + MAX_EXPIRATION_MS;
	return {
		expiresAt,
		text: `${new Date(expiresAt).toISOString()} (10 days from now, the longest OKdokument keeps a link open)`,
		tooLateHint: 'Shorten the wait.',
	};
}

/**
 * Waits for a signature request that already exists (created by Create, elsewhere, or a later
 * signing round): points its callback (sendInfoURL) at this execution with Update, then reads the
 * document's state. A round the signer finished already continues at once; otherwise the
 * execution waits, and resumes as Send and Wait for Signature does (resume.webhook.ts).
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	refuseWhatCannotWait(this, itemIndex);
	const waitingFor = {
		signatureRequestId: readSignatureRequestId(this, itemIndex),
		documentId: readDocumentId(this, itemIndex),
	};
	const waitTill = readWaitTill(this, itemIndex, linkLifetime());
	const pdfField = readSignedPdfField(this, SIGNED_PDF, itemIndex);
	const resumeUrl = resumeUrlFor(this, waitingFor, itemIndex);
	await refuseUnreachableResumeUrl(this, resumeUrl, itemIndex);

	// A request the signer finished may refuse the update: its document's state then tells.
	const refused = await updateSignatureRequest
		.call(this, { signatureRequestId: waitingFor.signatureRequestId, sendInfoURL: resumeUrl }, itemIndex)
		.then(
			() => undefined,
			(error: unknown) => toNodeError(this.getNode(), error, itemIndex),
		);
	const document = await getDocumentMetadata.call(this, waitingFor.documentId, itemIndex).catch((error: unknown) => {
		throw refused ?? toNodeError(this.getNode(), error, itemIndex);
	});
	const outcome = finishedOutcome(document);
	if (outcome) return await continueWithOutcome(this, waitingFor, outcome, pdfField, itemIndex);
	if (refused) throw refused;

	const signingLink = `${await okDokumentBaseUrl.call(this)}/openDocument/${encodeURIComponent(waitingFor.signatureRequestId)}`;
	return await waitForOutcome(this, waitingFor, { url: signingLink }, waitTill);
}
