import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { binaryPropertyField, readBinaryFieldName, readDocumentFile } from '../../helpers/binary';
import { answerMessage } from '../../helpers/answers';
import { fieldOf, readText } from '../../helpers/validation';
import { uploadDocument } from '../../documents/requests';
import { DOCUMENT_STATE_DESCRIPTION, DOCUMENT_STATE_OPTIONS, readDocumentState } from './fields';

const properties: INodeProperties[] = [
	binaryPropertyField({
		description: 'The PDF to store (or a .doc, .docx, .xls or .xlsx file, which OKdokument converts to PDF). At most 10 MB.',
	}),
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		placeholder: 'e.g. contract-2026-001.pdf',
		description:
			'The document’s name in OKdokument and in its e-mails. Leave empty to use the input file’s name.',
		hint: 'Word and Excel files are converted to PDF only when the name ends in .doc, .docx, .xls or .xlsx',
	},
	{
		displayName: 'Document State',
		name: 'state',
		type: 'options',
		options: DOCUMENT_STATE_OPTIONS,
		default: 'tosign',
		description: DOCUMENT_STATE_DESCRIPTION,
	},
];

const displayOptions = {
	show: {
		resource: ['document'],
		operation: ['upload'],
	},
};

export const description = updateDisplayOptions(displayOptions, properties);

/** POST /JSON/document (docs 3.11): stores a file without creating a signature request. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const binaryPropertyName = readBinaryFieldName(this, itemIndex, 'binaryPropertyName', 'Input Binary Field');
	const state = readDocumentState(this.getNodeParameter('state', itemIndex, 'tosign'), fieldOf(this, itemIndex, 'Document State'));
	const fileNameOverride = readText(this.getNodeParameter('fileName', itemIndex, ''), fieldOf(this, itemIndex, 'File Name'));
	const file = await readDocumentFile.call(this, itemIndex, binaryPropertyName);
	const filename = fileNameOverride || file.fileName?.trim() || undefined;

	const { documentId, answer } = await uploadDocument.call(
		this,
		{ content: file.base64, filename, state },
		itemIndex,
	);
	return [
		{
			// `filename` is the 0.2.0 name of `fileName`, kept for one release.
			json: { documentId, fileName: filename ?? null, filename: filename ?? null, state, message: answerMessage(answer) },
		},
	];
}
