import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { binaryPropertyField, readBinaryFieldName } from '../../helpers/binary';
import { fieldOf, readText } from '../../helpers/validation';
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
	const binaryPropertyName = readBinaryFieldName(this, itemIndex, 'binaryPropertyName', 'Put Output File in Field');
	const fileNameOverride = readText(this.getNodeParameter('fileName', itemIndex, ''), fieldOf(this, itemIndex, 'File Name'));

	const pdf = await downloadPdf.call(this, documentId, itemIndex, { fileName: fileNameOverride });
	return [
		{
			json: { documentId, fileName: pdf.fileName, fileSize: pdf.fileSize, mimeType: pdf.mimeType },
			binary: { [binaryPropertyName]: pdf.binary },
		},
	];
}
