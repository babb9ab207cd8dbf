import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import {
	allowedFieldsOption,
	buildAllowedFields,
	buildFieldConfig,
	buildIgnoreRequired,
	fieldConfigOption,
	fieldsBeforeSigningOption,
	ignoreRequiredOption,
} from './acroFields';
import { binaryPropertyField, readDocumentFile } from '../../helpers/binary';
import { toExpirationTime } from './expiration';
import { buildRules, rulesCollection } from './rules';
import type { FieldRef } from '../../helpers/validation';
import { invalidField, validateId, validateOptionalHttpUrl } from '../../helpers/validation';
import { okDokumentApiRequest } from '../../transport';
import { answerMessage } from '../../helpers/answers';
import { documentIdField } from '../document/fields';
import { resultUrlField, sendInfoUrlField } from './fields';

const DOCUMENT_STATES = ['tosign', 'tags', 'tostamp'];
const FIELDS_BEFORE_SIGNING = ['flatten', 'readOnly', 'keep'];

const newDocumentOnly = { show: { '/source': ['newDocument'] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'New Document',
				value: 'newDocument',
				description: 'Upload a file from the input item and send it for signing in one step',
			},
			{
				name: 'Existing Document',
				value: 'existingDocument',
				description:
					'Send a document that is already in OKdokument for another signing round (e.g. the next signer)',
			},
		],
		default: 'newDocument',
	},
	binaryPropertyField({
		displayOptions: { show: { source: ['newDocument'] } },
		hint: 'The name of the input binary field that holds the PDF (or .doc, .docx, .xls, .xlsx) to sign, at most 10 MB',
	}),
	{ ...documentIdField, displayOptions: { show: { source: ['existingDocument'] } } },
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			allowedFieldsOption,
			{
				displayName: 'Document State',
				name: 'documentState',
				type: 'options',
				displayOptions: newDocumentOnly,
				options: [
					{
						name: 'Add Digital Stamp',
						value: 'tostamp',
						description: 'Insert a digital stamp before the document is ready',
					},
					{
						name: 'Find Tags',
						value: 'tags',
						description: 'Turn text tags such as _SC1_ or _SO1_ into signature fields first',
					},
					{ name: 'Ready to Sign', value: 'tosign' },
				],
				default: 'tosign',
				description: 'How OKdokument prepares the uploaded file',
			},
			{
				displayName: 'Expiration',
				name: 'expiration',
				type: 'dateTime',
				default: '',
				description:
					'When the signing link stops working: at most 10 days from now. Without it, the link works for 24 hours.',
			},
			fieldConfigOption,
			fieldsBeforeSigningOption,
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				displayOptions: newDocumentOnly,
				default: '',
				placeholder: 'e.g. contract.docx',
				description:
					'Name of the document in OKdokument and its e-mails; by default the input file’s name. A name ending in .doc, .docx, .xls or .xlsx makes OKdokument convert the file to PDF.',
			},
			ignoreRequiredOption,
			resultUrlField(),
			sendInfoUrlField(
				'To react when the signer finishes, enter the production URL of an OKdokument Trigger, or {{ $execution.resumeUrl }} followed by a Wait node that resumes "On Webhook Call" (POST)',
			),
			{
				displayName: 'Signature Request ID',
				name: 'signatureRequestId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 6f0c2a9e-1b7d-4c1a-9f57-2d8e4b1c3a55',
				description:
					'Your own ID for this signature request, for example a UUID; OKdokument generates one when empty. Each signing round needs a new ID.',
			},
		],
	},
	rulesCollection,
];

const displayOptions = {
	show: {
		resource: ['signatureRequest'],
		operation: ['create'],
	},
};

export const description = updateDisplayOptions(displayOptions, properties);

const statusHints = {
	400: 'For an existing document, check the Document ID and the environment in the credential (OKdokument deletes signed documents 10 days after signing); for a new one, check the file and the additional fields.',
	409: 'A signature request with this ID may already exist: each signing round needs a new ID.',
};

type FieldFor = (label: string) => FieldRef;

/** A choice from a list, which an expression could still set to anything. */
function readChoice(value: unknown, allowed: string[], field: FieldRef): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value !== 'string' || !allowed.includes(value)) {
		throw invalidField(
			field,
			`is not one of ${allowed.join(', ')}: "${String(value)}"`,
			'Choose one of the listed values.',
		);
	}
	return value;
}

/** What identifies the document: the uploaded file (filedata) or an existing document's ID. */
async function documentPart(
	this: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
	fieldFor: FieldFor,
): Promise<IDataObject> {
	const source = this.getNodeParameter('source', itemIndex) as string;
	if (source === 'existingDocument') {
		const id = validateId(this.getNodeParameter('documentId', itemIndex), fieldFor('Document ID'));
		// A signed document can only be signed again once it is switched back to "tosign".
		return { id, changeState: 'tosign' };
	}
	if (source !== 'newDocument') {
		throw new NodeOperationError(this.getNode(), `Unknown source "${source}" (item index ${itemIndex})`, {
			itemIndex,
			description: 'Choose New Document or Existing Document.',
		});
	}
	const state = readChoice(options.documentState, DOCUMENT_STATES, fieldFor('Document State'));
	const chosenName = typeof options.fileName === 'string' ? options.fileName.trim() : '';
	const binaryPropertyName = String(this.getNodeParameter('binaryPropertyName', itemIndex)).trim();
	const file = await readDocumentFile.call(this, itemIndex, binaryPropertyName);
	const filename = chosenName || file.fileName;
	return {
		filedata: {
			content: file.base64,
			...(filename ? { filename } : {}),
			...(state ? { state } : {}),
		},
	};
}

function optionalId(value: unknown, fieldFor: FieldFor): string | undefined {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
		return undefined;
	}
	return validateId(value, fieldFor('Signature Request ID'));
}

function definedOnly(values: Record<string, IDataObject[string] | undefined>): IDataObject {
	return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as IDataObject;
}

function text(value: unknown): string | null {
	return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/**
 * The created request from either documented answer: the wiki's {message, result, url,
 * documentId} or the connector's {code, message, result, statusCode, url, success}.
 */
function readCreated(
	this: IExecuteFunctions,
	answer: IDataObject,
	sent: { signatureRequestId?: string; documentId?: string },
	itemIndex: number,
): IDataObject {
	const signatureRequestId = text(answer.result) ?? sent.signatureRequestId ?? null;
	if (signatureRequestId === null) {
		throw new NodeOperationError(
			this.getNode(),
			`OKdokument answered without a signature request ID (item index ${itemIndex})`,
			{
				itemIndex,
				description: `The request may have been created all the same: check OKdokument before running the item again, as each creation uses up a purchased signature request. Its answer: ${JSON.stringify(answer)}`,
			},
		);
	}
	return {
		signatureRequestId,
		url: text(answer.url),
		documentId: text(answer.documentId) ?? sent.documentId ?? null,
		message: answerMessage(answer),
	};
}

/** POST /JSON/signatureRequest (docs 3.1): registers a signing round and returns the signer’s link. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	const fieldFor: FieldFor = (label) => ({ node, itemIndex, label });
	const options = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const ruleValues = this.getNodeParameter('rules', itemIndex, {}) as IDataObject;

	// Everything is checked before the file is read and before anything is sent.
	const signatureRequestId = optionalId(options.signatureRequestId, fieldFor);
	const resulturl = validateOptionalHttpUrl(options.resultUrl, fieldFor('Result URL'));
	const sendInfoURL = validateOptionalHttpUrl(options.sendInfoUrl, fieldFor('Send Info URL'));
	const expirationTime = toExpirationTime(options.expiration, this.getTimezone(), fieldFor('Expiration'));
	const allowedFields = buildAllowedFields(options.allowedFields, fieldFor('Allowed Fields'));
	const fieldConfig = buildFieldConfig(options.fieldConfig, fieldFor('Field Values'));
	const ignoreRequired = buildIgnoreRequired(options.ignoreRequired, fieldFor('Optional Field Types'));
	const fieldsBeforeSigning = readChoice(
		options.fieldsBeforeSigning,
		FIELDS_BEFORE_SIGNING,
		fieldFor('Fields Before Signing'),
	);
	const rules = buildRules(ruleValues, fieldFor);
	const document = await documentPart.call(this, itemIndex, options, fieldFor);

	// Wire names are OKdokument's own ("sendInfoURL", "resulturl"); empty options are left out.
	const body = definedOnly({
		signatureRequestId,
		...document,
		resulturl,
		sendInfoURL,
		expirationTime,
		allowedFields,
		fieldConfig,
		ignoreRequired,
		fieldsBeforeSigning,
		rules,
	});

	const answer = await okDokumentApiRequest.call(
		this,
		{
			method: 'POST',
			action: 'creating the signature request',
			path: '/JSON/signatureRequest',
			body,
			statusHints,
			// Each creation uses up a purchased signature request: a 500 or a timeout may have
			// created one already, so only answers that say "not processed" are retried.
			idempotent: false,
		},
		itemIndex,
	);
	const documentId = typeof document.id === 'string' ? document.id : undefined;
	return [{ json: readCreated.call(this, answer, { signatureRequestId, documentId }, itemIndex) }];
}
