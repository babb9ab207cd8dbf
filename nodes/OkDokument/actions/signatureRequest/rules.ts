import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { FieldRef } from '../../helpers/validation';
import {
	findForbiddenCharacter,
	invalidField,
	readBoolean,
	refuseKeysN8nDrops,
	readText,
	valueText,
} from '../../helpers/validation';
import type { Rule, RulesEncoding, RuleValue } from './rulesEncoding';
import { encodeRules, isNameValueText, parseNameValueRules, quoted } from './rulesEncoding';

/** RM: the signer name shown in the signing screen is at most 40 characters. */
export const MAX_SIGNER_NAME_LENGTH = 40;

export const LANGUAGES = ['sk', 'cs', 'en', 'ro', 'uk', 'pl', 'pt', 'hu'];

/**
 * Signing rules (docs 3.1.3). Option names are OKdokument's rule names, so a rule reads the
 * same in the node, in Custom Rules and in OKdokument's documentation.
 */
export const rulesCollection: INodeProperties = {
	displayName: 'Signing Rules',
	name: 'rules',
	type: 'collection',
	placeholder: 'Add Rule',
	default: {},
	description: 'How the signer is invited and what the signing screen allows',
	options: [
		{
			displayName: 'Allow Mouse Signature',
			name: 'mouseSignature',
			type: 'boolean',
			default: true,
			description: 'Whether the signer may draw the signature with a mouse',
		},
		{
			displayName: 'Allow Signing Anywhere',
			name: 'signAnywhereEnabled',
			type: 'boolean',
			default: true,
			description: 'Whether the signer may place a signature anywhere on the page, not only in signature fields',
		},
		{
			displayName: 'Allow Switch to Mobile',
			name: 'guiRemoteQRCodeEnabled',
			type: 'boolean',
			default: true,
			description: 'Whether the signer may continue on a phone by scanning a QR code',
		},
		{
			displayName: 'Ask for Signer Name',
			name: 'guiRequestSignerName',
			type: 'boolean',
			default: false,
			description: 'Whether the signing screen asks the signer to type their name',
		},
		{
			displayName: 'Auto Submit',
			name: 'guiAutoSubmit',
			type: 'boolean',
			default: false,
			description: 'Whether the document is submitted as soon as it is signed',
		},
		{
			displayName: 'Auto Submit Envelope',
			name: 'guiAutoEnvelopeSubmit',
			type: 'boolean',
			default: false,
			description: 'Whether the envelope is submitted as soon as it is signed',
		},
		{
			displayName: 'Custom Rules',
			name: 'customRules',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			placeholder: 'e.g. {"guiSignerDate": "dd.MM.yyyy HH:mm", "emailNotification": true}',
			description:
				'Any other rule, as a JSON object; it wins over the rules above for a rule both set. The connector’s form Name-Value_Name-Value (e.g. signAnywhereEnabled-false_lang-en) is accepted too: then every rule is sent in that form, unless Signing Rules Encoding (in Additional Fields) says otherwise.',
		},
		{
			displayName: 'Email Message',
			name: 'emailMessage',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			placeholder: 'e.g. Please sign the contract we discussed.',
			description: 'Extra text in the e-mail that invites the signer',
		},
		{
			displayName: 'Language',
			name: 'lang',
			type: 'options',
			options: [
				{ name: 'Czech', value: 'cs' },
				{ name: 'English', value: 'en' },
				{ name: 'Hungarian', value: 'hu' },
				{ name: 'Polish', value: 'pl' },
				{ name: 'Portuguese', value: 'pt' },
				{ name: 'Romanian', value: 'ro' },
				{ name: 'Slovak', value: 'sk' },
				{ name: 'Ukrainian', value: 'uk' },
			],
			default: 'sk',
			description: 'Language of the e-mails and text messages OKdokument sends (Slovak unless set)',
		},
		{
			displayName: 'Open Signature Dialog',
			name: 'guiOpenSignature',
			type: 'boolean',
			default: false,
			description: 'Whether the signature dialog opens as soon as the document is shown',
		},
		{
			displayName: 'OTP to Open by Email',
			name: 'openOtpEmail',
			type: 'string',
			default: '',
			placeholder: 'name@email.com',
			description: 'Send a one-time code to this address; the signer needs it to open the document',
		},
		{
			displayName: 'OTP to Open by SMS',
			name: 'openOtpPhone',
			type: 'string',
			default: '',
			placeholder: 'e.g. +421900123456',
			description:
				'Send a one-time code to this phone number; the signer needs it to open the document (needs a package with SMS)',
		},
		{
			displayName: 'OTP to Sign by Email',
			name: 'signOtpEmail',
			type: 'string',
			default: '',
			placeholder: 'name@email.com',
			description:
				'Send a one-time code to this address; the signer needs it to sign (the document needs a signature field)',
		},
		{
			displayName: 'OTP to Sign by SMS',
			name: 'signOtpPhone',
			type: 'string',
			default: '',
			placeholder: 'e.g. +421900123456',
			description:
				'Send a one-time code to this phone number; the signer needs it to sign (needs a package with SMS and a signature field)',
		},
		{
			displayName: 'Require Reading to the End',
			name: 'guiReadRequired',
			type: 'boolean',
			default: false,
			description: 'Whether the signer must scroll to the end of the document before continuing',
		},
		{
			displayName: 'Send Signed Document To',
			name: 'emailFinal',
			type: 'string',
			default: '',
			placeholder: 'e.g. office@example.com; archive@example.com',
			description: 'E-mail addresses that receive the signed document, separated by semicolons',
		},
		{
			displayName: 'Sender Email',
			name: 'emailFrom',
			type: 'string',
			default: '',
			placeholder: 'name@email.com',
			description:
				'Reply-to address of the e-mails OKdokument sends (they come from okdokument@okdokument.sk). Needed with Signer Email.',
		},
		{
			displayName: 'Sender Name',
			name: 'nameFrom',
			type: 'string',
			default: '',
			placeholder: 'e.g. Example Ltd.',
			description: 'Sender name shown in the e-mails',
		},
		{
			displayName: 'Show One Button',
			name: 'guiOneButton',
			type: 'boolean',
			default: false,
			description: 'Whether the signing screen shows a single button',
		},
		{
			displayName: 'Signer Email',
			name: 'emailTo',
			type: 'string',
			default: '',
			placeholder: 'name@email.com',
			description: 'OKdokument e-mails the signing link to this address. Needs Sender Email.',
		},
		{
			displayName: 'Signer Name',
			name: 'guiSignerName',
			type: 'string',
			default: '',
			placeholder: 'e.g. Jana Nováková',
			description: `The signer’s name, filled in for them (at most ${MAX_SIGNER_NAME_LENGTH} characters)`,
		},
	],
};

type RuleKind = 'boolean' | 'email' | 'emailList' | 'language' | 'phone' | 'signerName' | 'text';

const RULE_KINDS: Record<string, RuleKind> = {
	mouseSignature: 'boolean',
	signAnywhereEnabled: 'boolean',
	guiRemoteQRCodeEnabled: 'boolean',
	guiRequestSignerName: 'boolean',
	guiAutoSubmit: 'boolean',
	guiAutoEnvelopeSubmit: 'boolean',
	guiOpenSignature: 'boolean',
	guiReadRequired: 'boolean',
	guiOneButton: 'boolean',
	emailMessage: 'text',
	nameFrom: 'text',
	lang: 'language',
	openOtpEmail: 'email',
	signOtpEmail: 'email',
	emailFrom: 'email',
	emailTo: 'email',
	emailFinal: 'emailList',
	openOtpPhone: 'phone',
	signOtpPhone: 'phone',
	guiSignerName: 'signerName',
};

const EMAIL = /^[^\s@;,<>"|]+@[^\s@;,<>"|]+\.[^\s@;,<>"|]+$/;
/** Digits with a leading +, and the plain spaces, brackets, slashes, dots and dashes people write between them. */
const PHONE = /^\+?[0-9 ()/.-]+$/;

type FieldFor = (label: string) => FieldRef;

function labelOf(name: string): string {
	const option = (rulesCollection.options as INodeProperties[]).find((rule) => rule.name === name);
	return option?.displayName ?? name;
}

function readEmail(text: string, field: FieldRef): string {
	// Control and invisible characters are no white space to the pattern, and have no place in an address.
	if (!EMAIL.test(text) || findForbiddenCharacter(text) !== undefined) {
		throw invalidField(field, `is not an e-mail address: ${quoted(text)}`, 'Enter one address, such as name@example.com.');
	}
	return text;
}

/** One rule's value, or undefined when it is empty; Send Signed Document To as its addresses. */
function readRule(kind: RuleKind, value: unknown, field: FieldRef): string | boolean | string[] | undefined {
	if (value === undefined || value === null) return undefined;
	if (kind === 'boolean') return value === '' ? undefined : readBoolean(value, field);
	// A list of addresses, as an expression may give it, is Send Signed Document To's addresses.
	const text =
		kind === 'emailList' && Array.isArray(value)
			? value.map((entry) => readText(entry, field)).join(';')
			: readText(value, field);
	if (text === '') return undefined;
	switch (kind) {
		case 'email':
			return readEmail(text, field);
		case 'emailList': {
			const addresses = text
				.split(/[;,|]/)
				.map((address) => address.trim())
				.filter((address) => address !== '')
				.map((address) => readEmail(address, field));
			return addresses.length > 0 ? addresses : undefined;
		}
		case 'phone':
			if (!PHONE.test(text) || text.replace(/\D/g, '').length < 6) {
				throw invalidField(
					field,
					`is not a phone number: ${quoted(text)}`,
					'Enter the number with its country code, such as +421 900 123 456.',
				);
			}
			return text;
		case 'language':
			if (!LANGUAGES.includes(text.toLowerCase())) {
				throw invalidField(field, `is not a language OKdokument offers: ${quoted(text)}`, `Use one of ${LANGUAGES.join(', ')}.`);
			}
			return text.toLowerCase();
		case 'signerName':
			if ([...text].length > MAX_SIGNER_NAME_LENGTH) {
				throw invalidField(
					field,
					`is ${[...text].length} characters long`,
					`OKdokument shows at most ${MAX_SIGNER_NAME_LENGTH} characters of the signer name. Shorten it.`,
				);
			}
			return text;
		default:
			return text;
	}
}

interface CustomRules {
	rules: Rule[];
	source: 'json' | 'text';
}

function fromObject(object: IDataObject, field: FieldRef): CustomRules {
	refuseKeysN8nDrops(object, field);
	return { rules: Object.entries(object).map(([name, value]) => ({ name, value, field })), source: 'json' };
}

/** Custom Rules: a JSON object (typed or mapped), the Name-Value text form, or undefined when empty. */
function parseCustomRules(value: unknown, field: FieldRef): CustomRules | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'object') {
		if (Array.isArray(value)) {
			throw invalidField(field, 'must be a JSON object, not a list', 'Write the rules as {"ruleName": value, …}.');
		}
		return fromObject(value as IDataObject, field);
	}
	const text = String(value).trim();
	if (text === '') return undefined;
	if (/^[[{"]/.test(text)) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(text);
		} catch (error) {
			throw invalidField(
				field,
				`is not valid JSON: ${(error as Error).message}`,
				'Write the rules as a JSON object, such as {"guiSignerDate": "dd.MM.yyyy HH:mm"}.',
			);
		}
		if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
			throw invalidField(field, 'must be a JSON object', 'Write the rules as {"ruleName": value, …}.');
		}
		return fromObject(parsed as IDataObject, field);
	}
	if (isNameValueText(text)) return { rules: parseNameValueRules(text, field), source: 'text' };
	throw invalidField(
		field,
		`is neither a JSON object nor rules in the Name-Value form: ${quoted(text)}`,
		'Write a JSON object such as {"signAnywhereEnabled": false}, or the connector form signAnywhereEnabled-false.',
	);
}

function isFilled(value: unknown): boolean {
	return value !== undefined && value !== null && valueText(value).trim() !== '';
}

/** What an operation demands of the rules beyond their own checks. */
export interface RulesPolicy {
	/** Rules Custom Rules may not set (upper and lower case alike), and why: the operation sets them itself. */
	forbidden?: { names: string[]; why: string };
	/** Why the rule emailTo (Signer Email) must be set, when it must. */
	signerRequired?: string;
}

/**
 * The rules to send, the rule fields and Custom Rules together, in the encoding chosen (see
 * RulesEncoding), or undefined when no rule is set.
 */
export function buildRules(
	values: IDataObject,
	fieldFor: FieldFor,
	encoding: RulesEncoding = 'auto',
	policy: RulesPolicy = {},
): IDataObject | string | undefined {
	const structured: Rule[] = [];
	for (const option of rulesCollection.options as INodeProperties[]) {
		const kind = RULE_KINDS[option.name];
		if (!kind) continue;
		const field = fieldFor(option.displayName);
		const value: RuleValue | undefined = readRule(kind, values[option.name], field);
		if (value !== undefined) structured.push({ name: option.name, value, field });
	}
	const customField = fieldFor(labelOf('customRules'));
	const custom = parseCustomRules(values.customRules, customField) ?? { rules: [], source: 'json' };
	const forbidden = custom.rules.find((rule) => policy.forbidden?.names.includes(rule.name.toLowerCase()));
	if (forbidden && policy.forbidden) {
		throw invalidField(customField, `sets the rule "${forbidden.name}"`, policy.forbidden.why);
	}

	const valueOf = (name: string) =>
		(custom.rules.find((rule) => rule.name === name) ?? structured.find((rule) => rule.name === name))?.value;
	if (policy.signerRequired && !isFilled(valueOf('emailTo'))) {
		throw invalidField(fieldFor(labelOf('emailTo')), 'is empty', policy.signerRequired);
	}
	if (isFilled(valueOf('emailTo')) && !isFilled(valueOf('emailFrom'))) {
		throw invalidField(
			fieldFor(labelOf('emailFrom')),
			`is empty, but OKdokument needs it when ${labelOf('emailTo')} is set`,
			'Enter the address that replies to the signing e-mail should go to.',
		);
	}
	const form = encoding === 'auto' ? (custom.source === 'text' ? 'string' : 'object') : encoding;
	return encodeRules(structured, custom, form);
}
