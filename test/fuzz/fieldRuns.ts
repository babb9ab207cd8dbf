/**
 * One generated value per item, many items per execution: the way thousands of values go through n8n's real engine
 * cheaply. Each item is `{ v: <value> }` and the field under test is the expression `={{ $json.v }}`, with
 * "On Error: Continue (using error output)" and one request at a time, so that every item yields exactly one output
 * item and the sandbox's request log lists each item's requests in item order. Each item is then checked against
 * the field's oracle: refused items name the field and the item and sent nothing; accepted ones sent exactly what
 * the oracle says, and succeeded.
 */
import { inspect } from 'node:util';

import fc from 'fast-check';
import {
	deepCopy,
	type IBinaryData,
	type IDataObject,
	type INodeExecutionData,
	type INodeParameters,
	type INodeProperties,
} from 'n8n-workflow';

import { OkDokument } from '../../nodes/OkDokument/OkDokument.node';
import type { RecordedRequest, Sandbox } from '../../sandbox/server';
import { storeBinary, type RunNodeResult } from '../harness';
import { API_KEY, runOperation, sandboxCredential } from '../support/okdokument';
import { BATCH, batchesFor, fuzzParameters, scaled, SIZES } from './budget';
import { asText, type Verdict } from './oracles';

/** A request as the oracle expects it; `query` and `body` are compared only when given. */
export interface ExpectedRequest {
	method: string;
	path: string;
	query?: Record<string, string>;
	body?: unknown;
}

export interface FieldCase<A = unknown> {
	resource: string;
	operation: string;
	/** The field's parameter path, e.g. ['additionalFields', 'resultUrl'] or ['rules', 'emailTo']. */
	path: string[];
	/** What the path holds; default `={{ $json.v }}`. */
	placeholder?: unknown;
	/** The operation's other parameters, all valid. */
	parameters?: INodeParameters;
	values: fc.Arbitrary<unknown>;
	/** The field's label as the node's description shows it; default: read from the description. */
	label?: string;
	/** Other labels a refusal may name instead (the choice a field belongs to, say). */
	labels?: string[];
	/** The oracle: whether the value is accepted, and as what. */
	judge(value: unknown): Verdict<A>;
	/** The requests an accepted value sends, in order. */
	requests(accepted: A, index: number): ExpectedRequest[];
	/** What the success item's json holds (compared with toMatchObject), when the oracle knows. */
	output?(accepted: A, index: number): IDataObject;
	/** Further checks of an accepted value's success item (its binary, say); throws when it is wrong. */
	checkItem?(accepted: A, item: INodeExecutionData, index: number): void;
	/** How many success items an accepted value gives; default 1 (Get Many gives one per document). */
	outputCount?(accepted: A): number;
	/**
	 * Whether OKdokument refuses an accepted value after the ones accepted before it in the same run (a second
	 * delete of one ID): that item then carries OKdokument's error, on the error output.
	 */
	refusedByOkdokument?(accepted: A, earlier: A[]): boolean;
	/** Puts what accepted values need into the sandbox before the run (the IDs they name). */
	prepare?(sandbox: Sandbox, accepted: A[]): void;
	/** The input item for a value; default `{ json: { v } }`. */
	item?(value: unknown, index: number): INodeExecutionData | Promise<INodeExecutionData>;
}

const EXPRESSION = '={{ $json.v }}';

/**
 * Items for a binary field's name: the file sits in "data", and under the name the value gives when that is text,
 * so that any name can be right (stored once, on first use).
 */
export function itemsWithFile(content: Buffer, fileName: string): (value: unknown) => Promise<INodeExecutionData> {
	let stored: IBinaryData | undefined;
	return async (value) => {
		stored ??= await storeBinary(content, { fileName, mimeType: 'application/pdf' });
		const binary: Record<string, IBinaryData> = { data: stored };
		const name = asText(value);
		if (name.accepted && name.value !== '') binary[name.value] = stored;
		return { json: { v: value } as IDataObject, binary };
	};
}

function setPath(parameters: INodeParameters, path: string[], value: unknown): INodeParameters {
	const copy = structuredClone(parameters) as IDataObject;
	let target = copy;
	for (const key of path.slice(0, -1)) {
		target[key] = (typeof target[key] === 'object' && target[key] !== null ? target[key] : {}) as IDataObject;
		target = target[key] as IDataObject;
	}
	target[path[path.length - 1]] = value as IDataObject[string];
	return copy as INodeParameters;
}

const description = new OkDokument().description;

function shownFor(property: INodeProperties, resource: string, operation: string): boolean {
	const show = property.displayOptions?.show;
	return (
		(show?.resource === undefined || show.resource.includes(resource)) &&
		(show?.operation === undefined || show.operation.includes(operation))
	);
}

/** The label the user sees for a parameter path: the top property's, or the option's inside a collection. */
export function labelOf(resource: string, operation: string, path: string[]): string {
	const top = description.properties.find((property) => property.name === path[0] && shownFor(property, resource, operation));
	if (!top) throw new Error(`No field ${path[0]} in ${resource} → ${operation}`);
	if (path.length === 1) return top.displayName;
	const option = (top.options as INodeProperties[] | undefined)?.find((candidate) => candidate.name === path[1]);
	if (!option?.displayName) throw new Error(`No option ${path.join('.')} in ${resource} → ${operation}`);
	return option.displayName;
}

function show(value: unknown): string {
	return inspect(value, { depth: 3, maxStringLength: 120, breakLength: Infinity });
}

function pick(request: RecordedRequest, expected: ExpectedRequest): ExpectedRequest {
	return {
		method: request.method,
		path: request.path,
		...(expected.query !== undefined ? { query: request.query } : {}),
		...(expected.body !== undefined ? { body: request.body } : {}),
	};
}

/** Where each input item's output items went: their output (0 success, 1 error), in order. */
function placeItems(result: RunNodeResult, count: number): Array<{ output: number; items: INodeExecutionData[] }> {
	const placed = Array.from({ length: count }, () => ({ output: -1, items: [] as INodeExecutionData[] }));
	result.outputs.forEach((items, output) => {
		let previous = -1;
		for (const item of items) {
			const index = (item.pairedItem as { item: number } | undefined)?.item;
			if (typeof index !== 'number' || index < 0 || index >= count) throw new Error(`output ${output}: an item paired with ${show(item.pairedItem)}`);
			if (index < previous) throw new Error(`output ${output}: item ${index} after item ${previous}: out of order`);
			if (placed[index].output !== -1 && placed[index].output !== output) throw new Error(`item ${index} came out on both outputs`);
			previous = index;
			placed[index].output = output;
			placed[index].items.push(item);
		}
	});
	return placed;
}

/** Runs one batch of values through the operation and checks every item against the oracle. */
export async function checkBatch<A>(sandbox: Sandbox, field: FieldCase<A>, values: unknown[]): Promise<void> {
	sandbox.reset();
	const label = field.label ?? labelOf(field.resource, field.operation, field.path);
	// Judged as the node gets it: n8n copies items (deepCopy), which drops what JSON cannot hold, as a key "__proto__".
	const verdicts = values.map((value) => field.judge(deepCopy(value as IDataObject)));
	field.prepare?.(
		sandbox,
		verdicts.flatMap((verdict) => (verdict.accepted ? [verdict.value] : [])),
	);
	sandbox.clearRequests();
	const items = await Promise.all(values.map(async (value, index) => (field.item ? await field.item(value, index) : { json: { v: value } as IDataObject })));
	const parameters = setPath(
		{ ...field.parameters, options: { ...((field.parameters?.options as IDataObject) ?? {}), concurrency: 1 } },
		field.path,
		field.placeholder ?? EXPRESSION,
	);
	const result = await runOperation({
		credential: sandboxCredential(sandbox),
		resource: field.resource,
		operation: field.operation,
		parameters,
		items,
		onError: 'continueErrorOutput',
	});

	if (result.error) throw new Error(`the node failed as a whole: ${result.error.message}`);
	const placed = placeItems(result, values.length);
	const requests = [...sandbox.requests];
	let next = 0;
	const earlier: A[] = [];
	values.forEach((value, index) => {
		const verdict = verdicts[index];
		const about = `${label}, item ${index}: ${show(value)} (${verdict.accepted ? `accepted as ${show(verdict.value)}` : `refused: ${verdict.why}`})`;
		const expected = verdict.accepted ? field.requests(verdict.value, index) : [];
		for (const wanted of expected) {
			const sent = requests[next++];
			if (!sent) throw new Error(`${about}: expected ${show(wanted)}, but nothing more was sent`);
			// One request at a time, in item order: a request of a refused item before this one shows here.
			expect({ about, request: pick(sent, wanted) }).toEqual({ about, request: wanted });
		}

		const { output, items: outputItems } = placed[index];
		const json = outputItems[0]?.json ?? {};
		const refusedThere = verdict.accepted && field.refusedByOkdokument?.(verdict.value, earlier) === true;
		if (verdict.accepted) earlier.push(verdict.value);
		if (verdict.accepted && !refusedThere) {
			const count = field.outputCount?.(verdict.value) ?? 1;
			const succeeded = count === 0 ? output === -1 : output === 0 && outputItems.length === count;
			if (!succeeded) throw new Error(`${about}: expected ${count} success item(s), got ${outputItems.length} on output ${output}: ${show(json)}`);
			if (field.output) expect({ about, json }).toMatchObject({ about, json: field.output(verdict.value, index) });
			if (field.checkItem) field.checkItem(verdict.value, outputItems[0], index);
			return;
		}
		if (output !== 1 || outputItems.length !== 1) throw new Error(`${about}: expected one error item, got ${show(outputItems.map((item) => item.json))}`);
		if (refusedThere) return;
		const message = String(json.error);
		// n8n adds the input item's fields to an item on the error output; the node's own are error and message.
		const keys = Object.keys(json).filter((key) => !(key in items[index].json)).sort();
		const named = [label, ...(field.labels ?? [])].some((name) => message.includes(name)) && message.endsWith(`(item index ${index})`);
		if (!named || !['error', 'error,message'].includes(keys.join(','))) {
			throw new Error(`${about}: the error does not name the field and the item: ${show(json)}`);
		}
	});
	if (next !== requests.length) {
		throw new Error(`${requests.length - next} request(s) more than the accepted items send: first ${show(pick(requests[next], { method: '', path: '', body: true }))}`);
	}
	if (JSON.stringify(result.run).includes(API_KEY)) throw new Error('the API key is in the execution data');
}

/** Declares the property for one field: its batches of generated values, each checked by checkBatch. */
export function itAcceptsWhatTheOracleDoes<A>(sandbox: Sandbox, name: string, field: FieldCase<A>, values = SIZES.valuesPerField): void {
	it(`${name}: every generated value is refused before sending or sent as documented`, async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(field.values, { minLength: 1, maxLength: BATCH, size: 'max' }), async (batch) => {
				await checkBatch(sandbox, field, batch);
			}),
			fuzzParameters(name, batchesFor(values)),
		);
	});
}

/**
 * Declares the property for a field of an operation that takes one item per execution (the waiting ones): each
 * generated value in an execution of its own, checked as checkBatch checks a batch.
 */
export function itAcceptsEachValueAlone<A>(sandbox: Sandbox, name: string, field: FieldCase<A>, runs = SIZES.waitingRunsPerField): void {
	it(`${name}: every generated value is refused before sending or sent as documented`, async () => {
		await fc.assert(
			fc.asyncProperty(field.values, async (value) => {
				await checkBatch(sandbox, field, [value]);
			}),
			fuzzParameters(name, scaled(runs)),
		);
	});
}
