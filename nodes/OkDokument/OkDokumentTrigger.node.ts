import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { downloadPdf } from './documents/requests';
import type { SigningCallback, SigningOutcome } from './callbacks/callback';
import { readCallback, SIGNING_OUTCOMES } from './callbacks/callback';
import { checkForMissedEvents, isCheckDue, readCatchUpSettings } from './trigger/catchUp';
import { triggerProperties } from './trigger/description';
import { readEvents } from './trigger/memory';
import { rememberCallback, repeatBeforeConfirming, repeatOnceConfirmed } from './trigger/repeats';
import type { Verdict } from './trigger/verdict';
import { judgeCallback } from './trigger/verdict';

type Accepted = Extract<Verdict, { accepted: true }>;

/** What every emitted callback carries; `document` only when OKdokument confirmed it. */
function callbackItem(callback: SigningCallback, verdict: Accepted, receivedAt: string): IDataObject {
	return {
		state: verdict.state,
		documentId: callback.documentId ?? null,
		signatureRequestId: callback.signatureRequestId ?? null,
		confirmed: verdict.confirmed,
		...(verdict.document ? { document: verdict.document } : {}),
		arrivedVia: 'callback',
		receivedAt,
		callback: callback.raw,
	};
}

function logIgnored(
	context: IWebhookFunctions,
	callback: SigningCallback,
	reason: string,
	level: 'debug' | 'warn',
): void {
	context.logger[level](`OKdokument Trigger ignored a callback: ${reason}`, {
		node: context.getNode().name,
		workflowId: context.getWorkflow().id,
		state: callback.state ?? null,
		documentId: callback.documentId ?? null,
		signatureRequestId: callback.signatureRequestId ?? null,
	});
}

/**
 * A check that failed is logged and saved as a failed execution (n8n's own answer to a poll that
 * throws), without throwing: a poll that throws while n8n activates the workflow fails the
 * activation, and the trigger's callbacks would then not be served either. The next check tries again.
 */
function reportFailedCheck(context: IPollFunctions, error: unknown): void {
	const failure = error instanceof Error ? error : new Error(String(error));
	context.logger.warn(`OKdokument Trigger could not check for missed events: ${failure.message}`, {
		node: context.getNode().name,
		workflowId: context.getWorkflow().id,
	});
	context.__emitError(failure);
}

export class OkDokumentTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OKdokument Trigger',
		name: 'okDokumentTrigger',
		icon: { light: 'file:okdokument.svg', dark: 'file:okdokument.dark.svg' },
		group: ['trigger'],
		version: 1,
		// For Catch Missed Events; n8n adds its Poll Times parameter.
		polling: true,
		subtitle: '={{ "On " + $parameter["events"].join(", ") }}',
		description: 'Starts the workflow when a signer signs or cancels an OKdokument signature request',
		defaults: { name: 'OKdokument Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'okDokumentApi',
				required: true,
				displayOptions: { show: { confirm: [true] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'okdokument',
			},
		],
		eventTriggerDescription: 'Waiting for a signer to submit or cancel in OKdokument',
		// n8n words the panel of a polling node for fetching a sample event; this one listens for callbacks.
		triggerPanel: {
			executionsHelp: {
				inactive:
					'<b>While building your workflow</b>, click <i>Fetch Test Event</i>, then let a signer finish a signature request whose Send Info URL is this trigger’s Test URL (under Webhook URLs): the callback shows up in this editor.<br /><br /><b>Once you’re happy with your workflow</b>, activate it and use the Production URL instead. Its executions show up in the executions list; with Catch Missed Events on, n8n also checks OKdokument’s list for callbacks that never arrived.',
				active:
					'<b>While building your workflow</b>, click <i>Fetch Test Event</i>, then let a signer finish a signature request whose Send Info URL is this trigger’s Test URL (under Webhook URLs): the callback shows up in this editor.<br /><br /><b>Your workflow also runs by itself</b>, since it is active: each callback to the Production URL starts it once. Those executions show up in the executions list; with Catch Missed Events on, n8n also checks OKdokument’s list for callbacks that never arrived.',
			},
			activationHint: {
				active: 'Callbacks to this trigger’s Production URL also start the workflow (but those executions won’t show up here).',
				inactive: 'Once you’ve finished building your workflow, activate it to have callbacks to its Production URL start it too (you just won’t see those executions here).',
			},
		},
		activationMessage:
			'Signature requests whose Send Info URL is this trigger’s Production URL now start this workflow when the signer submits or cancels.',
		properties: triggerProperties,
	};

	// OKdokument has no API to register callbacks: the URL is set per signature request (its
	// Send Info URL), so there is nothing to create, check or delete on OKdokument's side.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	/**
	 * OKdokument POSTs `{state, id, signatureRequestId}` when the signer submits or cancels
	 * (docs §4.1). Callbacks that are ignored get 200 and start nothing; so does a repeat of an
	 * event already delivered. Failing to reach OKdokument for the confirmation throws: n8n then
	 * answers 500 and records a failed execution, and OKdokument marks the document errorsendinfo.
	 */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const now = Date.now();
		const receivedAt = new Date(now).toISOString();
		const events = (this.getNodeParameter('events', SIGNING_OUTCOMES) as SigningOutcome[]).filter(
			(event) => SIGNING_OUTCOMES.includes(event),
		);
		const confirm = this.getNodeParameter('confirm', true) as boolean;
		const download = confirm && (this.getNodeParameter('download', false) as boolean);
		const binaryPropertyName = download
			? String(this.getNodeParameter('binaryPropertyName', 'data')).trim()
			: '';
		if (download && binaryPropertyName === '') {
			throw new NodeOperationError(this.getNode(), 'Put Output File in Field is empty', {
				description: 'Enter the name of the output binary field for the signed PDF, for example data.',
			});
		}

		const callback = readCallback(this.getBodyData());
		const staticData = this.getWorkflowStaticData('node');
		const remembered = readEvents(staticData);
		const repeat = repeatBeforeConfirming(remembered, callback, confirm);
		if (repeat) {
			logIgnored(this, callback, repeat, 'debug');
			return {};
		}

		const verdict = await judgeCallback.call(this, callback, { events, confirm });
		if (!verdict.accepted) {
			logIgnored(this, callback, verdict.reason, verdict.filtered ? 'debug' : 'warn');
			return {};
		}
		const confirmedRepeat = repeatOnceConfirmed(this, remembered, callback, verdict, now);
		if (confirmedRepeat) {
			logIgnored(this, callback, confirmedRepeat, 'debug');
			return {};
		}

		const item: INodeExecutionData = { json: callbackItem(callback, verdict, receivedAt) };
		if (download && verdict.state === 'signed' && callback.documentId) {
			const documentId = callback.documentId;
			const knownAs = typeof verdict.document?.filename === 'string' ? verdict.document.filename : undefined;
			const pdf = await downloadPdf.call(this, documentId, 0, { knownAs });
			item.binary = { [binaryPropertyName]: pdf.binary };
		}

		rememberCallback(staticData, callback, verdict, now);
		// The trigger answers OKdokument itself. n8n then saves the static data before it starts the
		// execution; n8n 2.41 answers an onReceived webhook only after starting it, and by then it no
		// longer sees the static data as changed (WorkflowRunner.establishContextForPersistence wraps
		// the same object again), so what the trigger remembered would be lost.
		this.getResponseObject().status(200).json({ message: 'Workflow was started' });
		return { noWebhookResponse: true, workflowData: [[item]] };
	}

	/**
	 * Catch Missed Events. n8n polls when it activates the workflow (so also when it starts) and
	 * then on the Poll Times (every minute unless changed); a check runs on the first poll and
	 * then once Check Every (Minutes) have passed. n8n runs polls with the expression engine ready,
	 * which requests with the credential need (a trigger's own timers do not get that in n8n 2.41).
	 */
	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const settings = readCatchUpSettings(this);
		if (!settings) return null;
		const now = Date.now();
		if (!isCheckDue(this.getWorkflowStaticData('node'), settings, now)) return null;
		try {
			// A fresh object for every check: the transport keeps a request's credential per
			// context, and n8n keeps this context for as long as the workflow is active.
			const items = await checkForMissedEvents.call(Object.create(this) as IPollFunctions, settings, now);
			return items.length > 0 ? [items] : null;
		} catch (error) {
			reportFailedCheck(this, error);
			return null;
		}
	}

	/**
	 * Passes on what webhook() or poll() emitted. Without it, n8n would run poll() instead when a
	 * callback to the Test URL starts a manual execution (a node's execute() comes before its
	 * poll() in n8n-core's WorkflowExecute.runNode).
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}
