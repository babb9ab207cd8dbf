export const DEFAULT_CONCURRENCY = 5;

/**
 * Runs `task(0)` … `task(count - 1)` with at most `limit` running at once and returns their
 * results in index order, whatever order they finish in. Once `shouldStop()` is true no
 * further task starts; those already running are awaited.
 */
export async function mapConcurrently<T>(
	count: number,
	limit: number,
	task: (index: number) => Promise<T>,
	shouldStop: () => boolean = () => false,
): Promise<Array<T | undefined>> {
	const results = new Array<T | undefined>(count);
	let next = 0;
	const worker = async () => {
		while (next < count && !shouldStop()) {
			const index = next++;
			results[index] = await task(index);
		}
	};
	const workers = Math.max(1, Math.min(Math.floor(limit) || 1, count));
	await Promise.all(Array.from({ length: workers }, worker));
	return results;
}
