import type { IDataObject, IExecuteFunctions, INodeProperties, IWebhookFunctions } from 'n8n-workflow';

import type { EventState, SigningCallback } from '../../callbacks/callback';
import { DELIVERY_FAILED, toSigningOutcome } from '../../callbacks/callback';
import { signingEventId } from '../../callbacks/eventId';
import { CALLBACK_FAILED_STATE } from '../../documents/requests';
import { binaryFieldName } from '../../helpers/binary';
import { readBoolean } from '../../helpers/validation';

/**
 * How Send and Wait for Signature and Wait for Signature end a wait: only OKdokument's own answer
 * about the awaited document counts (a callback's body is a wake-up call), and what the next node
 * gets, whether the outcome came at once, with a callback or not at all.
 */

const DEFAULT_PDF_FIELD = 'data';

export const signedPdfProperties: INodeProperties[] = [
	{
		displayName: 'Download Signed PDF',
		name: 'downloadSignedPdf',
		type: 'boolean',
		default: true,
		description: 'Whether to add the signed PDF to the output item as binary data (signed requests only)',
	},
	{
		displayName: 'Put Signed PDF in Field',
		name: 'outputBinaryPropertyName',
		type: 'string',
		default: DEFAULT_PDF_FIELD,
		displayOptions: { show: { downloadSignedPdf: [true] } },
		hint: 'The name of the output binary field for the signed PDF; a canceled request never has one',
	},
];

/** The output field for the signed PDF, or undefined when it is not wanted. Checked before anything is sent. */
export function readDownloadField(
	context: IExecuteFunctions | IWebhookFunctions,
	itemIndex = 0,
): string | undefined {
	const get = (name: string, fallback: unknown) =>
		'getInputData' in context
			? context.getNodeParameter(name, itemIndex, fallback)
			: context.getNodeParameter(name, fallback);
	const download = readBoolean(get('downloadSignedPdf', true), { node: context, itemIndex, label: 'Download Signed PDF' }, true);
	if (!download) return undefined;
	return binaryFieldName(
		get('outputBinaryPropertyName', DEFAULT_PDF_FIELD),
		{ node: context, itemIndex, label: 'Put Signed PDF in Field' },
		'Enter the name of the output binary field for the signed PDF, for example data, or turn off Download Signed PDF.',
	);
}

/** The request and document an execution waits for. */
export interface WaitingFor {
	signatureRequestId: string;
	documentId: string;
}

/** A finished signing round, as OKdokument reports its document. */
export interface Outcome {
	state: EventState;
	document: IDataObject;
}

/**
 * The outcome OKdokument reports for a document: signed or canceled, or deliveryFailed for a
 * document it marks errorsendinfo (an earlier callback failed, so its state no longer says how
 * the round ended); undefined while the round is not finished.
 */
export function finishedOutcome(document: IDataObject): Outcome | undefined {
	if (document.state === CALLBACK_FAILED_STATE) return { state: DELIVERY_FAILED, document };
	const state = toSigningOutcome(document.state);
	return state ? { state, document } : undefined;
}

/** Keys of either documented callback shape (wiki §4.1, connector §7.1): anything else is not a callback. */
const CALLBACK_KEYS = ['state', 'id', 'documentId', 'signatureRequestId', 'result', 'success', 'code'];

/**
 * Why a callback cannot end the wait before OKdokument is asked, or undefined. Only the wiki's
 * explicit keys name another document or request: what the connector's `result` holds in a
 * callback is not documented.
 */
export function refuseBeforeAsking(callback: SigningCallback, waitingFor: WaitingFor): string | undefined {
	if (!CALLBACK_KEYS.some((key) => key in callback.raw)) return 'its body is not an OKdokument callback';
	if (callback.documentId !== undefined && callback.documentId !== waitingFor.documentId) {
		return `it is about document ${callback.documentId}, not ${waitingFor.documentId}`;
	}
	const { signatureRequestId } = callback.raw;
	if (signatureRequestId !== undefined && String(signatureRequestId) !== waitingFor.signatureRequestId) {
		return `it is about signature request ${String(signatureRequestId)}, not ${waitingFor.signatureRequestId}`;
	}
	return undefined;
}

/**
 * Whether a callback ends the wait, once OKdokument answered about the awaited document: it
 * must report the round finished, and the callback must not contradict it (a "signed" for a
 * canceled document is not the signer's callback). For errorsendinfo the claim cannot be checked:
 * the outcome is deliveryFailed, and the claim is reported beside it.
 */
export function judgeWithDocument(
	document: IDataObject,
	waitingFor: WaitingFor,
	claimed: SigningCallback['state'],
): Outcome | string {
	if (document.id !== undefined && String(document.id) !== waitingFor.documentId) {
		return 'OKdokument answered for another document';
	}
	const outcome = finishedOutcome(document);
	if (!outcome) return `the document is "${String(document.state)}" in OKdokument, not signed or canceled`;
	if (outcome.state !== DELIVERY_FAILED && claimed && claimed !== outcome.state) {
		return `it reports "${claimed}" but the document is "${outcome.state}" in OKdokument`;
	}
	return outcome;
}

/**
 * What the next node gets when the round is finished: the outcome as OKdokument confirmed it,
 * with the callback that brought it (null when the round was over before the wait began).
 */
export function outcomeJson(waitingFor: WaitingFor, outcome: Outcome, callback: SigningCallback | null): IDataObject {
	const { state, document } = outcome;
	return {
		eventId: signingEventId({
			...waitingFor,
			modification: typeof document.modification === 'string' ? document.modification : undefined,
			state,
		}),
		state,
		...(state === DELIVERY_FAILED ? { reportedState: callback?.state ?? null } : {}),
		signatureRequestId: waitingFor.signatureRequestId,
		documentId: waitingFor.documentId,
		confirmed: true,
		confirmedAt: new Date().toISOString(),
		document,
		callback: callback?.raw ?? null,
	};
}
