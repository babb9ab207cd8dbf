import fc from 'fast-check';
import { NodeHelpers, type INode, type INodeParameters, type INodePropertyMode } from 'n8n-workflow';

import { runListSearch, toStoredJson } from './harness';
import { API_KEY, FORBIDDEN_KEY, jsonOf, pairedOf, runOperation, sandboxCredential, useSandbox } from './support/okdokument';
import { OkDokumentApi } from '../credentials/OkDokumentApi.credentials';
import { documentIdField, documentIdOf } from '../nodes/OkDokument/actions/document/fields';
import { documentIdInUrl } from '../nodes/OkDokument/callbacks/callback';
import { DOCUMENTS_PAGE_SIZE } from '../nodes/OkDokument/methods/listSearch';
import { OkDokument } from '../nodes/OkDokument/OkDokument.node';

const sandbox = useSandbox();

const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
const EXAMPLE_ID = 'y7Ki_u1mrUwijfb-o_S1JiphSsoXya8iypH380F';
const MINUTE = 60_000;
/** 2026-12-01 10:16:00 UTC */
const DEC_1 = Date.UTC(2026, 11, 1, 10, 16);

function modeOf(name: string): INodePropertyMode {
	const mode = documentIdField.modes?.find((candidate) => candidate.name === name);
	if (!mode) throw new Error(`Document ID has no mode "${name}"`);
	return mode;
}

/** From List as the editor runs it: the method its list mode names, in n8n-core's LoadOptionsContext. */
async function fromList(filter?: string, paginationToken?: string, apiKey = API_KEY) {
	return await runListSearch({
		nodeType: OkDokument,
		credentialTypes: [OkDokumentApi],
		credentials: { okDokumentApi: sandboxCredential(sandbox, { apiKey }) },
		parameters: { resource: 'document', operation: 'get', documentId: { __rl: true, mode: 'list', value: '' } },
		methodName: String(modeOf('list').typeOptions?.searchListMethod),
		path: 'parameters.documentId',
		filter,
		paginationToken,
	});
}

function locator(mode: string, value: string) {
	return { __rl: true, mode, value };
}

async function run(operation: string, parameters: INodeParameters, items?: Array<Record<string, unknown>>) {
	return await runOperation({
		credential: sandboxCredential(sandbox),
		resource: 'document',
		operation,
		parameters,
		items: items as never,
	});
}

describe('Document ID: the field', () => {
	it('is one resource locator everywhere a document is named: From List, By ID, By URL, in that order', () => {
		const properties = new OkDokument().description.properties.filter((property) => property.name === 'documentId');
		const operations = properties.flatMap((property) => property.displayOptions?.show?.operation ?? []);
		expect(operations.sort()).toEqual(['create', 'delete', 'download', 'get', 'sendAndWait', 'waitForSignature'].sort());
		for (const property of properties) {
			expect(property).toMatchObject({ type: 'resourceLocator', required: true, default: { mode: 'list', value: '' } });
			expect(property.modes?.map((mode) => [mode.name, mode.displayName])).toEqual([
				['list', 'From List'],
				['id', 'By ID'],
				['url', 'By URL'],
			]);
		}
		expect(modeOf('id').placeholder).toBe(`e.g. ${EXAMPLE_ID}`);
		expect(modeOf('url').placeholder).toBe(`e.g. https://api.okdokument.com/viewDocument?id=${EXAMPLE_ID}`);
		expect(modeOf('list').typeOptions).toEqual({ searchListMethod: 'searchDocuments', searchable: true });
	});
});

describe('Document ID → From List (the list search, as the editor runs it)', () => {
	it('lists every document from GET /JSON/list/flat?state=*, latest change first, with name, state and date, linked', async () => {
		const older = sandbox.addDocument({ filename: 'offer.pdf', content: PDF, date: DEC_1 - 60 * MINUTE });
		const newest = sandbox.addDocument({ filename: 'contract.pdf', content: PDF, state: 'signed', date: DEC_1 });
		const oldest = sandbox.addDocument({ filename: 'nda.docx', content: PDF, state: 'canceled', date: DEC_1 - 24 * 60 * MINUTE });

		const result = await fromList();

		expect(sandbox.requests).toHaveLength(1);
		expect(sandbox.requests[0]).toMatchObject({ method: 'GET', path: '/JSON/list/flat', query: { state: '*' } });
		expect(sandbox.requests[0].headers['x-api-key']).toBe(API_KEY);
		expect(result).toEqual({
			results: [
				{ name: 'contract.pdf — signed, 2026-12-01 10:16', value: newest.id, url: `${sandbox.url}/rest/document/${newest.id}` },
				{ name: 'offer.pdf — tosign, 2026-12-01 09:16', value: older.id, url: `${sandbox.url}/rest/document/${older.id}` },
				{ name: 'nda.docx — canceled, 2026-11-30 10:16', value: oldest.id, url: `${sandbox.url}/rest/document/${oldest.id}` },
			],
		});
	});

	it('searches the file name in any case, and finds nothing for a name no document has', async () => {
		sandbox.addDocument({ filename: 'Contract-2026.pdf', content: PDF, date: DEC_1 });
		sandbox.addDocument({ filename: 'offer.pdf', content: PDF, date: DEC_1 + MINUTE });
		sandbox.addDocument({ filename: 'zmluva-čistá.pdf', content: PDF, date: DEC_1 + 2 * MINUTE });
		sandbox.addDocument({ filename: 'old contract.pdf', content: PDF, date: DEC_1 - MINUTE });

		const names = async (filter: string) => (await fromList(filter)).results.map((item) => item.name.split(' — ')[0]);

		expect(await names('CONTRACT')).toEqual(['Contract-2026.pdf', 'old contract.pdf']);
		expect(await names('  contract-2026 ')).toEqual(['Contract-2026.pdf']);
		expect(await names('ČISTÁ')).toEqual(['zmluva-čistá.pdf']);
		expect(await names('invoice')).toEqual([]);
		expect(sandbox.requests.map((request) => request.query)).toEqual(Array(4).fill({ state: '*' }));
	});

	it('an account without documents gives an empty list, no page to follow', async () => {
		expect(await fromList()).toEqual({ results: [] });
	});

	it(`gives ${DOCUMENTS_PAGE_SIZE} at a time: the editor's next page continues where the last ended, the last has no token`, async () => {
		const count = 2 * DOCUMENTS_PAGE_SIZE + 5;
		const ids = Array.from({ length: count }, (_, index) =>
			sandbox.addDocument({ filename: `file-${index}.pdf`, content: PDF, date: DEC_1 + index * MINUTE }).id,
		);
		const newestFirst = [...ids].reverse();

		const first = await fromList();
		const second = await fromList(undefined, first.paginationToken);
		const third = await fromList(undefined, second.paginationToken);

		expect(first.results.map((item) => item.value)).toEqual(newestFirst.slice(0, DOCUMENTS_PAGE_SIZE));
		expect(second.results.map((item) => item.value)).toEqual(newestFirst.slice(DOCUMENTS_PAGE_SIZE, 2 * DOCUMENTS_PAGE_SIZE));
		expect(third.results.map((item) => item.value)).toEqual(newestFirst.slice(2 * DOCUMENTS_PAGE_SIZE));
		expect([first.paginationToken, second.paginationToken, third.paginationToken]).toEqual([
			String(DOCUMENTS_PAGE_SIZE),
			String(2 * DOCUMENTS_PAGE_SIZE),
			undefined,
		]);
		const searched = await fromList('FILE-1');
		expect(searched.results).toHaveLength(Math.min(DOCUMENTS_PAGE_SIZE, ids.filter((_, i) => String(i).startsWith('1')).length));
		expect(searched.paginationToken).toBe(String(DOCUMENTS_PAGE_SIZE));
	});

	it('shows what OKdokument gives: the ID without a file name, no date or link when missing, no entry without an ID', async () => {
		sandbox.setFault({
			type: 'status',
			status: 200,
			body: [
				{ filename: 'no-id.pdf', state: 'tosign', modification: '2026-12-02 08:00:00' },
				{ id: 'doc-bare' },
				{ id: 'doc-odd-date', filename: 'odd.pdf', state: 'signed', modification: '02.12.2026', url: 'javascript:alert(1)' },
				{ id: 'doc-latest', filename: 'latest.pdf', state: 'tosign', modification: '2026-12-01 10:16:59', date: 1, number: '1' },
				{ id: 'doc-same-minute-later-upload', filename: 'twin.pdf', state: 'tosign', modification: '2026-12-01 10:16:59', date: 2, number: '2' },
			],
		});

		const { results } = await fromList();

		expect(results).toEqual([
			{ name: 'twin.pdf — tosign, 2026-12-01 10:16', value: 'doc-same-minute-later-upload' },
			{ name: 'latest.pdf — tosign, 2026-12-01 10:16', value: 'doc-latest' },
			{ name: 'odd.pdf — signed, 02.12.2026', value: 'doc-odd-date' },
			{ name: 'doc-bare', value: 'doc-bare' },
		]);
	});

	it('a wrong key: the NodeApiError OKdokument’s 401 makes, which the editor shows with a link to the credential', async () => {
		const failure = await fromList(undefined, undefined, 'not-the-key_0000').catch((error: unknown) => error);

		expect(failure).toMatchObject({ name: 'NodeApiError', httpCode: '401' });
		expect((failure as Error).message).toMatch(/^OKdokument rejected the API key \(HTTP 401/);
		expect(JSON.stringify(toStoredJson(failure))).not.toContain('not-the-key_0000');
	});

	it('any other refusal: OKdokument’s own message, status and description', async () => {
		const forbidden = await fromList(undefined, undefined, FORBIDDEN_KEY).catch((error: unknown) => error);
		sandbox.setFault({ type: 'status', status: 400, body: { message: 'err.list.unavailable', value: '' } });
		const refused = await fromList().catch((error: unknown) => error);

		expect(forbidden).toMatchObject({ name: 'NodeApiError', httpCode: '403' });
		expect(refused).toMatchObject({
			name: 'NodeApiError',
			message: 'OKdokument rejected the request (HTTP 400: err.list.unavailable)',
			httpCode: '400',
		});
		expect(JSON.stringify(toStoredJson(forbidden))).not.toContain(FORBIDDEN_KEY);
	});

	it('a 200 that is not a list: the error says the answer could not be read', async () => {
		sandbox.setFault({ type: 'status', status: 200, body: { message: 'msg.ok' } });
		await expect(fromList()).rejects.toMatchObject({
			name: 'NodeApiError',
			message: 'OKdokument answered HTTP 200 but the answer could not be read',
		});
	});
});

describe('Document ID in each mode, run in the engine', () => {
	it('From List: the chosen document’s ID (what the editor saves, with its cached name)', async () => {
		const document = sandbox.addDocument({ filename: 'contract.pdf', content: PDF });
		const documentId = { ...locator('list', document.id), cachedResultName: 'contract.pdf — tosign, …', cachedResultUrl: 'https://x/rest/document/x' };
		const result = await run('get', { documentId });

		expect(result.error).toBeUndefined();
		expect(sandbox.requests.map((request) => request.path)).toEqual([`/JSON/document/metadata/${document.id}`]);
		expect(jsonOf(result)[0].id).toBe(document.id);
	});

	it('By ID: an expression per item, trimmed', async () => {
		const [a, b] = [sandbox.addDocument({ content: PDF }), sandbox.addDocument({ content: PDF })];
		const result = await run('get', { documentId: locator('id', '={{ $json.documentId }}') }, [{ documentId: ` ${a.id}` }, { documentId: b.id }]);

		expect(result.error).toBeUndefined();
		expect(sandbox.requests.map((request) => request.path)).toEqual([a.id, b.id].map((id) => `/JSON/document/metadata/${id}`));
		expect(pairedOf(result)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it.each([
		['the API’s download URL', (id: string) => `https://api.okdokument.com/JSON/document/${encodeURIComponent(id)}`],
		['the API’s metadata URL', (id: string) => `https://apidev.okdokument.com/JSON/document/metadata/${encodeURIComponent(id)}`],
		['the List’s url', (id: string) => `${sandbox.url}/rest/document/${encodeURIComponent(id)}`],
		['the viewer’s URL', (id: string) => `https://api.okdokument.com/viewDocument?id=${encodeURIComponent(id)}&lang=sk`],
		['a result URL’s docid', (id: string) => `https://example.com/done?name=x&docid=${encodeURIComponent(id)}`],
	])('By URL: %s', async (_case, urlOf) => {
		const document = sandbox.addDocument({ id: 'y7Ki_u1mr-o_S1Jiph/2', content: PDF });
		const result = await run('download', { documentId: locator('url', urlOf(document.id)) });

		expect(result.error).toBeUndefined();
		expect(sandbox.requests.map((request) => request.path)).toEqual(['/JSON/document/y7Ki_u1mr-o_S1Jiph%2F2']);
		expect(jsonOf(result)[0]).toMatchObject({ documentId: document.id });
	});

	it('By URL from an expression: one document per item; a URL that names none fails its item before anything is sent for it', async () => {
		const document = sandbox.addDocument({ content: PDF });
		const result = await run('delete', { documentId: locator('url', '={{ $json.link }}') }, [
			{ link: `https://api.okdokument.com/viewDocument?id=${document.id}` },
			{ link: 'https://api.okdokument.com/openDocument/6f0c2a9e-1b7d-4c1a-9f57-2d8e4b1c3a55' },
		]);

		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message:
				'Document ID is not a URL that names a document: "https://api.okdokument.com/openDocument/6f0c2a9e-1b7d-4c1a-9f57-2d8e4b1c3a55" (item index 1)',
			context: { itemIndex: 1 },
		});
		expect(result.error?.description).toMatch(/A signing link \(\/openDocument\/…\) names the signature request, not its document/);
		expect(sandbox.requests.map((request) => `${request.method} ${request.path}`)).toEqual([`DELETE /JSON/document/${document.id}`]);
	});

	it.each([
		['By URL, empty', locator('url', '={{ "" }}'), 'Document ID is empty (item index 0)'],
		['By ID, with a space', locator('id', '={{ "abc def" }}'), 'Document ID contains a space (item index 0)'],
		['By ID, too long', locator('id', `={{ "${'x'.repeat(201)}" }}`), 'Document ID is 201 characters long (item index 0)'],
		['By URL, an ID with a line break in it', locator('url', '={{ "https://x.example/rest/document/a%0Ab" }}'), 'Document ID is not a URL that names a document: "https://x.example/rest/document/a%0Ab" (item index 0)'],
	])('%s: refused before anything is sent', async (_case, documentId, message) => {
		const result = await run('get', { documentId });

		expect(result.error).toMatchObject({ name: 'NodeOperationError', message, context: { itemIndex: 0 } });
		expect(sandbox.requests).toHaveLength(0);
	});

	it('a fixed By URL value that names no document: n8n refuses to start the workflow, as the editor marks the field', async () => {
		await expect(run('get', { documentId: locator('url', 'https://api.okdokument.com/openDocument/abc') })).rejects.toMatchObject({
			name: 'WorkflowHasIssuesError',
		});
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('Document ID saved by 0.2.0 (a plain string) still runs', () => {
	it.each([
		['get', (id: string) => `/JSON/document/metadata/${id}`],
		['download', (id: string) => `/JSON/document/${id}`],
		['delete', (id: string) => `/JSON/document/${id}`],
	])('Document → %s: the ID as text, and an expression as text', async (operation, pathOf) => {
		const [a, b] = [sandbox.addDocument({ content: PDF }), sandbox.addDocument({ content: PDF })];
		const plain = await run(operation, { documentId: a.id });
		const expression = await run(operation, { documentId: '={{ $json.documentId }}' }, [{ documentId: b.id }]);

		expect(plain.error).toBeUndefined();
		expect(expression.error).toBeUndefined();
		expect(sandbox.requests.map((request) => request.path)).toEqual([pathOf(a.id), pathOf(b.id)]);
	});

	it('Create → Existing Document: an expression as text, and the locator’s By URL', async () => {
		const document = sandbox.addDocument({ content: PDF });
		const create = async (documentId: INodeParameters['documentId']) =>
			await runOperation({
				credential: sandboxCredential(sandbox),
				resource: 'signatureRequest',
				operation: 'create',
				parameters: { source: 'existingDocument', documentId, rules: { signerEmail: 'signer@example.com' } },
				items: [{ doc: document.id }],
			});

		const plain = await create('={{ $json.doc }}');
		const byUrl = await create(locator('url', `={{ "https://api.okdokument.com/rest/document/" + $json.doc }}`));

		expect(plain.error).toBeUndefined();
		expect(byUrl.error).toBeUndefined();
		const creations = sandbox.requests.filter((request) => request.path === '/JSON/signatureRequest');
		expect(creations.map((request) => (request.body as { id?: string }).id)).toEqual([document.id, document.id]);
	});
});

describe('By URL: the editor’s check and the node read the same URLs', () => {
	const node: INode = { id: '1', name: 'OKdokument', type: 'okDokument', typeVersion: 1, position: [0, 0], parameters: {} };
	/** n8n's own check of a fixed value (what the editor shows under the field, and what stops a run). */
	const editorAccepts = (url: string) =>
		NodeHelpers.getParameterIssues(documentIdField, { documentId: { __rl: true, mode: 'url', value: url } }, '', node, null)
			.parameters === undefined;
	const field = { node, itemIndex: 0, label: 'Document ID' };
	const nodeReads = (url: string) => {
		try {
			return documentIdOf({ __rl: true, mode: 'url', value: url }, field);
		} catch {
			return undefined;
		}
	};

	const idCharacter = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-');
	const id = fc.array(idCharacter, { minLength: 1, maxLength: 60 }).map((characters) => characters.join(''));
	const word = fc.array(fc.constantFrom(...'abcxyz019-'), { minLength: 1, maxLength: 8 }).map((characters) => characters.join(''));
	const origin = fc
		.tuple(fc.constantFrom('https', 'http', 'HTTPS'), fc.array(word, { minLength: 1, maxLength: 3 }), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }))
		.map(([scheme, labels, port]) => `${scheme}://${labels.join('.')}.com${port === undefined ? '' : `:${port}`}`);
	const prefix = fc.array(word, { maxLength: 3 }).map((segments) => segments.map((segment) => `/${segment}`).join(''));
	const query = fc.array(fc.tuple(word, word), { maxLength: 3 }).map((pairs) => pairs.map(([key, value]) => `${key}=${value}`));
	const fragment = fc.option(word.map((value) => `#${value}`), { nil: '' });
	const withQuery = (pairs: string[]) => (pairs.length === 0 ? '' : `?${pairs.join('&')}`);
	// (The words hold no "i" or "d", so no generated name or value spells id, docid or a shape of its own.)
	const documentUrl = fc
		.tuple(origin, prefix, id, query, fragment, fc.constantFrom('api', 'metadata', 'rest', 'view', 'docid'), fc.boolean())
		.map(([base, path, documentId, pairs, hash, shape, first]) => {
			const naming = (key: string) => withQuery(first ? [`${key}=${documentId}`, ...pairs] : [...pairs, `${key}=${documentId}`]);
			const tail = {
				api: `/JSON/document/${documentId}${withQuery(pairs)}`,
				metadata: `/JSON/document/metadata/${documentId}${withQuery(pairs)}`,
				rest: `/rest/document/${documentId}${withQuery(pairs)}`,
				view: `/viewDocument${naming('id')}`,
				docid: naming('docid'),
			}[shape];
			return { url: `${base}${path}${tail}${hash}`, documentId };
		});

	it('every documented document URL: the editor accepts it, and the node reads its ID', () => {
		fc.assert(
			fc.property(documentUrl, ({ url, documentId }) => {
				expect(editorAccepts(url)).toBe(true);
				expect(nodeReads(url)).toBe(documentId);
				expect(nodeReads(`  ${url} `)).toBe(documentId);
			}),
			{ numRuns: 500 },
		);
	});

	it('a URL of no documented shape: the editor refuses it, and so does the node', () => {
		const notADocument = fc.oneof(
			fc.tuple(origin, id).map(([base, value]) => `${base}/openDocument/${value}`),
			fc.tuple(origin, id).map(([base, value]) => `${base}/JSON/signatureRequest/${value}`),
			fc.tuple(origin, id).map(([base, value]) => `${base}/JSON/document/${value}/`),
			fc.tuple(origin, id).map(([base, value]) => `${base}/json/document/${value}`),
			fc.tuple(origin, id).map(([base, value]) => `${base}/viewDocument?docid=${value}`),
			origin.map((base) => `${base}/viewDocument?id=`),
			fc.tuple(origin, id).map(([base, value]) => `${base}/x#/JSON/document/${value}`),
			fc.tuple(origin, id).map(([base, value]) => `${base}/x?next=/rest/document/${value}`),
			fc.tuple(origin, id).map(([base, value]) => `${base}/JSON/document/${value.slice(0, 1)} ${value}`),
			id.map((value) => `ftp://files.example.com/JSON/document/${value}`),
			id.map((value) => `/JSON/document/${value}`),
			id,
			// A value that starts with "=" is an expression to n8n, not a URL.
			fc.string().filter((text) => !text.startsWith('=')),
		);
		fc.assert(
			fc.property(notADocument, (url) => {
				expect(editorAccepts(url)).toBe(false);
				expect(nodeReads(url)).toBeUndefined();
			}),
			{ numRuns: 500 },
		);
	});

	it('where they can differ, the editor is the looser: an ID whose %-escapes decode to what no ID holds', () => {
		const url = 'https://api.okdokument.com/rest/document/a%20b';
		expect(editorAccepts(url)).toBe(true);
		expect(documentIdInUrl(url)).toBeUndefined();
		expect(nodeReads(url)).toBeUndefined();
	});
});
