import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { requestOptions } from './transport/requestOptions';
import * as listSearch from './methods/listSearch';
import { router } from './actions/router';
import * as account from './actions/account/Account.resource';
import * as document from './actions/document/Document.resource';
import * as signatureRequest from './actions/signatureRequest/SignatureRequest.resource';

export class OkDokument implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OKdokument',
		name: 'okDokument',
		icon: { light: 'file:okdokument.svg', dark: 'file:okdokument.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Send documents for e-signature with OKdokument and manage signature requests and documents',
		defaults: { name: 'OKdokument' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'okDokumentApi', required: true }],
		// Only the resume URL of the operations that wait: restart webhooks are never registered on activation.
		webhooks: signatureRequest.resumeWebhooks,
		waitingNodeTooltip:
			'Waiting for the signer: the workflow goes on when OKdokument confirms the signature request is signed or canceled, or when the wait limit passes',
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account' },
					{ name: 'Document', value: 'document' },
					{ name: 'Signature Request', value: 'signatureRequest' },
				],
				default: 'signatureRequest',
			},
			...signatureRequest.description,
			...document.description,
			...account.description,
			requestOptions,
		],
	};

	methods = { listSearch: { searchDocuments: listSearch.searchDocuments } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await signatureRequest.resumeWebhook.call(this);
	}
}
