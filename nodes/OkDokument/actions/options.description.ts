import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY } from '../helpers/concurrency';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_DELAY_MS } from '../helpers/retry';
import { DEFAULT_TIMEOUT_MS } from '../transport';

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
			typeOptions: { minValue: 1, maxValue: 10 },
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
			typeOptions: { minValue: 1 },
			default: DEFAULT_TIMEOUT_MS,
			description:
				'How long to wait for OKdokument to answer each request, in milliseconds, before the attempt fails',
		},
	],
};
