import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import type { EventState, SigningCallback } from '../callbacks/callback';
import { DELIVERY_FAILED, readId, toSigningOutcome } from '../callbacks/callback';
import { readDocumentForCallback } from '../callbacks/confirmation';
import { CALLBACK_FAILED_STATE } from '../documents/requests';

export interface VerdictSettings {
	/** The events the workflow starts on (Trigger On). */
	events: EventState[];
	/** Whether to check the callback against the document's state in OKdokument. */
	confirm: boolean;
}

/** Whether a callback starts the workflow, and with which state. */
export type Verdict =
	| { accepted: true; state: EventState; confirmed: boolean; document?: IDataObject }
	| {
			accepted: false;
			/** Why, as the end of "Ignored an OKdokument callback: …". */
			reason: string;
			/** An outcome the user chose not to start on (logged at debug level, not as a warning). */
			filtered: boolean;
	  };

const ignore = (reason: string, filtered = false): Verdict => ({ accepted: false, reason, filtered });

const notSelected = (state: EventState) =>
	ignore(`it reports "${state}", which this trigger is not set to start on`, true);

/**
 * `?documentId=<id>` in the URL OKdokument called: how a workflow names the document when its
 * callback does not (the connector's shape names only the signature request, and OKdokument
 * documents no way to look a request's document up). Checked as the body's IDs are.
 */
function documentIdInQuery(context: IWebhookFunctions): string | undefined {
	return readId((context.getQueryData() as IDataObject).documentId);
}

function noDocumentId(callback: SigningCallback): string {
	const request = callback.signatureRequestId ? ` (it names signature request ${callback.signatureRequestId})` : '';
	return `it carries no document ID${request}: neither "id" nor a document URL in "url" in its body, nor ?documentId= in the URL it was sent to. Callbacks in the connector's shape name only the signature request, and OKdokument documents no way to find its document: add ?documentId=<the document ID> to the Send Info URL (for example {{ $json.documentId }} from Create), or turn off Confirm With OKdokument to accept such callbacks unconfirmed`;
}

/**
 * The callback is unauthenticated (docs §4.1), so by default only what OKdokument confirms
 * counts: the document must exist and be in the state the callback reports. A callback that
 * states no outcome takes the document's. A callback without a document ID gets the one the URL it
 * came to names, or else the one its `url` names: `callback.documentId` is filled in, so that the
 * item and the download use it. A document in errorsendinfo (a later delivery of a callback that
 * failed) is confirmed as `deliveryFailed`, whatever the callback claims.
 */
export async function judgeCallback(
	this: IWebhookFunctions,
	callback: SigningCallback,
	settings: VerdictSettings,
): Promise<Verdict> {
	const claimed = callback.state;
	// Known without asking OKdokument, unless the document may turn out errorsendinfo, which is
	// reported as deliveryFailed whatever the callback claims.
	const mayBeDeliveryFailed = settings.confirm && settings.events.includes(DELIVERY_FAILED);
	if (claimed && !settings.events.includes(claimed) && !mayBeDeliveryFailed) return notSelected(claimed);

	const named = documentIdInQuery(this);
	if (named && callback.documentId && named !== callback.documentId) {
		return ignore(`it names document ${callback.documentId}, but was sent to the URL for document ${named}`);
	}
	callback.documentId ??= named ?? callback.documentIdInUrl;

	if (!settings.confirm) {
		if (!claimed) {
			return ignore('it states no outcome (neither a "state" of signed or canceled, nor "success": true)');
		}
		return { accepted: true, state: claimed, confirmed: false };
	}

	if (!callback.documentId) return ignore(noDocumentId(callback));
	// A 404 means OKdokument does not know the document; any other failure is thrown, so that it
	// shows as a failed execution instead of being lost.
	const document = await readDocumentForCallback.call(this, callback.documentId);
	if (!document) return ignore('OKdokument does not know its document');
	if (document.id !== undefined && String(document.id) !== callback.documentId) {
		return ignore('OKdokument answered for another document');
	}
	if (document.state === CALLBACK_FAILED_STATE) {
		if (!settings.events.includes(DELIVERY_FAILED)) {
			return ignore(`its document is "${CALLBACK_FAILED_STATE}" in OKdokument (${DELIVERY_FAILED}), which this trigger is not set to start on`, true);
		}
		return { accepted: true, state: DELIVERY_FAILED, confirmed: true, document };
	}
	const actual = toSigningOutcome(document.state);
	if (!actual) {
		return ignore(`the document is "${String(document.state)}" in OKdokument, neither signed nor canceled`);
	}
	if (claimed && claimed !== actual) {
		return ignore(`it reports "${claimed}" but the document is "${actual}" in OKdokument`);
	}
	if (!settings.events.includes(actual)) return notSelected(actual);
	return { accepted: true, state: actual, confirmed: true, document };
}
