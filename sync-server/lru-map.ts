/**
 * A Map of at most `max` entries that forgets the least recently used one first: for what the
 * server keeps per address or per page, so that a flood of new keys costs a bounded amount of
 * memory. A Map iterates in insertion order, so moving a key to the end on each use keeps the
 * oldest use first.
 */
export class LruMap<K, V> {
	readonly #entries = new Map<K, V>();
	readonly #max: number;

	constructor(max: number) {
		if (!Number.isInteger(max) || max < 1)
			throw new RangeError('an LruMap holds at least one entry');
		this.#max = max;
	}

	get size(): number {
		return this.#entries.size;
	}

	get(key: K): V | undefined {
		const value = this.#entries.get(key);
		if (value !== undefined) {
			this.#entries.delete(key);
			this.#entries.set(key, value);
		}
		return value;
	}

	set(key: K, value: V): void {
		this.#entries.delete(key);
		this.#entries.set(key, value);
		if (this.#entries.size > this.#max) {
			const oldest = this.#entries.keys().next();
			if (!oldest.done) this.#entries.delete(oldest.value);
		}
	}

	delete(key: K): void {
		this.#entries.delete(key);
	}
}
