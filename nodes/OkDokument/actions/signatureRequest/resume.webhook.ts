import type {
	IDataObject,
	INodeExecutionData,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import type { SigningCallback } from '../../callbacks/callback';
import { readCallback, readId } from '../../callbacks/callback';
import { readDocumentForCallback } from '../../callbacks/confirmation';
import { attachSignedPdf, readSignedPdfField } from '../../callbacks/signedPdf';
import { toNodeError } from '../../helpers/errors';
import { BoundedMap } from '../../helpers/boundedMap';
import { WAITING_OPERATIONS } from './waiting';
import type { Outcome, WaitingFor } from './waitingOutcome';
import { judgeWithDocument, outcomeJson, refuseBeforeAsking, SIGNED_PDF } from './waitingOutcome';

/**
 * The resume URL that Send and Wait for Signature and Wait for Signature give OKdokument as
 * sendInfoURL: n8n routes a POST to it here, to the node that waits (restartWebhook), after its
 * own check of the URL (resumeUrl.ts).
 */
export const resumeWebhooks: IWebhookDescription[] = [
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
const RESUMED = { message: 'Callback received; the workflow goes on' };

/**
 * Executions this process resumed, so that copies of one callback resume it once: n8n lets
 * every copy that arrives while the execution is still waiting reach this webhook, and a second
 * resume would at best get an error from n8n (and OKdokument marks the document errorsendinfo
 * when its callback fails). Per process and bounded, like the trigger's memory (trigger/memory.ts):
 * a copy served by another process meets n8n's own answer for a running or finished execution.
 */
const resumed = new BoundedMap<string, true>(10_000);

function executionKey(context: IWebhookFunctions): string {
	return `${context.getExecutionId()}\u0000${context.getNode().id}`;
}

/**
 * The IDs this execution waits for, as execute() stored them (the item the next node gets on a
 * time-out), where no caller can change them. A URL that names IDs (Send and Wait's, signed by
 * n8n) must name the same. Undefined for a call that cannot be about this wait.
 */
function readWaitingFor(context: IWebhookFunctions): WaitingFor | undefined {
	const stored = (name: string) => readId(context.evaluateExpression(`{{ $json.${name} }}`, 0));
	const signatureRequestId = stored('signatureRequestId');
	const documentId = stored('documentId');
	if (!signatureRequestId || !documentId) return undefined;
	const query = context.getQueryData() as IDataObject;
	const differs = (name: string, value: string) => query[name] !== undefined && query[name] !== value;
	if (differs('signatureRequestId', signatureRequestId) || differs('documentId', documentId)) return undefined;
	return { signatureRequestId, documentId };
}

/** Who writes the log line: "OKdokument Send and Wait for Signature" or "OKdokument Wait for Signature". */
function logName(context: IWebhookFunctions): string {
	return `OKdokument ${WAITING_OPERATIONS[String(context.getNode().parameters.operation)] ?? ''}`.trim();
}

function logFields(context: IWebhookFunctions, waitingFor: WaitingFor | undefined, callback?: SigningCallback) {
	return {
		node: context.getNode().name,
		workflowId: context.getWorkflow().id,
		executionId: context.getExecutionId(),
		signatureRequestId: waitingFor?.signatureRequestId ?? null,
		documentId: waitingFor?.documentId ?? null,
		claimedState: callback?.state ?? null,
	};
}

/** Decides one call; a string says why it leaves the execution waiting. */
async function judge(
	context: IWebhookFunctions,
	waitingFor: WaitingFor,
	callback: SigningCallback,
): Promise<Outcome | string | { failed: Error }> {
	const refused = refuseBeforeAsking(callback, waitingFor);
	if (refused) return refused;
	let document: IDataObject | undefined;
	try {
		document = await readDocumentForCallback.call(context, waitingFor.documentId);
	} catch (error) {
		return { failed: toNodeError(context.getNode(), error, 0) };
	}
	if (!document) return `OKdokument does not know document ${waitingFor.documentId}`;
	return judgeWithDocument(document, waitingFor, callback.state);
}

/**
 * One call to the resume URL. The execution goes on only when OKdokument confirms that the
 * awaited round is finished (its own state, checked with one quick read; see
 * callbacks/confirmation.ts), once however many copies of the callback arrive. OKdokument is
 * answered before the signed PDF is downloaded, so a slow download cannot fail its callback.
 */
export async function resumeWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const key = executionKey(this);
	const waitingFor = readWaitingFor(this);
	if (!waitingFor) {
		this.logger.warn(`${logName(this)} ignored a call to its resume URL: it names another signature request or document than the one it waits for`, logFields(this, undefined));
		return { webhookResponse: STILL_WAITING };
	}
	const pdfField = readSignedPdfField(this, SIGNED_PDF);
	const callback = readCallback(this.getBodyData());
	if (resumed.has(key)) return { webhookResponse: RESUMED };

	const verdict = await judge(this, waitingFor, callback);
	if (typeof verdict === 'string') {
		this.logger.warn(`${logName(this)} ignored a callback and keeps waiting: ${verdict}`, logFields(this, waitingFor, callback));
		return { webhookResponse: STILL_WAITING };
	}
	if ('failed' in verdict) {
		this.logger.error(`${logName(this)} could not check a callback and keeps waiting: ${verdict.failed.message}`, logFields(this, waitingFor, callback));
		this.getResponseObject().status(503).json({
			message: 'OKdokument could not be asked whether the signature request is finished; the workflow keeps waiting. Call again later.',
		});
		return { noWebhookResponse: true };
	}
	// No await between this check and the set: a copy that got here too resumes nothing.
	if (resumed.has(key)) return { webhookResponse: RESUMED };
	resumed.set(key, true);

	this.getResponseObject().status(200).json(RESUMED);
	const item: INodeExecutionData = { json: outcomeJson(waitingFor, verdict, callback), pairedItem: { item: 0 } };
	if (verdict.state === 'signed' && pdfField !== undefined) {
		const failure = await attachSignedPdf.call(this, item, pdfField, waitingFor.documentId);
		if (failure) this.logger.error(`${logName(this)} resumed the workflow without the signed PDF: ${failure}`, logFields(this, waitingFor, callback));
	}
	return { noWebhookResponse: true, workflowData: [[item]] };
}
