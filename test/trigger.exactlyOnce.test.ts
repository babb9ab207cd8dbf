import type { IDataObject } from 'n8n-workflow';

import { useSandbox } from './support/okdokument';
import { EVENT_ID, postCallback, useTriggers } from './support/trigger';
import type { WebhookTrigger } from './harness/webhook';
import type { RememberedEvent } from '../nodes/OkDokument/trigger/memory';

/**
 * Each event once, when callbacks overlap. n8n loads the static data for every callback and
 * writes it back whole when the call is answered, with no lock: these tests let two calls
 * overlap at the one place where the trigger waits (its check with OKdokument), in either order,
 * and read what n8n's database holds afterwards (the harness saves as n8n 2.41 does).
 */

const sandbox = useSandbox();
const { startTrigger, restart, createRequest } = useTriggers(sandbox);

const NODE_KEY = 'node:OKdokument Trigger';
const rememberedIn = (trigger: WebhookTrigger) =>
	((trigger.staticData.read()[NODE_KEY] as IDataObject | undefined)?.events ?? []) as RememberedEvent[];

/** A signed request, and the callback OKdokument would send for it (the tests send it themselves). */
async function signedWithoutCallback(_trigger: WebhookTrigger, filename = 'contract.pdf') {
	const request = await createRequest(undefined, filename);
	expect((await sandbox.sign(request.signatureRequestId)).state).toBe('signed');
	return { ...request, callback: { state: 'signed', id: request.documentId, signatureRequestId: request.signatureRequestId } };
}

/** OKdokument answers the check for this document `ms` late, once. */
const slowCheck = (documentId: string, ms: number) =>
	sandbox.setFault({ type: 'delay', ms, path: `/JSON/document/metadata/${encodeURIComponent(documentId)}`, times: 1 });

describe('OKdokument Trigger: callbacks that overlap', () => {
	it.each([
		['the first call ends first', 0, 300],
		['the second call ends first', 300, 0],
	])('two different events at once are both remembered (%s), and replayed after a restart start nothing', async (_order, firstDelay, secondDelay) => {
		const trigger = await startTrigger();
		const first = await signedWithoutCallback(trigger, 'contract-1.pdf');
		const second = await signedWithoutCallback(trigger, 'contract-2.pdf');
		slowCheck(first.documentId, firstDelay);
		slowCheck(second.documentId, secondDelay);

		const answers = await Promise.all([postCallback(trigger, first.callback), postCallback(trigger, second.callback)]);

		expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
		expect(trigger.executions).toHaveLength(2);
		expect(rememberedIn(trigger).map((event) => event.d).sort()).toEqual([first.documentId, second.documentId].sort());

		const again = await restart(trigger);
		await postCallback(again, first.callback);
		await postCallback(again, second.callback);
		expect(again.calls.map((call) => call.outcome)).toEqual(['ignored', 'ignored']);
		expect(again.executions).toEqual([]);
	});

	it('ten copies of one callback at once start the workflow once; every copy is answered 200', async () => {
		const trigger = await startTrigger();
		const { callback } = await signedWithoutCallback(trigger);

		const answers = await Promise.all(Array.from({ length: 10 }, async () => await postCallback(trigger, callback)));

		expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.calls.filter((call) => call.outcome === 'started')).toHaveLength(1);
		expect(rememberedIn(trigger)).toHaveLength(1);
	});

	it('a copy that arrives while the first is still being checked starts nothing, whichever check ends first', async () => {
		const trigger = await startTrigger();
		const { documentId, callback } = await signedWithoutCallback(trigger);
		slowCheck(documentId, 300); // the first copy's check is slow; the second's is not

		const slow = postCallback(trigger, callback);
		await new Promise((resolve) => setTimeout(resolve, 50));
		await postCallback(trigger, callback);
		await slow;

		expect(trigger.calls.map((call) => call.outcome).sort()).toEqual(['ignored', 'started']);
		expect(trigger.executions).toHaveLength(1);
	});

	it('a save that an overlapping call overwrote is repaired by the next call, so a restart still knows every event', async () => {
		const trigger = await startTrigger();
		const first = await signedWithoutCallback(trigger, 'contract-1.pdf');
		const second = await signedWithoutCallback(trigger, 'contract-2.pdf');
		await Promise.all([postCallback(trigger, first.callback), postCallback(trigger, second.callback)]);
		// What an overwritten save leaves behind: only the first event in the database.
		const [kept] = rememberedIn(trigger).filter((event) => event.d === first.documentId);
		trigger.staticData.save({ [NODE_KEY]: { events: [kept] } });

		await postCallback(trigger, first.callback); // a repeat: starts nothing, but writes back what it knows

		expect(rememberedIn(trigger).map((event) => event.d).sort()).toEqual([first.documentId, second.documentId].sort());
		const again = await restart(trigger);
		await postCallback(again, second.callback);
		expect(again.executions).toEqual([]);
	});

	it('a check OKdokument answered while n8n was too busy to read it (a burst) still counts: 200, and the workflow starts', async () => {
		const trigger = await startTrigger();
		const { callback, documentId } = await signedWithoutCallback(trigger);
		const check = `/JSON/document/metadata/${encodeURIComponent(documentId)}`;
		const asked = () => sandbox.requests.some((request) => request.method === 'GET' && request.path === check);
		const answer = postCallback(trigger, callback);
		while (!asked()) await new Promise((resolve) => setImmediate(resolve));
		// n8n busy with other callbacks for 6 s: a request's timer runs out before its answer is read.
		const busyUntil = Date.now() + 6_000;
		while (Date.now() < busyUntil);

		expect((await answer).status).toBe(200);
		expect(trigger.calls.map((call) => call.outcome)).toEqual(['started']);
		expect(trigger.executions).toHaveLength(1);
	});

	it('saves that land in the opposite order from the calls still hold every event, so a restart knows them all', async () => {
		const trigger = await startTrigger();
		const first = await signedWithoutCallback(trigger, 'contract-1.pdf');
		const second = await signedWithoutCallback(trigger, 'contract-2.pdf');
		trigger.staticData.holdSaves();
		await postCallback(trigger, first.callback);
		await postCallback(trigger, second.callback);
		// The first call's save, which n8n serializes when it writes, lands last.
		expect(trigger.staticData.releaseHeld()).toBe(2);

		expect(rememberedIn(trigger).map((event) => event.d).sort()).toEqual([first.documentId, second.documentId].sort());
		const again = await restart(trigger);
		await postCallback(again, first.callback);
		await postCallback(again, second.callback);
		expect(again.executions).toEqual([]);
	});

	it('a Catch Missed Events check between two callbacks loses neither callback’s event, nor its own', async () => {
		const trigger = await startTrigger({ catchUp: true, catchUpScope: 'all' });
		await trigger.settled();
		const first = await signedWithoutCallback(trigger, 'contract-1.pdf');
		const missed = await createRequest(trigger.productionUrl, 'contract-missed.pdf');
		await sandbox.sign(missed.signatureRequestId, { deliverCallback: false });
		const second = await signedWithoutCallback(trigger, 'contract-2.pdf');
		// The second callback's check is slow: the check of the list runs and saves while it waits.
		slowCheck(second.documentId, 300);

		await postCallback(trigger, first.callback);
		const secondCall = postCallback(trigger, second.callback);
		await new Promise((resolve) => setTimeout(resolve, 50));
		const realNow = Date.now;
		jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 15 * 60_000);
		try {
			await trigger.fireCrons();
			await secondCall;
		} finally {
			jest.restoreAllMocks();
		}

		expect(trigger.received().map((item) => [item.json.arrivedVia, item.json.documentId]).sort()).toEqual(
			[
				['callback', first.documentId],
				['callback', second.documentId],
				['catchUp', missed.documentId],
			].sort(),
		);
		const delivered = rememberedIn(trigger).filter((event) => event.v !== 'seen');
		expect(delivered.map((event) => [event.v, event.d]).sort()).toEqual(
			[
				['callback', first.documentId],
				['callback', second.documentId],
				['catchUp', missed.documentId],
			].sort(),
		);
		const again = await restart(trigger);
		await again.settled(); // the check at start-up
		await postCallback(again, first.callback);
		await postCallback(again, second.callback);
		expect(again.executions).toEqual([]);
	});
});

describe('OKdokument Trigger: eventId', () => {
	it('is the same for every delivery of one event, and differs between events and signing rounds', async () => {
		const trigger = await startTrigger();
		const first = await signedWithoutCallback(trigger, 'contract-1.pdf');
		const second = await signedWithoutCallback(trigger, 'contract-2.pdf');
		await postCallback(trigger, first.callback);
		await postCallback(trigger, second.callback);
		// Another trigger (another workflow) gets the same event: same ID.
		const other = await startTrigger();
		await postCallback(other, first.callback);

		const [one, two] = trigger.received().map((item) => item.json.eventId as string);
		expect(one).toMatch(EVENT_ID);
		expect(two).toMatch(EVENT_ID);
		expect(one).not.toBe(two);
		expect(other.received()[0].json.eventId).toBe(one);
	});
});
