import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import type { SigningCallback } from '../callbacks/callback';
import { isInScope, readCatchUpSettings } from './catchUp';
import type { RememberedEvent, TriggerMemory } from './memory';
import { findRepeatedCallback, findRound } from './memory';
import type { Verdict } from './verdict';
import { DELIVERY_FAILED } from '../callbacks/callback';

/**
 * What a callback needs from the memory (memory.ts): whether it repeats an event, and what to
 * remember once it starts the workflow.
 */

type Accepted = Extract<Verdict, { accepted: true }>;

function repeatReason(event: RememberedEvent): string {
	const when = new Date(event.t).toISOString();
	if (event.v === 'seen') return `OKdokument listed its signing round as finished at ${when}, when this trigger was active`;
	const how = event.v === 'catchUp' ? 'by Catch Missed Events' : 'by a callback';
	return `it repeats an event delivered ${how} at ${when}`;
}

/** Why the callback starts nothing, known before asking OKdokument: it names a signature request already delivered. */
export function repeatBeforeConfirming(
	remembered: RememberedEvent[],
	callback: SigningCallback,
	confirm: boolean,
): string | undefined {
	const repeated = findRepeatedCallback(remembered, {
		documentId: callback.documentId,
		signatureRequestId: callback.signatureRequestId,
		state: confirm ? undefined : callback.state,
	});
	return repeated && repeatReason(repeated);
}

/**
 * Why a confirmed callback starts nothing: its signing round was delivered (by a callback or by
 * Catch Missed Events), or it is a document Catch Missed Events emits (errorsendinfo, in its scope),
 * which emitting here too could make two events.
 */
export function repeatOnceConfirmed(
	context: IWebhookFunctions,
	remembered: RememberedEvent[],
	callback: SigningCallback,
	verdict: Accepted,
	now: number,
): string | undefined {
	const document: IDataObject | undefined = verdict.document;
	if (!callback.documentId || typeof document?.modification !== 'string') return undefined;
	const round = { documentId: callback.documentId, modification: document.modification, state: String(document.state) };
	const known = findRound(remembered, round, now);
	if (known) return repeatReason(known);
	const catchUp = verdict.state === DELIVERY_FAILED ? readCatchUpSettings(context) : undefined;
	if (catchUp && isInScope(catchUp, document)) {
		return `its document is errorsendinfo in OKdokument, and Catch Missed Events emits it once (within ${catchUp.intervalMinutes} minutes)`;
	}
	return undefined;
}

/** Remembers a callback that starts the workflow. */
export function rememberCallback(
	memory: TriggerMemory,
	callback: SigningCallback,
	verdict: Accepted,
	now: number,
): void {
	const modification = verdict.document?.modification;
	memory.remember(
		[
			{
				d: callback.documentId,
				r: callback.signatureRequestId,
				s: verdict.state,
				m: typeof modification === 'string' ? modification : undefined,
				t: now,
				v: 'callback',
			},
		],
		now,
	);
}
