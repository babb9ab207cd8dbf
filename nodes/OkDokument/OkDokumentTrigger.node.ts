import type {
	ExecutionError,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { pdfFileName } from './actions/document/requests';
import { documentNotFoundHints, documentPath } from './actions/document/fields';
import { okDokumentDownload } from './transport';
import type { SigningCallback, SigningOutcome } from './trigger/callback';
import { readCallback, SIGNING_OUTCOMES } from './trigger/callback';
import { catchUpCron, checkForMissedEvents, isInScope, readCatchUpSettings } from './trigger/catchUp';
import { triggerProperties } from './trigger/description';
import type { RememberedEvent } from './trigger/memory';
import { findRepeatedCallback, findRound, readEvents, rememberEvents } from './trigger/memory';
import type { Verdict } from './trigger/verdict';
import { DELIVERY_FAILED, judgeCallback } from './trigger/verdict';

const PDF_MIME_TYPE = 'application/pdf';

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

function repeatReason(event: RememberedEvent): string {
	const when = new Date(event.t).toISOString();
	if (event.v === 'seen') return `OKdokument listed its signing round as finished at ${when}, when this trigger was active`;
	const how = event.v === 'catchUp' ? 'by Catch Missed Events' : 'by a callback';
	return `it repeats an event delivered ${how} at ${when}`;
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
 * A check that failed is logged, and on n8n 2.x saved as a failed execution (n8n 1.x has no
 * such call for triggers: its emitError deactivates the workflow). The next check tries again.
 */
function reportFailedCheck(context: ITriggerFunctions, error: unknown): void {
	const message = error instanceof Error ? error.message : String(error);
	context.logger.warn(`OKdokument Trigger could not check for missed events: ${message}`, {
		node: context.getNode().name,
		workflowId: context.getWorkflow().id,
	});
	const saveFailedExecution = (context as Partial<ITriggerFunctions>).saveFailedExecution;
	if (typeof saveFailedExecution === 'function' && error instanceof Error) {
		saveFailedExecution.call(context, error as ExecutionError);
	}
}

export class OkDokumentTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OKdokument Trigger',
		name: 'okDokumentTrigger',
		icon: { light: 'file:okdokument.svg', dark: 'file:okdokument.dark.svg' },
		group: ['trigger'],
		version: 1,
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
		const repeated = findRepeatedCallback(remembered, {
			documentId: callback.documentId,
			signatureRequestId: callback.signatureRequestId,
			state: confirm ? undefined : callback.state,
		});
		if (repeated) {
			logIgnored(this, callback, repeatReason(repeated), 'debug');
			return {};
		}

		const verdict = await judgeCallback.call(this, callback, { events, confirm });
		if (!verdict.accepted) {
			logIgnored(this, callback, verdict.reason, verdict.filtered ? 'debug' : 'warn');
			return {};
		}
		const modification = verdict.document?.modification;
		if (callback.documentId && typeof modification === 'string') {
			const round = { documentId: callback.documentId, modification, state: String(verdict.document?.state) };
			const known = findRound(remembered, round, now);
			if (known) {
				logIgnored(this, callback, repeatReason(known), 'debug');
				return {};
			}
			const catchUp = verdict.state === DELIVERY_FAILED ? readCatchUpSettings(this) : undefined;
			if (catchUp && verdict.document && isInScope(catchUp, verdict.document)) {
				// Catch Missed Events emits it; emitting it here too could make it two events.
				logIgnored(
					this,
					callback,
					`its document is errorsendinfo in OKdokument, and Catch Missed Events emits it once (within ${catchUp.intervalMinutes} minutes)`,
					'debug',
				);
				return {};
			}
		}

		const item: INodeExecutionData = { json: callbackItem(callback, verdict, receivedAt) };
		if (download && verdict.state === 'signed' && callback.documentId) {
			const documentId = callback.documentId;
			const file = await okDokumentDownload.call(
				this,
				{
					method: 'GET',
					path: documentPath('/JSON/document', documentId),
					statusHints: documentNotFoundHints,
				},
				0,
			);
			const sentName =
				file.fileName ??
				(typeof verdict.document?.filename === 'string' ? verdict.document.filename : undefined);
			item.binary = {
				[binaryPropertyName]: await this.helpers.prepareBinaryData(
					file.data,
					pdfFileName(sentName, documentId),
					PDF_MIME_TYPE,
				),
			};
		}

		rememberEvents(
			staticData,
			[
				{
					d: callback.documentId,
					r: callback.signatureRequestId,
					s: verdict.state,
					m: typeof modification === 'string' ? modification : undefined,
					t: now,
					v: 'callback',
				},
			],
			now,
		);
		// The trigger answers OKdokument itself. n8n then saves the static data before it starts the
		// execution; n8n 2.41 answers an onReceived webhook only after starting it, and by then it no
		// longer sees the static data as changed (WorkflowRunner.establishContextForPersistence wraps
		// the same object again), so what the trigger remembered would be lost.
		this.getResponseObject().status(200).json({ message: 'Workflow was started' });
		return { noWebhookResponse: true, workflowData: [[item]] };
	}

	/**
	 * Catch Missed Events: one check when the workflow is activated (so also when n8n starts),
	 * then on the interval's cron. Off: nothing is scheduled.
	 */
	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const settings = readCatchUpSettings(this);
		if (!settings) return {};
		const check = async () => {
			// A fresh object for every check: the transport keeps a request's credential per
			// context, and n8n keeps this context for as long as the workflow is active.
			const context = Object.create(this) as ITriggerFunctions;
			try {
				const items = await checkForMissedEvents.call(context, settings, Date.now());
				if (items.length > 0) this.emit([items]);
			} catch (error) {
				reportFailedCheck(this, error);
			}
		};
		void check();
		this.helpers.registerCron({ expression: catchUpCron(settings.intervalMinutes) }, () => void check());
		return {};
	}

	/**
	 * Passes on what webhook() or trigger() emitted. Without it, n8n would run trigger() again
	 * instead when a callback to the Test URL starts a manual execution (a node's execute() comes
	 * before its trigger() in n8n-core's WorkflowExecute.runNode).
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}
