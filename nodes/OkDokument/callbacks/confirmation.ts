import type { IDataObject, IExecuteFunctions, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import { downloadPdf, findDocumentMetadata } from '../documents/requests';
import type { OkDokumentContext, RequestLimits } from '../transport';

/**
 * What a callback is checked with, and what follows once OKdokument has its answer. OKdokument
 * waits for the answer to its callback and marks the document errorsendinfo when it fails or
 * comes late (docs §4.1, §5), which erases whether it was signed. So the check is one quick read,
 * whatever the node's retry options say, and the signed PDF is fetched only after the answer.
 */

/** One attempt, at most 5 seconds: well within the 10 s OKdokument is assumed to wait. */
export const CONFIRMATION_LIMITS: RequestLimits = { timeoutMs: 5_000, attempts: 1 };

/** The document a callback is about, as OKdokument has it now; undefined when OKdokument does not know it. */
export async function readDocumentForCallback(
	this: OkDokumentContext,
	documentId: string,
): Promise<IDataObject | undefined> {
	return await findDocumentMetadata.call(this, documentId, 0, CONFIRMATION_LIMITS);
}

/**
 * Puts the signed PDF into the item's binary `field`. When it cannot be had, the item says so in
 * `error` and carries no PDF, so that no later node mistakes it for the signed one; the error is
 * also returned, for the log.
 */
export async function attachSignedPdf(
	this: IExecuteFunctions | IWebhookFunctions,
	item: INodeExecutionData,
	field: string,
	documentId: string,
	itemIndex = 0,
): Promise<string | undefined> {
	const document = item.json.document as IDataObject | undefined;
	const knownAs = typeof document?.filename === 'string' ? document.filename : undefined;
	try {
		const pdf = await downloadPdf.call(this, documentId, itemIndex, { knownAs });
		item.binary = { ...item.binary, [field]: pdf.binary };
		return undefined;
	} catch (error) {
		const message = `The signed PDF of document ${documentId} could not be downloaded from OKdokument: ${(error as Error).message}`;
		item.json.error = message;
		return message;
	}
}
