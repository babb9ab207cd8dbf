/**
 * The webhook harness's model of n8n's static data and trigger activations, with throwaway nodes.
 * What it copies was seen in real n8n 1.123.81 and 2.41.1 (a node like SpikeTrigger below, started
 * with `n8n start`, its static data read from the SQLite database after each step).
 */
import { connect } from 'node:net';

import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeType,
	type IPollFunctions,
	type ITriggerFunctions,
	type IWebhookFunctions,
} from 'n8n-workflow';

import { shutdownEngine } from './harness';
import { startWebhookTrigger, type WebhookTrigger } from './harness/webhook';

afterAll(shutdownEngine);

const running: WebhookTrigger[] = [];
afterEach(async () => {
	await Promise.all(running.splice(0).map(async (trigger) => await trigger.stop()));
});

/**
 * Remembers every call in static data; `answer` says how: the node answers itself, n8n answers
 * onReceived, or the call is ignored. trigger() counts activations and, on each cron tick, ticks.
 */
class SpikeTrigger implements INodeType {
	description: INodeType['description'] = {
		displayName: 'Spike Trigger',
		name: 'spikeTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Harness test stand-in',
		defaults: { name: 'Spike Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'spike' }],
		properties: [],
	};

	async webhook(this: IWebhookFunctions) {
		const data = this.getWorkflowStaticData('node');
		const body = this.getBodyData() as { n: number; answer: 'self' | 'n8n' | 'ignore' };
		data.calls = [...((data.calls as number[] | undefined) ?? []), body.n];
		if (body.answer === 'ignore') return {};
		const workflowData = [[{ json: { n: body.n } }]];
		if (body.answer === 'n8n') return { workflowData };
		this.getResponseObject().status(200).json({ answered: 'by the node' });
		return { noWebhookResponse: true, workflowData };
	}

	async trigger(this: ITriggerFunctions) {
		const data = this.getWorkflowStaticData('node');
		data.activations = ((data.activations as number | undefined) ?? 0) + 1;
		this.helpers.registerCron({ expression: '0 * * * * *' }, () => {
			data.ticks = ((data.ticks as number | undefined) ?? 0) + 1;
			this.emit([[{ json: { tick: data.ticks } }]]);
		});
		return {};
	}

	async execute(this: IExecuteFunctions) {
		return [this.getInputData()];
	}
}

/** A polling webhook node: each poll counts in static data; with `fail`, polls after the first throw. */
class SpikePoller implements INodeType {
	description: INodeType['description'] = {
		...new SpikeTrigger().description,
		name: 'spikePoller',
		defaults: { name: 'Spike Poller' },
		polling: true,
		properties: [{ displayName: 'Fail', name: 'fail', type: 'boolean', default: false }],
	};

	webhook = SpikeTrigger.prototype.webhook;

	async poll(this: IPollFunctions) {
		const data = this.getWorkflowStaticData('node');
		data.polls = ((data.polls as number | undefined) ?? 0) + 1;
		if (this.getNodeParameter('fail', false) === true && data.polls > 1) throw new Error(`poll ${data.polls} failed`);
		return data.polls === 1 ? null : [[{ json: { poll: data.polls } }]];
	}
}

async function start(): Promise<WebhookTrigger> {
	const trigger = await startWebhookTrigger({ nodeTypes: [SpikeTrigger], node: { type: 'spikeTrigger' } });
	running.push(trigger);
	return trigger;
}

async function call(url: string, n: number, answer: 'self' | 'n8n' | 'ignore'): Promise<string> {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ n, answer }),
	});
	return await response.text();
}

const stored = (trigger: WebhookTrigger) => trigger.staticData.read()['node:Spike Trigger'] as IDataObject;

describe('webhook harness: static data as n8n 2.41 saves it', () => {
	it('a webhook that answers itself, or starts nothing, is saved; one that lets n8n answer onReceived is not', async () => {
		const trigger = await start();

		expect(await call(trigger.productionUrl, 1, 'self')).toBe('{"answered":"by the node"}');
		await trigger.settled();
		expect(stored(trigger).calls).toEqual([1]);
		expect(await call(trigger.productionUrl, 2, 'ignore')).toBe('{"message":"Webhook call received"}');
		expect(stored(trigger).calls).toEqual([1, 2]);
		await call(trigger.productionUrl, 3, 'n8n');
		await trigger.settled();
		expect(stored(trigger).calls).toEqual([1, 2]);
		expect(trigger.executions.map((execution) => execution.mode)).toEqual(['webhook', 'webhook']);
	});

	it('the Test URL never saves', async () => {
		const trigger = await start();

		await call(trigger.testUrl, 1, 'self');
		await trigger.settled();

		expect(stored(trigger).calls).toBeUndefined();
		expect(trigger.executions.map((execution) => execution.mode)).toEqual(['manual']);
	});
});

describe('webhook harness: trigger() as n8n activates it', () => {
	it('runs once at activation (saved then), records its crons, and an emit starts an execution in mode trigger', async () => {
		const trigger = await start();
		expect(trigger.crons).toEqual(['0 * * * * *']);
		expect(stored(trigger)).toEqual({ activations: 1 });

		await trigger.fireCrons();

		expect(trigger.executions.map((execution) => [execution.mode, execution.triggerOutput])).toEqual([
			['trigger', [[{ json: { tick: 1 } }]]],
		]);
		expect(trigger.received().map((item) => item.json)).toEqual([{ tick: 1 }]);
	});

	it('an emit saves the activation’s copy whole: what a webhook saved since activation is gone (as in real n8n)', async () => {
		const trigger = await start();
		await call(trigger.productionUrl, 1, 'self');
		await trigger.settled();
		expect(stored(trigger)).toEqual({ activations: 1, calls: [1] });

		await trigger.fireCrons();

		expect(stored(trigger)).toEqual({ activations: 1, ticks: 1 });
	});

	it('restart: the same URL and the stored static data; the webhook is not deleted, trigger() runs again', async () => {
		const first = await start();
		await call(first.productionUrl, 1, 'self');
		await first.settled();

		let connectWhileStopped: unknown;
		const again = await first.restart({
			whileStopped: async () => {
				connectWhileStopped = await new Promise((resolve) => {
					const socket = connect(first.port, '127.0.0.1');
					socket.on('connect', () => resolve(socket.destroy() && 'connected'));
					socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code));
				});
			},
		});
		running.push(again);

		expect(connectWhileStopped).toBe('ECONNREFUSED');
		expect(again.productionUrl).toBe(first.productionUrl);
		expect(first.lifecycle).toEqual([]);
		expect(stored(again)).toEqual({ activations: 2, calls: [1] });
		await call(again.productionUrl, 2, 'self');
		await again.settled();
		expect(stored(again)).toEqual({ activations: 2, calls: [1, 2] });
	});
});

describe('webhook harness: poll() as n8n activates it', () => {
	async function startPoller(parameters = {}): Promise<WebhookTrigger> {
		const trigger = await startWebhookTrigger({ nodeTypes: [SpikePoller], node: { type: 'spikePoller', parameters } });
		running.push(trigger);
		return trigger;
	}
	const polled = (trigger: WebhookTrigger) => trigger.staticData.read()['node:Spike Poller'] as IDataObject;

	it('gets n8n’s Poll Times (every minute), polls once at activation, and on each cron; what it returns starts an execution', async () => {
		const trigger = await startPoller();
		expect(trigger.crons).toEqual([expect.stringMatching(/^\d{1,2} \* \* \* \* \*$/)]);
		expect(polled(trigger)).toEqual({ polls: 1 });

		await trigger.fireCrons();

		expect(trigger.executions.map((execution) => [execution.mode, execution.triggerOutput])).toEqual([['trigger', [[{ json: { poll: 2 } }]]]]);
		expect(polled(trigger)).toEqual({ polls: 2 });
	});

	it('a poll that throws after activation becomes a failed execution; the poller keeps running', async () => {
		const trigger = await startPoller({ fail: true });

		await trigger.fireCrons();
		await trigger.fireCrons();

		expect(trigger.triggerFailures.map(({ kind, error }) => [kind, error.message])).toEqual([
			['failedExecution', 'poll 2 failed'],
			['failedExecution', 'poll 3 failed'],
		]);
	});
});
