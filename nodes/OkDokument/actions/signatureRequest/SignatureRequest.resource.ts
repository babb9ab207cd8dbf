import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { operationProperties } from '../../helpers/tool';
import * as create from './create.operation';
import * as deleteRequest from './delete.operation';
import * as sendAndWait from './sendAndWait.operation';
import * as update from './update.operation';
import * as waitForSignature from './waitForSignature.operation';
import { WAITING_OPERATIONS } from './waiting';

export const operations = {
	create: create.execute,
	delete: deleteRequest.execute,
	sendAndWait: sendAndWait.execute,
	update: update.execute,
	waitForSignature: waitForSignature.execute,
};

export { resumeWebhook, resumeWebhooks } from './resume.webhook';

const operationOptions: INodePropertyOptions[] = [
	{
		name: 'Create',
		value: 'create',
		description: 'Send a document for signing and get the signer’s link',
		action: 'Create a signature request',
	},
	{
		name: 'Delete',
		value: 'delete',
		description: 'Withdraw a signature request so its link no longer works',
		action: 'Delete a signature request',
	},
	{
		name: 'Send and Wait for Signature',
		// n8n checks the signature of a resume URL for this operation value (SEND_AND_WAIT_OPERATION).
		value: 'sendAndWait',
		description: 'Send a document for signing and continue when OKdokument confirms it signed or canceled',
		action: 'Send a document for signature and wait until it is signed',
	},
	{
		name: 'Update',
		value: 'update',
		description: 'Change where OKdokument sends the signing result and where the signer goes afterwards',
		action: 'Update a signature request',
	},
	{
		name: 'Wait for Signature',
		value: 'waitForSignature',
		description: 'Continue when OKdokument confirms that an existing signature request was signed or canceled',
		action: 'Wait for an existing signature request to be signed',
	},
];

export const description: INodeProperties[] = [
	...operationProperties({
		resource: 'signatureRequest',
		options: operationOptions,
		// Workflows saved before Create existed store no operation: the default must stay Update.
		default: 'update',
		// An AI agent's tool call cannot wait hours or days for a signer.
		notForTools: Object.keys(WAITING_OPERATIONS),
	}),
	...create.description,
	...deleteRequest.description,
	...sendAndWait.description,
	...update.description,
	...waitForSignature.description,
];
