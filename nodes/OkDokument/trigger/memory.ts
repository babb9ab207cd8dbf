import type { IDataObject } from 'n8n-workflow';

/**
 * What the OKdokument Trigger delivered, kept in the workflow's static data (the trigger node's
 * part of it) so that each event starts the workflow once: across requests, across the
 * processes of queue mode, and across restarts of n8n.
 *
 * How n8n saves it (read in n8n 1.123.81 and 2.41.1): a webhook call loads the static data from
 * the database and saves it when webhook() has answered (n8n/dist/webhooks/live-webhooks.js,
 * in the main process or, in queue mode, the webhook processor); the trigger answers OKdokument
 * itself for that reason (see the node). Catch Missed Events runs in the copy n8n loaded when it
 * activated the workflow, which n8n saves whole when the trigger emits (catchUp.ts).
 */

/** Where an event came from; `seen`: a finished round OKdokument listed while Catch Missed Events saved. */
export type EventSource = 'callback' | 'catchUp' | 'seen';

/** One remembered event, in short keys: static data is stored with the workflow and read on every callback. */
export interface RememberedEvent {
	/** Document ID. */
	d?: string;
	/** Signature request ID, when the callback named one. */
	r?: string;
	/** The state the event was emitted with (signed, canceled, deliveryFailed), or the listed state for `seen`. */
	s: string;
	/** The document's `modification` as OKdokument reported it, which tells its signing rounds apart. */
	m?: string;
	/** When it was remembered (epoch ms). */
	t: number;
	v: EventSource;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * OKdokument keeps signed documents 10 days and others 30 or 60 (docs §6); events are kept a
 * little longer than the longest, and never more than MAX_EVENTS (`seen` ones go first).
 */
export const MAX_EVENT_AGE_MS = 62 * DAY_MS;
export const MAX_EVENTS = 3000;

/**
 * How long a `seen` round is not yet proof of a delivery: its callback may still be on its way
 * when Catch Missed Events lists the document (OKdokument waits for the answer, docs §4.1).
 * A round seen at an earlier check (15 minutes before, by default) is past it.
 */
export const SEEN_GRACE_MS = 5 * 60 * 1000;

const SOURCES: readonly string[] = ['callback', 'catchUp', 'seen'];
const optionalText = (value: unknown) => value === undefined || typeof value === 'string';

function isRememberedEvent(value: unknown): value is RememberedEvent {
	if (typeof value !== 'object' || value === null) return false;
	const event = value as IDataObject;
	return (
		typeof event.s === 'string' &&
		typeof event.t === 'number' &&
		SOURCES.includes(event.v as string) &&
		optionalText(event.d) &&
		optionalText(event.r) &&
		optionalText(event.m)
	);
}

/** The remembered events; anything else stored there (an older or damaged shape) is ignored. */
export function readEvents(staticData: IDataObject): RememberedEvent[] {
	const stored = staticData.events;
	return Array.isArray(stored) ? stored.filter(isRememberedEvent) : [];
}

/**
 * The event a callback repeats, known before asking OKdokument: the same signature request (and
 * document, when the callback names one; a connector-shaped callback names only the request);
 * for an unconfirmed callback that names no request, the same document and state.
 */
export function findRepeatedCallback(
	events: RememberedEvent[],
	callback: { documentId?: string; signatureRequestId?: string; state?: string },
): RememberedEvent | undefined {
	const { documentId, signatureRequestId, state } = callback;
	if (signatureRequestId !== undefined) {
		return events.find(
			(event) =>
				event.v !== 'seen' &&
				event.r === signatureRequestId &&
				(documentId === undefined || event.d === documentId),
		);
	}
	if (documentId === undefined || state === undefined) return undefined;
	return events.find(
		(event) =>
			event.v === 'callback' && event.d === documentId && event.r === undefined && event.m === undefined && event.s === state,
	);
}

/**
 * The event of a document's signing round, as OKdokument lists or confirms it: same document and
 * `modification`. A `seen` round counts only for the same state, and only once its grace is over.
 */
export function findRound(
	events: RememberedEvent[],
	round: { documentId: string; modification: string; state: string },
	now: number,
): RememberedEvent | undefined {
	return events.find(
		(event) =>
			event.d === round.documentId &&
			event.m === round.modification &&
			(event.v !== 'seen' || (event.s === round.state && now - event.t >= SEEN_GRACE_MS)),
	);
}

/** The events to keep: none older than MAX_EVENT_AGE_MS, at most MAX_EVENTS, `seen` ones dropped first. */
function bounded(events: RememberedEvent[], now: number): RememberedEvent[] {
	const recent = events.filter((event) => now - event.t <= MAX_EVENT_AGE_MS);
	let excess = recent.length - MAX_EVENTS;
	if (excess <= 0) return recent;
	const drop = new Set<RememberedEvent>();
	const oldestFirst = [...recent].sort((a, b) => a.t - b.t);
	for (const source of ['seen', undefined] as const) {
		for (const event of oldestFirst) {
			if (excess === 0) break;
			if (drop.has(event) || (source !== undefined && event.v !== source)) continue;
			drop.add(event);
			excess -= 1;
		}
	}
	return recent.filter((event) => !drop.has(event));
}

/**
 * Adds events and stores the list again. It is assigned whole, because n8n notices a change of
 * static data only when one of its properties is set (n8n-workflow's ObservableObject).
 */
export function rememberEvents(
	staticData: IDataObject,
	additions: RememberedEvent[],
	now: number,
): void {
	const events = bounded([...readEvents(staticData), ...additions], now);
	staticData.events = events.map((event) => ({ ...event })) as unknown as IDataObject[];
}
