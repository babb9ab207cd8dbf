/**
 * A Map that keeps at most `limit` entries: the least recently used one is dropped first. For the
 * little that a node keeps in its process between calls (see trigger/memory.ts), which must never
 * grow without bound.
 */
export class BoundedMap<K, V> {
	private readonly entries = new Map<K, V>();

	constructor(private readonly limit: number) {}

	get size(): number {
		return this.entries.size;
	}

	get(key: K): V | undefined {
		const value = this.entries.get(key);
		if (value !== undefined) {
			this.entries.delete(key);
			this.entries.set(key, value);
		}
		return value;
	}

	has(key: K): boolean {
		return this.entries.has(key);
	}

	/** Stores the value (as the most recently used) and returns it. */
	set(key: K, value: V): V {
		this.entries.delete(key);
		this.entries.set(key, value);
		while (this.entries.size > this.limit) {
			const oldest = this.entries.keys().next();
			if (oldest.done) break;
			this.entries.delete(oldest.value);
		}
		return value;
	}

	delete(key: K): boolean {
		return this.entries.delete(key);
	}

	clear(): void {
		this.entries.clear();
	}
}
