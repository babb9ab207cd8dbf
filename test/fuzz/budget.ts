/**
 * How much the generated (property-based) suites under test/fuzz/ generate: their sizes, in one place.
 *
 * `npm test` runs them at FUZZ_SCALE 1 with the fixed seed below, sized so that they add well under a minute of
 * CPU to `npm test` (which must stay under four minutes on CI's two cores). `npm run test:fuzz`
 * (scripts/fuzz.js) runs only them, at FUZZ_SCALE 20 with a random seed it prints, for a longer hunt:
 *
 *   FUZZ_SCALE=20 FUZZ_SEED=<seed> npx jest test/fuzz    re-runs that hunt exactly
 *
 * A failing property prints fast-check's counterexample, shrunk, with its seed and path.
 */
import fc from 'fast-check';

function numberFromEnv(name: string, fallback: number): number {
	const text = process.env[name];
	if (text === undefined || text.trim() === '') return fallback;
	const value = Number(text);
	if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${text}"`);
	return value;
}

export const FUZZ_SCALE = numberFromEnv('FUZZ_SCALE', 1);
/** The seed `npm test` uses, so that it generates the same values on every run. */
export const DEFAULT_SEED = 20261201;
export const FUZZ_SEED = Math.floor(numberFromEnv('FUZZ_SEED', DEFAULT_SEED));

/** Sizes at FUZZ_SCALE 1; each is multiplied by the scale. */
export const SIZES = {
	/**
	 * Generated values per input field of the operations that take many items: they go through one execution
	 * in batches of BATCH items (one item per value), so a field costs about valuesPerField / BATCH executions.
	 */
	valuesPerField: 120,
	/**
	 * Executions per input field of Send and Wait for Signature and Wait for Signature, which refuse more than one
	 * item per execution, so each value costs an execution; the fields they share with Create are generated there.
	 */
	waitingRunsPerField: 4,
	/** Credentials tried, each in a run of the credential test and one of Get Usage. */
	credentials: 40,
	/** Hostile callbacks sent to the trigger, and to each waiting operation's resume URL. */
	callbacks: 160,
} as const;

/**
 * At most this many values per execution in the batched runs, BATCH / 2 on average (fast-check draws the length, so
 * that it can shrink a failing batch to the one value that fails): fixed, so that the scale changes only how many
 * batches run.
 */
export const BATCH = 80;

export function scaled(size: number): number {
	return Math.max(1, Math.round(size * FUZZ_SCALE));
}

/** Jest's time limit for one generated test: generous, and growing with the scale (npm run test:fuzz). */
export const FUZZ_TIMEOUT_MS = Math.round(120_000 * Math.max(1, FUZZ_SCALE));
// Every generated test file imports this module: its tests get that limit.
jest.setTimeout(FUZZ_TIMEOUT_MS);

/** A seed per property, from FUZZ_SEED and the property's name: properties draw different values. */
function seedFor(name: string): number {
	let hash = FUZZ_SEED | 0;
	for (const character of name) hash = Math.imul(hash ^ (character.codePointAt(0) ?? 0), 0x01000193);
	return hash | 0;
}

/** fast-check's settings for one property: its runs, its seed, a bounded shrink. */
export function fuzzParameters<T>(name: string, numRuns: number): fc.Parameters<T> {
	return { seed: seedFor(name), numRuns, endOnFailure: false, verbose: 0 };
}

/** How many batched executions give `values` values, on average. */
export function batchesFor(values: number): number {
	return Math.max(1, Math.ceil(scaled(values) / (BATCH / 2)));
}
