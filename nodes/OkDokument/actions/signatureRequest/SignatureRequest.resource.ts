import type { INodeProperties } from 'n8n-workflow';

import * as update from './update.operation';

export { update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['signatureRequest'] } },
		options: [
			{
				name: 'Update',
				value: 'update',
				description: 'Change where OKdokument sends the signing result and where the signer goes afterwards',
				action: 'Update a signature request',
			},
		],
		default: 'update',
	},
	...update.description,
];
