import type { IDataObject, INode, IWorkflowMetadata, WorkflowExecuteMode } from 'n8n-workflow';

import { BoundedMap } from '../helpers/boundedMap';

/**
 * What the OKdokument Trigger delivered, so that each event starts the workflow once: across
 * requests, across restarts of n8n, and across the processes of queue mode.
 *
 * Two copies, one durable and one atomic:
 * - the workflow's static data (the trigger node's part), which n8n loads for every callback and
 *   writes back whole afterwards, with no lock: two callbacks at once each write "what I loaded
 *   plus my event", and the last write wins (docs/n8n-behaviour.md);
 * - a memory of this process, shared by every callback it serves. n8n offers a community node
 *   nothing atomic, so this is the one place where state kept in module memory between
 *   executions is right: a check and the set that follows it, with no `await` between them,
 *   cannot interleave with another callback's. It is keyed by workflow and node, bounded like the
 *   static data (age and count) and in the number of triggers, and gone when n8n restarts.
 * Every call merges the static data it loaded into the process's memory, and writes the whole
 * memory back whenever the two differ, so a save that another call overwrote is repaired by the
 * next one. A restart starts from the static data alone.
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

/** Triggers whose events one process keeps at once (the least recently used is forgotten first). */
export const MAX_TRIGGERS = 200;

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

/** The remembered events in static data; anything else stored there (an older or damaged shape) is ignored. */
function readStored(staticData: IDataObject): RememberedEvent[] {
	const stored = staticData.events;
	return Array.isArray(stored) ? stored.filter(isRememberedEvent) : [];
}

/** Two records of one event (remembered by two calls, or by two processes) have the same key. */
const keyOf = (event: RememberedEvent) => JSON.stringify([event.v, event.d ?? null, event.r ?? null, event.s, event.m ?? null]);

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
 * One trigger's events, as far as this process knows them. `list` is one array, changed in place:
 * the static data of every call holds it, so whenever n8n saves a call's static data (after the
 * call has answered, in whatever order the calls end) it saves every event known by then, not the
 * events known when that call looked.
 */
class DeliveredEvents {
	readonly list: RememberedEvent[] = [];
	private byKey = new Map<string, RememberedEvent>();

	/** Adds what is not known yet (an event keeps the time it was first remembered), then bounds the list. */
	add(events: RememberedEvent[], now: number): void {
		for (const event of events) {
			const key = keyOf(event);
			const known = this.byKey.get(key);
			if (known) {
				if (event.t < known.t) known.t = event.t;
				continue;
			}
			const added = { ...event };
			this.byKey.set(key, added);
			this.list.push(added);
		}
		if (this.list.length > MAX_EVENTS || this.list.some((event) => now - event.t > MAX_EVENT_AGE_MS)) {
			const kept = bounded(this.list, now);
			this.list.splice(0, this.list.length, ...kept);
			this.byKey = new Map(kept.map((event) => [keyOf(event), event]));
		}
	}

	/** Whether `stored` holds exactly these events. */
	matches(stored: RememberedEvent[]): boolean {
		if (stored.length !== this.byKey.size) return false;
		return stored.every((event) => this.byKey.get(keyOf(event))?.t === event.t);
	}
}

const perTrigger = new BoundedMap<string, DeliveredEvents>(MAX_TRIGGERS);

interface MemoryOwner {
	getWorkflow(): IWorkflowMetadata;
	getNode(): INode;
	getMode(): WorkflowExecuteMode;
	getWorkflowStaticData(type: string): IDataObject;
}

/** One call's view of the trigger's memory: the process's events, kept in step with the static data. */
export interface TriggerMemory {
	/** Every event remembered, now (what other calls added meanwhile included). */
	readonly events: RememberedEvent[];
	/** Remembers events and writes the whole memory into the static data. No `await` may come between a check and this. */
	remember(events: RememberedEvent[], now: number): void;
	/** Writes the whole memory into the static data if what was loaded lacks anything (or has what is forgotten). */
	repair(): void;
}

/**
 * The trigger's memory for this call, with the static data the call loaded merged in. A test run
 * (the Test URL, Fetch Test Event) gets a memory of its own: n8n never saves a test run's static
 * data, and nothing it delivers may count as delivered for the workflow.
 */
export function openMemory(context: MemoryOwner, now: number): TriggerMemory {
	const staticData = context.getWorkflowStaticData('node');
	let memory: DeliveredEvents;
	if (context.getMode() === 'manual') {
		memory = new DeliveredEvents();
	} else {
		const key = `${context.getWorkflow().id ?? ''}\u0000${context.getNode().id}`;
		memory = perTrigger.get(key) ?? perTrigger.set(key, new DeliveredEvents());
	}
	memory.add(readStored(staticData), now);
	const write = () => {
		// Assigned, not changed in place: n8n saves static data only when one of its properties is set.
		staticData.events = memory.list as unknown as IDataObject[];
	};
	return {
		get events() {
			return memory.list;
		},
		remember(events, now) {
			memory.add(events, now);
			write();
		},
		repair() {
			if (!memory.matches(readStored(staticData))) write();
		},
	};
}

/** Forgets what this process remembered, as a restart of n8n does. For tests. */
export function forgetProcessMemory(): void {
	perTrigger.clear();
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
