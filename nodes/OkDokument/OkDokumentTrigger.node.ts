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
import { NodeConnectionTypes } from 'n8n-workflow';

import type { SigningCallback } from './callbacks/callback';
import { DELIVERY_FAILED, readCallback } from './callbacks/callback';
import { attachSignedPdf, readSignedPdfField } from './callbacks/signedPdf';
import { signingEventId } from './callbacks/eventId';
import { checkForMissedEvents, isCheckDue, readCatchUpSettings } from './trigger/catchUp';
import { readTriggerEvents, TRIGGER_SIGNED_PDF, triggerProperties } from './trigger/description';
import { openMemory } from './trigger/memory';
import { rememberCallback, repeatBeforeConfirming, repeatOnceConfirmed } from './trigger/repeats';
import type { Verdict } from './trigger/verdict';
import { judgeCallback } from './trigger/verdict';

type Accepted = Extract<Verdict, { accepted: true }>;

/** What every emitted callback carries; `document` only when OKdokument confirmed it. */
function callbackItem(callback: SigningCallback, verdict: Accepted, receivedAt: string): IDataObject {
	const modification = verdict.document?.modification;
	return {
		eventId: signingEventId({
			documentId: callback.documentId,
			signatureRequestId: callback.signatureRequestId,
			modification: typeof modification === 'string' ? modification : undefined,
			state: verdict.state,
		}),
		state: verdict.state,
		...(verdict.state === DELIVERY_FAILED ? { reportedState: callback.state ?? null } : {}),
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

/** The signed PDF's output field, or undefined when it is not wanted. */
function readDownloadField(context: IWebhookFunctions | IExecuteFunctions): string | undefined {
	const confirm = 'getInputData' in context ? context.getNodeParameter('confirm', 0, true) : context.getNodeParameter('confirm', true);
	return confirm === true ? readSignedPdfField(context, TRIGGER_SIGNED_PDF) : undefined;
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
	 * The signed PDF is not fetched here but by execute(), once OKdokument has its answer.
	 */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const now = Date.now();
		const receivedAt = new Date(now).toISOString();
		const events = readTriggerEvents(this);
		const confirm = this.getNodeParameter('confirm', true) as boolean;
		readDownloadField(this);

		const callback = readCallback(this.getBodyData());
		const memory = openMemory(this, now);
		const ignored = (reason: string, level: 'debug' | 'warn'): IWebhookResponseData => {
			memory.repair();
			logIgnored(this, callback, reason, level);
			return {};
		};
		const knownRepeat = repeatBeforeConfirming(memory.events, callback, confirm);
		if (knownRepeat) return ignored(knownRepeat, 'debug');

		const verdict = await judgeCallback.call(this, callback, { events, confirm });
		if (!verdict.accepted) return ignored(verdict.reason, verdict.filtered ? 'debug' : 'warn');
		// No await from here until the event is remembered: another call for the same event, which
		// may have been confirmed meanwhile, is then either remembered already or not yet started.
		const repeat =
			repeatBeforeConfirming(memory.events, callback, confirm) ??
			repeatOnceConfirmed(this, memory.events, callback, verdict, now);
		if (repeat) return ignored(repeat, 'debug');
		rememberCallback(memory, callback, verdict, now);

		// The trigger answers OKdokument itself: n8n then saves the static data before it starts
		// the execution, which it would not do after its own answer (docs/n8n-behaviour.md).
		this.getResponseObject().status(200).json({ message: 'Workflow was started' });
		return { noWebhookResponse: true, workflowData: [[{ json: callbackItem(callback, verdict, receivedAt) }]] };
	}

	/**
	 * Catch Missed Events. n8n polls when it activates the workflow (so also when it starts) and
	 * then on the Poll Times (every minute unless changed); a check runs on the first poll and
	 * then once Check Every (Minutes) have passed. n8n runs polls with the expression engine ready,
	 * which requests with the credential need (a trigger's own timers may not get it; docs/n8n-behaviour.md).
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
	 * Passes on what webhook() or poll() emitted, with the signed PDF when Download Signed Document
	 * is on: fetched here, in the execution, after OKdokument got its answer (and in queue mode on
	 * the worker that runs it). Without execute(), n8n would run poll() instead when a callback to
	 * the Test URL starts a manual execution (a node's execute() comes before its poll()).
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const field = readDownloadField(this);
		if (field === undefined) return [items];
		const withPdfs: INodeExecutionData[] = [];
		for (const [index, received] of items.entries()) {
			const item = { ...received, json: { ...received.json } };
			const { state, confirmed, documentId } = item.json;
			if (state === 'signed' && confirmed === true && typeof documentId === 'string') {
				const failure = await attachSignedPdf.call(this, item, field, documentId, index);
				if (failure) this.logger.error(`OKdokument Trigger emits the event without its signed PDF: ${failure}`, { node: this.getNode().name });
			}
			withPdfs.push(item);
		}
		return [withPdfs];
	}
}
