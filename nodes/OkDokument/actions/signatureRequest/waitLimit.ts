import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { FieldRef } from '../../helpers/validation';
import { invalidField, readNumber, readText, shortened, valueText } from '../../helpers/validation';
import { MAX_DATE_MS, toEpochMs } from './expiration';

/**
 * How long Send and Wait for Signature and Wait for Signature wait: by default until the signing
 * link expires, and never longer than that plus a margin, since nobody can sign after it.
 */

/** A signature completed in the link's last moments still reaches n8n. */
export const WAIT_MARGIN_MS = 60 * 60 * 1000;

const UNIT_MS: Record<string, number> = {
	seconds: 1000,
	minutes: 60 * 1000,
	hours: 60 * 60 * 1000,
	days: 24 * 60 * 60 * 1000,
};

const afterTimeInterval = { show: { limitWaitTime: ['afterTimeInterval'] } };

/** How long the signing link lives, as far as the operation knows, for the wait limit. */
export interface LinkLifetime {
	/** When the link expires (epoch ms). */
	expiresAt: number;
	/** That moment in words, for messages, e.g. "2026-12-02T10:00:00.000Z (24 hours from now: no Expiration is set)". */
	text: string;
	/** What to do when the chosen limit is later than that. */
	tooLateHint: string;
}

/** Limit Wait Time and its fields; `untilExpiration` describes the default choice for the operation. */
export function waitLimitProperties(untilExpiration: string): INodeProperties[] {
	return [
		{
			displayName: 'Limit Wait Time',
			name: 'limitWaitTime',
			type: 'options',
			options: [
				{
					name: 'Until the Signing Link Expires',
					value: 'untilExpiration',
					description: untilExpiration,
				},
				{
					name: 'After a Time Interval',
					value: 'afterTimeInterval',
					description: 'Stop waiting after a fixed time',
				},
				{
					name: 'At a Specified Time',
					value: 'atSpecifiedTime',
					description: 'Stop waiting at a date and time',
				},
			],
			default: 'untilExpiration',
			hint: 'When the limit passes, the workflow continues with state "timedOut" and the request’s IDs, never with a signature',
		},
		{
			displayName: 'Amount',
			name: 'resumeAmount',
			type: 'number',
			displayOptions: afterTimeInterval,
			typeOptions: { minValue: 1, numberPrecision: 0 },
			default: 1,
			description: 'How long to wait, in the unit below',
		},
		{
			displayName: 'Unit',
			name: 'resumeUnit',
			type: 'options',
			displayOptions: afterTimeInterval,
			options: [
				{ name: 'Seconds', value: 'seconds' },
				{ name: 'Minutes', value: 'minutes' },
				{ name: 'Hours', value: 'hours' },
				{ name: 'Days', value: 'days' },
			],
			default: 'hours',
		},
		{
			displayName: 'Max Date and Time',
			name: 'maxDateAndTime',
			type: 'dateTime',
			displayOptions: { show: { limitWaitTime: ['atSpecifiedTime'] } },
			default: '',
			description: 'When to stop waiting, in the workflow’s time zone unless the value says otherwise',
		},
	];
}

/**
 * When the wait ends, checked before anything is sent: in the future, and not after the signing
 * link expires (plus the margin).
 */
export function readWaitTill(
	context: IExecuteFunctions,
	itemIndex: number,
	link: LinkLifetime,
	now = Date.now(),
): Date {
	const field: FieldRef = { node: context.getNode(), itemIndex, label: 'Limit Wait Time' };
	const fieldNamed = (label: string): FieldRef => ({ ...field, label });
	const latest = link.expiresAt + WAIT_MARGIN_MS;
	// An expression that gives nothing leaves the choice at its default.
	const limit = readText(context.getNodeParameter('limitWaitTime', itemIndex, 'untilExpiration'), field) || 'untilExpiration';

	let until: number;
	if (limit === 'untilExpiration') {
		until = latest;
	} else if (limit === 'afterTimeInterval') {
		const amount = readNumber(context.getNodeParameter('resumeAmount', itemIndex, 1), fieldNamed('Amount'), { min: 1 });
		const unit = readText(context.getNodeParameter('resumeUnit', itemIndex, 'hours'), fieldNamed('Unit')) || 'hours';
		// An own key only: "constructor" or "__proto__" would find Object's and make the wait end at an invalid date.
		if (!Object.prototype.hasOwnProperty.call(UNIT_MS, unit)) {
			throw invalidField(fieldNamed('Unit'), `is not one of ${Object.keys(UNIT_MS).join(', ')}: "${shortened(unit)}"`, 'Choose one of the listed units.');
		}
		until = now + amount * UNIT_MS[unit];
	} else if (limit === 'atSpecifiedTime') {
		const value = context.getNodeParameter('maxDateAndTime', itemIndex, '');
		const at = toEpochMs(value, context.getTimezone());
		if (at === undefined) {
			throw invalidField(field, `has no valid Max Date and Time: "${shortened(valueText(value))}"`, 'Pick a date, or map an ISO date such as 2026-12-01T12:00:00Z.');
		}
		if (at <= now) {
			throw invalidField(field, `ends in the past: ${new Date(at).toISOString()}`, 'Pick a moment after the request is sent.');
		}
		until = at;
	} else {
		throw invalidField(field, `is not one of untilExpiration, afterTimeInterval, atSpecifiedTime: "${shortened(limit)}"`, 'Choose one of the listed values.');
	}
	if (until > latest) {
		// A long enough interval ends beyond the last moment a date can hold (8.64e15 ms).
		const end = until <= MAX_DATE_MS ? `at ${new Date(until).toISOString()}` : 'later than any date';
		throw invalidField(
			field,
			`ends ${end}, after the signing link expires at ${link.text}`,
			`Nobody can sign once the link has expired, so waiting longer would only delay the time-out. ${link.tooLateHint}`,
		);
	}
	return new Date(until);
}
