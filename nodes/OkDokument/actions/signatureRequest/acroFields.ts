import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { FieldRef } from '../../helpers/validation';
import { invalidField, readBoolean, readText, shortened, valueText } from '../../helpers/validation';

/** The PDF form-field (acrofield) types OKdokument knows, as it spells them on the wire. */
export const FIELD_TYPES = ['SIGNATURE', 'TEXT', 'CHECKBOX', 'RADIO', 'COMBOBOX'] as const;
type FieldType = (typeof FIELD_TYPES)[number];

const fieldTypeOptions: INodePropertyOptions[] = [
	{ name: 'Checkbox', value: 'CHECKBOX' },
	{ name: 'Combo Box', value: 'COMBOBOX' },
	{ name: 'Radio Group', value: 'RADIO' },
	{ name: 'Signature', value: 'SIGNATURE' },
	{ name: 'Text', value: 'TEXT' },
];

/**
 * How Allowed Fields go on the wire (docs 8.6): the newer wiki's lists, or the connector's text
 * joined by semicolons. Saved workflows without the option keep the lists.
 */
export type AllowedFieldsEncoding = 'list' | 'string';
export const ALLOWED_FIELDS_ENCODINGS: AllowedFieldsEncoding[] = ['list', 'string'];

export const allowedFieldsOption: INodeProperties = {
	displayName: 'Allowed Fields',
	name: 'allowedFields',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	default: {},
	placeholder: 'Add Field Type',
	description:
		'The form fields the signer may fill in this round, by type; fields not listed stay locked. Without this, every field is allowed.',
	hint: 'Sent as lists, {"SIGNATURE": ["_SC1_", "_SO2_"]}. If OKdokument refuses them, add Allowed Fields Encoding and choose Text Joined by Semicolons ("_SC1_;_SO2_").',
	options: [
		{
			displayName: 'Fields',
			name: 'fields',
			values: [
				{
					displayName: 'Field Type',
					name: 'type',
					type: 'options',
					options: fieldTypeOptions,
					default: 'SIGNATURE',
				},
				{
					displayName: 'Field Names',
					name: 'names',
					type: 'string',
					default: '',
					placeholder: 'e.g. SC_signature, _SO2_',
					description:
						'Names of the fields of this type, separated by commas. Compulsory fields start with SC, TC, CR, RC or CBC; optional ones with SO, TO, CO, RO or CBO.',
				},
			],
		},
	],
};

export const allowedFieldsEncodingOption: INodeProperties = {
	displayName: 'Allowed Fields Encoding',
	name: 'allowedFieldsEncoding',
	type: 'options',
	options: [
		{
			name: 'Lists',
			value: 'list',
			description: 'One list per field type, {"SIGNATURE": ["_SC1_", "_SO2_"]}, as OKdokument’s newer documentation writes them',
		},
		{
			name: 'Text Joined by Semicolons',
			value: 'string',
			description: 'One text per field type, {"SIGNATURE": "_SC1_;_SO2_"}, as OKdokument’s Power Automate connector sends them',
		},
	],
	default: 'list',
	description: 'How Allowed Fields are written in the request: OKdokument documents both forms',
};

export const fieldConfigOption: INodeProperties = {
	displayName: 'Field Values',
	name: 'fieldConfig',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	default: {},
	placeholder: 'Add Field Value',
	description: 'Fill in form fields of the PDF before the signer sees it, and optionally lock them',
	options: [
		{
			displayName: 'Fields',
			name: 'fields',
			values: [
				{
					displayName: 'Field Name',
					name: 'name',
					type: 'string',
					default: '',
					placeholder: 'e.g. TC_customer_name',
				},
				{
					displayName: 'Value',
					name: 'value',
					type: 'string',
					default: '',
					placeholder: 'e.g. Jana Nováková',
				},
				{
					displayName: 'Read Only',
					name: 'readOnly',
					type: 'boolean',
					default: false,
					description: 'Whether the signer is prevented from changing the value',
				},
			],
		},
	],
};

export const ignoreRequiredOption: INodeProperties = {
	displayName: 'Optional Field Types',
	name: 'ignoreRequired',
	type: 'multiOptions',
	options: fieldTypeOptions,
	default: [],
	description: 'Field types whose compulsory fields the signer may leave empty',
};

export const fieldsBeforeSigningOption: INodeProperties = {
	displayName: 'Fields Before Signing',
	name: 'fieldsBeforeSigning',
	type: 'options',
	options: [
		{
			name: 'Flatten',
			value: 'flatten',
			description: 'Turn the fields into plain page content (OKdokument’s default)',
		},
		{ name: 'Keep', value: 'keep', description: 'Leave the fields as editable form fields' },
		{ name: 'Make Read-Only', value: 'readOnly', description: 'Keep the fields but lock them' },
	],
	default: 'flatten',
	description: 'What happens to the PDF’s form fields before the document is signed',
};

interface FixedCollectionValue {
	fields?: IDataObject[];
}

function entriesOf(value: unknown): IDataObject[] {
	const fields = (value as FixedCollectionValue | undefined)?.fields;
	return Array.isArray(fields) ? fields : [];
}

function isFieldType(value: unknown): value is FieldType {
	return typeof value === 'string' && (FIELD_TYPES as readonly string[]).includes(value);
}

/**
 * Allowed Fields by type, as lists ({"SIGNATURE": ["SC_signature", "_SO2_"]}) or as text joined by
 * semicolons ({"SIGNATURE": "SC_signature;_SO2_"}), or undefined when no names were given. Names
 * may be separated by commas or semicolons.
 */
export function buildAllowedFields(
	value: unknown,
	field: FieldRef,
	encoding: AllowedFieldsEncoding = 'list',
): IDataObject | undefined {
	const byType = new Map<FieldType, Set<string>>();
	for (const entry of entriesOf(value)) {
		const type = typeof entry.type === 'string' ? entry.type.trim().toUpperCase() : entry.type;
		if (!isFieldType(type)) {
			throw invalidField(
				field,
				`has an unknown field type: "${shortened(valueText(entry.type))}"`,
				`Choose one of ${FIELD_TYPES.join(', ')}.`,
			);
		}
		// Text, or a list of names as an expression may give it.
		const names = (Array.isArray(entry.names) ? entry.names : [entry.names])
			.map((names) => readText(names, field))
			.join(',')
			.split(/[,;]/)
			.map((name) => name.trim())
			.filter((name) => name !== '');
		if (names.length === 0) continue;
		const known = byType.get(type) ?? new Set<string>();
		for (const name of names) known.add(name);
		byType.set(type, known);
	}
	if (byType.size === 0) return undefined;
	const encode = (names: Set<string>) => (encoding === 'string' ? [...names].join(';') : [...names]);
	return Object.fromEntries([...byType].map(([type, names]) => [type, encode(names)]));
}

/** Field Values as OKdokument's fieldConfig array, or undefined when there are none. */
export function buildFieldConfig(value: unknown, field: FieldRef): IDataObject[] | undefined {
	const entries = entriesOf(value).map((entry, index) => {
		const name = readText(entry.name, field);
		if (name === '') {
			throw invalidField(
				field,
				`entry ${index + 1} has no field name`,
				'Enter the name of the PDF form field to fill in, or remove the entry.',
			);
		}
		const fieldValue = entry.value === undefined || entry.value === null ? '' : entry.value;
		return {
			name,
			value: typeof fieldValue === 'object' ? JSON.stringify(fieldValue) : String(fieldValue),
			readOnly: readBoolean(entry.readOnly, field, false),
		};
	});
	return entries.length > 0 ? entries : undefined;
}

/** Optional Field Types, or undefined when none were chosen. */
export function buildIgnoreRequired(value: unknown, field: FieldRef): string[] | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const types = Array.isArray(value) ? value : [value];
	for (const type of types) {
		if (!isFieldType(type)) {
			throw invalidField(
				field,
				`has an unknown field type: "${shortened(valueText(type))}"`,
				`Choose from ${FIELD_TYPES.join(', ')}.`,
			);
		}
	}
	return types.length > 0 ? (types as string[]) : undefined;
}
