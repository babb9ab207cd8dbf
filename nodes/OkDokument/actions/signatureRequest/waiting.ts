import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { attachSignedPdf } from '../../callbacks/signedPdf';
import { runsAsTool } from '../../helpers/tool';
import type { Outcome, WaitingFor } from './waitingOutcome';
import { outcomeJson } from './waitingOutcome';

/**
 * What Send and Wait for Signature and Wait for Signature do in execute(), around the request
 * each makes: refuse what cannot wait, then either continue at once or put the execution to wait.
 */

/** The operations that wait, by parameter value: their names in messages. */
export const WAITING_OPERATIONS: Record<string, string> = {
	sendAndWait: 'Send and Wait for Signature',
	waitForSignature: 'Wait for Signature',
};

function operationName(context: IExecuteFunctions): string {
	return WAITING_OPERATIONS[String(context.getNode().parameters.operation)] ?? 'This operation';
}

/**
 * Refuses, before anything is sent, what cannot wait: an AI agent's tool call (or the
 * human-review tool n8n makes from this node) cannot wait hours for a signer, and an execution waits
 * for one signature only, so a second item would be lost.
 */
export function refuseWhatCannotWait(context: IExecuteFunctions, itemIndex: number): void {
	const name = operationName(context);
	if (runsAsTool(context)) {
		throw new NodeOperationError(context.getNode(), `${name} cannot run as a tool of an AI agent (item index ${itemIndex})`, {
			itemIndex,
			description:
				`An agent’s tool call cannot wait hours or days for a signer. Use Signature Request → Create as the tool, or ${name} in a workflow.`,
		});
	}
	const count = context.getInputData().length;
	if (count <= 1) return;
	throw new NodeOperationError(
		context.getNode(),
		`${name} waits for one signature per execution, but this node received ${count} items (item index ${itemIndex})`,
		{
			itemIndex,
			description:
				'Nothing was sent. An execution can wait for one signature only. To wait for many, put this node in a sub-workflow and call it once per item: Execute Workflow (Mode: Run once for each item, Wait For Sub-Workflow Completion off). See examples/send-many-and-wait.json.',
		},
	);
}

/**
 * What the next node gets when the wait runs out. n8n then continues without running this node
 * and passes its input on, so the input is replaced by this item now: it can never look like a
 * signature, carries no PDF, and names the request so that it can be checked. It is also what
 * the resume webhook reads the awaited IDs from (resume.webhook.ts).
 */
function timedOutItem(waitingFor: WaitingFor, url: string | null, waitTill: Date): INodeExecutionData {
	return {
		json: {
			state: 'timedOut',
			...waitingFor,
			url,
			confirmed: false,
			waitUntil: waitTill.toISOString(),
			// 0.2.0's name for waitUntil here, kept for one release.
			waitedUntil: waitTill.toISOString(),
			message:
				'No confirmed signature or cancellation arrived before the wait limit. Check the document with Document → Get (its state), or withdraw the request with Signature Request → Delete.',
		},
		pairedItem: { item: 0 },
	};
}

/** Puts the execution to wait until the resume webhook or `waitTill`; returns what the node shows while waiting. */
export async function waitForOutcome(
	context: IExecuteFunctions,
	waitingFor: WaitingFor,
	details: IDataObject & { url: string | null },
	waitTill: Date,
): Promise<INodeExecutionData[]> {
	context.getExecuteData().data = { main: [[timedOutItem(waitingFor, details.url, waitTill)]] };
	await context.putExecutionToWait(waitTill);
	const waitUntil = waitTill.toISOString();
	// waitingUntil: 0.2.0's name for waitUntil here, kept for one release.
	return [{ json: { state: 'waiting', ...waitingFor, ...details, waitUntil, waitingUntil: waitUntil } }];
}

/** The round was over before the wait began: the outcome at once, with the signed PDF when wanted. */
export async function continueWithOutcome(
	context: IExecuteFunctions,
	waitingFor: WaitingFor,
	outcome: Outcome,
	pdfField: string | undefined,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const item: INodeExecutionData = { json: outcomeJson(waitingFor, outcome, null) };
	if (outcome.state === 'signed' && pdfField !== undefined) {
		await attachSignedPdf.call(context, item, pdfField, waitingFor.documentId, itemIndex);
	}
	return [item];
}
