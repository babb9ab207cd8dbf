import { createHash } from 'crypto';

/**
 * A signing event's ID, `eventId` in every item that reports one: the same for every delivery of
 * one event (a callback, its repeats, Catch Missed Events, Send and Wait's resume), different for
 * each signing round. For use where n8n cannot make delivery atomic: n8n's Remove Duplicates
 * node, or a unique key in the user's database.
 *
 * A round is what OKdokument confirms: the document and its `modification` time, which changes
 * with every round (docs 3.7). Without a confirmation (Confirm With OKdokument off), what the
 * callback names has to do: the document, the signature request and the outcome.
 */
export function signingEventId(event: {
	documentId?: string | null;
	signatureRequestId?: string | null;
	/** OKdokument's modification time of the document, when it confirmed the event. */
	modification?: string;
	state: string;
}): string {
	const parts =
		event.documentId && event.modification !== undefined
			? ['round', event.documentId, event.modification]
			: ['callback', event.documentId ?? '', event.signatureRequestId ?? '', event.state];
	return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}
