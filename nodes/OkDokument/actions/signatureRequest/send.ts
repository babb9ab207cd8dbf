import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { answerMessage, isReportedFailure } from '../../helpers/answers';
import { toNodeError } from '../../helpers/errors';
import { okDokumentApiRequest } from '../../transport';
import { deleteDocument, uploadDocument } from '../../documents/requests';
import type { SigningInput } from './signingInput';

/** The signature request as it was created. */
export interface CreatedRequest {
	signatureRequestId: string;
	/** The signer's link. */
	url: string | null;
	documentId: string;
	message: string | null;
}

export interface RequestIds {
	signatureRequestId?: string;
	documentId: string;
}

export interface SendOptions {
	/** Overrides the ID the user chose (Send and Wait chooses one when the user did not). */
	signatureRequestId?: string;
	/** The callback URL, fixed or made from the IDs once the document's ID is known. */
	sendInfoURL?: string | ((ids: RequestIds) => string);
}

/** What the node itself puts into POST /JSON/signatureRequest besides the settings; Additional Body Fields may not replace them. */
export const NODE_BODY_KEYS = ['signatureRequestId', 'id', 'changeState', 'sendInfoURL'];

const statusHints = {
	400: 'For an existing document, check the Document ID and the environment in the credential (OKdokument deletes signed documents 10 days after signing); for a new one, check the file and the additional fields.',
	409: 'A signature request with this ID may already exist: each signing round needs a new ID.',
};

function text(value: unknown): string | null {
	return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/**
 * The created request from either documented answer: the wiki's {message, result, url,
 * documentId} or the connector's {code, message, result, statusCode, url, success}.
 */
function readCreated(
	context: IExecuteFunctions,
	answer: IDataObject,
	sent: RequestIds,
	itemIndex: number,
): CreatedRequest {
	const signatureRequestId = text(answer.result) ?? sent.signatureRequestId ?? null;
	if (signatureRequestId === null) {
		throw new NodeOperationError(
			context.getNode(),
			`OKdokument answered without a signature request ID (item index ${itemIndex})`,
			{
				itemIndex,
				description: `The request may have been created all the same: check OKdokument before running the item again, as each creation uses up a purchased signature request. Its answer: ${JSON.stringify(answer)}`,
			},
		);
	}
	return {
		signatureRequestId,
		url: text(answer.url),
		documentId: text(answer.documentId) ?? sent.documentId,
		message: answerMessage(answer),
	};
}

/**
 * Whether OKdokument certainly did not create the request: it refused it (4xx) or said so in a
 * 200. After a 5xx, a timeout or a lost connection it may have, so nothing may be undone then.
 */
function certainlyNotCreated(error: unknown): boolean {
	if (error instanceof NodeApiError) {
		const status = Number(error.httpCode);
		return status >= 400 && status < 500 && status !== 408;
	}
	return isReportedFailure(error);
}

/** After the upload, the creation failed: remove the uploaded document when that is safe, and say what happened to it. */
async function explainUploadedDocument(
	context: IExecuteFunctions,
	error: unknown,
	documentId: string,
	itemIndex: number,
): Promise<NodeApiError | NodeOperationError> {
	const nodeError = toNodeError(context.getNode(), error, itemIndex);
	let note: string;
	if (certainlyNotCreated(error)) {
		const removal = await deleteDocument.call(context, documentId, itemIndex).then(
			() => undefined,
			(deleteError: Error) => deleteError.message,
		);
		note =
			removal === undefined
				? `The document had been uploaded first (document ID ${documentId}) and was deleted again, so nothing is left behind.`
				: `The document had been uploaded first (document ID ${documentId}) and could not be deleted again (${removal}): delete it with Document → Delete, or run Create again with Existing Document and this ID.`;
	} else {
		note = `The document had been uploaded first (document ID ${documentId}) and is kept: the signature request may have been created all the same. Check with Document → Get before running the item again, and delete the document with Document → Delete if it is not needed.`;
	}
	nodeError.description = `${nodeError.description ?? ''} ${note}`.trim();
	nodeError.context.documentId = documentId;
	return nodeError;
}

/**
 * Sends the document for signing: a new file is uploaded first (POST /JSON/document, whose answer
 * holds the document ID in both documented dialects), then the signature request is created for
 * that document (POST /JSON/signatureRequest with `id` and `changeState`, as the connector does).
 * So the document's ID is always known, whichever answer shape Create gets back.
 */
export async function sendSignatureRequest(
	this: IExecuteFunctions,
	input: SigningInput,
	itemIndex: number,
	options: SendOptions = {},
): Promise<CreatedRequest> {
	const uploaded =
		'upload' in input.document ? await uploadDocument.call(this, input.document.upload, itemIndex) : undefined;
	const documentId = uploaded?.documentId ?? ('documentId' in input.document ? input.document.documentId : '');
	const signatureRequestId = options.signatureRequestId ?? input.signatureRequestId;
	const ids: RequestIds = { signatureRequestId, documentId };
	const sendInfoURL =
		typeof options.sendInfoURL === 'function' ? options.sendInfoURL(ids) : (options.sendInfoURL ?? input.sendInfoURL);

	const body: IDataObject = {
		...(signatureRequestId !== undefined ? { signatureRequestId } : {}),
		id: documentId,
		// A signed document can only be signed again once it is switched back to "tosign".
		changeState: 'tosign',
		...(sendInfoURL !== undefined ? { sendInfoURL } : {}),
		...input.settings,
		// Checked when read: none of its keys is one of the node's (NODE_BODY_KEYS, the settings).
		...input.additionalBodyFields,
	};
	try {
		const answer = await okDokumentApiRequest.call(
			this,
			{
				method: 'POST',
				action: 'creating the signature request',
				path: '/JSON/signatureRequest',
				body,
				statusHints,
				// Each creation uses up a purchased signature request: a 500 or a timeout may have
				// created one already, so only answers that say "not processed" are retried.
				idempotent: false,
			},
			itemIndex,
		);
		return readCreated(this, answer, ids, itemIndex);
	} catch (error) {
		if (!uploaded) throw toNodeError(this.getNode(), error, itemIndex);
		throw await explainUploadedDocument(this, error, documentId, itemIndex);
	}
}
