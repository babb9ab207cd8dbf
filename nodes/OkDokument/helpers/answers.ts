import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** OKdokument's text for what happened ("msg.deleted"), or null when it sent none. */
export function answerMessage(answer: IDataObject): string | null {
	return typeof answer.message === 'string' ? answer.message : null;
}

/**
 * One documented answer shape (the connector's) carries `success`; a 200 that says
 * `"success": false` did not do what was asked, so it must not pass as a success.
 */
export function refuseReportedFailure(
	context: { getNode(): INode },
	answer: IDataObject,
	itemIndex: number,
	action: string,
): void {
	if (answer.success !== false) return;
	const message = answerMessage(answer);
	const error = new NodeOperationError(
		context.getNode(),
		`OKdokument reports that ${action} failed${message ? `: ${message}` : ''} (item index ${itemIndex})`,
		{
			itemIndex,
			description: `OKdokument answered HTTP 200 but with "success": false. Its answer: ${JSON.stringify(answer)}`,
		},
	);
	error.context.reportedFailure = true;
	throw error;
}

/** Whether the error is OKdokument's own word that the request failed (so it did nothing). */
export function isReportedFailure(error: unknown): boolean {
	return error instanceof NodeOperationError && error.context.reportedFailure === true;
}
