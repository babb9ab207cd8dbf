import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { toNodeError } from '../helpers/errors';
import * as signatureRequest from './signatureRequest/SignatureRequest.resource';

type ItemOperation = (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;

const operations: Record<string, Record<string, ItemOperation>> = {
	signatureRequest: {
		update: signatureRequest.update.execute,
	},
};

/**
 * With "Continue On Fail" a failed item keeps its place in the output. The engine routes
 * it to the error output only when its json holds nothing but error/message/details.
 */
function failedItem(error: ReturnType<typeof toNodeError>, itemIndex: number): INodeExecutionData {
	const httpCode = 'httpCode' in error ? error.httpCode : undefined;
	return {
		json: {
			error: error.message,
			details: {
				...(error.description ? { description: error.description } : {}),
				...(httpCode ? { httpCode } : {}),
				...(error.context.data ? { response: error.context.data } : {}),
				itemIndex,
			},
		},
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
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const results = await execute.call(this, itemIndex);
			output.push(...this.helpers.constructExecutionMetaData(results, { itemData: { item: itemIndex } }));
		} catch (caught) {
			const error = toNodeError(this.getNode(), caught, itemIndex);
			if (!this.continueOnFail()) throw error;
			output.push(failedItem(error, itemIndex));
		}
	}
	return [output];
}
