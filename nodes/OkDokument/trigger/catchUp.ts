import type { IDataObject, INodeExecutionData, IPollFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DELIVERY_FAILED, SIGNING_OUTCOMES } from '../callbacks/callback';
import { signingEventId } from '../callbacks/eventId';
import { CALLBACK_FAILED_STATE, listDocuments } from '../documents/requests';
import { readTriggerEvents } from './description';
import type { RememberedEvent } from './memory';
import { findRound, openMemory } from './memory';

/**
 * Catch Missed Events: OKdokument marks a document errorsendinfo when its callback is not
 * answered 200 (docs §4.1, §5) and does not say that it ever calls again, so the trigger looks
 * for such documents in the list (docs §3.6) and emits each once, as `deliveryFailed`.
 *
 * It runs in poll(), in the static data n8n loaded when it activated the workflow, which n8n
 * saves whole when a poll emits, over whatever callbacks saved since (docs/n8n-behaviour.md). So
 * a check merges the memory of the callbacks this process served (memory.ts) before it saves;
 * for callbacks other processes served (queue mode's webhook processors), it first records every
 * finished round OKdokument lists (`seen`), which stands in for what they remembered. Signed and
 * canceled documents are never caught: their callback was answered 200.
 */

export type CatchUpScope = 'fileName' | 'all';

export interface CatchUpSettings {
	intervalMinutes: number;
	scope: CatchUpScope;
	/** For scope fileName: the pattern, `*` for any characters. */
	fileNamePattern: string;
}

type SettingsContext = Pick<IWebhookFunctions | IPollFunctions, 'getNodeParameter' | 'getNode'>;

/**
 * The settings when Catch Missed Events is on (it needs Confirm With OKdokument and its
 * credential, and emits only what Trigger On asks for: Delivery Failed).
 */
export function readCatchUpSettings(context: SettingsContext): CatchUpSettings | undefined {
	const on =
		context.getNodeParameter('confirm', true) === true &&
		context.getNodeParameter('catchUp', false) === true &&
		readTriggerEvents(context).includes(DELIVERY_FAILED);
	if (!on) return undefined;
	const scope: CatchUpScope = context.getNodeParameter('catchUpScope', 'fileName') === 'all' ? 'all' : 'fileName';
	const fileNamePattern = String(context.getNodeParameter('catchUpFileName', '')).trim();
	if (scope === 'fileName' && fileNamePattern === '') {
		throw new NodeOperationError(context.getNode(), 'Catch Missed Events: File Name Pattern is empty', {
			description:
				'Enter the file names of this workflow’s documents, such as contract-*.pdf, or choose All Documents of the Account if no other workflow uses the credential’s OKdokument account.',
		});
	}
	const interval = Math.round(Number(context.getNodeParameter('catchUpInterval', 15)));
	return {
		intervalMinutes: Number.isFinite(interval) ? Math.min(Math.max(interval, 1), 1440) : 15,
		scope,
		fileNamePattern,
	};
}

/** A poll that comes this much early still counts as on time: n8n polls on the minute, give or take. */
const POLL_TOLERANCE_MS = 30_000;

/**
 * Whether this poll checks: the first one of an activation does, later ones once the interval has
 * passed. The time of the last check is kept on the activation's copy of static data as a
 * property that is not saved (not enumerable): n8n builds that copy anew when it activates the
 * workflow, so after a restart the first poll checks at once.
 */
export function isCheckDue(staticData: IDataObject, settings: CatchUpSettings, now: number): boolean {
	const last = Object.getOwnPropertyDescriptor(staticData, 'lastCheckAt')?.value as number | undefined;
	if (last !== undefined && now - last < settings.intervalMinutes * 60_000 - POLL_TOLERANCE_MS) return false;
	Object.defineProperty(staticData, 'lastCheckAt', { value: now, writable: true, configurable: true, enumerable: false });
	return true;
}

function fileNameMatcher(pattern: string): RegExp {
	const source = pattern
		.split('*')
		.map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
		.join('.*');
	return new RegExp(`^${source}$`, 'i');
}

/** Whether a listed document is one this trigger catches. */
export function isInScope(settings: CatchUpSettings, document: IDataObject): boolean {
	if (settings.scope === 'all') return true;
	return typeof document.filename === 'string' && fileNameMatcher(settings.fileNamePattern).test(document.filename);
}

interface ListedDocument extends IDataObject {
	id: string;
	state: string;
	modification: string;
}

function isListedDocument(document: IDataObject): document is ListedDocument {
	return (
		typeof document.id === 'string' &&
		document.id !== '' &&
		typeof document.state === 'string' &&
		typeof document.modification === 'string'
	);
}

/** The whole list of documents in one state, as far as it is well formed. */
async function listInState(this: IPollFunctions, state: string): Promise<ListedDocument[]> {
	const documents = await listDocuments.call(this, state, 0);
	return documents.filter(isListedDocument).filter((document) => document.state === state);
}

function catchUpItem(document: ListedDocument, now: number): INodeExecutionData {
	return {
		json: {
			eventId: signingEventId({ documentId: document.id, modification: document.modification, state: DELIVERY_FAILED }),
			state: DELIVERY_FAILED,
			documentId: document.id,
			signatureRequestId: null,
			confirmed: true,
			document,
			arrivedVia: 'catchUp',
			receivedAt: new Date(now).toISOString(),
		},
	};
}

/**
 * One check: the items to emit (often none). Every check also records the finished rounds
 * OKdokument lists (`seen`), for the save an emitting check causes. Nothing is awaited between
 * reading the memory and changing it, so neither a check running at the same time nor a callback
 * can deliver the same document twice.
 */
export async function checkForMissedEvents(
	this: IPollFunctions,
	settings: CatchUpSettings,
	now: number,
): Promise<INodeExecutionData[]> {
	const [failed, ...finished] = await Promise.all(
		[CALLBACK_FAILED_STATE, ...SIGNING_OUTCOMES].map(async (state) => await listInState.call(this, state)),
	);
	// Nothing is awaited from here on: the check and what it remembers are one step.
	const memory = openMemory(this, now);
	const events = memory.events;
	const missed = failed.filter(
		(document) =>
			isInScope(settings, document) &&
			findRound(
				events,
				{ documentId: document.id, modification: document.modification, state: CALLBACK_FAILED_STATE },
				now,
			) === undefined,
	);
	const known = (document: ListedDocument) =>
		events.some((event) => event.d === document.id && event.m === document.modification);
	const seen: RememberedEvent[] = finished
		.flat()
		.filter((document) => !known(document))
		.map((document) => ({ d: document.id, s: document.state, m: document.modification, t: now, v: 'seen' }));
	const caught: RememberedEvent[] = missed.map((document) => ({
		d: document.id,
		s: DELIVERY_FAILED,
		m: document.modification,
		t: now,
		v: 'catchUp',
	}));
	if (caught.length > 0 || seen.length > 0) memory.remember([...caught, ...seen], now);
	else memory.repair();
	return missed.map((document) => catchUpItem(document, now));
}
