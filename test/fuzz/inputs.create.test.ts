/**
 * Generated values for every field of Signature Request → Create (which Send and Wait for Signature shares), run
 * through n8n's engine against the sandbox (fieldRuns.ts). The document is an existing one, so that each item sends
 * one request, except for the fields of a new document, which is uploaded first.
 */
import fc from 'fast-check';
import type { IDataObject, INodeExecutionData, INodeParameters, INodeProperties } from 'n8n-workflow';

import { OkDokument } from '../../nodes/OkDokument/OkDokument.node';
import { useSandbox } from '../support/okdokument';
import { itAcceptsWhatTheOracleDoes, itemsWithFile, labelOf, type FieldCase } from './fieldRuns';
import * as oracle from './oracles';
import { anyText, anyValue, fieldValues, mutated, notText, plausibleId, plausibleUrl } from './values';

const sandbox = useSandbox();

const DOCUMENT = 'fuzz-document';
const PDF = Buffer.from('%PDF-1.4\n% fuzz\n%%EOF\n');
const FILE_NAME = 'fuzz.pdf';
const create = { resource: 'signatureRequest', operation: 'create' } as const;
const existing = { source: 'existingDocument', documentId: DOCUMENT };
const prepareDocument = () => {
	sandbox.addDocument({ id: DOCUMENT, filename: FILE_NAME, content: PDF });
};

/** POST /JSON/signatureRequest for the existing document, with `settings` added. */
const creation = (settings: IDataObject = {}) => [
	{ method: 'POST', path: '/JSON/signatureRequest', body: { id: DOCUMENT, changeState: 'tosign', ...settings } },
];

/** A field of Create's Additional Fields, sent as `wire` (left out when the oracle gives undefined). */
function additionalField<A>(name: string, values: fc.Arbitrary<unknown>, judge: (value: unknown) => oracle.Verdict<A>, wire: (accepted: A) => IDataObject): [string, FieldCase<A>] {
	return [
		`Create → ${labelOf(create.resource, create.operation, ['additionalFields', name])}`,
		{ ...create, path: ['additionalFields', name], parameters: existing, values, judge, prepare: prepareDocument, requests: (accepted) => creation(wire(accepted)) },
	];
}

/** The values an option of a collection offers, from the node's description. */
function choicesOf(collection: string, name: string): string[] {
	const top = new OkDokument().description.properties.find(
		(property) => property.name === collection && property.displayOptions?.show?.operation?.includes('create'),
	) as INodeProperties;
	const option = (top.options as INodeProperties[]).find((candidate) => candidate.name === name) as INodeProperties;
	return (option.options as Array<{ value: string }>).map((entry) => entry.value);
}

const FIELD_TYPES = choicesOf('additionalFields', 'ignoreRequired');
const asWire = (key: string) => <A>(accepted: A): IDataObject => (accepted === undefined ? {} : { [key]: accepted as IDataObject[string] });

describe('Signature Request → Create: the document', () => {
	itAcceptsWhatTheOracleDoes(sandbox, 'Create → Document ID (Existing Document)', {
		...create,
		path: ['documentId'],
		placeholder: { __rl: true, mode: 'id', value: '={{ $json.v }}' },
		parameters: { source: 'existingDocument' },
		values: fieldValues(plausibleId),
		judge: oracle.id,
		prepare: (_sandbox, ids) => {
			for (const id of new Set(ids)) sandbox.addDocument({ id, filename: FILE_NAME, content: PDF });
		},
		requests: (id) => [{ method: 'POST', path: '/JSON/signatureRequest', body: { id, changeState: 'tosign' } }],
		output: (id) => ({ documentId: id }),
	});

	const withFile = itemsWithFile(PDF, FILE_NAME);
	/** The upload, then the request for the uploaded document (whose ID the sandbox chooses). */
	const uploadAndCreate = (filename: string, state: string) => [
		{ method: 'POST', path: '/JSON/document', body: { filename, state, file: { content: PDF.toString('base64') } } },
		{ method: 'POST', path: '/JSON/signatureRequest' },
	];
	const newDocument = { ...create, parameters: { source: 'newDocument' }, item: withFile };
	itAcceptsWhatTheOracleDoes(sandbox, 'Create → Input Binary Field (New Document)', {
		...newDocument,
		path: ['binaryPropertyName'],
		values: fieldValues(fc.constantFrom('data', 'file', 'my file', 'Ünï')),
		judge: oracle.fieldName,
		requests: () => uploadAndCreate(FILE_NAME, 'tosign'),
	});
	itAcceptsWhatTheOracleDoes(sandbox, 'Create → File Name (New Document)', {
		...newDocument,
		path: ['additionalFields', 'fileName'],
		values: fieldValues(fc.constantFrom('contract.pdf', 'zmluva č. 5.docx', 'x')),
		judge: (value) => oracle.freeText(value),
		requests: (name) => uploadAndCreate(name ?? FILE_NAME, 'tosign'),
	});
	const documentStates = choicesOf('additionalFields', 'documentState');
	itAcceptsWhatTheOracleDoes(sandbox, 'Create → Document State (New Document)', {
		...newDocument,
		path: ['additionalFields', 'documentState'],
		values: fieldValues(fc.constantFrom(...documentStates)),
		judge: (value) => oracle.choice(value, documentStates),
		requests: (state) => uploadAndCreate(FILE_NAME, state ?? 'tosign'),
	});
});

describe('Signature Request → Create: Additional Fields', () => {
	/** Expirations are made when the run starts, relative to that moment: far enough from the limits not to flake. */
	const HOUR = 3_600_000;
	const TEN_DAYS = 240 * HOUR;
	type Expiration = { offsetMs: number; form: 'ms' | 'digits' | 'iso' | 'offset' };
	const madeAt = new Map<number, number>();
	const isExpiration = (value: unknown): value is Expiration => typeof value === 'object' && value !== null && 'offsetMs' in value && 'form' in value;
	const expirations = fc.oneof(
		fc.record({
			offsetMs: fc.oneof(fc.integer({ min: 60_000, max: TEN_DAYS - 60_000 }), fc.integer({ min: TEN_DAYS + 60_000, max: 400 * HOUR }), fc.integer({ min: -400 * HOUR, max: -60_000 }), fc.double({ min: 60_000, max: TEN_DAYS - 60_000, noNaN: true })),
			form: fc.constantFrom('ms', 'digits', 'iso', 'offset'),
		}),
		anyValue,
		fc.constantFrom('2026-02-30T10:00:00Z', 'tomorrow', '1e13', '-1', '0', '99999999999999999999'),
	);
	const [expirationName, expirationCase] = additionalField(
		'expiration',
		expirations,
		(value): oracle.Verdict<{ ms: number } | undefined> => {
			if (!isExpiration(value)) return value === undefined || value === null || (typeof value === 'string' && value.trim() === '') ? oracle.accept(undefined) : oracle.refuse('not a date in the next 10 days');
			return value.offsetMs > 0 && value.offsetMs < TEN_DAYS ? oracle.accept({ ms: value.offsetMs }) : oracle.refuse('not within 10 days');
		},
		() => ({}),
	);
	const expirationItem = (value: unknown, index: number): INodeExecutionData => {
		if (!isExpiration(value)) return { json: { v: value as never } };
		const ms = Date.now() + value.offsetMs;
		const whole = Math.round(ms);
		madeAt.set(index, value.form === 'iso' || value.form === 'offset' ? Math.floor(whole / 1000) * 1000 : whole);
		const at = new Date(Math.floor(whole / 1000) * 1000);
		const made = {
			ms,
			digits: String(whole),
			iso: at.toISOString(),
			offset: new Date(at.getTime() + 2 * HOUR).toISOString().replace('Z', '+02:00'),
		}[value.form];
		return { json: { v: made } };
	};
	itAcceptsWhatTheOracleDoes(sandbox, expirationName, {
		...expirationCase,
		item: expirationItem,
		requests: (accepted, index) => creation(accepted === undefined ? {} : { expirationTime: String(madeAt.get(index)) }),
	});

	for (const [name, values, judge, wire] of [
		['signatureRequestId', fieldValues(plausibleId), oracle.optionalId, asWire('signatureRequestId')],
		['resultUrl', fieldValues(plausibleUrl), oracle.optionalHttpUrl, asWire('resulturl')],
		['sendInfoUrl', fieldValues(plausibleUrl), oracle.optionalHttpUrl, asWire('sendInfoURL')],
		['fieldsBeforeSigning', fieldValues(fc.constantFrom(...choicesOf('additionalFields', 'fieldsBeforeSigning'))), (value: unknown) => oracle.choice(value, choicesOf('additionalFields', 'fieldsBeforeSigning')), asWire('fieldsBeforeSigning')],
	] as const) {
		const [title, field] = additionalField<string | undefined>(name, values, judge, wire);
		itAcceptsWhatTheOracleDoes(sandbox, title, {
			...field,
			// One request per signing round: a second request with an ID already used is refused (409).
			refusedByOkdokument: name === 'signatureRequestId' ? (id, earlier) => id !== undefined && earlier.includes(id) : undefined,
		});
	}

	const ignoreRequired = (value: unknown): oracle.Verdict<string[] | undefined> => {
		if (value === undefined || value === null || value === '') return oracle.accept(undefined);
		const types = Array.isArray(value) ? value : [value];
		if (!types.every((type) => typeof type === 'string' && FIELD_TYPES.includes(type))) return oracle.refuse('not field types');
		return oracle.accept(types.length > 0 ? (types as string[]) : undefined);
	};
	itAcceptsWhatTheOracleDoes(sandbox, ...additionalField('ignoreRequired', fc.oneof(fc.subarray(FIELD_TYPES), fc.constantFrom(...FIELD_TYPES), fieldValues(fc.constantFrom(...FIELD_TYPES)), fc.array(anyText, { maxLength: 3 })), ignoreRequired, asWire('ignoreRequired')));

	/** Names separated by commas or semicolons (or given as a list), each trimmed, each once, in order. */
	const fieldNames = (value: unknown): oracle.Verdict<string[] | undefined> => {
		const parts = Array.isArray(value) ? value.map(oracle.asText) : [oracle.asText(value)];
		if (parts.some((part) => !part.accepted)) return oracle.refuse('not names');
		const names = parts.flatMap((part) => (part.accepted ? part.value.split(/[,;]/) : [])).map((name) => name.trim()).filter((name) => name !== '');
		return oracle.accept(names.length > 0 ? [...new Set(names)] : undefined);
	};
	const names = fieldValues(fc.constantFrom('_SC1_', 'SC_signature, _SO2_', 'TC_a;TC_b', ' _SO1_ ,, _SO1_ '), [fc.array(fc.constantFrom('_SC1_', 'TC a', 'x,y'), { maxLength: 3 })]);
	itAcceptsWhatTheOracleDoes(sandbox, 'Create → Allowed Fields: Field Names', {
		...additionalField('allowedFields', names, fieldNames, (accepted) => (accepted === undefined ? {} : { allowedFields: { SIGNATURE: accepted } }))[1],
		placeholder: { fields: [{ type: 'SIGNATURE', names: '={{ $json.v }}' }] },
	});
	itAcceptsWhatTheOracleDoes(sandbox, 'Create → Allowed Fields: Field Type', {
		...additionalField(
			'allowedFields',
			fieldValues(fc.constantFrom(...FIELD_TYPES, 'signature', ' Text ')),
			(value) => {
				const text = oracle.asText(value);
				return text.accepted && FIELD_TYPES.includes(text.value.toUpperCase()) ? oracle.accept(text.value.toUpperCase()) : oracle.refuse('not a field type');
			},
			(type) => ({ allowedFields: { [type]: ['_SC1_'] } }),
		)[1],
		placeholder: { fields: [{ type: '={{ $json.v }}', names: '_SC1_' }] },
	});
	const allowedFieldsEncodings = choicesOf('additionalFields', 'allowedFieldsEncoding');
	itAcceptsWhatTheOracleDoes(sandbox, 'Create → Allowed Fields Encoding', {
		...additionalField(
			'allowedFieldsEncoding',
			fieldValues(fc.constantFrom(...allowedFieldsEncodings)),
			(value) => oracle.choice(value, allowedFieldsEncodings),
			(encoding) => ({ allowedFields: { SIGNATURE: encoding === 'string' ? '_SC1_;_SO2_' : ['_SC1_', '_SO2_'] } }),
		)[1],
		parameters: { ...existing, additionalFields: { allowedFields: { fields: [{ type: 'SIGNATURE', names: '_SC1_, _SO2_' }] } } },
	});

	const fieldValueEntry = (name: string, value: string, readOnly: boolean) => ({ fieldConfig: [{ name, value, readOnly }] });
	itAcceptsWhatTheOracleDoes(sandbox, 'Create → Field Values: Field Name', {
		...additionalField(
			'fieldConfig',
			fieldValues(fc.constantFrom('TC_customer_name', 'TC name ž', '0')),
			(value) => {
				const text = oracle.asText(value);
				return !text.accepted ? text : text.value === '' ? oracle.refuse('no name') : text;
			},
			(name) => fieldValueEntry(name, 'Jana', false),
		)[1],
		placeholder: { fields: [{ name: '={{ $json.v }}', value: 'Jana', readOnly: false }] },
	});
	itAcceptsWhatTheOracleDoes(sandbox, 'Create → Field Values: Value', {
		...additionalField(
			'fieldConfig',
			fc.oneof(anyValue, anyText, notText),
			// Any value: text as it is, an object or a list as its JSON (the field's documented use is text).
			(value) => oracle.accept(value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value)),
			(text) => fieldValueEntry('TC_a', text, false),
		)[1],
		placeholder: { fields: [{ name: 'TC_a', value: '={{ $json.v }}', readOnly: false }] },
	});
	itAcceptsWhatTheOracleDoes(sandbox, 'Create → Field Values: Read Only', {
		...additionalField('fieldConfig', fc.oneof(fc.boolean(), fc.constantFrom('true', 'false'), anyValue), oracle.boolean, (readOnly) => fieldValueEntry('TC_a', 'x', readOnly === true))[1],
		placeholder: { fields: [{ name: 'TC_a', value: 'x', readOnly: '={{ $json.v }}' }] },
	});

	const NODE_KEYS = ['signatureRequestId', 'id', 'changeState', 'sendInfoURL', 'filedata', 'resulturl', 'expirationTime', 'allowedFields', 'fieldConfig', 'ignoreRequired', 'fieldsBeforeSigning', 'rules'].map((key) => key.toLowerCase());
	const bodyFields = (value: unknown): oracle.Verdict<IDataObject | undefined> => {
		let parsed = value;
		if (typeof value === 'string') {
			if (value.trim() === '') return oracle.accept(undefined);
			try {
				parsed = JSON.parse(value);
			} catch {
				return oracle.refuse('not JSON');
			}
		}
		if (parsed === undefined || parsed === null) return oracle.accept(undefined);
		if (typeof parsed !== 'object' || Array.isArray(parsed)) return oracle.refuse('not a JSON object');
		if (oracle.hasKeyN8nDrops(parsed)) return oracle.refuse('a key n8n leaves out of what it sends');
		if (Object.keys(parsed).some((key) => NODE_KEYS.includes(key.toLowerCase()))) return oracle.refuse('a key the node sets');
		return oracle.accept(Object.keys(parsed).length > 0 ? oracle.asJson(parsed as IDataObject) : undefined);
	};
	const someBodyFields = fc.oneof(
		fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('sigData', 'RESULTURL', 'Rules', 'sendInfoUrl', 'ID', '__proto__', 'constructor', 'prototype')), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
		fc.jsonValue({ maxDepth: 2 }),
	);
	itAcceptsWhatTheOracleDoes(sandbox, ...additionalField('additionalBodyFields', fc.oneof(someBodyFields, someBodyFields.map((value) => JSON.stringify(value)), mutated(someBodyFields.map((value) => JSON.stringify(value))), anyValue), bodyFields, (fields) => ({ ...fields })));
});

describe('Signature Request → Create: Signing Rules', () => {
	const rule = <A>(name: string, values: fc.Arbitrary<unknown>, judge: (value: unknown) => oracle.Verdict<A>, rules: IDataObject = {}, wire = (accepted: A): IDataObject => ({ [name]: accepted as IDataObject[string] })): [string, FieldCase<A>] => [
		`Create → Signing Rules → ${labelOf(create.resource, create.operation, ['rules', name])}`,
		{
			...create,
			path: ['rules', name],
			parameters: { ...existing, rules: rules as INodeParameters },
			values,
			judge,
			prepare: prepareDocument,
			requests: (accepted) => {
				const sent = { ...rules, ...(accepted === undefined ? {} : wire(accepted)) };
				return creation(Object.keys(sent).length > 0 ? { rules: sent } : {});
			},
		},
	];
	const addresses = fc.constantFrom('jana@example.com', 'j.nováková@firma.sk', 'a+b@x.co', 'office@example.com');
	const phones = fc.constantFrom('+421900123456', '+421 900 123 456', '(02) 123-456', '0900/123.456');
	const booleans = fc.oneof(fc.boolean(), fc.constantFrom('true', 'false'), anyValue);
	const languages = choicesOf('rules', 'lang');
	const cases: Array<[string, FieldCase<unknown>]> = [
		...['mouseSignature', 'signAnywhereEnabled', 'guiRemoteQRCodeEnabled', 'guiRequestSignerName', 'guiAutoSubmit', 'guiAutoEnvelopeSubmit', 'guiOpenSignature', 'guiReadRequired', 'guiOneButton'].map((name) => rule(name, booleans, oracle.boolean)),
		...['openOtpEmail', 'signOtpEmail', 'emailFrom'].map((name) => rule(name, fieldValues(addresses), oracle.email)),
		rule('emailTo', fieldValues(addresses), oracle.email, { emailFrom: 'office@example.com' }),
		rule('emailFinal', fieldValues(fc.constantFrom('a@x.co; b@y.sk', 'a@x.co,b@y.sk|c@z.cz', 'office@example.com'), [fc.array(addresses, { maxLength: 3 })]), oracle.emailList, {}, (list: unknown) => ({ emailFinal: (list as string[]).join(';') })),
		...['openOtpPhone', 'signOtpPhone'].map((name) => rule(name, fieldValues(phones), oracle.phone)),
		rule('lang', fieldValues(fc.constantFrom(...languages, 'EN', ' Sk ')), (value) => {
			const text = oracle.asText(value);
			if (!text.accepted || text.value === '') return text.accepted ? oracle.accept(undefined) : text;
			return languages.includes(text.value.toLowerCase()) ? oracle.accept(text.value.toLowerCase()) : oracle.refuse('not a language');
		}),
		rule('guiSignerName', fieldValues(fc.constantFrom('Jana Nováková', 'x'.repeat(40), 'é'.repeat(41), '😀'.repeat(40))), (value) => oracle.freeText(value, 40)),
		...['emailMessage', 'nameFrom'].map((name) => rule(name, fieldValues(fc.constantFrom('Please sign.', 'Ján\nNovák', 'Firma, s.r.o.')), (value) => oracle.freeText(value))),
	];
	for (const [title, field] of cases) itAcceptsWhatTheOracleDoes(sandbox, title, field);

	const RULE_NAME = /^[A-Za-z][A-Za-z0-9.]*$/;
	/** Custom Rules: a JSON object, sent as written; or the Name-Value text, which then carries every rule as text. */
	const customRules = (value: unknown): oracle.Verdict<IDataObject | string | undefined> => {
		if (value === undefined || value === null) return oracle.accept(undefined);
		let rules: unknown = value;
		if (typeof value !== 'object') {
			const text = String(value).trim();
			if (text === '') return oracle.accept(undefined);
			if (/^[[{"]/.test(text)) {
				try {
					rules = JSON.parse(text);
				} catch {
					return oracle.refuse('not JSON');
				}
			} else {
				const parts = text.split('_').filter((part) => part.trim() !== '');
				const pairs = parts.map((part) => [part.slice(0, part.indexOf('-')).trim(), part.slice(part.indexOf('-') + 1).trim(), part.includes('-')] as const);
				if (!/^[A-Za-z][A-Za-z0-9.]*-/.test(text) || pairs.some(([name, rest, dashed]) => !dashed || !RULE_NAME.test(name) || rest.includes('-'))) return oracle.refuse('not Name-Value');
				return oracle.accept(pairs.map(([name, rest]) => `${name}-${rest}`).join('_'));
			}
		}
		if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) return oracle.refuse('not an object');
		if (oracle.hasKeyN8nDrops(rules)) return oracle.refuse('a key n8n leaves out of what it sends');
		return oracle.accept(Object.keys(rules).length > 0 ? oracle.asJson(rules as IDataObject) : undefined);
	};
	const someRules = fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('guiSignerDate', 'lang', 'emailNotification')), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
	const nameValue = fc.array(fc.tuple(fc.constantFrom('signAnywhereEnabled', 'lang', 'gui.x', 'a1'), fc.constantFrom('false', 'en', 'x y', 'é')), { minLength: 1, maxLength: 3 }).map((pairs) => pairs.map(([name, value]) => `${name}-${value}`).join('_'));
	itAcceptsWhatTheOracleDoes(sandbox, 'Create → Signing Rules → Custom Rules', {
		...create,
		path: ['rules', 'customRules'],
		parameters: existing,
		values: fc.oneof(someRules, someRules.map((rules) => JSON.stringify(rules)), nameValue, mutated(nameValue), mutated(someRules.map((rules) => JSON.stringify(rules))), anyValue),
		judge: customRules,
		prepare: prepareDocument,
		requests: (rules) => creation(rules === undefined ? {} : { rules }),
	});
});
