import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { API_KEY, useSandbox } from './support/okdokument';
import { EVENT_ID, ISO_TIMESTAMP, postCallback, useTriggers } from './support/trigger';
import type { WebhookTrigger } from './harness/webhook';
import { OkDokumentTrigger } from '../nodes/OkDokument/OkDokumentTrigger.node';
import { forgetProcessMemory, SEEN_GRACE_MS } from '../nodes/OkDokument/trigger/memory';

const sandbox = useSandbox();
const { startTrigger, restart, createRequest } = useTriggers(sandbox);

const ALL = { catchUp: true, catchUpScope: 'all' };
const CONTRACTS = { catchUp: true, catchUpFileName: 'contract-*.pdf' };

// n8n polls on its cron, at least a minute apart: the tests move the clock on between the polls.
const realNow = Date.now.bind(Date);
let clockOffsetMs = 0;
beforeEach(() => {
	clockOffsetMs = 0;
	jest.spyOn(Date, 'now').mockImplementation(() => realNow() + clockOffsetMs);
});
afterEach(() => jest.restoreAllMocks());

/** The trigger, once its check at activation is done. */
async function startChecking(parameters: INodeParameters): Promise<WebhookTrigger> {
	const trigger = await startTrigger(parameters);
	await trigger.settled();
	return trigger;
}

/** The next poll (a check, when it is due), `minutes` later. */
async function nextCheck(trigger: WebhookTrigger, minutes = 15): Promise<void> {
	clockOffsetMs += minutes * 60_000;
	await trigger.fireCrons();
}

/** A request whose signer finished, and whose callback never reached anyone (the document is errorsendinfo). */
async function finishedUndelivered(trigger: WebhookTrigger, filename = 'contract-1.pdf', outcome: 'sign' | 'cancel' = 'sign') {
	const request = await createRequest(trigger.productionUrl, filename);
	const result = await sandbox[outcome](request.signatureRequestId, { deliverCallback: false });
	expect(result.state).toBe('errorsendinfo');
	return request;
}

const listRequests = () =>
	sandbox.requests
		.filter((request) => request.path === '/JSON/list/flat')
		.map((request) => [request.method, request.query.state, request.headers['x-api-key'] === API_KEY]);

const caughtItems = (trigger: WebhookTrigger) =>
	trigger.executions.filter((execution) => execution.mode === 'trigger').flatMap((execution) => execution.received.map((item) => item.json));

const debugLines = (trigger: WebhookTrigger) =>
	trigger.logs.filter((line) => line.level === 'debug' && line.message.startsWith('OKdokument Trigger')).map((line) => line.message);

describe('Catch Missed Events: the option', () => {
	const properties = new OkDokumentTrigger().description.properties;
	const property = (name: string) => properties.find((candidate) => candidate.name === name);

	it('is off by default, checks every 15 minutes, and catches only documents whose file name matches unless told otherwise', () => {
		expect(new OkDokumentTrigger().description.polling).toBe(true);
		expect(property('catchUp')).toMatchObject({ type: 'boolean', default: false, displayOptions: { show: { confirm: [true] } } });
		expect(property('catchUp')?.hint).toMatch(/cannot tell this workflow’s documents from those of other workflows or Send and Wait/);
		expect(property('catchUpInterval')).toMatchObject({ type: 'number', default: 15 });
		expect(property('catchUpScope')).toMatchObject({ default: 'fileName' });
		expect(property('catchUpFileName')).toMatchObject({ required: true, default: '', displayOptions: { show: { catchUpScope: ['fileName'] } } });
	});

	it('off: n8n still polls (every minute, its Poll Times default), and nothing is ever listed', async () => {
		const trigger = await startTrigger();
		await nextCheck(trigger);

		expect(trigger.crons).toEqual([expect.stringMatching(/^\d{1,2} \* \* \* \* \*$/)]);
		expect(sandbox.requests).toEqual([]);
	});

	it('on: one check when the workflow is activated; each check lists three states with the key', async () => {
		const trigger = await startChecking(ALL);

		expect(listRequests().sort()).toEqual([
			['GET', 'canceled', true],
			['GET', 'errorsendinfo', true],
			['GET', 'signed', true],
		]);
		expect(trigger.executions).toEqual([]);
	});

	it('the polls in between check nothing: the next check comes once Check Every (Minutes) have passed, give or take a poll', async () => {
		const trigger = await startChecking({ ...ALL, catchUpInterval: 5 });
		sandbox.clearRequests();

		for (let minute = 1; minute <= 3; minute++) await nextCheck(trigger, 1);
		expect(listRequests()).toEqual([]);
		await nextCheck(trigger, 1.6); // 4.6 minutes after the last check: n8n's minute, a little early
		expect(listRequests()).toHaveLength(3);
		await nextCheck(trigger, 1);
		expect(listRequests()).toHaveLength(3);
	});

	it('an empty File Name Pattern stops the activation with a message that names it', async () => {
		await expect(startTrigger({ catchUp: true })).rejects.toMatchObject({
			name: 'NodeOperationError',
			message: 'Catch Missed Events: File Name Pattern is empty',
			description: expect.stringMatching(/contract-\*\.pdf.*All Documents of the Account/),
		});
	});
});

describe('Catch Missed Events: a callback that never arrived is emitted once', () => {
	it('the next check emits it as deliveryFailed, with the document as OKdokument lists it; later checks do not', async () => {
		const trigger = await startChecking(ALL);
		const { documentId } = await finishedUndelivered(trigger);
		expect(trigger.calls).toEqual([]);

		await nextCheck(trigger);
		await nextCheck(trigger);

		const listed = sandbox.getDocument(documentId)!;
		expect(caughtItems(trigger)).toEqual([
			{
				eventId: expect.stringMatching(EVENT_ID),
				state: 'deliveryFailed',
				documentId,
				signatureRequestId: null,
				confirmed: true,
				document: {
					filename: 'contract-1.pdf',
					state: 'errorsendinfo',
					modification: listed.modification,
					id: documentId,
					url: `${sandbox.url}/rest/document/${encodeURIComponent(documentId)}`,
					date: listed.date,
					number: listed.number,
					group: 'api_user',
				},
				arrivedVia: 'catchUp',
				receivedAt: expect.stringMatching(ISO_TIMESTAMP),
			},
		]);
		expect(trigger.executions.map((execution) => [execution.mode, execution.error])).toEqual([['trigger', undefined]]);
	});

	it('several missed documents, canceled ones too, come in one execution, one item each', async () => {
		const trigger = await startChecking(ALL);
		const signed = await finishedUndelivered(trigger, 'contract-1.pdf', 'sign');
		const canceled = await finishedUndelivered(trigger, 'contract-2.pdf', 'cancel');

		await nextCheck(trigger);

		expect(trigger.executions).toHaveLength(1);
		expect(caughtItems(trigger).map((item) => item.documentId).sort()).toEqual([signed.documentId, canceled.documentId].sort());
	});

	it('n8n is down when the signer signs: the check when n8n starts again emits it', async () => {
		const first = await startChecking(ALL);
		const { signatureRequestId, documentId } = await createRequest(first.productionUrl, 'contract-9.pdf');
		let signing: Awaited<ReturnType<typeof sandbox.sign>> | undefined;

		const again = await restart(first, async () => {
			signing = await sandbox.sign(signatureRequestId);
		});
		await again.settled();

		expect(signing).toMatchObject({ callbackStatus: null, callbackError: expect.stringMatching(/ECONNREFUSED/), state: 'errorsendinfo' });
		expect(caughtItems(again)).toEqual([expect.objectContaining({ state: 'deliveryFailed', documentId, arrivedVia: 'catchUp' })]);
	});

	it('no Download for deliveryFailed: whether it was signed is not known', async () => {
		const trigger = await startChecking({ ...ALL, download: true });
		await finishedUndelivered(trigger);

		await nextCheck(trigger);

		expect(trigger.received().map((item) => item.binary)).toEqual([undefined]);
		expect(sandbox.requests.filter((request) => /^\/JSON\/document\/[^/]+$/.test(request.path))).toEqual([]);
	});
});

describe('Catch Missed Events and callbacks share one memory', () => {
	it('a callback that arrives after the check emitted the document is a repeat', async () => {
		const trigger = await startChecking(ALL);
		const { signatureRequestId } = await finishedUndelivered(trigger);
		await nextCheck(trigger);

		const later = await sandbox.redeliverCallback(signatureRequestId);
		await trigger.settled();

		expect(later.status).toBe(200);
		expect(trigger.calls.map((call) => call.outcome)).toEqual(['ignored']);
		expect(trigger.executions).toHaveLength(1);
		expect(debugLines(trigger)).toEqual([expect.stringMatching(/it repeats an event delivered by Catch Missed Events at /)]);
	});

	it('a callback that arrives before the check is left to it: one event either way', async () => {
		const trigger = await startChecking(ALL);
		const { signatureRequestId, documentId } = await finishedUndelivered(trigger);

		await sandbox.redeliverCallback(signatureRequestId);
		await trigger.settled();
		expect(trigger.executions).toEqual([]);
		expect(debugLines(trigger)).toEqual([
			'OKdokument Trigger ignored a callback: its document is errorsendinfo in OKdokument, and Catch Missed Events emits it once (within 15 minutes)',
		]);

		await nextCheck(trigger);
		await sandbox.redeliverCallback(signatureRequestId);
		await trigger.settled();

		expect(trigger.received().map((item) => [item.json.documentId, item.json.arrivedVia])).toEqual([[documentId, 'catchUp']]);
		expect(trigger.calls.map((call) => call.outcome)).toEqual(['ignored', 'ignored']);
	});

	it('off: a later callback for an errorsendinfo document starts the workflow once, as deliveryFailed', async () => {
		const trigger = await startTrigger();
		const { signatureRequestId, documentId } = await finishedUndelivered(trigger);

		await sandbox.redeliverCallback(signatureRequestId);
		await sandbox.redeliverCallback(signatureRequestId);
		await trigger.settled();

		expect(trigger.calls.map((call) => call.outcome)).toEqual(['started', 'ignored']);
		expect(trigger.received().map((item) => item.json)).toEqual([
			expect.objectContaining({
				state: 'deliveryFailed',
				documentId,
				signatureRequestId,
				confirmed: true,
				document: expect.objectContaining({ state: 'errorsendinfo' }),
				arrivedVia: 'callback',
				// What the callback claims: OKdokument can no longer confirm it.
				reportedState: 'signed',
				callback: { state: 'signed', id: documentId, signatureRequestId },
			}),
		]);
	});

	it('Trigger On without Delivery Failed: such a callback starts nothing, and the check emits nothing', async () => {
		const trigger = await startChecking({ ...ALL, events: ['signed', 'canceled'] });
		const { signatureRequestId } = await finishedUndelivered(trigger);

		await sandbox.redeliverCallback(signatureRequestId);
		await nextCheck(trigger);

		expect(trigger.calls.map((call) => call.outcome)).toEqual(['ignored']);
		expect(trigger.executions).toEqual([]);
		expect(listRequests()).toEqual([]);
		expect(debugLines(trigger)).toEqual([
			expect.stringMatching(/ignored a callback: its document is "errorsendinfo" in OKdokument \(deliveryFailed\), which this trigger is not set to start on$/),
		]);
	});

	it('a check that emits does not erase what callbacks remembered: it saves the callback’s event with its own', async () => {
		const trigger = await startChecking(ALL);
		const delivered = await createRequest(trigger.productionUrl, 'contract-1.pdf');
		await sandbox.sign(delivered.signatureRequestId);
		await trigger.settled();
		await nextCheck(trigger);
		await finishedUndelivered(trigger, 'contract-2.pdf');
		await nextCheck(trigger); // emits, and n8n saves the activation's copy of static data

		const stored = (trigger.staticData.read()['node:OKdokument Trigger'] as IDataObject).events as IDataObject[];
		expect(stored.filter((event) => event.v !== 'seen').map((event) => [event.v, event.d])).toEqual([
			['callback', delivered.documentId],
			['catchUp', expect.any(String)],
		]);
		await sandbox.redeliverCallback(delivered.signatureRequestId);
		await trigger.settled();

		expect(trigger.executions.map((execution) => execution.mode)).toEqual(['webhook', 'trigger']);
		expect(trigger.calls.map((call) => call.outcome)).toEqual(['started', 'ignored']);
		expect(debugLines(trigger)).toEqual([expect.stringMatching(/it repeats an event delivered by a callback at /)]);
	});

	it('callbacks served by another process (queue mode’s webhook processor): the check saves the rounds it lists, so a replay is still a repeat', async () => {
		const trigger = await startChecking(ALL);
		const delivered = await createRequest(trigger.productionUrl, 'contract-1.pdf');
		await sandbox.sign(delivered.signatureRequestId);
		await trigger.settled();
		forgetProcessMemory(); // the checks run in a process that never saw that callback
		await nextCheck(trigger);
		await finishedUndelivered(trigger, 'contract-2.pdf');
		await nextCheck(trigger); // emits, and saves over what the callback saved

		await sandbox.redeliverCallback(delivered.signatureRequestId);
		await trigger.settled();

		expect(trigger.executions.map((execution) => execution.mode)).toEqual(['webhook', 'trigger']);
		expect(trigger.calls.map((call) => call.outcome)).toEqual(['started', 'ignored']);
		expect(debugLines(trigger)).toEqual([expect.stringMatching(/OKdokument listed its signing round as finished at /)]);
	});

	it('a callback still on its way when a check lists its document is delivered; after the grace, the same is a repeat', async () => {
		const trigger = await startChecking(ALL);
		// Finished without a callback so far, as if it were still on its way.
		const onItsWay = await createRequest(undefined, 'contract-1.pdf');
		await sandbox.sign(onItsWay.signatureRequestId);
		await finishedUndelivered(trigger, 'contract-2.pdf');
		await nextCheck(trigger); // lists onItsWay as finished, and saves
		const callback = { state: 'signed', id: onItsWay.documentId, signatureRequestId: onItsWay.signatureRequestId };

		await postCallback(trigger, callback);
		clockOffsetMs += SEEN_GRACE_MS;
		await postCallback(trigger, { ...callback, signatureRequestId: 'sr-made-up-2' });

		expect(trigger.calls.map((call) => call.outcome)).toEqual(['started', 'ignored']);
	});
});

describe('Catch Missed Events: which documents are this trigger’s', () => {
	/** Documents whose callback failed: this workflow's, another workflow's, a Send and Wait execution's. */
	async function threeMissed(trigger: WebhookTrigger) {
		const ours = await finishedUndelivered(trigger, 'contract-7.pdf');
		const otherWorkflow = await createRequest('http://127.0.0.1:9/webhook/2f0d5c1e-other-workflow/okdokument', 'offer.pdf');
		const sendAndWait = await createRequest(`${trigger.baseUrl}/webhook-waiting/4711/9a3c7e2b-node`, 'agreement.pdf');
		for (const request of [otherWorkflow, sendAndWait]) {
			expect((await sandbox.sign(request.signatureRequestId)).state).toBe('errorsendinfo');
		}
		return { ours, otherWorkflow, sendAndWait };
	}

	it('by default (a file name pattern): another workflow’s and a Send and Wait execution’s documents are not emitted', async () => {
		const trigger = await startChecking(CONTRACTS);
		const { ours } = await threeMissed(trigger);

		await nextCheck(trigger);

		expect(caughtItems(trigger).map((item) => item.documentId)).toEqual([ours.documentId]);
	});

	it('All Documents of the Account: every missed document is emitted, whichever workflow it was meant for', async () => {
		const trigger = await startChecking(ALL);
		const { ours, otherWorkflow, sendAndWait } = await threeMissed(trigger);

		await nextCheck(trigger);

		expect(caughtItems(trigger).map((item) => item.documentId).sort()).toEqual(
			[ours.documentId, otherWorkflow.documentId, sendAndWait.documentId].sort(),
		);
	});

	it('the pattern: * for any characters, upper and lower case alike, the whole name', async () => {
		const trigger = await startChecking(CONTRACTS);
		const names = ['contract-1.pdf', 'Contract-2.PDF', 'contract-.pdf', 'my-contract-3.pdf', 'contract-4.pdf.bak', 'contract-5.docx'];
		const requests: Array<{ documentId: string }> = [];
		for (const name of names) requests.push(await finishedUndelivered(trigger, name));

		await nextCheck(trigger);

		const caught = new Set(caughtItems(trigger).map((item) => item.documentId));
		expect(names.filter((_, i) => caught.has(requests[i].documentId))).toEqual(['contract-1.pdf', 'Contract-2.PDF', 'contract-.pdf']);
	});

	it('a callback for a document outside the scope is not left to the check: it is emitted by the callback', async () => {
		const trigger = await startChecking(CONTRACTS);
		const { signatureRequestId } = await finishedUndelivered(trigger, 'offer.pdf');

		await sandbox.redeliverCallback(signatureRequestId);
		await trigger.settled();
		await nextCheck(trigger);

		expect(trigger.executions.map((execution) => [execution.mode, execution.received[0].json.state])).toEqual([['webhook', 'deliveryFailed']]);
	});
});

describe('Catch Missed Events: when OKdokument cannot be asked', () => {
	it('the check fails visibly (a warning; n8n 2.x saves a failed execution) and the next one catches up', async () => {
		const trigger = await startChecking(ALL);
		const { documentId } = await finishedUndelivered(trigger);
		sandbox.setFault({ type: 'status', status: 401, body: { message: 'err.unauthorized', value: '' }, path: '/JSON/list/flat', times: 3 });

		await nextCheck(trigger);
		expect(trigger.executions).toEqual([]);
		expect(trigger.triggerFailures).toEqual([
			{ kind: 'failedExecution', error: expect.objectContaining({ name: 'NodeApiError', message: expect.stringMatching(/^OKdokument rejected the API key \(HTTP 401/) }) },
		]);
		expect(trigger.logs.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
			expect.stringMatching(/^OKdokument Trigger could not check for missed events: OKdokument rejected the API key/),
		]);
		expect(JSON.stringify(trigger.logs)).not.toContain(API_KEY);

		await nextCheck(trigger);
		expect(caughtItems(trigger).map((item: IDataObject) => item.documentId)).toEqual([documentId]);
	});
});
