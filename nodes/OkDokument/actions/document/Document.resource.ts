import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { operationProperties } from '../../helpers/tool';
import * as deleteDocument from './delete.operation';
import * as download from './download.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as upload from './upload.operation';

export const operations = {
	delete: deleteDocument.execute,
	download: download.execute,
	get: get.execute,
	getAll: getAll.execute,
	upload: upload.execute,
};

const operationOptions: INodePropertyOptions[] = [
	{
		name: 'Delete',
		value: 'delete',
		description: 'Delete a document from OKdokument',
		action: 'Delete a document',
	},
	{
		name: 'Download',
		value: 'download',
		description: 'Download a document, signed once it is signed, as a PDF file',
		action: 'Download a document',
	},
	{
		name: 'Get',
		value: 'get',
		description: 'Get a document’s name and state',
		action: 'Get a document',
	},
	{
		name: 'Get Many',
		value: 'getAll',
		description: 'List documents, optionally in one state',
		action: 'Get many documents',
	},
	{
		name: 'Upload',
		value: 'upload',
		description: 'Store a file in OKdokument without creating a signature request',
		action: 'Upload a document',
	},
];

export const description: INodeProperties[] = [
	...operationProperties({
		resource: 'document',
		options: operationOptions,
		default: 'upload',
		notForTools: [
			'upload', // needs a file from the input, which a model cannot hand over
		],
		toolDefault: 'get',
	}),
	...deleteDocument.description,
	...download.description,
	...get.description,
	...getAll.description,
	...upload.description,
];
