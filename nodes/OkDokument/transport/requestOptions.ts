import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY } from '../helpers/concurrency';
import type { RetryPolicy } from '../helpers/retry';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_DELAY_MS, DEFAULT_TIMEOUT_MS } from '../helpers/retry';
import { fieldOf, readBoolean, readNumber } from '../helpers/validation';

/** The longest timeout a timer can wait for (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** Settings that apply to every request the node sends, whatever the operation. */
export const requestOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'Max Attempts',
			name: 'maxAttempts',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 10, numberPrecision: 0 },
			default: DEFAULT_MAX_ATTEMPTS,
			description:
				'How many times to send a request in all when it keeps failing temporarily (used when Retry Temporary Failures is on)',
		},
		{
			displayName: 'Requests in Parallel',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 50 },
			default: DEFAULT_CONCURRENCY,
			description:
				'How many items are sent to OKdokument at the same time. 1 sends them strictly one after another. Output order is kept either way.',
		},
		{
			displayName: 'Retry Delay (Ms)',
			name: 'retryDelay',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: DEFAULT_RETRY_DELAY_MS,
			description:
				'Wait before the first retry, in milliseconds; it doubles for each further retry, with some randomness. A Retry-After from OKdokument takes precedence.',
		},
		{
			displayName: 'Retry Temporary Failures',
			name: 'retry',
			type: 'boolean',
			default: true,
			description:
				'Whether to send a request again when OKdokument is busy or unreachable (429, 503, refused connections; for updates and reads also 500, 502, 504, resets and timeouts). 400, 401 and 403 are never retried.',
		},
		{
			displayName: 'Timeout',
			name: 'timeout',
			type: 'number',
			// Node's timers take at most 2^31 - 1 ms: a longer timeout would end the request at once.
			typeOptions: { minValue: 1, maxValue: MAX_TIMEOUT_MS },
			default: DEFAULT_TIMEOUT_MS,
			description:
				'How long to wait for OKdokument to answer each request, in milliseconds, before the attempt fails',
		},
	],
};

/** What one item's requests are sent with. */
export interface RequestSettings {
	timeoutMs: number;
	retry: RetryPolicy;
}

function option(name: string): INodeProperties {
	return (requestOptions.options as INodeProperties[]).find((candidate) => candidate.name === name)!;
}

/**
 * One option of one item, checked against its limits (an expression can give anything); an option that is not set,
 * or an expression that gives nothing, keeps its default.
 */
function readOption<T extends number | boolean>(context: IExecuteFunctions, itemIndex: number, name: string): T {
	const property = option(name);
	const value = context.getNodeParameter(`options.${name}`, itemIndex, property.default);
	if (value === undefined || value === null || value === '') return property.default as T;
	const field = fieldOf(context, itemIndex, property.displayName);
	if (property.type === 'boolean') return readBoolean(value, field) as T;
	const { minValue = 0, maxValue, numberPrecision } = property.typeOptions ?? {};
	return readNumber(value, field, { min: minValue, max: maxValue, whole: numberPrecision === 0 }) as T;
}

/** The Options of one item's requests (Requests in Parallel is the node's, read once). */
export function readRequestOptions(context: IExecuteFunctions, itemIndex: number): RequestSettings {
	return {
		timeoutMs: readOption<number>(context, itemIndex, 'timeout'),
		retry: {
			enabled: readOption<boolean>(context, itemIndex, 'retry'),
			maxAttempts: readOption<number>(context, itemIndex, 'maxAttempts'),
			firstDelayMs: readOption<number>(context, itemIndex, 'retryDelay'),
		},
	};
}
