/**
 * What people and systems at the edges put into a field: text with control, invisible and look-alike characters,
 * unpaired surrogates, very long text, numbers that are not quite numbers, lists, objects, null, and the plausible
 * values they were meant to be, mutated. Every field's generator mixes these with its own valid values.
 */
import fc from 'fast-check';

/** C0 and C1 control characters, the ones a spreadsheet or a copy carries in the first place. */
export const CONTROL_CHARACTERS = ['\u0000', '\u0001', '\u0007', '\b', '\t', '\n', '\u000b', '\f', '\r', '\u001b', '\u007f', '\u0080', '\u0085', '\u009f'];
/** White space other than the plain space, and the byte order mark. */
export const UNICODE_SPACES = ['\u00a0', '\u1680', '\u2000', '\u2003', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff'];
/** Characters that show nothing: zero-width, joiners, direction marks and overrides, the soft hyphen. */
export const INVISIBLE_CHARACTERS = ['\u00ad', '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u202a', '\u202e', '\u2060', '\u2066', '\u061c'];
/** Characters that pass for ASCII ones: Cyrillic, fullwidth, dotless i, long s, fraction slash. */
export const LOOK_ALIKES = ['а', 'е', 'о', 'р', 'с', 'х', 'ı', 'ſ', 'Ａ', '０', '⁄', '∕', '／', '：', '．', '＠', 'ꓲ'];
/** Halves of a surrogate pair, alone: text no UTF-8 encoder can write. */
export const UNPAIRED_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff'];
/** Characters that mean something in URLs, JSON, expressions, CSV, the rules' Name-Value form, or nothing at all. */
export const SYNTAX_CHARACTERS = [...'%/\\?#&="\'<>{}|;,_-.@:`^~[]()*+$!', '%2F', '%00', '%zz', '..', '{{', '}}', '=', '😀', 'é', 'e\u0301', '𝔘', '\u{10ffff}'];

/** One character (or short sequence) from the sets above. */
export const oddCharacter = fc.oneof(
	fc.constantFrom(...CONTROL_CHARACTERS),
	fc.constantFrom(' ', ...UNICODE_SPACES),
	fc.constantFrom(...INVISIBLE_CHARACTERS),
	fc.constantFrom(...LOOK_ALIKES),
	fc.constantFrom(...UNPAIRED_SURROGATES),
	fc.constantFrom(...SYNTAX_CHARACTERS),
);

/** `text` with odd characters put in at random places, or around it (a copied cell's tab, a trailing newline). */
export function mutated(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
	return fc.oneof(
		fc
			.tuple(text, fc.array(fc.tuple(fc.nat(), oddCharacter), { minLength: 1, maxLength: 3 }))
			.map(([base, inserts]) =>
				inserts.reduce((value, [at, character]) => {
					const index = at % (value.length + 1);
					return `${value.slice(0, index)}${character}${value.slice(index)}`;
				}, base),
			),
		fc
			.tuple(fc.constantFrom('', ' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\ufeff', '\u3000'), text, fc.constantFrom('', ' ', '\t', '\n', '\r\n', '\u00a0', '\u200b'))
			.map(([before, base, after]) => `${before}${base}${after}`),
	);
}

/** Text of every kind: any code point (unpaired surrogates too), graphemes, odd characters, repeated. */
export const anyText = fc.oneof(
	fc.string({ unit: 'binary', maxLength: 24 }),
	fc.string({ unit: 'grapheme', maxLength: 12 }),
	fc.string({ unit: oddCharacter, maxLength: 8 }),
	fc.string({ maxLength: 16 }),
	fc.constantFrom('', ' ', '\t', '\n', '..', 'null', 'undefined', 'NaN', 'true', '[object Object]', '={{ $json.v }}', '{{ 1 + 1 }}', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '{"a":1}', '[1,2]', '-', '_', '.', '0', '-1', '1e3'),
);

/** Text around a length limit: `limit` characters give or take two, of one character or of a few. */
export function textAround(limit: number): fc.Arbitrary<string> {
	return fc
		.tuple(fc.integer({ min: limit - 2, max: limit + 2 }), fc.constantFrom('x', 'é', '😀', 'ab', '\u00a0'))
		.map(([length, unit]) => unit.repeat(Math.max(1, Math.round(length / unit.length))));
}

/** Text far too long for any field: what an expression that returns a whole document gives. */
export const hugeText = fc
	.tuple(fc.integer({ min: 1_000, max: 40_000 }), fc.constantFrom('x', 'é', 'ab ', '\n'))
	.map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));

/** Numbers as expressions give them: integers, fractions, and what JSON cannot hold. */
export const anyNumber = fc.oneof(
	fc.integer(),
	fc.double(),
	fc.constantFrom(0, -0, 1, -1, 0.5, 1e21, Number.MAX_SAFE_INTEGER + 2, NaN, Infinity, -Infinity),
);

/** A resource locator's value saved in another shape, or a look-alike of one. */
const locatorLike = fc.record(
	{ __rl: fc.constant(true), mode: fc.constantFrom('list', 'id', 'url', 'other', ''), value: fc.oneof(anyText, fc.constant(null)) },
	{ requiredKeys: ['mode', 'value'] },
);

/** Everything that is not text: numbers, booleans, null, undefined, lists and objects (nested, with odd keys). */
export const notText = fc.oneof(
	anyNumber,
	fc.boolean(),
	fc.constant(null),
	fc.constant(undefined),
	fc.array(fc.oneof(anyText, anyNumber, fc.constant(null)), { maxLength: 4 }),
	fc.jsonValue({ maxDepth: 3 }),
	fc.object({ maxDepth: 2, maxKeys: 4 }),
	fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'toString', 'valueOf', 'mode', 'value', 'id'), anyText, { maxKeys: 3 }),
	locatorLike,
);

/** Any value an item's field may hold. */
export const anyValue = fc.oneof({ weight: 3, arbitrary: anyText }, { weight: 2, arbitrary: notText }, { weight: 1, arbitrary: hugeText });

/**
 * A field's values: its valid ones, the same mutated, and anything at all, in the given proportions.
 * `valid` may produce any type; mutation applies to its text.
 */
export function fieldValues(valid: fc.Arbitrary<string>, extra: Array<fc.Arbitrary<unknown>> = []): fc.Arbitrary<unknown> {
	return fc.oneof(
		{ weight: 4, arbitrary: valid },
		{ weight: 3, arbitrary: mutated(valid) },
		{ weight: 3, arbitrary: anyValue },
		...extra.map((arbitrary) => ({ weight: 2, arbitrary })),
	);
}

const idCharacter = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-');

/** IDs as OKdokument issues them (UUIDs, base64url) and as people choose them (order-42/2, čislo, 12345). */
export const plausibleId = fc.oneof(
	fc.uuid(),
	fc.string({ unit: idCharacter, minLength: 1, maxLength: 40 }),
	fc.tuple(fc.constantFrom('order', 'zmluva-č', 'INV', 'a/b', 'x?y', 'p#1', '100%', 'ünï', '😀'), fc.nat(99999)).map(([prefix, n]) => `${prefix}-${n}`),
	fc.nat().map(String),
	textAround(200).filter((text) => !/\s/.test(text)),
);

/** Absolute http(s) URLs of many shapes: ports, paths, queries, fragments, unicode, user-info, IPs. */
export const plausibleUrl = fc.oneof(
	fc.webUrl({ withQueryParameters: true, withFragments: true, validSchemes: ['http', 'https'] }),
	fc.tuple(fc.constantFrom('https://', 'http://', 'HTTPS://', 'Http://'), fc.constantFrom('hooks.example.com', 'exämple.sk', '127.0.0.1:5678', '[::1]:8080', 'user:pass@host.example', 'xn--exmple-cua.sk', 'localhost'), fc.constantFrom('', '/', '/webhook/abc', '/a b', '/ä?x=1&y=ž', '/x#frag', '/%20', '/{{id}}'))
		.map(([scheme, host, path]) => `${scheme}${host}${path}`),
);
