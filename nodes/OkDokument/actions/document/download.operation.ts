import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { binaryPropertyField } from '../../helpers/binary';
import { documentIdField, readDocumentId } from './fields';
import { downloadPdf } from '../../documents/requests';

const properties: INodeProperties[] = [
	documentIdField,
	binaryPropertyField({
		displayName: 'Put Output File in Field',
		hint: 'The name of the output binary field to put the PDF in',
	}),
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		placeholder: 'e.g. contract-signed.pdf',
		description:
			'The output file’s name. Leave empty to use the name OKdokument sends (with .pdf), or the document ID followed by .pdf.',
	},
];

const displayOptions = {
	show: {
		resource: ['document'],
		operation: ['download'],
	},
};

export const description = updateDisplayOptions(displayOptions, properties);

/** GET /JSON/document/{documentId} (docs 3.4): the signed PDF once signed, else the uploaded one. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const documentId = readDocumentId(this, itemIndex);
	const binaryPropertyName = String(this.getNodeParameter('binaryPropertyName', itemIndex)).trim();
	if (binaryPropertyName === '') {
		throw new NodeOperationError(this.getNode(), `Put Output File in Field is empty (item index ${itemIndex})`, {
			itemIndex,
			description: 'Enter the name of the output binary field for the PDF, for example data.',
		});
	}
	const fileNameOverride = String(this.getNodeParameter('fileName', itemIndex, '')).trim();

	const pdf = await downloadPdf.call(this, documentId, itemIndex, { fileName: fileNameOverride });
	return [
		{
			json: { documentId, fileName: pdf.fileName, fileSize: pdf.fileSize, mimeType: pdf.mimeType },
			binary: { [binaryPropertyName]: pdf.binary },
		},
	];
}
