import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { pdfFileName } from './actions/document/requests';
import { documentNotFoundHints, documentPath } from './actions/document/fields';
import { okDokumentDownload } from './transport';
import type { SigningCallback, SigningOutcome } from './trigger/callback';
import { readCallback, SIGNING_OUTCOMES } from './trigger/callback';
import { triggerProperties } from './trigger/description';
import type { Verdict } from './trigger/verdict';
import { judgeCallback } from './trigger/verdict';

const PDF_MIME_TYPE = 'application/pdf';

type Accepted = Extract<Verdict, { accepted: true }>;

/** What every emitted item carries; `document` only when OKdokument confirmed the callback. */
function callbackItem(callback: SigningCallback, verdict: Accepted, receivedAt: string): IDataObject {
	return {
		state: verdict.state,
		documentId: callback.documentId ?? null,
		signatureRequestId: callback.signatureRequestId ?? null,
		confirmed: verdict.confirmed,
		...(verdict.document ? { document: verdict.document } : {}),
		receivedAt,
		callback: callback.raw,
	};
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
	 * (docs §4.1). n8n answers 200 as soon as this returns (responseMode onReceived), whatever
	 * the rest of the workflow does; callbacks that are ignored get the same 200 and start nothing.
	 * Failing to reach OKdokument for the confirmation throws: n8n then answers 500 and records
	 * a failed execution, and OKdokument marks the document errorsendinfo.
	 */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const receivedAt = new Date().toISOString();
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
		const verdict = await judgeCallback.call(this, callback, { events, confirm });
		if (!verdict.accepted) {
			const log = verdict.filtered ? this.logger.debug : this.logger.warn;
			log.call(this.logger, `OKdokument Trigger ignored a callback: ${verdict.reason}`, {
				node: this.getNode().name,
				workflowId: this.getWorkflow().id,
				state: callback.state ?? null,
				documentId: callback.documentId ?? null,
				signatureRequestId: callback.signatureRequestId ?? null,
			});
			return {};
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
		return { workflowData: [[item]] };
	}
}
