import type { INodeProperties } from 'n8n-workflow';

import * as getUsage from './getUsage.operation';

export const operations = {
	getUsage: getUsage.execute,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Get Usage',
				value: 'getUsage',
				description: 'Get how many signature requests were used and are still available',
				action: 'Get account usage',
			},
		],
		default: 'getUsage',
	},
	...getUsage.description,
];
