import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { binaryPropertyField, readBinaryFieldName, readDocumentFile } from '../../helpers/binary';
import { answerMessage } from '../../helpers/answers';
import { fieldOf, readText } from '../../helpers/validation';
import { uploadDocument } from '../../documents/requests';

const UPLOAD_STATES = ['tosign', 'tags', 'tostamp'];

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
		displayName: 'State',
		name: 'state',
		type: 'options',
		options: [
			{
				name: 'To Sign',
				value: 'tosign',
				description: 'Ready to be signed as it is',
			},
			{
				name: 'Tags',
				value: 'tags',
				description:
					'OKdokument first turns text tags such as _SC1_ (required) or _SO1_ (optional) into signature fields',
			},
			{
				name: 'To Stamp',
				value: 'tostamp',
				description: 'OKdokument first adds its digital stamp',
			},
		],
		default: 'tosign',
		description: 'What OKdokument does with the document before it can be signed',
	},
];

const displayOptions = {
	show: {
		resource: ['document'],
		operation: ['upload'],
	},
};

export const description = updateDisplayOptions(displayOptions, properties);

function readState(context: IExecuteFunctions, itemIndex: number): string {
	const state = readText(context.getNodeParameter('state', itemIndex, 'tosign'), fieldOf(context, itemIndex, 'State'));
	if (!UPLOAD_STATES.includes(state)) {
		throw new NodeOperationError(
			context.getNode(),
			`State must be one of ${UPLOAD_STATES.join(', ')}, not "${state}" (item index ${itemIndex})`,
			{ itemIndex, description: 'Choose To Sign, Tags or To Stamp.' },
		);
	}
	return state;
}

/** POST /JSON/document (docs 3.11): stores a file without creating a signature request. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const binaryPropertyName = readBinaryFieldName(this, itemIndex, 'binaryPropertyName', 'Input Binary Field');
	const state = readState(this, itemIndex);
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
			json: { documentId, filename: filename ?? null, state, message: answerMessage(answer) },
		},
	];
}
