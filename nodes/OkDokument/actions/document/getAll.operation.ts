import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { ALL_STATES, listDocuments } from '../../documents/requests';
import { fieldOf, readBoolean, readNumber, readText } from '../../helpers/validation';

/** Document states (docs §5), as the `state` filter of the list takes them. */
const stateOptions = [
	{ name: 'All', value: ALL_STATES, description: 'Documents in any state' },
	{
		name: 'Callback Failed (Errorsendinfo)',
		value: 'errorsendinfo',
		description: 'Signed or canceled, but OKdokument could not reach the Send Info URL',
	},
	{ name: 'Canceled', value: 'canceled', description: 'The signer pressed Cancel' },
	{ name: 'Signed', value: 'signed', description: 'Signed within a signature request' },
	{ name: 'Tags (Pre-Processing)', value: 'tags', description: 'Text tags are being turned into signature fields' },
	{ name: 'To Sign', value: 'tosign', description: 'Ready to be signed' },
	{ name: 'To Stamp (Pre-Processing)', value: 'tostamp', description: 'A digital stamp is being added' },
];
const STATE_VALUES = stateOptions.map((option) => option.value);

const properties: INodeProperties[] = [
	{
		displayName: 'State',
		name: 'state',
		type: 'options',
		options: stateOptions,
		default: ALL_STATES,
		description: 'Only documents in this state',
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

const displayOptions = {
	show: {
		resource: ['document'],
		operation: ['getAll'],
	},
};

export const description = updateDisplayOptions(displayOptions, properties);

function invalid(context: IExecuteFunctions, itemIndex: number, message: string, hint: string) {
	return new NodeOperationError(context.getNode(), `${message} (item index ${itemIndex})`, {
		itemIndex,
		description: hint,
	});
}

function readState(context: IExecuteFunctions, itemIndex: number): string {
	const state = readText(context.getNodeParameter('state', itemIndex, ALL_STATES), fieldOf(context, itemIndex, 'State'));
	if (!STATE_VALUES.includes(state)) {
		throw invalid(
			context,
			itemIndex,
			`State "${state}" is not a document state`,
			`Use one of: ${STATE_VALUES.join(', ')} (* means all).`,
		);
	}
	return state;
}

/** How many documents to keep, or undefined for all of them. */
function readLimit(context: IExecuteFunctions, itemIndex: number): number | undefined {
	const returnAll = readBoolean(context.getNodeParameter('returnAll', itemIndex, false), fieldOf(context, itemIndex, 'Return All'), false);
	if (returnAll) return undefined;
	return readNumber(context.getNodeParameter('limit', itemIndex, 50), fieldOf(context, itemIndex, 'Limit'), { min: 1, whole: true });
}

/** Lists the documents (docs 3.6). The API has no paging: it always sends the whole list, and the limit is applied here. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const state = readState(this, itemIndex);
	const limit = readLimit(this, itemIndex);
	const documents = await listDocuments.call(this, state, itemIndex);
	const kept = limit === undefined ? documents : documents.slice(0, limit);
	return kept.map((document) => ({ json: document }));
}
