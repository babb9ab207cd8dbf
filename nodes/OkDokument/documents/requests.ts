import type { IBinaryData, IDataObject, ILoadOptionsFunctions, INode } from 'n8n-workflow';
import { jsonParse, NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { StatusHints } from '../helpers/errors';
import { errorFromResponse, toNodeError } from '../helpers/errors';
import type { DownloadedFile, OkDokumentContext, RequestLimits } from '../transport';
import { okDokumentApiRequest, okDokumentApiRequestList, okDokumentDownload } from '../transport';

/**
 * OKdokument's document calls: the Document operations expose them one by one, Create uploads
 * first, Send and Wait and the trigger confirm callbacks and download the signed PDF with them.
 */

export const PDF_MIME_TYPE = 'application/pdf';

/** The path of one document under /JSON, with the ID encoded as one path segment. */
function documentPath(prefix: string, documentId: string): string {
	return `${prefix}/${encodeURIComponent(documentId)}`;
}

const documentNotFoundHints: StatusHints = {
	404: 'The document does not exist or was deleted (OKdokument deletes signed documents 10 days after signing, unsigned after 30 days). Check the Document ID and the environment in the credential.',
};

export interface DocumentUpload {
	/** The file as base64. */
	content: string;
	filename?: string;
	/** tosign, tags or tostamp. */
	state: string;
}

/** The ID of the stored document: `result` in both documented answers; `id` or `documentId` tolerated. */
function documentIdOf(answer: IDataObject): string | undefined {
	for (const key of ['result', 'documentId', 'id']) {
		const value = answer[key];
		if (typeof value === 'string' && value.trim() !== '') return value.trim();
		if (typeof value === 'number') return String(value);
	}
	return undefined;
}

/** POST /JSON/document (docs 3.11): stores the file and returns its document ID. */
export async function uploadDocument(
	this: OkDokumentContext,
	upload: DocumentUpload,
	itemIndex: number,
): Promise<{ documentId: string; answer: IDataObject }> {
	// The wiki's shape (docs 3.11, with a full example); the connector declares a bare `file` but shows none.
	const body: IDataObject = {};
	if (upload.filename !== undefined) body.filename = upload.filename;
	body.state = upload.state;
	body.file = { content: upload.content };

	const answer = await okDokumentApiRequest.call(
		this,
		{
			method: 'POST',
			action: 'the upload',
			path: '/JSON/document',
			body,
			idempotent: false,
			statusHints: {
				400: 'OKdokument refused the file or its settings: check that the file is a PDF (or a Word or Excel file whose name ends in its extension) of at most 10 MB.',
			},
		},
		itemIndex,
	);
	const documentId = documentIdOf(answer);
	if (documentId === undefined) {
		throw new NodeOperationError(
			this.getNode(),
			`OKdokument accepted the upload but its answer holds no document ID (item index ${itemIndex})`,
			{
				itemIndex,
				description: `Expected the ID in "result". The answer was: ${JSON.stringify(answer)}. Look for the document with Get Many before uploading it again.`,
			},
		);
	}
	return { documentId, answer };
}

/** DELETE /JSON/document/{documentId} (docs 3.5). */
export async function deleteDocument(
	this: OkDokumentContext,
	documentId: string,
	itemIndex: number,
): Promise<IDataObject> {
	return await okDokumentApiRequest.call(
		this,
		{
			method: 'DELETE',
			action: 'deleting the document',
			path: documentPath('/JSON/document', documentId),
			statusHints: documentNotFoundHints,
		},
		itemIndex,
	);
}

/** GET /JSON/document/metadata/{documentId} (docs 3.7): name, state and dates. */
export async function getDocumentMetadata(
	this: OkDokumentContext,
	documentId: string,
	itemIndex: number,
	limits?: RequestLimits,
): Promise<IDataObject> {
	return await okDokumentApiRequest.call(
		this,
		{
			method: 'GET',
			path: documentPath('/JSON/document/metadata', documentId),
			statusHints: documentNotFoundHints,
			limits,
		},
		itemIndex,
	);
}

/** OKdokument's state for a document whose callback was not answered 200 (docs §4.1, §5). */
export const CALLBACK_FAILED_STATE = 'errorsendinfo';

/** The document's metadata, or undefined when OKdokument does not know it (404); any other failure is thrown. */
export async function findDocumentMetadata(
	this: OkDokumentContext,
	documentId: string,
	itemIndex: number,
	limits?: RequestLimits,
): Promise<IDataObject | undefined> {
	try {
		return await getDocumentMetadata.call(this, documentId, itemIndex, limits);
	} catch (error) {
		if (error instanceof NodeApiError && error.httpCode === '404') return undefined;
		throw toNodeError(this.getNode(), error, itemIndex);
	}
}

/** The list's state filter for documents in any state. */
export const ALL_STATES = '*';

/** GET /JSON/list/flat?state=<code|*> (docs 3.6): every document in that state (`*`: all). The API has no paging. */
export async function listDocuments(
	this: OkDokumentContext,
	state: string,
	itemIndex: number,
): Promise<IDataObject[]> {
	return await okDokumentApiRequestList.call(
		this,
		{ method: 'GET', path: '/JSON/list/flat', qs: { state }, action: 'listing the documents' },
		itemIndex,
	);
}

/** The PDF's name: OKdokument keeps the upload's name, which may be a converted Word or Excel file, or a path. */
export function pdfFileName(sentName: string | undefined, documentId: string): string {
	const baseName = sentName?.split(/[/\\]/).pop()?.trim();
	if (!baseName) return `${documentId}.pdf`;
	if (/\.pdf$/i.test(baseName)) return baseName;
	return `${baseName.replace(/\.(docx?|xlsx?)$/i, '')}.pdf`;
}

/** A 200 whose body is a JSON report (or nothing) is not the document, whatever its content type says. */
function refuseNonDocument(node: INode, file: DownloadedFile, itemIndex: number): void {
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
		node,
		{ statusCode: 200, report: report as IDataObject | undefined, text, contentType: file.contentType },
		itemIndex,
	);
}

export interface DownloadedPdf {
	binary: IBinaryData;
	fileName: string;
	fileSize: number;
	mimeType: string;
}

/**
 * GET /JSON/document/{documentId} (docs 3.4): the signed PDF once signed, else the uploaded one, named
 * `name.fileName`, or after what OKdokument sends (else `name.knownAs`, the document's name in its
 * metadata, else its ID).
 */
export async function fetchPdf(
	this: OkDokumentContext,
	documentId: string,
	itemIndex: number,
	name: { fileName?: string; knownAs?: string } = {},
): Promise<{ data: Buffer; fileName: string }> {
	const file = await okDokumentDownload.call(
		this,
		{
			method: 'GET',
			path: documentPath('/JSON/document', documentId),
			statusHints: documentNotFoundHints,
		},
		itemIndex,
	);
	refuseNonDocument(this.getNode(), file, itemIndex);
	return { data: file.data, fileName: name.fileName || pdfFileName(file.fileName ?? name.knownAs, documentId) };
}

/** The same PDF as n8n binary data. */
export async function downloadPdf(
	// The editor's lists never download: their context cannot store binary data.
	this: Exclude<OkDokumentContext, ILoadOptionsFunctions>,
	documentId: string,
	itemIndex: number,
	name: { fileName?: string; knownAs?: string } = {},
): Promise<DownloadedPdf> {
	const { data, fileName } = await fetchPdf.call(this, documentId, itemIndex, name);
	// The docs give the answer's type as application/json; the body is a PDF either way.
	const binary = await this.helpers.prepareBinaryData(data, fileName, PDF_MIME_TYPE);
	return { binary, fileName, fileSize: data.length, mimeType: PDF_MIME_TYPE };
}
