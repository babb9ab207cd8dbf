import type { IDataObject } from 'n8n-workflow';

import { findDocumentMetadata } from '../documents/requests';
import type { OkDokumentContext, RequestLimits } from '../transport';

/**
 * What a callback is checked with. OKdokument waits for the answer to its callback and marks the
 * document errorsendinfo when it fails or comes late (docs §4.1, §5), which erases whether it was
 * signed. So the check is one quick read, whatever the node's retry options say, and the signed
 * PDF is fetched only after the answer (signedPdf.ts).
 */

/**
 * One attempt (retries would outlast OKdokument's wait), with a timeout well beyond that wait: the
 * timer also runs while n8n is busy with other callbacks, so under a burst a short one runs out on
 * a read OKdokument has answered (5 s did so in bench:trigger, 200 callbacks at once: 500s). Giving up early turns a genuine signature into
 * a failure; an answer after OKdokument stopped waiting costs no more than giving up would.
 */
export const CONFIRMATION_LIMITS: RequestLimits = { timeoutMs: 30_000, attempts: 1 };

/** The document a callback is about, as OKdokument has it now; undefined when OKdokument does not know it. */
export async function readDocumentForCallback(
	this: OkDokumentContext,
	documentId: string,
): Promise<IDataObject | undefined> {
	return await findDocumentMetadata.call(this, documentId, 0, CONFIRMATION_LIMITS);
}
