import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { FieldRef } from '../../helpers/validation';
import { invalidField } from '../../helpers/validation';

/**
 * The two encodings of the signing rules (docs 3.1.3, 8.4): the object form {"name": value} and
 * the connector's Name-Value text `name-value_name-value`, where several emailFinal addresses are
 * joined by `|` (RM; `;` in the object form, docs 8.21).
 *
 * - auto (unset): the object form, unless Custom Rules are written in the Name-Value form, which
 *   then carries every rule: what saved workflows sent before the choice existed.
 * - object / string: that form, whatever the form of Custom Rules.
 */
export type RulesEncoding = 'auto' | 'object' | 'string';

export const RULES_ENCODINGS: RulesEncoding[] = ['auto', 'object', 'string'];

export const rulesEncodingOption: INodeProperties = {
	displayName: 'Signing Rules Encoding',
	name: 'rulesEncoding',
	type: 'options',
	options: [
		{
			name: 'As Custom Rules Are Written',
			value: 'auto',
			description:
				'A JSON object, {"signAnywhereEnabled": false}; Name-Value text for every rule when Custom Rules are written that way',
		},
		{
			name: 'Name-Value Text',
			value: 'string',
			description:
				'One text, signAnywhereEnabled-false_lang-en, as OKdokument’s Power Automate connector sends them. Values cannot contain "-" or "_".',
		},
		{
			name: 'Object',
			value: 'object',
			description: 'A JSON object, {"signAnywhereEnabled": false}, as OKdokument’s rules page writes them',
		},
	],
	default: 'auto',
	description:
		'How Signing Rules and Custom Rules are written in the request, together: OKdokument documents both forms',
};

/** A rule's value as the fields or Custom Rules give it; Send Signed Document To as its addresses. */
export type RuleValue = IDataObject[string];

export interface Rule {
	name: string;
	value: RuleValue;
	/** The field the rule came from, for errors. */
	field: FieldRef;
}

const EMAIL_LIST_RULE = 'emailFinal';
const RULE_NAME = /^[A-Za-z][A-Za-z0-9.]*$/;
/** Text written in the Name-Value form starts with a rule name and a "-". */
const NAME_VALUE_TEXT = /^[A-Za-z][A-Za-z0-9.]*-/;

export function isNameValueText(text: string): boolean {
	return NAME_VALUE_TEXT.test(text);
}

export function quoted(text: string): string {
	return `"${text.length > 100 ? `${text.slice(0, 100)}…` : text}"`;
}

const USE_OBJECT_HINT =
	'In the Name-Value form "-" separates a rule’s name from its value and "_" separates rules, so neither can be part of a value or name. Set Signing Rules Encoding to Object, or change the value.';

function addressesOf(value: RuleValue, separator: RegExp): string[] | undefined {
	if (Array.isArray(value) && value.every((address) => typeof address === 'string')) return value as string[];
	if (typeof value !== 'string') return undefined;
	return value
		.split(separator)
		.map((address) => address.trim())
		.filter((address) => address !== '');
}

/**
 * Name-Value text as rules, each part split at its first "-". Refuses a part without one (a value
 * holding "_" splits into such parts) and a value holding another "-": the text is ambiguous then.
 * Values stay text, as written; empty parts (a doubled or trailing "_") carry nothing and are skipped.
 */
export function parseNameValueRules(text: string, field: FieldRef): Rule[] {
	const rules: Rule[] = [];
	for (const part of text.split('_')) {
		if (part.trim() === '') continue;
		const dash = part.indexOf('-');
		const name = dash === -1 ? '' : part.slice(0, dash).trim();
		const value = dash === -1 ? '' : part.slice(dash + 1).trim();
		if (!RULE_NAME.test(name)) {
			throw invalidField(field, `has a part that is not Name-Value: ${quoted(part)}`, USE_OBJECT_HINT);
		}
		if (value.includes('-')) {
			throw invalidField(field, `has a value with "-" for ${name}: ${quoted(value)}`, USE_OBJECT_HINT);
		}
		rules.push({ name, value, field });
	}
	return rules;
}

/** Where rules come from: the rule fields, Custom Rules as JSON (sent as written in the object form), or as Name-Value text. */
export type RuleSource = 'fields' | 'json' | 'text';

/** A rule's value in the object form, typed as the rules page types them; JSON stays as written. */
function objectValue({ name, value }: Rule, source: RuleSource): RuleValue {
	if (source === 'json') return value;
	if (name === EMAIL_LIST_RULE) {
		const addresses = addressesOf(value, /\|/);
		if (addresses) return addresses.join(';');
	}
	if (source === 'text' && (value === 'true' || value === 'false')) return value === 'true';
	return value;
}

/** One rule in the Name-Value form, or an error naming its field when the form cannot carry it. */
function nameValuePart({ name, value, field }: Rule): string {
	if (!RULE_NAME.test(name)) {
		throw invalidField(field, `has a rule name the Name-Value form cannot carry: ${quoted(name)}`, USE_OBJECT_HINT);
	}
	let text: string;
	const addresses = name === EMAIL_LIST_RULE ? addressesOf(value, /[;,|]/) : undefined;
	if (addresses) text = addresses.join('|');
	else if (typeof value === 'string') text = value;
	else if (typeof value === 'boolean' || typeof value === 'number') text = String(value);
	else {
		throw invalidField(
			field,
			`has a value for ${name} that the Name-Value form cannot carry: ${quoted(JSON.stringify(value) ?? String(value))}`,
			'Only text, numbers and true or false fit into that form. Set Signing Rules Encoding to Object, or change the value.',
		);
	}
	for (const character of ['-', '_']) {
		if (text.includes(character)) {
			throw invalidField(field, `contains "${character}", which the Name-Value form of the rules cannot carry: ${quoted(text)}`, USE_OBJECT_HINT);
		}
	}
	return `${name}-${text}`;
}

/**
 * The rules in one form. `custom` (Custom Rules) wins over `structured` (the rule fields) for a
 * rule both set, as the field's description says; nothing else is left out.
 */
export function encodeRules(
	structured: Rule[],
	custom: { rules: Rule[]; source: Exclude<RuleSource, 'fields'> },
	form: 'object' | 'string',
): IDataObject | string | undefined {
	const overridden = new Set(custom.rules.map((rule) => rule.name));
	const kept = structured.filter((rule) => !overridden.has(rule.name));
	if (kept.length === 0 && custom.rules.length === 0) return undefined;
	if (form === 'string') return [...kept, ...custom.rules].map(nameValuePart).join('_');
	return {
		...Object.fromEntries(structured.map((rule) => [rule.name, objectValue(rule, 'fields')])),
		...Object.fromEntries(custom.rules.map((rule) => [rule.name, objectValue(rule, custom.source)])),
	};
}
