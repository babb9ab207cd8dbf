/**
 * Generated values for every field of Signature Request → Update and Delete, run through n8n's engine against the
 * sandbox (fieldRuns.ts): refused before anything is sent, naming the field and the item, or sent as documented.
 */
import { useSandbox } from '../support/okdokument';
import { itAcceptsWhatTheOracleDoes } from './fieldRuns';
import * as oracle from './oracles';
import { fieldValues, plausibleId, plausibleUrl } from './values';
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
