import { randomUUID } from 'crypto';

import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { refuseWithoutSignedResumeUrls } from './resumeUrl';
import { sendSignatureRequest } from './send';
import type { CreatedRequest } from './send';
import { readSigningInput, signingProperties } from './signingInput';
import { readWaitTill, waitLimitProperties } from './waitLimit';
import { RESUME_PARAMETERS, readDownloadField, signedPdfProperties } from './waitingOutcome';

const properties: INodeProperties[] = [
	{
		displayName:
			'Sends the document for signature, then pauses this workflow until OKdokument confirms that the signer signed or canceled, or the wait limit passes',
		name: 'sendAndWaitNotice',
		type: 'notice',
		default: '',
	},
	...signingProperties({
		sendInfoUrl: false,
		signatureRequestIdDescription:
			'Your own ID for this signature request, for example a UUID; the node chooses a UUID when empty. Each signing round needs a new ID.',
	}),
	...waitLimitProperties,
	...signedPdfProperties,
];

const displayOptions = {
	show: {
		resource: ['signatureRequest'],
		operation: ['sendAndWait'],
	},
};

export const description = updateDisplayOptions(displayOptions, properties);

/** n8n-workflow 1.x has it (and n8n 1.x then checks the resume URL's signature); 2.x always checks it. */
type WithSignatureValidation = IExecuteFunctions & { setSignatureValidationRequired?: () => void };

/** A waiting execution resumes once: one request per run, or the other items would be lost. */
function refuseSeveralItems(context: IExecuteFunctions, itemIndex: number): void {
	const count = context.getInputData().length;
	if (count <= 1) return;
	throw new NodeOperationError(
		context.getNode(),
		`Send and Wait for Signature sends one document per execution, but this node received ${count} items (item index ${itemIndex})`,
		{
			itemIndex,
			description:
				'Nothing was sent. An execution can wait for one signature only. To send many, put this node in a sub-workflow and call it once per item: Execute Workflow (Mode: Run once for each item, Wait For Sub-Workflow Completion off). See examples/send-many-and-wait.json.',
		},
	);
}

/** An AI agent's tool (or n8n 2.x's human-review tool made from this node) cannot wait for a signer. */
function refuseToolUse(context: IExecuteFunctions, itemIndex: number): void {
	if (!/Tool$/.test(context.getNode().type)) return;
	throw new NodeOperationError(
		context.getNode(),
		`Send and Wait for Signature cannot run as a tool of an AI agent (item index ${itemIndex})`,
		{
			itemIndex,
			description:
				'An agent’s tool call cannot wait hours or days for a signer. Use Signature Request → Create as the tool, or Send and Wait for Signature in a workflow.',
		},
	);
}

/**
 * What the next node gets when the wait runs out. n8n then continues without running this node
 * and passes its input on, so the input is replaced by this item now: it can never look like a
 * signature, carries no PDF, and names the request so that it can be checked.
 */
function timedOutItem(created: CreatedRequest, waitTill: Date): INodeExecutionData {
	return {
		json: {
			state: 'timedOut',
			signatureRequestId: created.signatureRequestId,
			documentId: created.documentId,
			url: created.url,
			confirmed: false,
			waitedUntil: waitTill.toISOString(),
			message:
				'No confirmed signature or cancellation arrived before the wait limit. Check the document with Document → Get (its state), or withdraw the request with Signature Request → Delete.',
		},
		pairedItem: { item: 0 },
	};
}

/**
 * Creates the signature request with this execution's signed resume URL as its callback
 * (sendInfoURL) and puts the execution to wait. The URL carries the request's and the document's
 * IDs: n8n signs the whole URL, so nobody can point the wait at another document.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	refuseWithoutSignedResumeUrls(this, itemIndex, 'Send and Wait for Signature');
	refuseToolUse(this, itemIndex);
	refuseSeveralItems(this, itemIndex);
	const input = await readSigningInput.call(this, itemIndex, { sendInfoUrl: false });
	const waitTill = readWaitTill(this, itemIndex, input.expirationTime);
	readDownloadField(this, itemIndex);
	const signatureRequestId = input.signatureRequestId ?? randomUUID();

	(this as WithSignatureValidation).setSignatureValidationRequired?.();
	const created = await sendSignatureRequest.call(this, input, itemIndex, {
		signatureRequestId,
		sendInfoURL: ({ documentId }) =>
			this.getSignedResumeUrl({
				[RESUME_PARAMETERS.signatureRequestId]: signatureRequestId,
				[RESUME_PARAMETERS.documentId]: documentId,
			}),
	});

	this.getExecuteData().data = { main: [[timedOutItem(created, waitTill)]] };
	await this.putExecutionToWait(waitTill);
	const waiting: IDataObject = { state: 'waiting', ...created, waitingUntil: waitTill.toISOString() };
	return [{ json: waiting }];
}
