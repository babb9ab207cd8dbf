import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { binaryPropertyField, readBinaryFieldName, readDocumentFile } from '../../helpers/binary';
import type { FieldRef } from '../../helpers/validation';
import { invalidField, readText, shortened, validateId, validateOptionalHttpUrl } from '../../helpers/validation';
import { onlyWhere, runsAsTool } from '../../helpers/tool';
import {
	DOCUMENT_STATE_DESCRIPTION,
	DOCUMENT_STATE_OPTIONS,
	documentIdField,
	readDocumentId,
	readDocumentState,
} from '../document/fields';
import type { DocumentUpload } from '../../documents/requests';
import type { AllowedFieldsEncoding } from './acroFields';
import {
	allowedFieldsEncodingOption,
	allowedFieldsOption,
	buildAllowedFields,
	buildFieldConfig,
	buildIgnoreRequired,
	fieldConfigOption,
	fieldsBeforeSigningOption,
	ignoreRequiredOption,
	ALLOWED_FIELDS_ENCODINGS,
} from './acroFields';
import { additionalBodyFieldsOption, readAdditionalBodyFields } from './additionalBodyFields';
import { toExpirationTime } from './expiration';
import { resultUrlField, sendInfoUrlField } from './fields';
import { buildRules, rulesCollection } from './rules';
import type { RulesEncoding } from './rulesEncoding';
import { RULES_ENCODINGS, rulesEncodingOption } from './rulesEncoding';
import { NODE_BODY_KEYS } from './send';

/**
 * What Create and Send and Wait for Signature both ask for: the document, the signer's rules and
 * the request's settings, under the same parameter names, read and checked by the same code.
 */

const FIELDS_BEFORE_SIGNING = ['flatten', 'readOnly', 'keep'];

const newDocumentOnly = { show: { '/source': ['newDocument'] } };

export interface SigningPropertiesOptions {
	/** Offer Send Info URL (Create); Send and Wait sets it itself. */
	sendInfoUrl: boolean;
	/**
	 * Send and Wait: OKdokument must e-mail the signer, since the paused workflow cannot, so Signer
	 * Email and Sender Email (the rules emailTo and emailFrom) are fields of their own, and the
	 * callback cannot be replaced through Custom Rules.
	 */
	signerByEmail?: boolean;
	/** Description of the Signature Request ID field. */
	signatureRequestIdDescription: string;
	/** Whether AI agents' tools offer the operation (Create): there it takes an existing document only. */
	offeredToTools: boolean;
}

/** The rules that Send and Wait's own fields stand for: field name → rule name. */
const SIGNER_FIELDS = { signerEmail: 'emailTo', senderEmail: 'emailFrom' } as const;

const signerProperties: INodeProperties[] = [
	{
		displayName: 'Signer Email',
		name: 'signerEmail',
		type: 'string',
		placeholder: 'e.g. jana@example.com',
		default: '',
		description:
			'OKdokument e-mails the signing link to this address (the rule emailTo; the same as Signing Rules → Signer Email). Needed: this workflow is paused while it waits, so no later node can send the link.',
		hint: 'To send the link yourself (Gmail, Slack, SMS…), use Signature Request → Create, your own node with its url, then Signature Request → Wait for Signature',
	},
	{
		displayName: 'Sender Email',
		name: 'senderEmail',
		type: 'string',
		placeholder: 'e.g. office@example.com',
		default: '',
		description:
			'Replies to the signing e-mail go here (the rule emailFrom; the same as Signing Rules → Sender Email). OKdokument needs it with Signer Email; the e-mail itself comes from okdokument@okdokument.sk.',
	},
];

const SIGNER_REQUIRED =
	'Nothing was sent. Send and Wait for Signature pauses this workflow until the signer finishes, so no later node can send the signer the link: OKdokument must e-mail it. Enter the signer’s address in Signer Email and yours in Sender Email. To send the link yourself (your own e-mail, Slack or SMS node), use Signature Request → Create, then that node with Create’s url, then Signature Request → Wait for Signature.';

const CALLBACK_RULES = {
	names: ['sendinfo', 'sendinfo.user'],
	why: 'Send and Wait for Signature sets where OKdokument calls back (this execution’s resume URL); a sendInfo rule would send the callback elsewhere and the workflow would never go on. Remove it from Custom Rules.',
};

const newDocumentOption = {
	name: 'New Document',
	value: 'newDocument',
	description: 'Upload a file from the input item and send it for signing',
};

const existingDocumentOption = {
	name: 'Existing Document',
	value: 'existingDocument',
	description: 'Send a document that is already in OKdokument for another signing round (e.g. the next signer)',
};

const sourceField: INodeProperties = {
	displayName: 'Source',
	name: 'source',
	type: 'options',
	noDataExpression: true,
	options: [newDocumentOption, existingDocumentOption],
	default: 'newDocument',
};

const fileField = binaryPropertyField({
	displayOptions: { show: { source: ['newDocument'] } },
	hint: 'The name of the input binary field that holds the PDF (or .doc, .docx, .xls, .xlsx) to sign, at most 10 MB',
});

/**
 * In a tool, only an existing document: a model cannot hand over a file. The tool's Source is `source`
 * too, so a saved workflow reads the same value in either.
 */
const toolSourceFields: INodeProperties[] = [
	onlyWhere(false, sourceField),
	onlyWhere(true, {
		...sourceField,
		options: [existingDocumentOption],
		default: 'existingDocument',
		description:
			'As a tool, the node sends a document that is already in OKdokument: a model cannot hand over a file. Upload it in a workflow first (Document → Upload).',
	}),
	onlyWhere(false, fileField),
];

export function signingProperties(options: SigningPropertiesOptions): INodeProperties[] {
	const additionalFields: INodeProperties[] = [
		additionalBodyFieldsOption,
		allowedFieldsOption,
		allowedFieldsEncodingOption,
		{
			displayName: 'Document State',
			name: 'documentState',
			type: 'options',
			displayOptions: newDocumentOnly,
			options: DOCUMENT_STATE_OPTIONS,
			default: 'tosign',
			description: DOCUMENT_STATE_DESCRIPTION,
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
		...(options.sendInfoUrl
			? [
					sendInfoUrlField(
						'To continue this workflow when the signer finishes, use the operation Send and Wait for Signature instead; to start another workflow, enter the production URL of an OKdokument Trigger',
					),
				]
			: []),
		{
			displayName: 'Signature Request ID',
			name: 'signatureRequestId',
			type: 'string',
			default: '',
			placeholder: 'e.g. 6f0c2a9e-1b7d-4c1a-9f57-2d8e4b1c3a55',
			description: options.signatureRequestIdDescription,
		},
		rulesEncodingOption,
	];
	return [
		...(options.offeredToTools ? toolSourceFields : [sourceField, fileField]),
		{ ...documentIdField, displayOptions: { show: { source: ['existingDocument'] } } },
		...(options.signerByEmail ? signerProperties : []),
		{
			displayName: 'Additional Fields',
			name: 'additionalFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			options: additionalFields,
		},
		rulesCollection,
	];
}

/** The document to sign: a file to upload first, or one OKdokument already holds. */
export type DocumentSource = { upload: DocumentUpload } | { documentId: string };

export interface SigningInput {
	document: DocumentSource;
	/** The ID the user chose, if any. */
	signatureRequestId?: string;
	/** Only read where the operation offers it (Create). */
	sendInfoURL?: string;
	/** Epoch milliseconds as text, as OKdokument wants it; undefined: 24 hours. */
	expirationTime?: string;
	/** The rest of the request body, under OKdokument's wire names, empty options left out. */
	settings: IDataObject;
	/** Additional Body Fields: keys the node does not model, sent after everything else. */
	additionalBodyFields?: IDataObject;
}

type FieldFor = (label: string) => FieldRef;

/** A choice from a list, which an expression could still set to anything; nothing leaves it at its default. */
function readChoice<T extends string>(value: unknown, allowed: T[], field: FieldRef): T | undefined {
	const choice = readText(value, field);
	if (choice === '') return undefined;
	if (!(allowed as string[]).includes(choice)) {
		throw invalidField(field, `is not one of ${allowed.join(', ')}: "${shortened(choice)}"`, 'Choose one of the listed values.');
	}
	return choice as T;
}

function optionalId(value: unknown, field: FieldRef): string | undefined {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
		return undefined;
	}
	return validateId(value, field);
}

function definedOnly(values: Record<string, IDataObject[string] | undefined>): IDataObject {
	return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as IDataObject;
}

async function readDocumentSource(
	this: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
	fieldFor: FieldFor,
): Promise<DocumentSource> {
	const source = this.getNodeParameter('source', itemIndex) as string;
	if (source === 'existingDocument') {
		return { documentId: readDocumentId(this, itemIndex) };
	}
	if (source === 'newDocument' && runsAsTool(this)) {
		throw new NodeOperationError(
			this.getNode(),
			`Source "New Document" needs a file from the input, which a tool of an AI agent does not get (item index ${itemIndex})`,
			{
				itemIndex,
				description:
					'Choose Source: Existing Document and let the model give the Document ID, or upload the file in a workflow first (Document → Upload).',
			},
		);
	}
	if (source !== 'newDocument') {
		throw new NodeOperationError(this.getNode(), `Unknown source "${source}" (item index ${itemIndex})`, {
			itemIndex,
			description: 'Choose New Document or Existing Document.',
		});
	}
	const state = readDocumentState(options.documentState, fieldFor('Document State'));
	const chosenName = readText(options.fileName, fieldFor('File Name'));
	const binaryPropertyName = readBinaryFieldName(this, itemIndex, 'binaryPropertyName', 'Input Binary Field');
	const file = await readDocumentFile.call(this, itemIndex, binaryPropertyName);
	const filename = chosenName || file.fileName?.trim() || undefined;
	return { upload: { content: file.base64, filename, state } };
}

/**
 * The Signing Rules with Signer Email and Sender Email of Send and Wait filled in; a rule set in
 * both places must be the same.
 */
function readRuleValues(context: IExecuteFunctions, itemIndex: number, fieldFor: FieldFor, signerByEmail: boolean): IDataObject {
	const values = { ...(context.getNodeParameter('rules', itemIndex, {}) as IDataObject) };
	if (!signerByEmail) return values;
	for (const [parameter, rule] of Object.entries(SIGNER_FIELDS)) {
		const label = signerProperties.find((property) => property.name === parameter)!.displayName;
		const own = readText(context.getNodeParameter(parameter, itemIndex, ''), fieldFor(label));
		if (own === '') continue;
		const inRules = readText(values[rule], fieldFor(`Signing Rules → ${label}`));
		if (inRules !== '' && inRules !== own) {
			throw invalidField(
				fieldFor(label),
				`is "${own}", but Signing Rules → ${label} is "${inRules}"`,
				`Fill in ${label} in one place only.`,
			);
		}
		values[rule] = own;
	}
	return values;
}

/** Reads and checks everything before the file is read and before anything is sent. */
export async function readSigningInput(
	this: IExecuteFunctions,
	itemIndex: number,
	{ sendInfoUrl, signerByEmail = false }: Pick<SigningPropertiesOptions, 'sendInfoUrl' | 'signerByEmail'>,
): Promise<SigningInput> {
	const node = this.getNode();
	const fieldFor: FieldFor = (label) => ({ node, itemIndex, label });
	const options = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const ruleValues = readRuleValues(this, itemIndex, fieldFor, signerByEmail);

	const signatureRequestId = optionalId(options.signatureRequestId, fieldFor('Signature Request ID'));
	const resulturl = validateOptionalHttpUrl(options.resultUrl, fieldFor('Result URL'));
	const sendInfoURL = sendInfoUrl
		? validateOptionalHttpUrl(options.sendInfoUrl, fieldFor('Send Info URL'))
		: undefined;
	const expirationTime = toExpirationTime(options.expiration, this.getTimezone(), fieldFor('Expiration'));
	// Wire names are OKdokument's own ("resulturl" all lower case).
	const allSettings = {
		resulturl,
		expirationTime,
		allowedFields: buildAllowedFields(
			options.allowedFields,
			fieldFor('Allowed Fields'),
			readChoice<AllowedFieldsEncoding>(
				options.allowedFieldsEncoding,
				ALLOWED_FIELDS_ENCODINGS,
				fieldFor('Allowed Fields Encoding'),
			),
		),
		fieldConfig: buildFieldConfig(options.fieldConfig, fieldFor('Field Values')),
		ignoreRequired: buildIgnoreRequired(options.ignoreRequired, fieldFor('Optional Field Types')),
		fieldsBeforeSigning: readChoice(
			options.fieldsBeforeSigning,
			FIELDS_BEFORE_SIGNING,
			fieldFor('Fields Before Signing'),
		),
		rules: buildRules(
			ruleValues,
			fieldFor,
			readChoice<RulesEncoding>(options.rulesEncoding, RULES_ENCODINGS, fieldFor('Signing Rules Encoding')),
			signerByEmail ? { signerRequired: SIGNER_REQUIRED, forbidden: CALLBACK_RULES } : {},
		),
	};
	// A key the node has a field for is the node's, even where that field is empty (the document's
	// is "id" now, "filedata" in the wiki's inline upload).
	const additionalBodyFields = readAdditionalBodyFields(
		options.additionalBodyFields,
		fieldFor('Additional Body Fields (JSON)'),
		[...NODE_BODY_KEYS, 'filedata', ...Object.keys(allSettings)],
	);
	const settings = definedOnly(allSettings);
	const document = await readDocumentSource.call(this, itemIndex, options, fieldFor);
	return { document, signatureRequestId, sendInfoURL, expirationTime, settings, additionalBodyFields };
}
