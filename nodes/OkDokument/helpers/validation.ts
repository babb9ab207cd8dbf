import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * For getNodeParameter on a field whose value the node checks itself (validateId, validateOptionalHttpUrl).
 * n8n's own check only acts on a property with a validateType, which ours do not declare, and finding the
 * property among the node's costs about 5 µs per read (test/update.validation.test.ts holds the fields to that).
 */
export const WITHOUT_SCHEMA_CHECK = { skipValidation: true } as const;

/** Longer than any ID OKdokument or a caller would choose; longer values are a mistake. */
export const MAX_ID_LENGTH = 200;

/** Printable ASCII (U+0021 to U+007E) holds neither white space nor a control character. */
function isPrintableAscii(id: string): boolean {
	for (let index = 0; index < id.length; index++) {
		const code = id.charCodeAt(index);
		if (code <= 0x20 || code >= 0x7f) return false;
	}
	return true;
}

/**
 * White space, control characters, invisible format characters (a zero-width space, a direction mark, a soft
 * hyphen) and unpaired surrogates: what a copied cell or a broken expression leaves in a value, which nobody can
 * see in the field, and, for an unpaired surrogate, which cannot even be written into a URL or sent as UTF-8.
 */
const FORBIDDEN_CHARACTER = /^[\s\p{Cc}\p{Cf}\p{Cs}]$/u;

/** The first character that never belongs in an ID or a URL (see FORBIDDEN_CHARACTER), or undefined. */
export function findForbiddenCharacter(id: string): string | undefined {
	// The common case, a plain ASCII ID, needs no look at each character's class.
	if (isPrintableAscii(id)) return undefined;
	for (const character of id) {
		if (FORBIDDEN_CHARACTER.test(character)) return character;
	}
	return undefined;
}

/**
 * "." and "..": an ID no URL can carry, since URLs read them as "this folder" and "the folder above" (encoded or
 * not), so /JSON/document/.. would be a request for /JSON/.
 */
export function isDotSegment(id: string): boolean {
	return id === '.' || id === '..';
}

/** A node's context (this in execute), which copies the node each time it is asked for it. */
interface NodeSource {
	getNode(): INode;
}

export interface FieldRef {
	/** Or the node's context, which gives the node only when an error names it (see fieldOf). */
	node: INode | NodeSource;
	itemIndex: number;
	/** The field's label as the user sees it in the node. */
	label: string;
}

/**
 * The field `label` of item `itemIndex`. The node is looked up only when an error names it:
 * getNode() copies the whole node, which is too much to do for every valid value.
 */
export function fieldOf(context: NodeSource, itemIndex: number, label: string): FieldRef {
	return { node: context, itemIndex, label };
}

export function invalidField(field: FieldRef, problem: string, hint: string): NodeOperationError {
	return new NodeOperationError(
		'getNode' in field.node ? field.node.getNode() : field.node,
		`${field.label} ${problem} (item index ${field.itemIndex})`,
		{ itemIndex: field.itemIndex, description: hint },
	);
}

/** A value as an error message quotes it: at most 100 characters. */
export function shortened(text: string): string {
	return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

/** Any value as text for a message: String() throws for some objects (a "toString" key that is no function). */
export function valueText(value: unknown): string {
	if (typeof value === 'string') return value;
	try {
		return (typeof value === 'object' && value !== null ? JSON.stringify(value) : undefined) ?? String(value);
	} catch {
		return Object.prototype.toString.call(value);
	}
}

/** Keys n8n's copies of data leave out (n8n-workflow's deepCopy): nothing can be sent or kept under them. */
export const KEYS_N8N_DROPS = ['__proto__', 'constructor', 'prototype'];

/** The first key of KEYS_N8N_DROPS a value holds, at any depth, or undefined. */
export function findKeyN8nDrops(value: unknown, depth = 0): string | undefined {
	if (typeof value !== 'object' || value === null || depth > 64) return undefined;
	for (const [key, entry] of Object.entries(value)) {
		const dropped = KEYS_N8N_DROPS.includes(key) ? key : findKeyN8nDrops(entry, depth + 1);
		if (dropped !== undefined) return dropped;
	}
	return undefined;
}

/** Refuses a value that holds a key n8n would leave out of the request it sends (see findKeyN8nDrops). */
export function refuseKeysN8nDrops(value: unknown, field: FieldRef): void {
	const dropped = findKeyN8nDrops(value);
	if (dropped !== undefined) {
		throw invalidField(field, `has a key "${dropped}", which n8n leaves out of the request it sends`, 'Remove that key: it cannot reach OKdokument.');
	}
}

/** A switch an expression may set: true or false, or that text; `unset` for nothing (null, undefined, ''), when given. */
export function readBoolean(value: unknown, field: FieldRef, unset?: boolean): boolean {
	if (typeof value === 'boolean') return value;
	if (unset !== undefined && (value === undefined || value === null || value === '')) return unset;
	if (value === 'true' || value === 'false') return value === 'true';
	throw invalidField(field, `must be true or false, not "${shortened(valueText(value))}"`, 'Switch it on or off, or map a boolean.');
}

export interface NumberLimits {
	min: number;
	max?: number;
	/** Whether only whole numbers are allowed. */
	whole?: boolean;
}

/** A number an expression may set: a number or its digits as text, within the limits. */
export function readNumber(value: unknown, field: FieldRef, limits: NumberLimits): number {
	const number =
		typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
	const { min, max = Infinity, whole = false } = limits;
	if (!Number.isFinite(number) || number < min || number > max || (whole && !Number.isInteger(number))) {
		const range = `${whole ? 'a whole number' : 'a number'} ${max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`}`;
		const given = typeof value === 'number' ? String(value) : `"${shortened(valueText(value))}"`;
		throw invalidField(field, `must be ${range}, not ${given}`, `Enter ${range}, or map one.`);
	}
	return number;
}

/** A character as a message names it: "a space", or "the character U+00A0". */
export function describeCharacter(character: string): string {
	if (character === ' ') return 'a space';
	const code = (character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
	return `the character U+${code}`;
}

/** What a value that is not text is, for "must be text, not …"; undefined for text, a finite number, null and undefined. */
export function notTextKind(value: unknown): string | undefined {
	if (value === undefined || value === null || typeof value === 'string') return undefined;
	if (typeof value === 'number') return Number.isFinite(value) ? undefined : String(value);
	if (typeof value === 'object') return Array.isArray(value) ? 'a list' : 'an object';
	return typeof value === 'boolean' ? String(value) : `a ${typeof value}`;
}

/**
 * A text field's value, trimmed: text, or a number written out (a spreadsheet's column); null or a missing value
 * is empty. Anything else is refused: written out, true would become "true" and an object "[object Object]".
 */
export function readText(
	value: unknown,
	field: FieldRef,
	hint = 'Enter text, or check that the expression returns a single text value.',
): string {
	const kind = notTextKind(value);
	if (kind !== undefined) throw invalidField(field, `must be text, not ${kind}`, hint);
	return value === undefined || value === null ? '' : String(value).trim();
}

/** Trims an ID and refuses values OKdokument could never know. */
export function validateId(value: unknown, field: FieldRef): string {
	const id = readText(value, field, 'Map a single ID, for example {{ $json.signatureRequestId }}.');
	if (id === '') {
		throw invalidField(
			field,
			'is empty',
			'Enter the ID, or map it from the input, for example {{ $json.signatureRequestId }}.',
		);
	}
	if (id.length > MAX_ID_LENGTH) {
		throw invalidField(
			field,
			`is ${id.length} characters long`,
			`IDs are at most ${MAX_ID_LENGTH} characters. Check that the expression returns a single ID.`,
		);
	}
	const forbidden = findForbiddenCharacter(id);
	if (forbidden !== undefined) {
		throw invalidField(
			field,
			`contains ${describeCharacter(forbidden)}`,
			'IDs cannot contain spaces, line breaks, or other control or invisible characters. Check the value or expression.',
		);
	}
	if (isDotSegment(id)) {
		throw invalidField(field, `is "${id}"`, 'That is no ID: in a URL it means a folder. Check the value or expression.');
	}
	return id;
}

/** Trims an optional URL; returns undefined when empty, or the URL when it is absolute http(s). */
export function validateOptionalHttpUrl(value: unknown, field: FieldRef): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') {
		throw invalidField(field, `must be text, not ${typeof value}`, 'Enter a URL such as https://example.com/done.');
	}
	const url = value.trim();
	if (url === '') return undefined;
	// URL parsers drop tabs and line breaks and tolerate spaces, but the text is sent as written.
	const forbidden = findForbiddenCharacter(url);
	if (forbidden !== undefined) {
		throw invalidField(
			field,
			`contains ${describeCharacter(forbidden)}`,
			'A URL cannot contain spaces, line breaks, or other control or invisible characters: write a space as %20, and check the value or expression.',
		);
	}
	let parsed: URL | undefined;
	try {
		parsed = new URL(url);
	} catch {
		parsed = undefined;
	}
	// "scheme://host" as written: a parser also reads https:example.com and https:///example.com, a caller may not.
	const hasAuthority = /^https?:\/\/[^/?#\\]/i.test(url);
	if (!parsed || !hasAuthority || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
		throw invalidField(
			field,
			`is not an absolute http(s) URL: "${shortened(url)}"`,
			'Enter a full URL that starts with https:// (or http://), such as https://example.com/done.',
		);
	}
	return url;
}
