import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { toNodeError } from '../../helpers/errors';
import { okDokumentApiRequest } from '../../transport';
import { UNKNOWN_SIGNATURE_REQUEST_HINT } from './fields';

/** What an update changes; an URL left out keeps its current value. */
export interface SignatureRequestUpdate {
	signatureRequestId: string;
	sendInfoURL?: string;
	resulturl?: string;
}

const NO_RESULT_URL_FALLBACK =
	'This OKdokument answers PATCH /JSON/signatureRequest with 405 Method Not Allowed. The other way to update a signature request it may offer, POST /JSON/signatureRequest/{id} (the one OKdokument’s Power Automate connector uses), carries only the Send Info URL, so the Result URL cannot be changed here. Leave Result URL empty to change only the Send Info URL, or set the Result URL when creating the request.';

const AFTER_PATCH_REFUSED =
	'OKdokument refused PATCH /JSON/signatureRequest (HTTP 405), so the Send Info URL was sent with POST /JSON/signatureRequest/{id} instead, which failed.';

function isMethodNotAllowed(error: unknown): error is NodeApiError {
	return error instanceof NodeApiError && error.httpCode === '405';
}

/**
 * The connector's way to set a request's callback (docs 3.12), for an OKdokument that does not
 * allow PATCH: POST /JSON/signatureRequest/{id} with {"sendInfoURL": …}, and nothing else.
 */
async function registerCallback(
	this: IExecuteFunctions,
	signatureRequestId: string,
	sendInfoURL: string,
	itemIndex: number,
): Promise<IDataObject> {
	return await okDokumentApiRequest
		.call(
			this,
			{
				method: 'POST',
				action: 'updating the signature request',
				path: `/JSON/signatureRequest/${encodeURIComponent(signatureRequestId)}`,
				body: { sendInfoURL },
				statusHints: { 400: UNKNOWN_SIGNATURE_REQUEST_HINT },
				// Setting the same callback URL again leaves the request as one call does.
				idempotent: true,
			},
			itemIndex,
		)
		.catch((error: unknown) => {
			const nodeError = toNodeError(this.getNode(), error, itemIndex);
			nodeError.description = `${AFTER_PATCH_REFUSED} ${nodeError.description ?? ''}`.trim();
			throw nodeError;
		});
}

/**
 * PATCH /JSON/signatureRequest (docs 3.8), with OKdokument's wire names ("sendInfoURL" with
 * capitals, "resulturl" all lower case). Where OKdokument does not allow PATCH (405), a change of
 * the Send Info URL alone falls back once to the connector's POST /JSON/signatureRequest/{id};
 * a Result URL cannot go that way, which the error says.
 */
export async function updateSignatureRequest(
	this: IExecuteFunctions,
	update: SignatureRequestUpdate,
	itemIndex: number,
): Promise<IDataObject> {
	const { signatureRequestId, sendInfoURL, resulturl } = update;
	const body: IDataObject = { signatureRequestId };
	if (sendInfoURL !== undefined) body.sendInfoURL = sendInfoURL;
	if (resulturl !== undefined) body.resulturl = resulturl;
	try {
		return await okDokumentApiRequest.call(
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
	} catch (error) {
		if (!isMethodNotAllowed(error)) throw toNodeError(this.getNode(), error, itemIndex);
		if (resulturl !== undefined || sendInfoURL === undefined) {
			const refused = error;
			refused.message = 'OKdokument does not allow PATCH here (HTTP 405), and the Result URL cannot be changed any other way';
			refused.description = NO_RESULT_URL_FALLBACK;
			throw refused;
		}
		return await registerCallback.call(this, signatureRequestId, sendInfoURL, itemIndex);
	}
}
