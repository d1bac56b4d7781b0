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
		this.#level = Math.min(
			this.#capacity,
			this.#level + ((now - this.#at) / 1000) * this.#perSecond
		);
		this.#at = now;
		if (this.#level < units) return false;
		this.#level -= units;
		return true;
	}
}

/** The day in China (UTC+8) an instant falls on, as `YYYY-MM-DD`: the programme's working day. */
function chinaDay(now: number): string {
	return new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * Bytes each user may have stored in one day. Kept in memory: a restart forgives the day so far,
 * which only an operator can cause. Bounded: the map holds the users active today.
 */
export class DailyQuota {
	readonly #limit: number;
	readonly #used = new Map<string, number>();
	#day = '';

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
