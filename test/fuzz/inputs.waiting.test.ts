/**
 * Generated values for the fields that only Send and Wait for Signature and Wait for Signature have (the rest they
 * share with Create: inputs.create.test.ts). They take one item per execution, so each value runs alone
 * (fieldRuns.ts, itAcceptsEachValueAlone): refused before anything is sent, or sent, and the execution waits.
 */
import fc from 'fast-check';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { useSandbox } from '../support/okdokument';
import { itAcceptsEachValueAlone, labelOf, type ExpectedRequest, type FieldCase } from './fieldRuns';
import * as oracle from './oracles';
import { anyNumber, anyValue, fieldValues, mutated, notText, plausibleId } from './values';
import { pathNaming } from './wire';

const sandbox = useSandbox();

const DOCUMENT = 'fuzz-document';
const REQUEST = 'fuzz-request';
const PDF = Buffer.from('%PDF-1.4\n% fuzz\n%%EOF\n');
const SIGNER = { signerEmail: 'jana@example.com', senderEmail: 'office@example.com' };
const HOUR = 3_600_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The execution's resume URL, as this harness's n8n makes it. */
const resumeUrl = expect.stringMatching(/^http:\/\/localhost:5678\/webhook-waiting\//);

const prepare = (ids: { requests?: string[]; documents?: string[] } = {}) => {
	for (const id of new Set([DOCUMENT, ...(ids.documents ?? [])])) sandbox.addDocument({ id, filename: 'fuzz.pdf', content: PDF });
	for (const signatureRequestId of new Set([REQUEST, ...(ids.requests ?? [])])) sandbox.addSignatureRequest({ signatureRequestId, documentId: DOCUMENT });
};

/** Send and Wait for an existing document: one request, with this execution's signed resume URL. */
const sendAndWait = {
	resource: 'signatureRequest',
	operation: 'sendAndWait',
	parameters: { source: 'existingDocument', documentId: DOCUMENT, ...SIGNER },
	prepare: () => prepare(),
};
const created = (rules: IDataObject = { emailTo: SIGNER.signerEmail, emailFrom: SIGNER.senderEmail }): ExpectedRequest[] => [
	{
		method: 'POST',
		path: '/JSON/signatureRequest',
		body: { signatureRequestId: expect.stringMatching(UUID), id: DOCUMENT, changeState: 'tosign', sendInfoURL: resumeUrl, rules },
	},
];

/** Wait for Signature: the request's callback pointed at this execution, then its document's state read. */
const waitForSignature = (signatureRequestId = REQUEST, documentId = DOCUMENT): ExpectedRequest[] => [
	{ method: 'PATCH', path: '/JSON/signatureRequest', body: { signatureRequestId, sendInfoURL: resumeUrl } },
	{ method: 'GET', path: pathNaming('/JSON/document/metadata', documentId) as never },
];
const waitFor = { resource: 'signatureRequest', operation: 'waitForSignature', parameters: { signatureRequestId: REQUEST, documentId: DOCUMENT }, prepare: () => prepare() };

describe('Send and Wait for Signature: the signer', () => {
	const addresses = fieldValues(fc.constantFrom('jana@example.com', 'j.nováková@firma.sk', 'office@example.com'));
	itAcceptsEachValueAlone(sandbox, 'Send and Wait → Signer Email', {
		...sendAndWait,
		path: ['signerEmail'],
		values: addresses,
		judge: (value) => {
			const address = oracle.email(value);
			return address.accepted && address.value === undefined ? oracle.refuse('no signer') : address;
		},
		requests: (address) => created({ emailTo: address, emailFrom: SIGNER.senderEmail }),
	});
	itAcceptsEachValueAlone(sandbox, 'Send and Wait → Sender Email', {
		...sendAndWait,
		path: ['senderEmail'],
		values: addresses,
		judge: (value) => {
			const address = oracle.email(value);
			return address.accepted && address.value === undefined ? oracle.refuse('a signer without a sender') : address;
		},
		requests: (address) => created({ emailTo: SIGNER.signerEmail, emailFrom: address }),
	});
});

/** A moment made when the run starts, `offsetMs` from then: far enough from the limits not to flake. */
type Moment = { offsetMs: number };
const isMoment = (value: unknown): value is Moment => typeof value === 'object' && value !== null && 'offsetMs' in value;
const moments = fc.oneof(
	fc.record({ offsetMs: fc.oneof(fc.integer({ min: 60_000, max: 24 * HOUR }), fc.integer({ min: 26 * HOUR, max: 300 * HOUR }), fc.integer({ min: -300 * HOUR, max: -60_000 })) }),
	anyValue,
	fc.constantFrom('2020-01-01T00:00:00Z', 'soon', '0', '99999999999999999999'),
);
const asMoment = (value: unknown): INodeExecutionData => ({
	json: { v: isMoment(value) ? new Date(Math.floor((Date.now() + value.offsetMs) / 1000) * 1000).toISOString() : (value as never) },
});

/** Amount and Max Date and Time may be refused by Limit Wait Time, the choice they belong to (a wait too long, in the past). */
const withChoiceLabel = (field: FieldCase<unknown>): FieldCase<unknown> =>
	['resumeAmount', 'maxDateAndTime'].includes(field.path[0]) ? { ...field, labels: ['Limit Wait Time'] } : field;

/** The wait fields of both operations, with `link` the longest wait (the link's life plus an hour). */
function waitCases(operation: string, base: Omit<FieldCase, 'path' | 'values' | 'judge' | 'requests'>, sent: () => ExpectedRequest[], linkHours: number): Array<[string, FieldCase<unknown>]> {
	const label = (path: string[]) => `${operation} → ${labelOf('signatureRequest', base.operation, path)}`;
	const choices = ['untilExpiration', 'afterTimeInterval', 'atSpecifiedTime'];
	const units: Record<string, number> = { seconds: 1 / 3600, minutes: 1 / 60, hours: 1, days: 24 };
	const interval = { limitWaitTime: 'afterTimeInterval' };
	return [
		[
			label(['limitWaitTime']),
			{
				...base,
				path: ['limitWaitTime'],
				// An interval of 1 hour, a moment in 2 hours: both within any link's life.
				parameters: { ...base.parameters, resumeAmount: 1, resumeUnit: 'hours', maxDateAndTime: new Date(Date.now() + 2 * HOUR).toISOString() },
				values: fieldValues(fc.constantFrom(...choices)),
				judge: (value) => oracle.choice(value, choices),
				requests: sent,
			},
		],
		[
			label(['resumeAmount']),
			{
				...base,
				path: ['resumeAmount'],
				parameters: { ...base.parameters, ...interval, resumeUnit: 'hours' },
				values: fc.oneof(fc.integer({ min: -2, max: 2 * linkHours }), fc.integer({ min: 1, max: linkHours - 1 }).map(String), mutated(fc.nat(30).map(String)), anyNumber, notText),
				judge: (value) => {
					const amount = oracle.numberAtLeast(value, 1);
					// Too long a wait is refused too, by Limit Wait Time (the choice it belongs to).
					return amount.accepted && amount.value >= linkHours ? oracle.refuse('after the link expires') : amount;
				},
				requests: sent,
			},
		],
		[
			label(['resumeUnit']),
			{
				...base,
				path: ['resumeUnit'],
				parameters: { ...base.parameters, ...interval, resumeAmount: 1 },
				values: fieldValues(fc.constantFrom(...Object.keys(units))),
				judge: (value) => {
					const unit = oracle.choice(value, Object.keys(units));
					return unit.accepted && units[unit.value ?? 'hours'] >= linkHours ? oracle.refuse('after the link expires') : unit;
				},
				requests: sent,
			},
		],
		[
			label(['maxDateAndTime']),
			{
				...base,
				path: ['maxDateAndTime'],
				parameters: { ...base.parameters, limitWaitTime: 'atSpecifiedTime' },
				values: moments,
				item: asMoment,
				judge: (value) => (isMoment(value) && value.offsetMs > 0 && value.offsetMs < linkHours * HOUR ? oracle.accept(value) : oracle.refuse('not a moment before the link expires')),
				requests: sent,
			},
		],
		[
			label(['downloadSignedPdf']),
			{ ...base, path: ['downloadSignedPdf'], values: fc.oneof(fc.boolean(), fc.constantFrom('true', 'false'), anyValue), judge: oracle.boolean, requests: sent },
		],
		[
			label(['outputBinaryPropertyName']),
			{ ...base, path: ['outputBinaryPropertyName'], values: fieldValues(fc.constantFrom('data', 'signed', 'signed pdf')), judge: oracle.fieldName, requests: sent },
		],
	];
}

describe('Send and Wait for Signature: how long it waits, and the signed PDF', () => {
	// Without an Expiration the link lives 24 hours: the wait may last 25.
	for (const [name, field] of waitCases('Send and Wait', sendAndWait, () => created(), 25)) {
		itAcceptsEachValueAlone(sandbox, name, withChoiceLabel(field));
	}
});

describe('Wait for Signature', () => {
	itAcceptsEachValueAlone(sandbox, 'Wait for Signature → Signature Request ID', {
		...waitFor,
		path: ['signatureRequestId'],
		values: fieldValues(plausibleId),
		judge: oracle.id,
		prepare: (_sandbox, ids) => prepare({ requests: ids as string[] }),
		requests: (id) => waitForSignature(id),
	});
	itAcceptsEachValueAlone(sandbox, 'Wait for Signature → Document ID', {
		...waitFor,
		path: ['documentId'],
		placeholder: { __rl: true, mode: 'id', value: '={{ $json.v }}' },
		values: fieldValues(plausibleId),
		judge: oracle.id,
		prepare: (_sandbox, ids) => prepare({ documents: ids as string[] }),
		requests: (id) => waitForSignature(REQUEST, id),
	});
	// An existing request's link lives at most 10 days: the wait may last 241 hours.
	for (const [name, field] of waitCases('Wait for Signature', waitFor, () => waitForSignature(), 241)) {
		itAcceptsEachValueAlone(sandbox, name, withChoiceLabel(field));
	}
});
