/**
 * What one connection or one user may cost the server. Each limit is a setting (config.ts) with a
 * default an honest tablet never meets; docs/operations.md lists them under "Limits".
 */

/** A bucket of `capacity` units refilled at `perSecond`: a burst is allowed, a steady flood is not. */
export class TokenBucket {
	readonly #capacity: number;
	readonly #perSecond: number;
	#level: number;
	#at: number;

	constructor(capacity: number, perSecond: number, now = Date.now()) {
		this.#capacity = capacity;
		this.#perSecond = perSecond;
		this.#level = capacity;
		this.#at = now;
	}

	/** Takes `units` if the bucket holds them; false (and nothing taken) otherwise. */
	take(units: number, now = Date.now()): boolean {
		this.#refill(now);
		if (this.#level < units) return false;
		this.#level -= units;
		return true;
	}

	/**
	 * Takes `units` of work already done, whether or not the bucket held them: what it lacked is a
	 * debt the refill repays. Returns the seconds until the debt is repaid (0: none).
	 */
	spend(units: number, now = Date.now()): number {
		this.#refill(now);
		this.#level -= units;
		return this.#level < 0 ? -this.#level / this.#perSecond : 0;
	}

	/** Seconds until `units` fit again (0 when they do now). */
	secondsUntil(units: number, now = Date.now()): number {
		this.#refill(now);
		return Math.max(0, (units - this.#level) / this.#perSecond);
	}

	#refill(now: number) {
		const elapsed = Math.max(0, now - this.#at) / 1000;
		this.#level = Math.min(this.#capacity, this.#level + elapsed * this.#perSecond);
		this.#at = now;
	}
}

const dayMs = 86_400_000;
const chinaOffsetMs = 8 * 3_600_000;

/** The number of the day in China (UTC+8) an instant falls on: the programme's working day. */
function chinaDay(now: number): number {
	return Math.floor((now + chinaOffsetMs) / dayMs);
}

/**
 * Bytes each user may have stored in one day. Kept in memory: a restart forgives the day so far,
 * which only an operator can cause. Bounded: the map holds the users active today.
 */
export class DailyQuota {
	readonly #limit: number;
	readonly #used = new Map<string, number>();
	#day = -1;

	constructor(limitBytes: number) {
		this.#limit = limitBytes;
	}

	#today(now: number) {
		const day = chinaDay(now);
		if (day !== this.#day) {
			this.#day = day;
			this.#used.clear();
		}
	}

	/** Whether `user` may store `bytes` more today. */
	allows(user: string, bytes: number, now = Date.now()): boolean {
		this.#today(now);
		return (this.#used.get(user) ?? 0) + bytes <= this.#limit;
	}

	add(user: string, bytes: number, now = Date.now()): void {
		this.#today(now);
		this.#used.set(user, (this.#used.get(user) ?? 0) + bytes);
	}
}

/**
 * A user's share of the server's main thread: milliseconds of work on what the user's connections
 * send (applying updates, answering requests for state), a burst and then so many a second. One
 * user's heavy work waits while others are served, instead of everyone waiting behind it.
 */
export class WorkShares {
	readonly #burstMs: number;
	readonly #msPerSecond: number;
	readonly #users = new Map<string, TokenBucket>();

	constructor(msPerSecond: number, burstMs = 4 * msPerSecond) {
		this.#burstMs = burstMs;
		this.#msPerSecond = msPerSecond;
	}

	/** Counts `ms` of work for `user`; returns the seconds the user's connections wait now (0: none). */
	spend(user: string, ms: number, now = Date.now()): number {
		let bucket = this.#users.get(user);
		if (!bucket) {
			bucket = new TokenBucket(this.#burstMs, this.#msPerSecond, now);
			this.#users.set(user, bucket);
		}
		return bucket.spend(ms, now);
	}
}
