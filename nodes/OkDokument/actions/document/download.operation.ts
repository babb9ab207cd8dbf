import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { jsonParse, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { binaryPropertyField } from '../../helpers/binary';
import { errorFromResponse } from '../../helpers/errors';
import type { DownloadedFile } from '../../transport';
import { okDokumentDownload } from '../../transport';
import { documentIdField, documentNotFoundHints, documentPath, readDocumentId } from './fields';

const PDF_MIME_TYPE = 'application/pdf';

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

/** The PDF's name: OKdokument keeps the upload's name, which may be a converted Word or Excel file, or a path. */
export function pdfFileName(sentName: string | undefined, documentId: string): string {
	const baseName = sentName?.split(/[/\\]/).pop()?.trim();
	if (!baseName) return `${documentId}.pdf`;
	if (/\.pdf$/i.test(baseName)) return baseName;
	return `${baseName.replace(/\.(docx?|xlsx?)$/i, '')}.pdf`;
}

/** A 200 whose body is a JSON report (or nothing) is not the document, whatever its content type says. */
function refuseNonDocument(context: IExecuteFunctions, file: DownloadedFile, itemIndex: number): void {
	if (file.data.subarray(0, 5).toString('latin1') === '%PDF-') return;
	const text = file.data.toString('utf8');
	let report: unknown;
	try {
		report = text.trim() === '' ? undefined : jsonParse<unknown>(text);
	} catch {
		return; // Not JSON either: pass it on as OKdokument sent it.
	}
	if (report !== undefined && (typeof report !== 'object' || report === null)) return;
	throw errorFromResponse(
		context.getNode(),
		{ statusCode: 200, report: report as IDataObject | undefined, text, contentType: file.contentType },
		itemIndex,
	);
}

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

	const file = await okDokumentDownload.call(
		this,
		{
			method: 'GET',
			path: documentPath('/JSON/document', documentId),
			statusHints: documentNotFoundHints,
		},
		itemIndex,
	);
	refuseNonDocument(this, file, itemIndex);

	const fileName = fileNameOverride || pdfFileName(file.fileName, documentId);
	// The docs give the answer's type as application/json; the body is a PDF either way.
	const binary = await this.helpers.prepareBinaryData(file.data, fileName, PDF_MIME_TYPE);
	return [
		{
			json: { documentId, fileName, fileSize: file.data.length, mimeType: PDF_MIME_TYPE },
			binary: { [binaryPropertyName]: binary },
		},
	];
}
