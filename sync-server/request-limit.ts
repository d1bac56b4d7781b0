import { TokenBucket } from './budgets.ts';
import { LruMap } from './lru-map.ts';

/**
 * Requests per key (a client's address), as a token bucket: a key may send `burst` requests at
 * once, and gains `perSecond` more each second, up to `burst` again. A key with a full bucket is
 * the same as one never seen. At most `maxKeys` are kept, the least recently used forgotten
 * first: a flood of new keys can only give a forgotten key a full bucket again (a request let
 * through), never refuse someone who did nothing.
 */

export interface RequestLimitOptions {
	burst: number;
	perSecond: number;
	maxKeys?: number;
}

export type LimitAnswer =
	| { allowed: true }
	/** `retryAfterSeconds`: until one request fits again; `first`: the first refusal in a row. */
	| { allowed: false; retryAfterSeconds: number; first: boolean };

interface Bucket {
	tokens: TokenBucket;
	refused: boolean;
}

export class RequestLimit {
	readonly #buckets: LruMap<string, Bucket>;
	readonly #burst: number;
	readonly #perSecond: number;

	constructor({ burst, perSecond, maxKeys = 10_000 }: RequestLimitOptions) {
		if (!(burst >= 1) || !(perSecond > 0)) {
			throw new RangeError('a request limit needs a burst of at least 1 and a positive rate');
		}
		this.#burst = burst;
		this.#perSecond = perSecond;
		this.#buckets = new LruMap(maxKeys);
	}

	/** Counts one request of `key` at `nowMs`. */
	take(key: string, nowMs: number): LimitAnswer {
		const bucket = this.#buckets.get(key) ?? {
			tokens: new TokenBucket(this.#burst, this.#perSecond, nowMs),
			refused: false
		};
		this.#buckets.set(key, bucket);
		if (bucket.tokens.take(1, nowMs)) {
			bucket.refused = false;
			return { allowed: true };
		}
		const first = !bucket.refused;
		bucket.refused = true;
		return {
			allowed: false,
			retryAfterSeconds: Math.max(1, Math.ceil(bucket.tokens.secondsUntil(1, nowMs))),
			first
		};
	}
}
