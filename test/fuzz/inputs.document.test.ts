/**
 * Generated values for every field of the Document operations and the request options (shown with Account → Get
 * Usage, which has no field of its own), run through n8n's engine against the sandbox (fieldRuns.ts).
 */
import fc from 'fast-check';
import type { INodeProperties } from 'n8n-workflow';

import { OkDokument } from '../../nodes/OkDokument/OkDokument.node';
import { useSandbox } from '../support/okdokument';
import { checkBatch, itAcceptsWhatTheOracleDoes, itemsWithFile, type FieldCase } from './fieldRuns';
import * as oracle from './oracles';
import { anyValue, fieldValues, mutated, notText, plausibleId } from './values';
import { pathNaming } from './wire';
import { BATCH, fuzzParameters } from './budget';

const sandbox = useSandbox();

const PDF = Buffer.from('%PDF-1.4\n% fuzz\n%%EOF\n');
const FILE_NAME = 'fuzz.pdf';
const locator = (mode: string) => ({ __rl: true, mode, value: '={{ $json.v }}' });
const registerDocuments = (ids: string[]) => {
	for (const id of new Set(ids)) sandbox.addDocument({ id, filename: FILE_NAME, content: PDF });
};
/** The ID as a URL segment; an ID that is not well-formed text is put in as it is (and makes the URL one no ID comes from). */
const segmentOf = (id: string) => (oracle.isWellFormed(id) ? encodeURIComponent(id) : id);

/** The values an options field offers, from the node's description. */
function optionValues(resource: string, operation: string, name: string): string[] {
	const property = new OkDokument().description.properties.find(
		(candidate) => candidate.name === name && candidate.displayOptions?.show?.operation?.includes(operation) && candidate.displayOptions.show.resource?.includes(resource),
	) as INodeProperties;
	return (property.options as Array<{ value: string }>).map((option) => option.value);
}

const documentUrlShapes = ['https://api.okdokument.com/JSON/document/', 'https://apidev.okdokument.com/JSON/document/metadata/', 'http://127.0.0.1:8787/rest/document/', 'https://api.okdokument.com/viewDocument?lang=sk&id=', 'https://example.com/done?name=x&docid='];

/** The document a URL names, read from the URL's documented shapes (README, Document ID), then checked as an ID. */
function documentUrl(value: unknown): oracle.Verdict<string> {
	if (typeof value !== 'string' || value.trim() === '') return oracle.refuse('no URL');
	const text = value.trim();
	// Odd characters elsewhere in the URL do no harm; the ID it names is checked as an ID below.
	if (/\s/.test(text) || !/^https?:\/\/[^/?#\\]/i.test(text)) return oracle.refuse('not a URL');
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return oracle.refuse('not a URL');
	}
	const segment = /\/(?:JSON\/document\/(?:metadata\/)?|rest\/document\/)([^/]+)$/.exec(url.pathname)?.[1];
	let named: string | null;
	try {
		named = segment !== undefined ? decodeURIComponent(segment) : /\/viewDocument$/.test(url.pathname) ? url.searchParams.get('id') : url.searchParams.get('docid');
	} catch {
		return oracle.refuse('a segment that does not decode');
	}
	return named === null ? oracle.refuse('names no document') : oracle.id(named);
}

/** A saved Document ID: a locator value (its mode says how to read it), or, saved by 0.2.0, the ID itself. */
function savedDocumentId(value: unknown): oracle.Verdict<string> {
	if (typeof value === 'object' && value !== null && 'mode' in value && 'value' in value) {
		const { mode, value: inner } = value as { mode: unknown; value: unknown };
		return mode === 'url' ? documentUrl(inner) : oracle.id(inner);
	}
	return oracle.id(value);
}

const documentIdValues = fieldValues(plausibleId, [
	fc.record({ __rl: fc.constant(true), mode: fc.constantFrom('list', 'id', 'url'), value: plausibleId }),
]);
const documentUrlValues = fieldValues(
	fc.tuple(fc.constantFrom(...documentUrlShapes), plausibleId, fc.constantFrom('', '#top', '&x=1')).map(([base, id, tail]) => `${base}${segmentOf(id)}${tail}`),
);

const documentIdCases: Array<[string, unknown, (value: unknown) => oracle.Verdict<string>, fc.Arbitrary<unknown>]> = [
	['By ID', locator('id'), oracle.id, documentIdValues],
	['By URL', locator('url'), documentUrl, documentUrlValues],
	['saved by 0.2.0 (plain text)', '={{ $json.v }}', savedDocumentId, documentIdValues],
];

describe('Document → Get, Download, Delete: Document ID', () => {
	for (const [mode, placeholder, judge, values] of documentIdCases) {
		itAcceptsWhatTheOracleDoes(sandbox, `Get → Document ID, ${mode}`, {
			resource: 'document',
			operation: 'get',
			path: ['documentId'],
			placeholder,
			values,
			judge,
			prepare: (_sandbox, ids) => registerDocuments(ids),
			requests: (id) => [{ method: 'GET', path: pathNaming('/JSON/document/metadata', id) as never }],
			output: (id) => ({ id, filename: FILE_NAME }),
		});
	}
	itAcceptsWhatTheOracleDoes(sandbox, 'Delete → Document ID', {
		resource: 'document',
		operation: 'delete',
		path: ['documentId'],
		placeholder: locator('id'),
		values: documentIdValues,
		judge: oracle.id,
		prepare: (_sandbox, ids) => registerDocuments(ids),
		refusedByOkdokument: (id, earlier) => earlier.includes(id),
		requests: (id) => [{ method: 'DELETE', path: pathNaming('/JSON/document', id) as never }],
		output: (id) => ({ documentId: id, deleted: true }),
	});
});

describe('Document → Download', () => {
	const download = { resource: 'document', operation: 'download' };
	const DOCUMENT = 'fuzz-download';
	const requestsOne = () => [{ method: 'GET', path: `/JSON/document/${DOCUMENT}` }];
	itAcceptsWhatTheOracleDoes(sandbox, 'Download → Document ID', {
		...download,
		path: ['documentId'],
		placeholder: locator('id'),
		values: documentIdValues,
		judge: oracle.id,
		prepare: (_sandbox, ids) => registerDocuments(ids),
		requests: (id) => [{ method: 'GET', path: pathNaming('/JSON/document', id) as never }],
		output: (id) => ({ documentId: id, fileName: FILE_NAME, fileSize: PDF.length, mimeType: 'application/pdf' }),
	});
	itAcceptsWhatTheOracleDoes(sandbox, 'Download → Put Output File in Field', {
		...download,
		path: ['binaryPropertyName'],
		parameters: { documentId: DOCUMENT },
		values: fieldValues(fc.constantFrom('data', 'pdf', 'signed file', 'Ünïcode', '0')),
		judge: oracle.fieldName,
		prepare: () => registerDocuments([DOCUMENT]),
		requests: requestsOne,
		checkItem: (name, item) => {
			expect({ name, fields: Object.keys(item.binary ?? {}) }).toEqual({ name, fields: [name] });
		},
	});
	itAcceptsWhatTheOracleDoes(sandbox, 'Download → File Name', {
		...download,
		path: ['fileName'],
		parameters: { documentId: DOCUMENT },
		values: fieldValues(fc.constantFrom('contract.pdf', 'zmluva č. 5.pdf', 'a/b.pdf', 'x')),
		judge: (value) => oracle.freeText(value),
		prepare: () => registerDocuments([DOCUMENT]),
		requests: requestsOne,
		output: (name) => ({ fileName: name ?? FILE_NAME }),
	});
});

describe('Document → Get Many', () => {
	const states = optionValues('document', 'getAll', 'state');
	// A document for each state but "*" (an upload in "tags" or "tostamp" ends in "tosign"): "*" lists them all.
	let stored: string[] = [];
	const prepare = () => {
		stored = states.filter((state) => state !== '*').map((state) => sandbox.addDocument({ filename: `${state}.pdf`, content: PDF, state: state as never }).state);
	};
	const total = states.length - 1;
	itAcceptsWhatTheOracleDoes(sandbox, 'Get Many → State', {
		resource: 'document',
		operation: 'getAll',
		path: ['state'],
		parameters: { returnAll: true },
		values: fieldValues(fc.constantFrom(...states)),
		judge: (value) => {
			const text = oracle.asText(value);
			return text.accepted && states.includes(text.value) ? text : oracle.refuse('not a state');
		},
		prepare,
		requests: (state) => [{ method: 'GET', path: '/JSON/list/flat', query: { state } }],
		outputCount: (state) => (state === '*' ? total : stored.filter((candidate) => candidate === state).length),
	});
	itAcceptsWhatTheOracleDoes(sandbox, 'Get Many → Limit', {
		resource: 'document',
		operation: 'getAll',
		path: ['limit'],
		parameters: { state: '*', returnAll: false },
		values: fc.oneof(fc.integer({ min: -3, max: total + 3 }), fc.integer({ min: 1, max: 9 }).map(String), anyValue, notText),
		judge: (value) => oracle.wholeNumber(value, 1),
		prepare,
		requests: () => [{ method: 'GET', path: '/JSON/list/flat', query: { state: '*' } }],
		outputCount: (limit) => Math.min(limit, total),
	});
	itAcceptsWhatTheOracleDoes(sandbox, 'Get Many → Return All', {
		resource: 'document',
		operation: 'getAll',
		path: ['returnAll'],
		parameters: { state: '*', limit: 2 },
		values: fc.oneof(fc.boolean(), fc.constantFrom('true', 'false'), anyValue),
		judge: oracle.boolean,
		prepare,
		requests: () => [{ method: 'GET', path: '/JSON/list/flat', query: { state: '*' } }],
		outputCount: (all) => (all === true ? total : 2),
	});
});

describe('Document → Upload', () => {
	const upload = { resource: 'document', operation: 'upload', item: itemsWithFile(PDF, FILE_NAME) };
	const sent = (filename: string, state: string) => [
		{ method: 'POST', path: '/JSON/document', body: { filename, state, file: { content: PDF.toString('base64') } } },
	];
	itAcceptsWhatTheOracleDoes(sandbox, 'Upload → Input Binary Field', {
		...upload,
		path: ['binaryPropertyName'],
		values: fieldValues(fc.constantFrom('data', 'file', 'my file', 'Ünï', '0')),
		judge: oracle.fieldName,
		requests: () => sent(FILE_NAME, 'tosign'),
	});
	itAcceptsWhatTheOracleDoes(sandbox, 'Upload → File Name', {
		...upload,
		path: ['fileName'],
		values: fieldValues(fc.constantFrom('contract.pdf', 'zmluva č. 5.docx', 'x')),
		judge: (value) => oracle.freeText(value),
		requests: (name) => sent(name ?? FILE_NAME, 'tosign'),
		output: (name) => ({ filename: name ?? FILE_NAME, state: 'tosign' }),
	});
	const uploadStates = optionValues('document', 'upload', 'state');
	itAcceptsWhatTheOracleDoes(sandbox, 'Upload → State', {
		...upload,
		path: ['state'],
		values: fieldValues(fc.constantFrom(...uploadStates)),
		// Empty (an expression that yields nothing) keeps the default, as in Create.
		judge: (value) => oracle.choice(value, uploadStates),
		requests: (state) => sent(FILE_NAME, state ?? 'tosign'),
		output: (state) => ({ state: state ?? 'tosign' }),
	});
});

describe('Options (every operation; shown with Account → Get Usage)', () => {
	const usage = { resource: 'account', operation: 'getUsage', requests: () => [{ method: 'GET', path: '/JSON/counter' }] };
	const numbers = (valid: fc.Arbitrary<number>) => fc.oneof(valid, valid.map(String), mutated(valid.map(String)), anyValue, notText);
	// A timeout too short for the sandbox to answer in would fail for a valid value: those are left out.
	const timeouts = numbers(fc.integer({ min: 2_000, max: 600_000 })).filter((value) => !(oracle.numberAtLeast(value, 1).accepted && Number(value) < 2_000));
	const cases: Array<[string, fc.Arbitrary<unknown>, (value: unknown) => oracle.Verdict<unknown>]> = [
		// A timer waits at most 2^31 - 1 ms: a longer timeout would end every request at once.
		['timeout', timeouts, (value) => oracle.numberAtLeast(value, 1, 2 ** 31 - 1)],
		['maxAttempts', numbers(fc.integer({ min: 1, max: 10 })), (value) => oracle.wholeNumber(value, 1, 10)],
		['retryDelay', numbers(fc.integer({ min: 0, max: 5_000 })), (value) => oracle.numberAtLeast(value, 0)],
		['retry', fc.oneof(fc.boolean(), fc.constantFrom('true', 'false'), anyValue), oracle.boolean],
	];
	// An option an expression leaves empty keeps its default.
	const orDefault = (judge: (value: unknown) => oracle.Verdict<unknown>) => (value: unknown) =>
		value === undefined || value === null || value === '' ? oracle.accept(undefined) : judge(value);
	for (const [name, values, judge] of cases) {
		itAcceptsWhatTheOracleDoes(sandbox, `Options → ${name}`, { ...usage, path: ['options', name], values, judge: orDefault(judge) });
	}

	it('Requests in Parallel: whatever its value, every item is sent once and answered in order', async () => {
		const field: FieldCase<unknown> = { ...usage, path: ['options', 'concurrency'], values: anyValue, judge: oracle.accept };
		await fc.assert(
			fc.asyncProperty(fc.oneof(fc.integer({ min: -2, max: 60 }), anyValue), fc.array(fc.constant(0), { minLength: 1, maxLength: BATCH }), async (first, rest) => {
				await checkBatch(sandbox, { ...field, placeholder: '={{ $json.v }}' }, [first, ...rest]);
			}),
			fuzzParameters('Options → concurrency', 4),
		);
	});
});
