/**
 * Generated values for every field of Signature Request → Update and Delete, run through n8n's engine against the
 * sandbox (fieldRuns.ts): refused before anything is sent, naming the field and the item, or sent as documented.
 * And the choices no expression may set (Resource, Operation, Source), saved with any value.
 */
import fc from 'fast-check';

import { OkDokument } from '../../nodes/OkDokument/OkDokument.node';
import { runOperation, sandboxCredential, useSandbox } from '../support/okdokument';
import { fuzzParameters, scaled } from './budget';
import { itAcceptsWhatTheOracleDoes } from './fieldRuns';
import * as oracle from './oracles';
import { anyText, fieldValues, plausibleId, plausibleUrl } from './values';
import { pathNaming } from './wire';

const sandbox = useSandbox();

const KNOWN = 'fuzz-known-request';
const HOOK = 'https://hooks.example.com/fuzz';
const registerRequests = (ids: string[]) => {
	for (const signatureRequestId of [KNOWN, ...ids]) sandbox.addSignatureRequest({ signatureRequestId });
};

describe('Signature Request → Update', () => {
	itAcceptsWhatTheOracleDoes(sandbox, 'Update → Signature Request ID', {
		resource: 'signatureRequest',
		operation: 'update',
		path: ['signatureRequestId'],
		parameters: { sendInfoUrl: HOOK },
		values: fieldValues(plausibleId),
		judge: oracle.id,
		prepare: (_sandbox, ids) => registerRequests(ids),
		requests: (id) => [{ method: 'PATCH', path: '/JSON/signatureRequest', body: { signatureRequestId: id, sendInfoURL: HOOK } }],
	});

	for (const [name, wireName, other] of [
		['sendInfoUrl', 'sendInfoURL', 'resultUrl'],
		['resultUrl', 'resulturl', 'sendInfoUrl'],
	] as const) {
		itAcceptsWhatTheOracleDoes(sandbox, `Update → ${name}`, {
			resource: 'signatureRequest',
			operation: 'update',
			path: [name],
			// The other URL empty: an empty value here leaves nothing to update, which is refused too.
			parameters: { signatureRequestId: KNOWN, [other]: '' },
			values: fieldValues(plausibleUrl),
			judge: (value) => {
				const url = oracle.optionalHttpUrl(value);
				return url.accepted && url.value === undefined ? oracle.refuse('nothing to update') : url;
			},
			prepare: () => registerRequests([]),
			requests: (url) => [{ method: 'PATCH', path: '/JSON/signatureRequest', body: { signatureRequestId: KNOWN, [wireName]: url } }],
		});
	}
});

describe('Signature Request → Delete', () => {
	itAcceptsWhatTheOracleDoes(sandbox, 'Delete → Signature Request ID', {
		resource: 'signatureRequest',
		operation: 'delete',
		path: ['signatureRequestId'],
		values: fieldValues(plausibleId),
		judge: oracle.id,
		prepare: (_sandbox, ids) => registerRequests(ids),
		refusedByOkdokument: (id, earlier) => earlier.includes(id),
		requests: (id) => [{ method: 'DELETE', path: pathNaming('/JSON/signatureRequest', id) as never }],
		output: (id) => ({ signatureRequestId: id, deleted: true }),
	});
});

describe('the choices no expression may set (Resource, Operation, Source)', () => {
	const description = new OkDokument().description;
	const choicesOf = (name: string) =>
		description.properties.filter((property) => property.name === name).flatMap((property) => (property.options as Array<{ value: string }>).map((option) => option.value));
	const resources = choicesOf('resource');
	const operations = choicesOf('operation');

	it('any saved value: an unknown one is refused before anything is sent, by n8n or by the node', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.oneof(fc.constantFrom(...resources), anyText),
				fc.oneof(fc.constantFrom(...operations), anyText),
				fc.oneof(fc.constantFrom('newDocument', 'existingDocument'), anyText),
				async (resource, operation, source) => {
					sandbox.reset();
					// Source is a field of Create and Send and Wait only: elsewhere any value of it is no one's concern.
					const takesSource = resource === 'signatureRequest' && ['create', 'sendAndWait'].includes(operation);
					const known = resources.includes(resource) && operations.includes(operation) && (!takesSource || ['newDocument', 'existingDocument'].includes(source));
					// Every operation refuses its missing fields, which a run with no others has: nothing may be sent.
					const outcome = await runOperation({ credential: sandboxCredential(sandbox), resource, operation, parameters: { source } }).then(
						(result) => result.error,
						(refusal: Error) => refusal,
					);
					const about = { resource, operation, source };
					// Refused by n8n (no such parameter, issues in the workflow) or by the node (an unknown operation or source).
					if (!known) expect({ about, refused: (outcome?.message ?? '') !== '' }).toEqual({ about, refused: true });
					expect({ about, sent: sandbox.requests.filter((request) => request.method !== 'GET').map((request) => request.path) }).toEqual({ about, sent: [] });
				},
			),
			fuzzParameters('choices', scaled(40)),
		);
	});
});
