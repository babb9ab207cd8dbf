import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { binaryPropertyField, readBinaryFieldName } from '../../helpers/binary';
import { fieldOf, readText } from '../../helpers/validation';
import { documentIdField, readDocumentId } from './fields';
import { downloadPdf, fetchPdf, PDF_MIME_TYPE } from '../../documents/requests';
import { onlyWhere, runsAsTool } from '../../helpers/tool';

const properties: INodeProperties[] = [
	documentIdField,
	onlyWhere(
		true,
		{
			displayName:
				'As a tool, Download gives the model what the PDF is (name, size, type), not the file: n8n passes no files to an AI agent or MCP client',
			name: 'downloadToolNotice',
			type: 'notice',
			default: '',
		},
	),
	// A file for the next node: the tool has none, so it asks for no field and no name.
	onlyWhere(
		false,
		binaryPropertyField({
			displayName: 'Put Output File in Field',
			hint: 'The name of the output binary field to put the PDF in',
		}),
	),
	onlyWhere(false, {
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		placeholder: 'e.g. contract-signed.pdf',
		description:
			'The output file’s name. Leave empty to use the name OKdokument sends (with .pdf), or the document ID followed by .pdf.',
	}),
];

const displayOptions = {
	show: {
		resource: ['document'],
		operation: ['download'],
	},
};

export const description = updateDisplayOptions(displayOptions, properties);

/**
 * What a tool returns instead of the file (n8n would drop it and log a warning): the same metadata, and
 * a sentence that tells the model the PDF itself did not come along.
 */
async function describePdf(this: IExecuteFunctions, documentId: string, itemIndex: number): Promise<IDataObject> {
	const pdf = await fetchPdf.call(this, documentId, itemIndex);
	return {
		documentId,
		fileName: pdf.fileName,
		fileSize: pdf.data.length,
		mimeType: PDF_MIME_TYPE,
		file: 'Not included: a tool returns no files. The PDF stays in OKdokument; a workflow can download it with Document → Download.',
	};
}

/** GET /JSON/document/{documentId} (docs 3.4): the signed PDF once signed, else the uploaded one. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const documentId = readDocumentId(this, itemIndex);
	if (runsAsTool(this)) return [{ json: await describePdf.call(this, documentId, itemIndex) }];
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
