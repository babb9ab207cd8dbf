/**
 * Hostile callbacks: what may reach a trigger's production URL or a waiting execution's resume URL instead of
 * OKdokument's callback. JSON of any shape, callbacks about other documents and requests or with claims no one
 * confirms, text that is no JSON, forms with repeated keys, XML, multipart, empty bodies, bodies of a few MB and
 * above n8n's payload limit, deeply nested JSON, gzip that is none, wrong or missing content types.
 *
 * A callback is a recipe (kind, content type, body), made into bytes only when sent, so that a counterexample
 * prints short.
 */
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';

import fc from 'fast-check';

import { anyText } from './values';

export interface HostileCallback {
	/** What it is, for the counterexample. */
	kind: string;
	contentType?: string;
	contentEncoding?: string;
	/** The body as text, or a body made when sent: `{ json }` serialized, or `{ bytes }` of padding around a callback. */
	body: string | { json: unknown } | { bytes: number; around: unknown } | { depth: number; around: unknown };
	/** Added to the URL's query. */
	query?: string;
}

/** The IDs a callback may name: the awaited ones first, then others it knows, and ones nobody knows. */
export interface KnownIds {
	documents: string[];
	requests: string[];
}

const STATES = ['signed', 'canceled', 'cancelled', 'SIGNED', ' signed ', 'tosign', 'errorsendinfo', 'deliveryFailed', '', 'true', 'sign'];

/** Something in an ID's place: a known ID, one nobody knows, or no ID at all. */
function idLike(known: string[]): fc.Arbitrary<unknown> {
	return fc.oneof(
		{ weight: 4, arbitrary: fc.constantFrom(...known) },
		{ weight: 1, arbitrary: fc.constantFrom(...known).map((id) => ` ${id}\n`) },
		{ weight: 1, arbitrary: fc.constantFrom(...known).map((id) => `${id}\u200b`) },
		{ weight: 1, arbitrary: fc.constantFrom(...known).map((id) => [id, id]) },
		{ weight: 1, arbitrary: fc.constantFrom(...known).map((id) => ({ id })) },
		{ weight: 2, arbitrary: fc.oneof(fc.uuid(), anyText, fc.integer(), fc.constant(null), fc.constantFrom('.', '..', '%2e%2e', 'a/b', '*')) },
	);
}

/** A body of either documented shape (or both mixed), about any of the IDs, claiming any state, with extra keys. */
function callbackShaped(ids: KnownIds): fc.Arbitrary<Record<string, unknown>> {
	return fc.record(
		{
			state: fc.oneof(fc.constantFrom(...STATES), anyText),
			id: idLike(ids.documents),
			documentId: idLike(ids.documents),
			signatureRequestId: idLike(ids.requests),
			result: idLike(ids.requests),
			success: fc.constantFrom(true, false, 'true', 'false', 1, null),
			code: fc.constantFrom('SUCCESS', 'success', 'CANCELED', 'ERROR', ''),
			url: fc.oneof(
				fc.constantFrom(...ids.documents).map((id) => `https://api.okdokument.com/JSON/document/${id}`),
				fc.constantFrom(...ids.requests).map((id) => `https://api.okdokument.com/openDocument/${id}`),
				anyText,
			),
			message: anyText,
			constructor: anyText,
		},
		{ requiredKeys: [] },
	);
}

const MIB = 1024 * 1024;

export function hostileCallbacks(ids: KnownIds): fc.Arbitrary<HostileCallback> {
	const shaped = callbackShaped(ids);
	const jsonTypes = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json ; charset=utf-8', 'application/json; charset=latin1', 'application/json; charset=bogus');
	// A form cannot carry half a surrogate pair: it is sent as the replacement character.
	const encode = (text: string) => encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
	const asForm = (fields: Record<string, unknown>, repeat: boolean) =>
		Object.entries(fields)
			.flatMap(([key, value]) => (repeat ? [key, key] : [key]).map((name) => `${encode(name)}=${encode(String(value))}`))
			.join('&');
	// The awaited round's own IDs, claiming any outcome, in either documented shape: what a forger would send.
	const forged = fc.oneof(
		fc.record({ state: fc.constantFrom(...STATES), id: fc.constant(ids.documents[0]), signatureRequestId: fc.constant(ids.requests[0]) }, { requiredKeys: ['state'] }),
		fc.record({ code: fc.constantFrom('SUCCESS', 'CANCELED'), success: fc.boolean(), result: fc.constant(ids.requests[0]), url: fc.constant(`https://api.okdokument.com/JSON/document/${ids.documents[0]}`) }, { requiredKeys: [] }),
	);
	return fc.oneof(
		fc.record({ kind: fc.constant('a forged claim'), contentType: fc.constantFrom('application/json', 'text/plain'), body: forged.map((json) => ({ json })) }),
		fc.record({ kind: fc.constant('a forged claim in a form'), contentType: fc.constant('application/x-www-form-urlencoded'), body: forged.map((fields) => asForm(fields, false)) }),
		fc.record({ kind: fc.constant('callback-shaped JSON'), contentType: jsonTypes, body: shaped.map((json) => ({ json })) }),
		fc.record({ kind: fc.constant('any JSON'), contentType: jsonTypes, body: fc.jsonValue({ maxDepth: 4 }).map((json) => ({ json })) }),
		fc.record({
			kind: fc.constant('repeated JSON keys'),
			contentType: fc.constant('application/json'),
			body: fc.tuple(fc.constantFrom(...ids.documents), fc.constantFrom(...ids.documents), fc.constantFrom(...STATES)).map(
				([first, last, state]) => `{"state":"${state}","id":"${first}","__proto__":{"state":"signed","id":"${last}"},"id":"${last}","state":"signed"}`,
			),
		}),
		fc.record({ kind: fc.constant('not JSON'), contentType: jsonTypes, body: fc.oneof(anyText, fc.constantFrom('{"state":"signed"', 'state=signed', '<state>signed</state>', 'undefined', "{'state':'signed'}")) }),
		fc.record({ kind: fc.constant('a form'), contentType: fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8'), body: fc.tuple(shaped, fc.boolean()).map(([fields, repeat]) => asForm(fields, repeat)) }),
		fc.record({
			kind: fc.constant('multipart'),
			contentType: fc.constant('multipart/form-data; boundary=fuzz'),
			body: fc.oneof(
				shaped.map((fields) => `${Object.entries(fields).map(([key, value]) => `--fuzz\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${String(value)}\r\n`).join('')}--fuzz--\r\n`),
				fc.constantFrom('--fuzz\r\nbroken', ''),
			),
		}),
		fc.record({
			kind: fc.constant('XML'),
			contentType: fc.constantFrom('application/xml', 'text/xml', 'application/soap+xml'),
			body: fc.oneof(
				fc.tuple(fc.constantFrom(...ids.documents), fc.constantFrom(...STATES)).map(([id, state]) => `<callback><state>${state}</state><id>${id}</id></callback>`),
				fc.constantFrom(...ids.documents).map((id) => `<state>signed</state><id>${id}</id>`),
				fc.constantFrom('<callback><state>', '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;&a;</x>'),
			),
		}),
		fc.record({
			kind: fc.constant('JSON as another type'),
			contentType: fc.constantFrom('text/plain', 'text/html', 'application/octet-stream', 'application/javascript', 'multipart/mixed', ''),
			body: shaped.map((json) => ({ json })),
		}),
		fc.record({ kind: fc.constant('no content type'), body: shaped.map((json) => ({ json })) }),
		fc.record({ kind: fc.constant('empty'), contentType: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'), body: fc.constant('') }),
		fc.record({ kind: fc.constant('not gzip'), contentType: fc.constant('application/json'), contentEncoding: fc.constantFrom('gzip', 'deflate'), body: shaped.map((json) => JSON.stringify(json)) }),
		fc.record({
			kind: fc.constant('a few MB'),
			contentType: fc.constant('application/json'),
			body: fc.tuple(fc.integer({ min: 1 * MIB, max: 4 * MIB }), shaped).map(([bytes, around]) => ({ bytes, around })),
		}),
		fc.record({
			kind: fc.constant('deeply nested'),
			contentType: fc.constant('application/json'),
			body: fc.tuple(fc.integer({ min: 1_000, max: 100_000 }), shaped).map(([depth, around]) => ({ depth, around })),
		}),
		fc.record({
			kind: fc.constant('query'),
			contentType: fc.constant('application/json'),
			body: shaped.map((json) => ({ json })),
			query: fc.oneof(
				fc.constantFrom(...ids.documents).map((id) => `documentId=${encode(id)}`),
				fc.tuple(fc.constantFrom(...ids.documents), fc.constantFrom(...ids.documents)).map(([a, b]) => `documentId=${a}&documentId=${b}`),
				fc.constantFrom('documentId[x]=1', 'documentId=', '__proto__[documentId]=x', 'documentId=%00', 'documentId=..'),
			),
		}),
	);
}

/**
 * A callback OKdokument confirms (its round is over) that carries junk: deeply nested JSON, a few MB, a form. The
 * outcome is real, so it may start or resume the workflow; the junk must not make that execution fail.
 */
export function confirmableWithJunk(documentId: string, signatureRequestId: string): fc.Arbitrary<HostileCallback> {
	const callback = { state: 'signed', id: documentId, signatureRequestId };
	return fc.oneof(
		fc.integer({ min: 1_000, max: 100_000 }).map((depth): HostileCallback => ({ kind: 'confirmable, deeply nested', contentType: 'application/json', body: { depth, around: callback } })),
		fc.integer({ min: 1 * MIB, max: 4 * MIB }).map((bytes): HostileCallback => ({ kind: 'confirmable, a few MB', contentType: 'application/json', body: { bytes, around: callback } })),
		fc.jsonValue({ maxDepth: 3 }).map((junk): HostileCallback => ({ kind: 'confirmable, with junk', contentType: 'application/json', body: { json: { ...callback, junk } } })),
		fc.constant<HostileCallback>({ kind: 'confirmable, as a form', contentType: 'application/x-www-form-urlencoded', body: `state=signed&id=${documentId}&id=${documentId}&signatureRequestId=${signatureRequestId}` }),
	);
}

/** A callback above n8n's payload limit (16 MiB), made only when sent: rarely generated, as it costs. */
export const oversized: HostileCallback = { kind: 'above the payload limit', contentType: 'application/json', body: { bytes: 17 * MIB, around: { state: 'signed' } } };

/** The callback's bytes and headers, made now. */
export function materialize(callback: HostileCallback): { body: Buffer; headers: Record<string, string> } {
	const { body } = callback;
	let text: string | Buffer;
	if (typeof body === 'string') text = body;
	else if ('json' in body) text = JSON.stringify(body.json) ?? '';
	else if ('bytes' in body) {
		const around = JSON.stringify(body.around);
		text = `${around.slice(0, -1)}${around.length > 2 ? ',' : ''}"padding":"${'x'.repeat(Math.max(0, body.bytes - around.length - 14))}"}`;
	} else {
		const around = JSON.stringify(body.around);
		text = `${around.slice(0, -1)}${around.length > 2 ? ',' : ''}"nested":${'['.repeat(body.depth)}${']'.repeat(body.depth)}}`;
	}
	const bytes = Buffer.from(text);
	// "not gzip": the header says gzip or deflate, the body is plain.
	const headers: Record<string, string> = {};
	if (callback.contentType) headers['content-type'] = callback.contentType;
	if (callback.contentEncoding) headers['content-encoding'] = callback.contentEncoding;
	return { body: bytes, headers };
}

/** A real gzip of a callback: n8n undoes it before the node reads the body. */
export function gzipped(callback: Record<string, unknown>): { body: Buffer; headers: Record<string, string> } {
	return { body: gzipSync(JSON.stringify(callback)), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } };
}

/** One POST on a fresh connection; its status and body as text (status 0 and the error when the connection failed). */
export function send(url: string, request: { body: Buffer; headers: Record<string, string> }): Promise<{ status: number; body: string }> {
	return new Promise((resolve) => {
		const outgoing = httpRequest(url, { method: 'POST', agent: false, headers: { ...request.headers, 'content-length': String(request.body.length) } }, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
			response.on('error', (error) => resolve({ status: 0, body: String(error) }));
		});
		outgoing.on('error', (error) => resolve({ status: 0, body: String(error) }));
		outgoing.end(request.body);
	});
}

/** The URL with the callback's query added. */
export function withQuery(url: string, query: string | undefined): string {
	if (!query) return url;
	return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}
