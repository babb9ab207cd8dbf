import type { IPollFunctions, IWebhookFunctions, INodeProperties } from 'n8n-workflow';

import type { EventState } from '../callbacks/callback';
import { DELIVERY_FAILED, SIGNING_OUTCOMES } from '../callbacks/callback';
import type { SignedPdfParameters } from '../callbacks/signedPdf';
import { signedPdfProperties } from '../callbacks/signedPdf';

/** Download Signed PDF and its field, under the names the trigger gave them (it needs Confirm With OKdokument). */
export const TRIGGER_SIGNED_PDF: SignedPdfParameters = {
	toggle: 'download',
	field: 'binaryPropertyName',
	downloadByDefault: false,
	show: { confirm: [true] },
};

const TRIGGER_EVENTS: readonly EventState[] = [...SIGNING_OUTCOMES, DELIVERY_FAILED];

/** Trigger On, as far as it names events this trigger knows. */
export function readTriggerEvents(context: Pick<IWebhookFunctions | IPollFunctions, 'getNodeParameter'>): EventState[] {
	const chosen = context.getNodeParameter('events', TRIGGER_EVENTS) as unknown;
	return Array.isArray(chosen) ? TRIGGER_EVENTS.filter((event) => chosen.includes(event)) : [...TRIGGER_EVENTS];
}

export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			'Put this trigger’s <b>Production URL</b> into <b>Send Info URL</b> of Signature Request → Create or Update; OKdokument calls it when the signer submits or cancels. Poll Times matter only for Catch Missed Events (below).',
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
				name: 'Delivery Failed',
				value: 'deliveryFailed',
				description:
					'OKdokument could not deliver the callback (n8n was down or unreachable) and marked the document errorsendinfo, so it can no longer tell whether it was signed or canceled. Needs Confirm With OKdokument.',
			},
			{
				name: 'Signed',
				value: 'signed',
				description: 'The signer signed and submitted the document',
			},
		],
		// Saved workflows that store no value started on a failed delivery too: the default keeps that.
		default: [...TRIGGER_EVENTS],
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
	...signedPdfProperties(TRIGGER_SIGNED_PDF),
	{
		displayName: 'Catch Missed Events',
		name: 'catchUp',
		type: 'boolean',
		default: false,
		displayOptions: { show: { confirm: [true] } },
		description:
			'Whether to check OKdokument’s document list for documents whose callback could not be delivered (state errorsendinfo: n8n was down or unreachable) and emit each of them once, with state deliveryFailed',
		hint: 'Emits only when Trigger On includes Delivery Failed. OKdokument’s list does not say where a document’s callback was sent, so it cannot tell this workflow’s documents from those of other workflows or Send and Wait executions: choose below which documents are this trigger’s',
	},
	{
		displayName: 'Check Every (Minutes)',
		name: 'catchUpInterval',
		type: 'number',
		default: 15,
		typeOptions: { minValue: 1, maxValue: 1440, numberPrecision: 0 },
		displayOptions: { show: { confirm: [true], catchUp: [true] } },
		description:
			'How often to check. The first check runs when the workflow is activated (so also when n8n starts). Poll Times, at the top, say how often the trigger looks at the clock: leave them at Every Minute.',
	},
	{
		displayName: 'Documents to Catch',
		name: 'catchUpScope',
		type: 'options',
		default: 'fileName',
		displayOptions: { show: { confirm: [true], catchUp: [true] } },
		options: [
			{
				name: 'Documents Whose File Name Matches',
				value: 'fileName',
				description: 'Only documents whose file name matches the pattern below, such as the names your Create step gives them',
			},
			{
				name: 'All Documents of the Account',
				value: 'all',
				description:
					'Every document of the credential’s OKdokument account: only when no other workflow and no Send and Wait step uses that account',
			},
		],
	},
	{
		displayName: 'File Name Pattern',
		name: 'catchUpFileName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. contract-*.pdf',
		displayOptions: { show: { confirm: [true], catchUp: [true], catchUpScope: ['fileName'] } },
		description: 'The document’s file name as OKdokument lists it; * stands for any characters, upper and lower case are the same',
	},
];
