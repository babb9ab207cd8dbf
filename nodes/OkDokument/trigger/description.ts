import type { INodeProperties } from 'n8n-workflow';

import { binaryPropertyField } from '../helpers/binary';

export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			'Put this trigger’s <b>Production URL</b> into <b>Send Info URL</b> of Signature Request → Create or Update; OKdokument calls it when the signer submits or cancels',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Trigger On',
		name: 'events',
		type: 'multiOptions',
		required: true,
		options: [
			{
				name: 'Canceled',
				value: 'canceled',
				description: 'The signer pressed Cancel',
			},
			{
				name: 'Signed',
				value: 'signed',
				description: 'The signer signed and submitted the document',
			},
		],
		default: ['signed', 'canceled'],
	},
	{
		displayName: 'Confirm With OKdokument',
		name: 'confirm',
		type: 'boolean',
		default: true,
		description:
			'Whether to check the document’s state with OKdokument (Document → Get) before starting the workflow. OKdokument’s callback carries no signature, so without this anyone who learns the URL can start the workflow with any state.',
		hint: 'Callbacks that OKdokument does not confirm (an unknown document, or a state the document is not in) are ignored and logged as warnings',
	},
	{
		displayName: 'Download Signed Document',
		name: 'download',
		type: 'boolean',
		default: false,
		displayOptions: { show: { confirm: [true] } },
		description: 'Whether to add the signed PDF to the item as binary data (signed documents only)',
	},
	binaryPropertyField({
		displayName: 'Put Output File in Field',
		hint: 'The name of the output binary field to put the signed PDF in',
		displayOptions: { show: { confirm: [true], download: [true] } },
	}),
];
