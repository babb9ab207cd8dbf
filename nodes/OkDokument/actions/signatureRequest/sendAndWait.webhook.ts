import type { IDataObject, INodeExecutionData, IWebhookDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { downloadPdf } from '../../documents/requests';
import type { ResumeVerdict, WaitingFor } from './waitingOutcome';
import { judgeResumeCall, readDownloadField, readWaitingFor } from './waitingOutcome';

/**
 * The resume URL Send and Wait gives OKdokument as sendInfoURL: n8n routes a POST to it here, to
 * the node that waits (restartWebhook), after checking its signature (operation sendAndWait).
 */
export const sendAndWaitWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		responseData: '',
		path: '={{ $nodeId }}',
		restartWebhook: true,
		isFullPath: true,
	},
];

/** The answer to a call that leaves the execution waiting: 200, so that OKdokument marks no error. */
const STILL_WAITING = {
	message: 'Callback received; the workflow goes on once OKdokument confirms the signature request is finished',
};

type Unavailable = Extract<ResumeVerdict, { unavailable: unknown }>;

/** A failure to reach OKdokument that may pass: no answer, 429 or a 5xx. */
function isTemporary(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const status = Number(error.httpCode);
	return error.httpCode === undefined || error.httpCode === null || status === 429 || status >= 500;
}

function logFields(context: IWebhookFunctions, waitingFor: WaitingFor | undefined, claimed?: string) {
	return {
		node: context.getNode().name,
		workflowId: context.getWorkflow().id,
		executionId: context.getExecutionId(),
		signatureRequestId: waitingFor?.signatureRequestId ?? null,
		documentId: waitingFor?.documentId ?? null,
		claimedState: claimed ?? null,
	};
}

/** Answers with an error status and leaves the execution waiting, so that OKdokument may call again. */
function answerUnavailable(context: IWebhookFunctions, message: string): IWebhookResponseData {
	context.getResponseObject().status(503).json({ message });
	return { noWebhookResponse: true };
}

function outcomeItem(waitingFor: WaitingFor, verdict: Extract<ResumeVerdict, { resume: true }>, callback: IDataObject): IDataObject {
	return {
		state: verdict.state,
		signatureRequestId: waitingFor.signatureRequestId,
		documentId: waitingFor.documentId,
		confirmed: verdict.confirmed,
		...(verdict.reason ? { reason: verdict.reason } : {}),
		confirmedAt: new Date().toISOString(),
		document: verdict.document,
		callback,
	};
}

export async function sendAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const waitingFor = readWaitingFor(this);
	if (!waitingFor) {
		this.logger.warn('OKdokument Send and Wait ignored a call without the signature request and document of its URL', logFields(this, undefined));
		return { webhookResponse: STILL_WAITING };
	}
	const { verdict, callback } = await judgeResumeCall(this, waitingFor, this.getBodyData());
	if (!verdict.resume) {
		if ('unavailable' in verdict) {
			const { reason } = verdict as Unavailable;
			this.logger.error(`OKdokument Send and Wait could not check a callback and keeps waiting: ${reason}`, logFields(this, waitingFor, callback.state));
			return answerUnavailable(this, 'OKdokument could not be asked whether the signature request is finished; the workflow keeps waiting. Call again later.');
		}
		this.logger.warn(`OKdokument Send and Wait ignored a callback and keeps waiting: ${verdict.reason}`, logFields(this, waitingFor, callback.state));
		return { webhookResponse: STILL_WAITING };
	}

	const item: INodeExecutionData = { json: outcomeItem(waitingFor, verdict, callback.raw), pairedItem: { item: 0 } };
	const pdfField = verdict.state === 'signed' ? readDownloadField(this) : undefined;
	if (pdfField !== undefined) {
		try {
			const knownAs = typeof verdict.document.filename === 'string' ? verdict.document.filename : undefined;
			item.binary = { [pdfField]: (await downloadPdf.call(this, waitingFor.documentId, 0, { knownAs })).binary };
		} catch (error) {
			if (isTemporary(error)) {
				this.logger.error(`OKdokument Send and Wait could not download the signed PDF and keeps waiting: ${(error as Error).message}`, logFields(this, waitingFor, callback.state));
				return answerUnavailable(this, 'The signed PDF could not be downloaded from OKdokument; the workflow keeps waiting. Call again later.');
			}
			// Throwing here would not fail the execution: n8n would continue past this node with an
			// empty item. So the item says it, and carries no PDF for a later node to mistake.
			const message = `OKdokument has no signed PDF for document ${waitingFor.documentId}: ${(error as Error).message}`;
			this.logger.error(`OKdokument Send and Wait resumed without the signed PDF: ${message}`, logFields(this, waitingFor, callback.state));
			item.json.error = message;
		}
	}
	return { workflowData: [[item]] };
}
