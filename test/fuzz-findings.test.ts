/**
 * What the generated inputs (test/fuzz/) found, as ordinary tests: each the shrunk counterexample of a defect that
 * the node had, now refused before anything is sent, naming the field and the item (or, for the credential, the
 * credential's field), or sent as documented.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { OkDokumentApi } from '../credentials/OkDokumentApi.credentials';
import { OkDokument } from '../nodes/OkDokument/OkDokument.node';
import { storeBinary, testCredential } from './harness';
import { startWaitingExecution } from './harness/waiting';
import { API_KEY, jsonOf, runOperation, sandboxCredential, useSandbox } from './support/okdokument';
import { postCallback, useTriggers } from './support/trigger';

const sandbox = useSandbox();
const { startTrigger } = useTriggers(sandbox);

const PDF = Buffer.from('%PDF-1.4\n% findings\n%%EOF\n');
const DOCUMENT = 'doc-findings';

async function run(resource: string, operation: string, parameters: INodeParameters, v: unknown, items?: INodeExecutionData[]) {
	return await runOperation({
		credential: sandboxCredential(sandbox),
		resource,
		operation,
		parameters,
		items: items ?? [{ json: { v } as IDataObject }],
	});
}

/** The run failed on item 0 with `message`, and nothing reached OKdokument. */
function expectRefused(result: Awaited<ReturnType<typeof run>>, message: string | RegExp) {
	expect(result.error).toMatchObject({ name: 'NodeOperationError', context: { itemIndex: 0 } });
	if (typeof message === 'string') expect(result.error?.message).toBe(message);
	else expect(result.error?.message).toMatch(message);
	expect(sandbox.requests).toEqual([]);
}

describe('IDs', () => {
	it('an unpaired surrogate is refused for what it is, not reported as "URI malformed" (Delete)', async () => {
		const result = await run('signatureRequest', 'delete', { signatureRequestId: '={{ $json.v }}' }, '\ud800a');
		expectRefused(result, 'Signature Request ID contains the character U+D800 (item index 0)');
	});

	it('"." and ".." are refused: a URL reads them as folders, so Download of "." asked for /JSON/document/', async () => {
		for (const id of ['.', '..']) {
			sandbox.reset();
			const result = await run('document', 'download', { documentId: '={{ $json.v }}' }, id);
			expectRefused(result, `Document ID is "${id}" (item index 0)`);
		}
	});

	it('an invisible character (a soft hyphen before a UUID) is refused, no longer sent', async () => {
		const result = await run('signatureRequest', 'update', { signatureRequestId: '={{ $json.v }}', sendInfoUrl: 'https://hooks.example.com/x' }, '\u00ad00000000-0000-1000-8000-000000000000');
		expectRefused(result, 'Signature Request ID contains the character U+00AD (item index 0)');
	});
});

describe('URLs sent to OKdokument', () => {
	it.each([
		['a NUL before the scheme', 'sendInfoUrl', '\u0000http://aa.aa#', 'Send Info URL contains the character U+0000 (item index 0)'],
		['a space inside', 'resultUrl', 'https://hooks.example.com/a b', 'Result URL contains a space (item index 0)'],
		['no "//" after the scheme', 'resultUrl', 'https:hooks.example.com/x', 'Result URL is not an absolute http(s) URL: "https:hooks.example.com/x" (item index 0)'],
	])('%s is refused, no longer sent as written', async (_case, field, url, message) => {
		const result = await run('signatureRequest', 'update', { signatureRequestId: 'sr-1', [field]: '={{ $json.v }}' }, url);
		expectRefused(result, message);
	});
});

describe('values that are not text', () => {
	beforeEach(() => {
		sandbox.addDocument({ id: DOCUMENT, filename: 'contract.pdf', content: PDF });
		sandbox.clearRequests();
	});

	it('null for Put Output File in Field is empty, no longer a binary field named "null"', async () => {
		const result = await run('document', 'download', { documentId: DOCUMENT, binaryPropertyName: '={{ $json.v }}' }, null);
		expectRefused(result, 'Put Output File in Field is empty (item index 0)');
	});

	it('an object for File Name is refused, no longer a file named "[object Object]"', async () => {
		const result = await run('document', 'download', { documentId: DOCUMENT, fileName: '={{ $json.v }}' }, {});
		expectRefused(result, 'File Name must be text, not an object (item index 0)');
	});

	it('a list for Input Binary Field is refused, no longer read as the field ""', async () => {
		const data = await storeBinary(PDF, { fileName: 'contract.pdf', mimeType: 'application/pdf' });
		const result = await run('document', 'upload', { binaryPropertyName: '={{ $json.v }}' }, undefined, [{ json: { v: [] as never }, binary: { data } }]);
		expectRefused(result, 'Input Binary Field must be text, not a list (item index 0)');
	});

	it('"toString" as Input Binary Field: the item has no such field, no longer an error without a message', async () => {
		const data = await storeBinary(PDF, { fileName: 'contract.pdf', mimeType: 'application/pdf' });
		const result = await run('document', 'upload', { binaryPropertyName: 'toString' }, undefined, [{ json: {}, binary: { data } }]);
		expectRefused(result, 'The item has no binary field "toString" (item index 0)');
	});

	it('"constructor" as Input Binary Field is refused: n8n\'s copies of an item leave that key out, so no file is ever there', async () => {
		const data = await storeBinary(PDF, { fileName: 'contract.pdf', mimeType: 'application/pdf' });
		const result = await run('document', 'upload', { binaryPropertyName: 'constructor' }, undefined, [{ json: {}, binary: { data } }]);
		expectRefused(result, 'Input Binary Field is "constructor", a name n8n cannot keep a file under (item index 0)');
	});

	it('an object with a "toString" key as a Document ID URL no longer breaks the error message', async () => {
		const result = await run('document', 'get', { documentId: { __rl: true, mode: 'url', value: '={{ $json.v }}' } }, { toString: '' });
		expectRefused(result, 'Document ID is not a URL that names a document: "{"toString":""}" (item index 0)');
	});

	it('an object in Allowed Fields → Field Names is refused, no longer a field named "[object Object]"', async () => {
		const result = await run('signatureRequest', 'create', {
			source: 'existingDocument',
			documentId: DOCUMENT,
			additionalFields: { allowedFields: { fields: [{ type: 'SIGNATURE', names: '={{ $json.v }}' }] } },
		}, { mode: 'list', value: null });
		expectRefused(result, 'Allowed Fields must be text, not an object (item index 0)');
	});

	it('an object with a "toString" key no longer breaks the error message itself (Fields Before Signing)', async () => {
		const result = await run('signatureRequest', 'create', {
			source: 'existingDocument',
			documentId: DOCUMENT,
			additionalFields: { fieldsBeforeSigning: '={{ $json.v }}' },
		}, { toString: '' });
		expectRefused(result, 'Fields Before Signing must be text, not an object (item index 0)');
	});

	it('" " for Field Values → Read Only is refused, no longer taken as off', async () => {
		const result = await run('signatureRequest', 'create', {
			source: 'existingDocument',
			documentId: DOCUMENT,
			additionalFields: { fieldConfig: { fields: [{ name: 'TC_a', value: 'x', readOnly: '={{ $json.v }}' }] } },
		}, ' ');
		expectRefused(result, 'Field Values must be true or false, not " " (item index 0)');
	});

	it('a key "__proto__" in Additional Body Fields is refused: n8n would leave it out of the request', async () => {
		const result = await run('signatureRequest', 'create', {
			source: 'existingDocument',
			documentId: DOCUMENT,
			additionalFields: { additionalBodyFields: '={{ $json.v }}' },
		}, '{"__proto__":[]}');
		expectRefused(result, /^Additional Body Fields \(JSON\) has a key "__proto__", which n8n leaves out of the request it sends \(item index 0\)$/);
	});

	it('a key "prototype" deep in Custom Rules is refused: n8n would leave it out of the request', async () => {
		const result = await run('signatureRequest', 'create', {
			source: 'existingDocument',
			documentId: DOCUMENT,
			rules: { customRules: '={{ $json.v }}' },
		}, '{"guiSignerDate":{"prototype":null}}');
		expectRefused(result, 'Custom Rules has a key "prototype", which n8n leaves out of the request it sends (item index 0)');
	});
});

describe('Get Many', () => {
	beforeEach(() => {
		for (const id of ['doc-a', 'doc-b', 'doc-c']) sandbox.addDocument({ id, content: PDF });
		sandbox.clearRequests();
	});

	it('true for Limit is refused, no longer a limit of 1', async () => {
		const result = await run('document', 'getAll', { state: '*', returnAll: false, limit: '={{ $json.v }}' }, true);
		expectRefused(result, 'Limit must be a whole number of at least 1, not "true" (item index 0)');
	});

	it('"true" for Return All returns all, no longer the limit', async () => {
		const result = await run('document', 'getAll', { state: '*', returnAll: '={{ $json.v }}', limit: 1 }, 'true');
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toHaveLength(3);
	});
});

describe('Options from expressions', () => {
	it.each([
		['an object for Timeout', 'timeout', {}, 'Timeout must be a number from 1 to 2147483647, not "{}" (item index 0)'],
		['a Timeout beyond what a timer can wait (every request timed out at once)', 'timeout', 1e21, 'Timeout must be a number from 1 to 2147483647, not 1e+21 (item index 0)'],
		['a list for Max Attempts', 'maxAttempts', [], 'Max Attempts must be a whole number from 1 to 10, not "[]" (item index 0)'],
	])('%s is refused before sending', async (_case, option, value, message) => {
		const result = await run('account', 'getUsage', { options: { [option]: '={{ $json.v }}' } }, value);
		expectRefused(result, message);
	});
});

describe('Wait for Signature: the wait limit', () => {
	beforeEach(() => {
		sandbox.addDocument({ id: DOCUMENT, content: PDF });
		sandbox.addSignatureRequest({ signatureRequestId: 'sr-wait', documentId: DOCUMENT });
		sandbox.clearRequests();
	});
	const interval = { signatureRequestId: 'sr-wait', documentId: DOCUMENT, limitWaitTime: 'afterTimeInterval' };

	it('Unit "constructor" is refused, no longer "Invalid time value" (it found Object\'s constructor for a unit)', async () => {
		const result = await run('signatureRequest', 'waitForSignature', { ...interval, resumeAmount: 1, resumeUnit: '={{ $json.v }}' }, 'constructor');
		expectRefused(result, 'Unit is not one of seconds, minutes, hours, days: "constructor" (item index 0)');
	});

	it('an Amount beyond any date says so, no longer "Invalid time value"', async () => {
		const result = await run('signatureRequest', 'waitForSignature', { ...interval, resumeUnit: 'hours', resumeAmount: '={{ $json.v }}' }, 1e21);
		expectRefused(result, /^Limit Wait Time ends later than any date, after the signing link expires at .* \(item index 0\)$/);
	});
});

describe('the credential', () => {
	const usage = async (credential: ICredentialDataDecryptedObject) =>
		await runOperation({ credential: { ...sandboxCredential(sandbox), ...credential }, resource: 'account', operation: 'getUsage' });

	it('a key with a line break inside is refused by the node and by the credential test, no longer sent as n8n\'s HTTP client alters it', async () => {
		const apiKey = `${API_KEY.slice(0, 8)}\n${API_KEY.slice(8)}`;
		const result = await usage({ apiKey });
		const tested = await testCredential(OkDokumentApi, { ...sandboxCredential(sandbox), apiKey });

		expect(result.error?.message).toBe(
			'The API Key in the OKdokument credential contains a space, a control character or a character beyond ASCII, which no OKdokument key has',
		);
		expect(tested.status).toBe('Error');
		expect(sandbox.requests).toEqual([]);
	});

	it('a credential without a key is refused as one: "The API Key … is empty", nothing sent', async () => {
		for (const apiKey of ['', '  ']) {
			const result = await usage({ apiKey });
			expect(result.error?.message).toBe('The API Key in the OKdokument credential is empty');
		}
		const withoutKey = sandboxCredential(sandbox);
		delete withoutKey.apiKey;
		const missing = await runOperation({ credential: withoutKey, resource: 'account', operation: 'getUsage' });
		expect(missing.error?.message).toBe('The API Key in the OKdokument credential is empty');
		expect(sandbox.requests).toEqual([]);
	});

	it.each([
		['a query', '?x=1', 'has a query or fragment (? or #), which the path of each request cannot follow'],
		['/JSON', '/JSON', 'ends in /JSON, which the node adds to each request itself'],
		['a space before its last slash', ' /', 'contains a space'],
	])('a Base URL with %s is refused, no longer a 404 or "Could not reach OKdokument"', async (_case, tail, problem) => {
		const result = await usage({ baseUrl: `${sandbox.url}${tail}` });
		expect(result.error?.message).toBe(`The Base URL in the OKdokument credential ${problem}`);
		expect(sandbox.requests).toEqual([]);
	});

	it('a key echoed back with JSON escapes is hidden in the error, no longer shown', async () => {
		const apiKey = `${API_KEY.slice(0, 10)}"${API_KEY.slice(10)}`;
		sandbox.setFault({ type: 'status', status: 401, body: { message: `unknown key ${apiKey}`, value: apiKey } });
		const result = await usage({ apiKey });

		expect(result.error?.message).toBe('unknown key ***');
		expect(JSON.stringify(result.run)).not.toContain(JSON.stringify(apiKey).slice(1, -1));
	});

	it('the credential test fails for a 200 that reports "success": false', async () => {
		sandbox.setFault({ type: 'status', status: 200, body: { message: 'err.key', success: false } });
		const tested = await testCredential(OkDokumentApi, sandboxCredential(sandbox));

		expect(tested).toEqual({ status: 'Error', message: 'OKdokument answered, but reports a failure ("success": false). Check the key and the environment.' });
	});
});

describe('a callback OKdokument confirms, nested 5,138 levels deep', () => {
	/** The shrunk counterexample's body: a genuine outcome, and a field nested deeper than n8n can copy. */
	const deeplyNested = (id: string) => `{"state":"signed","id":"${id}","nested":${'['.repeat(5138)}${']'.repeat(5138)}}`;
	const note = '[left out: nested deeper than 20 levels]';

	it('starts the trigger’s execution, which succeeds: the deep part is left out, no longer "Maximum call stack size exceeded"', async () => {
		const trigger = await startTrigger();
		sandbox.addDocument({ id: DOCUMENT, content: PDF, state: 'signed' });

		const answer = await postCallback(trigger, deeplyNested(DOCUMENT));

		expect(answer.status).toBe(200);
		expect(trigger.executions.map((execution) => execution.error?.message)).toEqual([undefined]);
		expect(JSON.stringify(trigger.received()[0].json.callback)).toContain(note);
	});

	it('resumes Send and Wait for Signature, which succeeds with the signed outcome, no longer an execution that crashes on it', async () => {
		sandbox.addDocument({ id: DOCUMENT, content: PDF });
		const execution = await startWaitingExecution({
			nodeTypes: [OkDokument],
			credentialTypes: [OkDokumentApi],
			node: {
				type: 'okDokument',
				parameters: { resource: 'signatureRequest', operation: 'sendAndWait', source: 'existingDocument', documentId: DOCUMENT, signerEmail: 'jana@example.com', senderEmail: 'office@example.com' },
			},
			credentials: { okDokumentApi: sandboxCredential(sandbox) },
		});
		try {
			const resumeUrl = (sandbox.requests.find((request) => request.path === '/JSON/signatureRequest')?.body as { sendInfoURL: string }).sendInfoURL;
			sandbox.addDocument({ id: DOCUMENT, content: PDF, state: 'signed', signedContent: PDF });

			const answer = await fetch(resumeUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deeplyNested(DOCUMENT) });
			await execution.settled();

			expect(answer.status).toBe(200);
			expect(execution.status).toBe('success');
			expect(execution.received().map((item) => item.json.state)).toEqual(['signed']);
		} finally {
			await execution.stop();
		}
	});
});
