/** When a failed request may be sent again, and how long to wait first. */

export interface RetryPolicy {
	enabled: boolean;
	/** Attempts in all, the first one included. */
	maxAttempts: number;
	/** Wait before the first retry; it doubles for each further one. */
	firstDelayMs: number;
}

export const DEFAULT_RETRY = true;
export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_RETRY_DELAY_MS = 1000;
/** How long a request waits for its answer unless the node's Timeout says otherwise. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** No single wait of our own choosing is longer than this. */
export const MAX_BACKOFF_MS = 30_000;
/** A Retry-After longer than this is not waited for: the item fails and says how long OKdokument asked for. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Statuses that say "not now". 429 and 503 mean the request was turned away unprocessed, so
 * sending it again is always safe. After 500, 502 and 504 OKdokument may have acted on it:
 * that is only safe to repeat for idempotent requests (an Update sends the same body again).
 */
export function isTransientStatus(statusCode: number, idempotent: boolean): boolean {
	if (statusCode === 429 || statusCode === 503) return true;
	return idempotent && (statusCode === 500 || statusCode === 502 || statusCode === 504);
}

/**
 * Network failures worth another try. A refused connection never reached OKdokument; a reset,
 * a hang-up or a timeout may have, so those are retried only for idempotent requests.
 */
export function isTransientNetworkFailure(code: string | undefined, timedOut: boolean, idempotent: boolean): boolean {
	if (code === 'ECONNREFUSED' || code === 'EAI_AGAIN') return true;
	if (timedOut) return idempotent;
	return idempotent && (code === 'ECONNRESET' || code === 'EPIPE' || code === undefined);
}

/**
 * How long to wait before attempt `attempt + 1`: Retry-After when OKdokument sent one (undefined
 * when that is longer than we wait), otherwise exponential backoff with jitter, so that many items
 * failing together do not all come back at the same moment.
 */
export function delayBeforeRetry(
	attempt: number,
	policy: RetryPolicy,
	retryAfterMs: number | undefined,
	random: () => number = Math.random,
): number | undefined {
	if (retryAfterMs !== undefined) return retryAfterMs <= MAX_RETRY_AFTER_MS ? retryAfterMs : undefined;
	const exponential = Math.min(policy.firstDelayMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
	return Math.round(exponential * (0.5 + random() / 2));
}

/** Parses Retry-After, in seconds or as an HTTP date, into milliseconds from now. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
