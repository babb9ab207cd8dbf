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

/** White space and control characters never belong in an ID. */
export function findForbiddenCharacter(id: string): string | undefined {
	// The common case, a plain ASCII ID, needs no look at each character's class.
	if (isPrintableAscii(id)) return undefined;
	for (const character of id) {
		const code = character.codePointAt(0) ?? 0;
		const isControl = code < 0x20 || (code >= 0x7f && code <= 0x9f);
		if (isControl || /\s/.test(character)) return character;
	}
	return undefined;
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

function describeCharacter(character: string): string {
	if (character === ' ') return 'a space';
	const code = (character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
	return `the character U+${code}`;
}

/** Trims an ID and refuses values OKdokument could never know. */
export function validateId(value: unknown, field: FieldRef): string {
	if (typeof value === 'object' && value !== null) {
		throw invalidField(
			field,
			`must be text, not ${Array.isArray(value) ? 'a list' : 'an object'}`,
			'Map a single ID, for example {{ $json.signatureRequestId }}.',
		);
	}
	const id = value === undefined || value === null ? '' : String(value).trim();
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
			'IDs cannot contain spaces, line breaks or other control characters. Check the value or expression.',
		);
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
	let parsed: URL | undefined;
	try {
		parsed = new URL(url);
	} catch {
		parsed = undefined;
	}
	if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
		throw invalidField(
			field,
			`is not an absolute http(s) URL: "${shortened(url)}"`,
			'Enter a full URL that starts with https:// (or http://), such as https://example.com/done.',
		);
	}
	return url;
}
