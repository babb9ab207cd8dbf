import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY, mapConcurrently } from '../helpers/concurrency';
import { toNodeError } from '../helpers/errors';
import { runsAsTool, withDetailsInMessage } from '../helpers/tool';
import * as account from './account/Account.resource';
import * as document from './document/Document.resource';
import * as signatureRequest from './signatureRequest/SignatureRequest.resource';

type ItemOperation = (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;
type ItemError = ReturnType<typeof toNodeError>;

/** Every operation, by resource: a new operation is a new file plus one line in its resource. */
const operations: Record<string, Record<string, ItemOperation>> = {
	account: account.operations,
	document: document.operations,
	signatureRequest: signatureRequest.operations,
};

/**
 * With "Continue On Fail" a failed item keeps its place in the output. n8n routes it to the
 * error output only when its json is `{ error }` or `{ error, message }` and nothing else
 * (the strictest n8n version this package supports; docs/n8n-behaviour.md), so the item carries
 * what went wrong and what to do, and nothing more.
 */
function failedItem(error: ItemError, itemIndex: number): INodeExecutionData {
	return {
		json: { error: error.message, ...(error.description ? { message: error.description } : {}) },
		pairedItem: { item: itemIndex },
	};
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[resource]?.[operation];
	if (!execute) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}

	const items = this.getInputData();
	const concurrency = this.getNodeParameter('options.concurrency', 0, DEFAULT_CONCURRENCY) as number;
	const continueOnFail = this.continueOnFail();
	// Without Continue On Fail the run stops at the failed item with the lowest index.
	let stop: { itemIndex: number; error: ItemError } | undefined;

	const results = await mapConcurrently(
		items.length,
		concurrency,
		async (itemIndex) => {
			try {
				const data = await execute.call(this, itemIndex);
				return this.helpers.constructExecutionMetaData(data, { itemData: { item: itemIndex } });
			} catch (caught) {
				const error = toNodeError(this.getNode(), caught, itemIndex);
				if (continueOnFail) return [failedItem(error, itemIndex)];
				if (!stop || itemIndex < stop.itemIndex) stop = { itemIndex, error };
				return [];
			}
		},
		() => stop !== undefined,
	);
	if (stop) throw runsAsTool(this) ? withDetailsInMessage(stop.error) : stop.error;
	return [results.flatMap((itemResults) => itemResults ?? [])];
}
