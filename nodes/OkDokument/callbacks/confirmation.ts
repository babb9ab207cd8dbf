import type { IDataObject } from 'n8n-workflow';

import { findDocumentMetadata } from '../documents/requests';
import type { OkDokumentContext, RequestLimits } from '../transport';

/**
 * What a callback is checked with. OKdokument waits for the answer to its callback and marks the
 * document errorsendinfo when it fails or comes late (docs §4.1, §5), which erases whether it was
 * signed. So the check is one quick read, whatever the node's retry options say, and the signed
 * PDF is fetched only after the answer (signedPdf.ts).
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
