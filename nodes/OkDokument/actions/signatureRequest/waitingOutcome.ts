import type { IDataObject, IExecuteFunctions, INodeProperties, IWebhookFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { SigningCallback, SigningOutcome } from '../../callbacks/callback';
import { readCallback, toSigningOutcome } from '../../callbacks/callback';
import { toNodeError } from '../../helpers/errors';
import { CALLBACK_FAILED_STATE, findDocumentMetadata } from '../../documents/requests';

/**
 * What decides whether a callback to Send and Wait's resume URL ends the wait: the URL names the
 * request and the document (n8n signed it, so they are what execute() put there), and only
 * OKdokument's own answer about that document counts. The callback's body is a wake-up call.
 */

/** The query parameters of the signed resume URL. */
export const RESUME_PARAMETERS = {
	signatureRequestId: 'signatureRequestId',
	documentId: 'documentId',
} as const;

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
	if (get('downloadSignedPdf', true) === false) return undefined;
	const field = String(get('outputBinaryPropertyName', DEFAULT_PDF_FIELD)).trim();
	if (field === '') {
		throw new NodeOperationError(context.getNode(), `Put Signed PDF in Field is empty (item index ${itemIndex})`, {
			itemIndex,
			description: 'Enter the name of the output binary field for the signed PDF, for example data, or turn off Download Signed PDF.',
		});
	}
	return field;
}

/** What to do with one call to the resume URL. */
export type ResumeVerdict =
	| {
			resume: true;
			state: SigningOutcome;
			/** false: OKdokument's state no longer tells the outcome (errorsendinfo); the call's is taken. */
			confirmed: boolean;
			reason?: string;
			document: IDataObject;
	  }
	| { resume: false; reason: string }
	/** OKdokument could not be asked: answer with an error so that the failure shows and it may call again. */
	| { resume: false; unavailable: NodeApiError | NodeOperationError; reason: string };

export interface WaitingFor {
	signatureRequestId: string;
	documentId: string;
}

/** Keys of either documented callback shape (wiki §4.1, connector §7.1): anything else is not a callback. */
const CALLBACK_KEYS = ['state', 'id', 'documentId', 'signatureRequestId', 'result', 'success', 'code'];

const keepWaiting = (reason: string): ResumeVerdict => ({ resume: false, reason });

/** The IDs the signed URL carries, or undefined when they are missing (a URL the node never made). */
export function readWaitingFor(context: IWebhookFunctions): WaitingFor | undefined {
	const query = context.getQueryData() as IDataObject;
	const signatureRequestId = query[RESUME_PARAMETERS.signatureRequestId];
	const documentId = query[RESUME_PARAMETERS.documentId];
	if (typeof signatureRequestId !== 'string' || signatureRequestId === '') return undefined;
	if (typeof documentId !== 'string' || documentId === '') return undefined;
	return { signatureRequestId, documentId };
}

/**
 * A call that names another document or request than the one this execution waits for. Only the
 * wiki's explicit keys count: what the connector's `result` holds in a callback is not documented.
 */
function namesAnother(callback: SigningCallback, waitingFor: WaitingFor): string | undefined {
	if (callback.documentId !== undefined && callback.documentId !== waitingFor.documentId) {
		return `it is about document ${callback.documentId}, not ${waitingFor.documentId}`;
	}
	const { signatureRequestId } = callback.raw;
	if (signatureRequestId !== undefined && String(signatureRequestId) !== waitingFor.signatureRequestId) {
		return `it is about signature request ${String(signatureRequestId)}, not ${waitingFor.signatureRequestId}`;
	}
	return undefined;
}

/** Document → Get for the awaited document: a 404 means OKdokument does not know it. */
async function readDocument(
	context: IWebhookFunctions,
	documentId: string,
): Promise<{ document: IDataObject } | { unknown: true } | { failed: NodeApiError | NodeOperationError }> {
	try {
		const document = await findDocumentMetadata.call(context, documentId, 0);
		return document ? { document } : { unknown: true };
	} catch (error) {
		return { failed: toNodeError(context.getNode(), error, 0) };
	}
}

/**
 * Decides one call to the resume URL. Resumes only when OKdokument says the awaited document is
 * signed or canceled and the call does not contradict it; or, for a document OKdokument marks
 * errorsendinfo (an earlier callback failed, so its state no longer says how it ended), with the
 * outcome the call states, unconfirmed: that call came through the signed URL only OKdokument got.
 */
export async function judgeResumeCall(
	context: IWebhookFunctions,
	waitingFor: WaitingFor,
	body: unknown,
): Promise<{ verdict: ResumeVerdict; callback: SigningCallback }> {
	const callback = readCallback(body);
	const decide = async (): Promise<ResumeVerdict> => {
		if (!CALLBACK_KEYS.some((key) => key in callback.raw)) {
			return keepWaiting('its body is not an OKdokument callback');
		}
		const another = namesAnother(callback, waitingFor);
		if (another) return keepWaiting(another);

		const read = await readDocument(context, waitingFor.documentId);
		if ('unknown' in read) return keepWaiting(`OKdokument does not know document ${waitingFor.documentId}`);
		if ('failed' in read) {
			return { resume: false, unavailable: read.failed, reason: `OKdokument could not be asked: ${read.failed.message}` };
		}
		const { document } = read;
		if (document.id !== undefined && String(document.id) !== waitingFor.documentId) {
			return keepWaiting('OKdokument answered for another document');
		}
		const claimed = callback.state;
		const actual = toSigningOutcome(document.state);
		if (actual) {
			if (claimed && claimed !== actual) {
				return keepWaiting(`it reports "${claimed}" but the document is "${actual}" in OKdokument`);
			}
			return { resume: true, state: actual, confirmed: true, document };
		}
		if (document.state === CALLBACK_FAILED_STATE) {
			if (!claimed) return keepWaiting('the document is "errorsendinfo" in OKdokument and the call states no outcome');
			return {
				resume: true,
				state: claimed,
				confirmed: false,
				reason: `OKdokument marks the document "errorsendinfo" (an earlier delivery of its callback failed), so its state no longer tells whether it was signed or canceled; the outcome "${claimed}" is the one this call states, which came through the signed URL only OKdokument was given`,
				document,
			};
		}
		return keepWaiting(`the document is "${String(document.state)}" in OKdokument, not signed or canceled`);
	};
	return { verdict: await decide(), callback };
}
