import type { IDataObject } from 'n8n-workflow';

import { API_KEY, useSandbox } from './support/okdokument';
import { postCallback, useTriggers } from './support/trigger';
import { StaticDataStore, type WebhookTrigger } from './harness/webhook';
import { MAX_EVENT_AGE_MS, MAX_EVENTS, type RememberedEvent } from '../nodes/OkDokument/trigger/memory';

const sandbox = useSandbox();
const { startTrigger, restart, createRequest, metadataRequests } = useTriggers(sandbox);

const NODE_KEY = 'node:OKdokument Trigger';
const MODIFICATION = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

/** The events the trigger remembers, as n8n's database holds them. */
const rememberedIn = (trigger: WebhookTrigger) =>
	((trigger.staticData.read()[NODE_KEY] as IDataObject | undefined)?.events ?? []) as RememberedEvent[];

const debugLines = (trigger: WebhookTrigger) =>
	trigger.logs.filter((line) => line.level === 'debug' && line.message.startsWith('OKdokument Trigger')).map((line) => line.message);
const warnings = (trigger: WebhookTrigger) => trigger.logs.filter((line) => line.level === 'warn');

/** A request whose signer signed, its callback delivered to the trigger. */
async function signedThroughTrigger(trigger: WebhookTrigger) {
	const request = await createRequest(trigger.productionUrl);
	expect(await sandbox.sign(request.signatureRequestId)).toMatchObject({ callbackStatus: 200, state: 'signed' });
	await trigger.settled();
	return request;
}

describe('OKdokument Trigger: an event delivered once is remembered', () => {
	it('OKdokument sends the same callback again: 200, nothing starts, a debug line, and no API call', async () => {
		const trigger = await startTrigger();
		const { signatureRequestId } = await signedThroughTrigger(trigger);
		sandbox.clearRequests();

		const repeat = await sandbox.redeliverCallback(signatureRequestId);
		await trigger.settled();

		expect(repeat).toEqual({ status: 200 });
		expect(trigger.calls.map((call) => call.outcome)).toEqual(['started', 'ignored']);
		expect(trigger.calls[1].response).toEqual({ status: 200, body: { message: 'Webhook call received' } });
		expect(trigger.executions).toHaveLength(1);
		expect(sandbox.requests).toEqual([]);
		expect(debugLines(trigger)).toEqual([
			expect.stringMatching(/^OKdokument Trigger ignored a callback: it repeats an event delivered by a callback at \d{4}-\d\d-\d\dT/),
		]);
		expect(warnings(trigger)).toEqual([]);
	});

	it('remembers it in the trigger node’s static data: document, signature request, outcome and OKdokument’s modification time', async () => {
		const trigger = await startTrigger();
		const before = Date.now();
		const { signatureRequestId, documentId } = await signedThroughTrigger(trigger);

		expect(rememberedIn(trigger)).toEqual([
			{ d: documentId, r: signatureRequestId, s: 'signed', m: expect.stringMatching(MODIFICATION), t: expect.any(Number), v: 'callback' },
		]);
		expect(rememberedIn(trigger)[0].m).toBe(sandbox.getDocument(documentId)?.modification);
		expect(rememberedIn(trigger)[0].t).toBeGreaterThanOrEqual(before);
		expect(Object.keys(trigger.staticData.read())).toEqual([NODE_KEY]);
	});

	it('n8n restarts between the two callbacks: the repeat still starts nothing', async () => {
		const first = await startTrigger();
		const { signatureRequestId } = await signedThroughTrigger(first);

		const again = await restart(first);
		const repeat = await sandbox.redeliverCallback(signatureRequestId);
		await again.settled();

		expect(repeat.status).toBe(200);
		expect(again.productionUrl).toBe(first.productionUrl);
		expect(first.executions).toHaveLength(1);
		expect(again.calls.map((call) => call.outcome)).toEqual(['ignored']);
		expect(again.executions).toEqual([]);
	});

	it('a replay that names another signature request is recognised once OKdokument confirms the same signing round', async () => {
		const trigger = await startTrigger();
		const { documentId } = await signedThroughTrigger(trigger);
		sandbox.clearRequests();

		const answer = await postCallback(trigger, { state: 'signed', id: documentId, signatureRequestId: 'sr-made-up-1' });

		expect(answer.status).toBe(200);
		expect(trigger.executions).toHaveLength(1);
		expect(metadataRequests()).toHaveLength(1);
		expect(debugLines(trigger)).toEqual([expect.stringMatching(/it repeats an event delivered by a callback at /)]);
	});

	it('a connector-shaped callback (it names only the signature request) sent again starts nothing, without asking OKdokument again', async () => {
		const trigger = await startTrigger();
		const { signatureRequestId, documentId } = await createRequest();
		await sandbox.sign(signatureRequestId);
		sandbox.clearRequests();
		const url = `${trigger.productionUrl}?documentId=${encodeURIComponent(documentId)}`;
		const body = JSON.stringify({ code: 'SUCCESS', message: 'msg.signed', result: signatureRequestId, success: true });

		for (let attempt = 1; attempt <= 2; attempt++) {
			const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
			expect(response.status).toBe(200);
			await trigger.settled();
		}

		expect(trigger.calls.map((call) => call.outcome)).toEqual(['started', 'ignored']);
		expect(trigger.received().map((item) => [item.json.documentId, item.json.signatureRequestId])).toEqual([[documentId, signatureRequestId]]);
		expect(metadataRequests()).toHaveLength(1);
	});

	it('a later signing round of the same document is a new event; a repeat of the first round is not', async () => {
		const trigger = await startTrigger();
		const first = await signedThroughTrigger(trigger);
		// OKdokument's modification time has whole seconds; a second round needs a new signer session anyway.
		await new Promise((resolve) => setTimeout(resolve, 1100));
		const response = await fetch(`${sandbox.url}/JSON/signatureRequest`, {
			method: 'POST',
			headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
			body: JSON.stringify({ id: first.documentId, changeState: 'tosign', sendInfoURL: trigger.productionUrl }),
		});
		const secondId = ((await response.json()) as { result: string }).result;

		await sandbox.sign(secondId);
		await sandbox.redeliverCallback(first.signatureRequestId);
		await trigger.settled();

		expect(trigger.received().map((item) => [item.json.documentId, item.json.signatureRequestId])).toEqual([
			[first.documentId, first.signatureRequestId],
			[first.documentId, secondId],
		]);
		expect(trigger.calls.map((call) => call.outcome)).toEqual(['started', 'started', 'ignored']);
	});

	it('unconfirmed callbacks (Confirm With OKdokument off) are remembered by document and signature request', async () => {
		const trigger = await startTrigger({ confirm: false }, null);
		const body = { state: 'signed', id: 'doc_unconfirmed-1', signatureRequestId: 'sr-unconfirmed-1' };

		await postCallback(trigger, body);
		await postCallback(trigger, body);
		await postCallback(trigger, { ...body, signatureRequestId: 'sr-unconfirmed-2' });

		expect(trigger.calls.map((call) => call.outcome)).toEqual(['started', 'ignored', 'started']);
		expect(sandbox.requests).toEqual([]);
	});

	it('the Test URL does not remember: n8n keeps a test run’s static data apart and never saves it', async () => {
		const trigger = await startTrigger();
		const { signatureRequestId, documentId } = await createRequest(trigger.testUrl);
		await sandbox.sign(signatureRequestId);
		await sandbox.redeliverCallback(signatureRequestId);
		await trigger.settled();

		expect(trigger.executions.map((execution) => [execution.mode, execution.received[0]?.json.documentId])).toEqual([
			['manual', documentId],
			['manual', documentId],
		]);
		expect(rememberedIn(trigger)).toEqual([]);
	});
});

describe('OKdokument Trigger: how long events are remembered', () => {
	/** A store holding `events` under the trigger node, as an earlier run of n8n left it. */
	function storeWith(events: RememberedEvent[]): StaticDataStore {
		const store = new StaticDataStore();
		store.save({ [NODE_KEY]: { events } as unknown as IDataObject });
		return store;
	}
	const filler = (count: number, now: number, v: RememberedEvent['v'] = 'callback'): RememberedEvent[] =>
		Array.from({ length: count }, (_, i) => ({ d: `doc_filler-${v}-${i}`, r: `sr-filler-${i}`, s: 'signed', m: '2026-01-01 00:00:00', t: now - (count - i) * 1000, v }));

	it(`at most ${MAX_EVENTS} events: the oldest is dropped first, and then it would start the workflow again`, async () => {
		const trigger = await startTrigger();
		const oldest = await signedThroughTrigger(trigger);
		const [delivered] = rememberedIn(trigger);
		const earlier = { ...delivered, t: Date.now() - 24 * 60 * 60 * 1000 };
		trigger.staticData.save({ [NODE_KEY]: { events: [earlier, ...filler(MAX_EVENTS - 1, Date.now())] } as unknown as IDataObject });

		await signedThroughTrigger(trigger);
		expect(rememberedIn(trigger)).toHaveLength(MAX_EVENTS);
		expect(rememberedIn(trigger).some((event) => event.d === oldest.documentId)).toBe(false);

		await sandbox.redeliverCallback(oldest.signatureRequestId);
		await trigger.settled();
		expect(trigger.calls.map((call) => call.outcome)).toEqual(['started', 'started', 'started']);
	});

	it('rounds OKdokument listed (seen) are dropped before events that were delivered', async () => {
		const now = Date.now();
		const trigger = await startTrigger({}, undefined, {
			staticData: storeWith([...filler(MAX_EVENTS - 1, now - 60_000), { d: 'doc_seen-newest', s: 'signed', m: '2026-01-01 00:00:00', t: now, v: 'seen' }]),
		});

		await signedThroughTrigger(trigger);

		expect(rememberedIn(trigger)).toHaveLength(MAX_EVENTS);
		expect(rememberedIn(trigger).filter((event) => event.v === 'seen')).toEqual([]);
		expect(rememberedIn(trigger)[0].d).toBe('doc_filler-callback-0');
	});

	it('events older than 62 days are forgotten, whatever the count', async () => {
		const now = Date.now();
		const trigger = await startTrigger({}, undefined, {
			staticData: storeWith([
				{ d: 'doc_too-old', r: 'sr-too-old', s: 'signed', m: '2026-01-01 00:00:00', t: now - MAX_EVENT_AGE_MS - 60_000, v: 'callback' },
				{ d: 'doc_just-young-enough', r: 'sr-young', s: 'signed', m: '2026-01-01 00:00:00', t: now - MAX_EVENT_AGE_MS + 60_000, v: 'callback' },
			]),
		});

		await signedThroughTrigger(trigger);

		expect(rememberedIn(trigger).map((event) => event.d)).toEqual(['doc_just-young-enough', expect.stringMatching(/^doc_/)]);
	});

	it('a damaged or foreign value in static data is ignored, not fatal', async () => {
		const store = new StaticDataStore();
		store.save({ [NODE_KEY]: { events: [null, 'x', { d: 1 }, { s: 'signed', t: 'soon', v: 'callback' }] } as unknown as IDataObject });
		const trigger = await startTrigger({}, undefined, { staticData: store });

		await signedThroughTrigger(trigger);

		expect(trigger.executions.map((execution) => execution.error)).toEqual([undefined]);
		expect(rememberedIn(trigger)).toHaveLength(1);
	});
});
