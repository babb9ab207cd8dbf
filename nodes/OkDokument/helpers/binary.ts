import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { FieldRef } from './validation';
import { fieldOf, invalidField, KEYS_N8N_DROPS, readText } from './validation';

/** OKdokument accepts documents of at most 10 MB. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

export interface DocumentFile {
	base64: string;
	fileName?: string;
	mimeType: string;
	size: number;
}

/** The field that names the input's binary property; its name is the same in every operation. */
export function binaryPropertyField(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		placeholder: 'e.g. data',
		hint: 'The name of the input binary field that holds the file',
		...overrides,
	};
}

/** A binary field's name, input or output: text, not empty, and one n8n can keep a file under. */
export function binaryFieldName(
	value: unknown,
	field: FieldRef,
	emptyHint = 'Enter the name of the binary field, for example data.',
): string {
	const name = readText(value, field);
	if (name === '') throw invalidField(field, 'is empty', emptyHint);
	// n8n's copies of an item leave these keys out: no file can be kept under them.
	if (KEYS_N8N_DROPS.includes(name)) {
		throw invalidField(field, `is "${name}", a name n8n cannot keep a file under`, 'Choose another name, for example data.');
	}
	return name;
}

/** The binary field named by the parameter `parameter`, labelled `label`; checked before anything is sent. */
export function readBinaryFieldName(
	context: IExecuteFunctions,
	itemIndex: number,
	parameter: string,
	label: string,
): string {
	return binaryFieldName(context.getNodeParameter(parameter, itemIndex, 'data'), fieldOf(context, itemIndex, label));
}

function formatMegabytes(bytes: number): string {
	return `${(bytes / (1024 * 1024)).toFixed(2)} MB`;
}

function refuseSize(
	context: IExecuteFunctions,
	itemIndex: number,
	binaryPropertyName: string,
	size: number,
): NodeOperationError {
	return new NodeOperationError(
		context.getNode(),
		`The file in binary field "${binaryPropertyName}" is ${formatMegabytes(size)} (${size} bytes), more than the 10 MB OKdokument accepts (item index ${itemIndex})`,
		{
			itemIndex,
			description: `OKdokument accepts documents of at most ${MAX_DOCUMENT_BYTES} bytes. Compress the PDF or split it.`,
		},
	);
}

/**
 * Reads a file from an input binary field as base64, refusing what OKdokument would refuse
 * (an empty file, more than 10 MB) before anything is sent. Works in every binary-data mode.
 */
export async function readDocumentFile(
	this: IExecuteFunctions,
	itemIndex: number,
	binaryPropertyName: string,
): Promise<DocumentFile> {
	// n8n's own check (below) finds what every object has ("constructor", "toString"), then fails without saying why.
	const binary = this.getInputData()[itemIndex]?.binary ?? {};
	if (binaryPropertyName in binary && !Object.prototype.hasOwnProperty.call(binary, binaryPropertyName)) {
		throw new NodeOperationError(this.getNode(), `The item has no binary field "${binaryPropertyName}" (item index ${itemIndex})`, {
			itemIndex,
			description:
				'Check that the Input Binary Field names a binary field of the input item (the node before this one shows them under Binary).',
		});
	}
	const binaryData = this.helpers.assertBinaryData(itemIndex, binaryPropertyName);
	// Stored files may know their size: refuse a huge one without loading it into memory.
	if (typeof binaryData.bytes === 'number' && binaryData.bytes > MAX_DOCUMENT_BYTES) {
		throw refuseSize(this, itemIndex, binaryPropertyName, binaryData.bytes);
	}
	const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, binaryPropertyName);
	if (buffer.length > MAX_DOCUMENT_BYTES) {
		throw refuseSize(this, itemIndex, binaryPropertyName, buffer.length);
	}
	if (buffer.length === 0) {
		throw new NodeOperationError(
			this.getNode(),
			`The file in binary field "${binaryPropertyName}" is empty (item index ${itemIndex})`,
			{ itemIndex, description: 'Check the node that produced the file: it has no content.' },
		);
	}
	return {
		base64: buffer.toString('base64'),
		fileName: binaryData.fileName,
		mimeType: binaryData.mimeType,
		size: buffer.length,
	};
}
