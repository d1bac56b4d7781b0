import type { KuaibanDb } from '$lib/store/db';

/**
 * Questions the device asks the server (the city's figures from its read models), with the last
 * answer to each kept in IndexedDB: offline, a screen shows that one, with its time, and never as
 * if it were current.
 */

export type AnswerSource = 'server' | 'kept';

export interface Answer<T> {
	value: T;
	/** When the server answered. */
	asOf: string;
	/** `server`: just answered; `kept`: the last answer on this device, the server not reached. */
	source: AnswerSource;
}

/** `busy`: the server asks this device to wait (too many exports in a row). */
export type AskFailure = 'offline' | 'unauthorized' | 'failed' | 'busy';

export class AskError extends Error {
	override name = 'AskError';
	constructor(
		readonly reason: AskFailure,
		/** For `busy`: the seconds the server asks to wait. */
		readonly retryAfterSeconds?: number
	) {
		super(`the server did not answer: ${reason}`);
	}
}

export interface ServerAnswersOptions {
	db: KuaibanDb;
	token: () => string | undefined;
	fetch?: typeof fetch;
	/** The server refused the token (the workspace asks to sign in again). */
	onUnauthorized?: () => void;
}

export class ServerAnswers {
	readonly #options: ServerAnswersOptions;

	constructor(options: ServerAnswersOptions) {
		this.#options = options;
	}

	/** The answer kept on this device for `path`, if any. */
	async kept<T>(path: string): Promise<Answer<T> | undefined> {
		const row = await this.#options.db.answers.get(path).catch(() => undefined);
		return row ? { value: row.value as T, asOf: row.asOf, source: 'kept' } : undefined;
	}

	/**
	 * Asks the server (`path` answers `{ asOf, ...value }`) and keeps the answer; when it cannot be
	 * reached, the kept answer; when there is none, throws AskError.
	 */
	async ask<T extends { asOf: string }>(
		path: string,
		/** `false`: a question asked once (a search), neither kept nor answered from what is kept. */
		keep = true
	): Promise<Answer<T>> {
		let failure: AskFailure = 'offline';
		let retryAfter: number | undefined;
		const token = this.#options.token();
		if (token) {
			try {
				const res = await (this.#options.fetch ?? fetch)(path, {
					headers: { authorization: `Bearer ${token}` },
					cache: 'no-store'
				});
				if (res.ok) {
					const value = (await res.json()) as T;
					// Kept for offline use; a full disk only means there is none to show later.
					if (keep) {
						await this.#options.db.answers
							.put({ key: path, asOf: value.asOf, value })
							.catch(() => {});
					}
					return { value, asOf: value.asOf, source: 'server' };
				}
				if (res.status === 401) {
					failure = 'unauthorized';
					this.#options.onUnauthorized?.();
				} else if (res.status === 429) {
					failure = 'busy';
					const seconds = Number(res.headers.get('retry-after'));
					retryAfter = Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : undefined;
				} else failure = 'failed';
			} catch {
				failure = 'offline';
			}
		}
		const kept = keep ? await this.kept<T>(path) : undefined;
		if (kept) return kept;
		throw new AskError(failure, retryAfter);
	}
}
