import type { IDataObject } from 'n8n-workflow';

import { OkDokument } from '../nodes/OkDokument/OkDokument.node';
import { KNOWN_ID, runUpdate, sandboxCredential, useSandbox } from './support/okdokument';

const sandbox = useSandbox();

/** Item 0 is valid; item 1 carries the bad value, mapped in by expression as a workflow would. */
async function runWithSecondItem(second: IDataObject) {
	return await runUpdate({
		credential: sandboxCredential(sandbox),
		items: [{ id: KNOWN_ID, sendInfo: 'https://hooks.example.com/1', result: '' }, second],
		parameters: {
			signatureRequestId: '={{ $json.id }}',
			sendInfoUrl: '={{ $json.sendInfo }}',
			resultUrl: '={{ $json.result }}',
		},
	});
}

const validUrl = 'https://hooks.example.com/2';

describe('bad input is refused before anything is sent, naming the field and the item', () => {
	it.each([
		['an empty ID', { id: '', sendInfo: validUrl }, 'Signature Request ID is empty (item index 1)'],
		['a missing ID', { sendInfo: validUrl }, 'Signature Request ID is empty (item index 1)'],
		['an ID that is blank after trimming', { id: ' \t ', sendInfo: validUrl }, 'Signature Request ID is empty (item index 1)'],
		['an ID with a space inside', { id: 'abc def', sendInfo: validUrl }, 'Signature Request ID contains a space (item index 1)'],
		['an ID with a line break inside', { id: 'abc\ndef', sendInfo: validUrl }, 'Signature Request ID contains the character U+000A (item index 1)'],
		['an ID with a control character', { id: 'abc\u0007', sendInfo: validUrl }, 'Signature Request ID contains the character U+0007 (item index 1)'],
		['an absurdly long ID', { id: 'x'.repeat(201), sendInfo: validUrl }, 'Signature Request ID is 201 characters long (item index 1)'],
		['a list instead of an ID', { id: ['a', 'b'], sendInfo: validUrl }, 'Signature Request ID must be text, not a list (item index 1)'],
		['a Send Info URL without a scheme', { id: KNOWN_ID, sendInfo: 'hooks.example.com/x' }, 'Send Info URL is not an absolute http(s) URL: "hooks.example.com/x" (item index 1)'],
		['a Send Info URL with another scheme', { id: KNOWN_ID, sendInfo: 'ftp://example.com/x' }, 'Send Info URL is not an absolute http(s) URL: "ftp://example.com/x" (item index 1)'],
		['a relative Result URL', { id: KNOWN_ID, result: '/thank-you' }, 'Result URL is not an absolute http(s) URL: "/thank-you" (item index 1)'],
		['a Result URL that is not text', { id: KNOWN_ID, result: 42 }, 'Result URL must be text, not number (item index 1)'],
		['neither URL', { id: KNOWN_ID, sendInfo: ' ', result: '' }, 'Nothing to update: Send Info URL and Result URL are both empty (item index 1)'],
	])('refuses %s', async (_case, second, message) => {
		const result = await runWithSecondItem(second);

		// n8n shows and stores the failure under the node that raised it.
		expect(result.error).toMatchObject({ name: 'NodeOperationError', message, context: { itemIndex: 1 }, node: { name: 'OKdokument' } });
		expect(result.error?.description).toEqual(expect.any(String));
		// Item 0 went out; item 1 never reached OKdokument.
		expect(sandbox.requests.map((request) => (request.body as { signatureRequestId: string }).signatureRequestId)).toEqual([KNOWN_ID]);
	});

	it('accepts an ID of exactly 200 characters', async () => {
		const id = 'y'.repeat(200);
		sandbox.addSignatureRequest({ signatureRequestId: id });
		const result = await runWithSecondItem({ id, sendInfo: validUrl });

		expect(result.error).toBeUndefined();
		expect(sandbox.requests).toHaveLength(2);
	});

	it('refuses a custom Base URL in the credential that is not an http(s) URL', async () => {
		const result = await runUpdate({
			credential: sandboxCredential(sandbox, { baseUrl: 'localhost:8787' }),
			parameters: { signatureRequestId: KNOWN_ID, resultUrl: validUrl },
		});

		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'The Base URL in the OKdokument credential is not an absolute http(s) URL',
		});
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('the fields are checked by the node, not by n8n', () => {
	it('declare no validateType, so reading them without n8n’s schema check (WITHOUT_SCHEMA_CHECK) skips nothing', () => {
		const fields = new OkDokument().description.properties.filter((property) =>
			['signatureRequestId', 'sendInfoUrl', 'resultUrl'].includes(property.name),
		);

		expect(fields.length).toBeGreaterThanOrEqual(3);
		for (const field of fields) expect({ name: field.name, validateType: field.validateType }).toEqual({ name: field.name });
	});
});
