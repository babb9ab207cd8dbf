import { tryToParseDateTime } from 'n8n-workflow';

import type { FieldRef } from '../../helpers/validation';
import { invalidField, shortened, valueText } from '../../helpers/validation';

/** OKdokument keeps a signing link open for at most 10 days (24 hours unless told otherwise). */
export const MAX_EXPIRATION_MS = 10 * 24 * 60 * 60 * 1000;
export const DEFAULT_EXPIRATION_MS = 24 * 60 * 60 * 1000;

const LIMIT_HINT =
	'A signing link can stay open for at most 10 days from now; without an expiration it closes after 24 hours.';

/** The largest epoch milliseconds a JavaScript Date can hold. */
export const MAX_DATE_MS = 8.64e15;

/** Epoch milliseconds of a date given as a number, digits, an ISO or other date text, a Date or a Luxon DateTime. */
export function toEpochMs(value: unknown, timezone: string): number | undefined {
	if (typeof value === 'number') return Math.abs(value) <= MAX_DATE_MS ? value : undefined;
	if (typeof value === 'string' && /^\d+$/.test(value.trim())) {
		const ms = Number(value.trim());
		return ms <= MAX_DATE_MS ? ms : undefined;
	}
	try {
		// A date picked in the editor has no offset: it is meant in the workflow's time zone.
		const parsed = tryToParseDateTime(value, timezone);
		return parsed.isValid ? parsed.toMillis() : undefined;
	} catch {
		return undefined;
	}
}

/**
 * The expiration as OKdokument wants it (epoch milliseconds, as a string), or undefined when
 * none is given. Refuses a moment in the past or more than 10 days ahead.
 */
export function toExpirationTime(
	value: unknown,
	timezone: string,
	field: FieldRef,
	now = Date.now(),
): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'string' && value.trim() === '') return undefined;
	const ms = toEpochMs(value, timezone);
	if (ms === undefined) {
		throw invalidField(
			field,
			`is not a date: "${shortened(valueText(value))}"`,
			'Pick a date, or map an ISO date such as 2026-12-01T12:00:00Z or epoch milliseconds.',
		);
	}
	const when = new Date(ms).toISOString();
	if (ms <= now) throw invalidField(field, `is in the past: ${when}`, LIMIT_HINT);
	if (ms - now > MAX_EXPIRATION_MS) {
		throw invalidField(field, `is more than 10 days ahead: ${when}`, LIMIT_HINT);
	}
	return String(Math.round(ms));
}
