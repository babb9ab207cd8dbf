import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteRequest from './delete.operation';
import * as update from './update.operation';

export const operations = {
	create: create.execute,
	delete: deleteRequest.execute,
	update: update.execute,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['signatureRequest'] } },
		options: [
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
				name: 'Update',
				value: 'update',
				description: 'Change where OKdokument sends the signing result and where the signer goes afterwards',
				action: 'Update a signature request',
			},
		],
		// Workflows saved before Create existed store no operation: the default must stay Update.
		default: 'update',
	},
	...create.description,
	...deleteRequest.description,
	...update.description,
];
