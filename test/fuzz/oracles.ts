/**
 * What a field should accept, and what of it should reach the wire: the README's rules, written out here on their
 * own, without the node's code, so that the generated suites check the node against them rather than against itself.
 *
 * The rules the README states: values are trimmed; an ID is text without white space, control or invisible
 * characters, at most 200 characters; a URL is an absolute http(s) URL; an empty optional field is left out; a value
 * that is not what the field takes is refused, naming the field and the item, before anything is sent. Where the
 * README says nothing, the rules below say what a careful user would expect: a number is text (a spreadsheet's ID
 * column), but true, a list or an object is no text, and null or a missing value is empty.
 */

export type Verdict<T> = { accepted: true; value: T } | { accepted: false; why: string };

export const accept = <T>(value: T): Verdict<T> => ({ accepted: true, value });
export const refuse = (why: string): Verdict<never> => ({ accepted: false, why });

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Text every encoder can write: no half of a surrogate pair alone. */
export function isWellFormed(text: string): boolean {
	return !UNPAIRED_SURROGATE.test(text);
}

/** White space, control characters (C0, C1), invisible format characters, unpaired surrogates: never in an ID, a URL or an address. */
const FORBIDDEN_IN_TOKENS = /[\s\p{Cc}\p{Cf}]/u;

export function hasForbiddenCharacter(text: string): boolean {
	return FORBIDDEN_IN_TOKENS.test(text) || !isWellFormed(text);
}

/** A value read as text: a string trimmed, a finite number written out, null or missing as empty; nothing else is text. */
export function asText(value: unknown): Verdict<string> {
	if (value === undefined || value === null) return accept('');
	if (typeof value === 'string') return accept(value.trim());
	if (typeof value === 'number') return Number.isFinite(value) ? accept(String(value)) : refuse(`the number ${value}`);
	return refuse(Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`);
}

/** A required ID (Signature Request ID, Document ID). */
export function id(value: unknown): Verdict<string> {
	const text = asText(value);
	if (!text.accepted) return text;
	if (text.value === '') return refuse('empty');
	if (text.value.length > 200) return refuse('longer than 200');
	if (hasForbiddenCharacter(text.value)) return refuse('a character no ID holds');
	// A URL reads "." and ".." as folders: no request path could name such an ID.
	if (text.value === '.' || text.value === '..') return refuse('a dot segment');
	return text;
}

/** An optional ID: empty is left out. */
export function optionalId(value: unknown): Verdict<string | undefined> {
	const text = asText(value);
	if (text.accepted && text.value === '') return accept(undefined);
	return id(value);
}

/** An optional absolute http(s) URL, sent as written (trimmed); empty is left out. */
export function optionalHttpUrl(value: unknown): Verdict<string | undefined> {
	if (value === undefined || value === null) return accept(undefined);
	if (typeof value !== 'string') return refuse('not text');
	const url = value.trim();
	if (url === '') return accept(undefined);
	if (hasForbiddenCharacter(url)) return refuse('a character no URL holds');
	if (!/^https?:\/\/[^/?#\\]/i.test(url)) return refuse('not scheme://host');
	try {
		const parsed = new URL(url);
		if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return refuse('not http(s)');
	} catch {
		return refuse('not a URL');
	}
	return accept(url);
}

/** One of a list of values (an options field set by an expression), trimmed; empty means the default. */
export function choice<T extends string>(value: unknown, allowed: readonly T[]): Verdict<T | undefined> {
	const text = asText(value);
	if (!text.accepted) return text;
	if (text.value === '') return accept(undefined);
	return (allowed as readonly string[]).includes(text.value) ? accept(text.value as T) : refuse('not listed');
}

const ADDRESS = /^[^@;,<>"|]+@[^@;,<>"|]+\.[^@;,<>"|]+$/;

/** One e-mail address; empty is left out. */
export function email(value: unknown): Verdict<string | undefined> {
	const text = asText(value);
	if (!text.accepted) return text;
	if (text.value === '') return accept(undefined);
	if (hasForbiddenCharacter(text.value) || !ADDRESS.test(text.value)) return refuse('not one address');
	return text;
}

/** Addresses separated by ; , or | (or a list of them), each one address; none is left out. */
export function emailList(value: unknown): Verdict<string[] | undefined> {
	const texts: string[] = [];
	for (const entry of Array.isArray(value) ? value : [value]) {
		const text = asText(entry);
		if (!text.accepted) return text;
		texts.push(text.value);
	}
	const parts = texts
		.join(';')
		.split(/[;,|]/)
		.map((part) => part.trim())
		.filter((part) => part !== '');
	if (parts.length === 0) return accept(undefined);
	for (const part of parts) {
		if (!email(part).accepted) return refuse('not addresses');
	}
	return accept(parts);
}

/** Keys n8n's copies of data leave out (n8n-workflow's deepCopy), read from n8n-workflow 2.41. */
const KEYS_N8N_DROPS = ['__proto__', 'constructor', 'prototype'];

/** Whether a value holds such a key at any depth: it would not reach OKdokument. */
export function hasKeyN8nDrops(value: unknown): boolean {
	if (typeof value !== 'object' || value === null) return false;
	return Object.keys(value).some((key) => KEYS_N8N_DROPS.includes(key) || hasKeyN8nDrops((value as Record<string, unknown>)[key]));
}

/** A value as JSON carries it (undefined in a list becomes null, undefined values go). */
export function asJson<T>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}

/** A phone number: digits, a leading +, spaces, ( ) / . -; at least six digits. */
export function phone(value: unknown): Verdict<string | undefined> {
	const text = asText(value);
	if (!text.accepted) return text;
	if (text.value === '') return accept(undefined);
	if (!/^\+?[0-9 ()/.-]+$/.test(text.value) || text.value.replace(/[^0-9]/g, '').length < 6) return refuse('not a phone number');
	return text;
}

/** True or false, as a boolean or its text; empty is unset. */
export function boolean(value: unknown): Verdict<boolean | undefined> {
	if (value === undefined || value === null || value === '') return accept(undefined);
	if (value === true || value === 'true') return accept(true);
	if (value === false || value === 'false') return accept(false);
	return refuse('not true or false');
}

/** Free text (a message, a name): trimmed, empty left out, at most `maxCharacters` characters when given. */
export function freeText(value: unknown, maxCharacters?: number): Verdict<string | undefined> {
	const text = asText(value);
	if (!text.accepted) return text;
	if (text.value === '') return accept(undefined);
	if (maxCharacters !== undefined && [...text.value].length > maxCharacters) return refuse('too long');
	return text;
}

/** A binary field's name (input or output): text, not empty, not a key n8n's copies of an item drop. */
export function fieldName(value: unknown): Verdict<string> {
	const text = asText(value);
	if (!text.accepted) return text;
	return text.value === '' ? refuse('empty') : KEYS_N8N_DROPS.includes(text.value) ? refuse('a key n8n drops') : text;
}

/** A whole number from `min` to `max`, as a number or digits. */
export function wholeNumber(value: unknown, min: number, max = Infinity): Verdict<number> {
	const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
	return Number.isInteger(number) && number >= min && number <= max ? accept(number) : refuse(`not a whole number from ${min} to ${max}`);
}

/** A number of at least `min` (and at most `max`), as a number or its text. */
export function numberAtLeast(value: unknown, min: number, max = Infinity): Verdict<number> {
	const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
	return Number.isFinite(number) && number >= min && number <= max ? accept(number) : refuse(`not a number from ${min} to ${max}`);
}
