/**
 * Messages and errors of the domain core.
 *
 * The domain does not render text for a language: it names what happened with a stable `code` and
 * the `params` the app's i18n needs, and also carries ready-made Chinese and English sentences, so a
 * screen, a CSV export or a log line can show a refusal even where no dictionary entry exists yet.
 * Chinese comes first because the app is Chinese by default (DESIGN.md).
 */

export type MessageParams = Readonly<Record<string, string | number>>;

export interface DomainMessage {
	/** Stable, dotted key, e.g. `budget.projectCapExceeded`; never reworded once shipped. */
	readonly code: string;
	readonly params: MessageParams;
	readonly zh: string;
	readonly en: string;
}

export function domainMessage(
	code: string,
	params: MessageParams,
	zh: string,
	en: string
): DomainMessage {
	return { code, params, zh, en };
}

/** Several refusals as one message (a store's error), each sentence kept, in both languages. */
export function joinedMessage(code: string, problems: readonly DomainMessage[]): DomainMessage {
	return domainMessage(
		code,
		{},
		problems.map((p) => p.zh).join('；'),
		problems.map((p) => p.en).join('; ')
	);
}

/** Base of every error the domain throws, so callers can catch the domain's errors as one family. */
export class DomainError extends Error {
	readonly code: string;
	readonly params: MessageParams;
	readonly zh: string;

	constructor(message: DomainMessage) {
		super(message.en);
		this.name = 'DomainError';
		this.code = message.code;
		this.params = message.params;
		this.zh = message.zh;
	}

	/** The error as a plain message, to show beside refusals that are returned rather than thrown. */
	toMessage(): DomainMessage {
		return domainMessage(this.code, this.params, this.zh, this.message);
	}
}

/** A calendar date or timestamp that is not in the format the records use. */
export class InvalidDateError extends DomainError {
	constructor(value: string, expected: 'date' | 'timestamp') {
		const what = expected === 'date' ? 'YYYY-MM-DD' : 'ISO-8601 UTC';
		super(
			domainMessage(
				'date.invalid',
				{ value, expected: what },
				`日期格式无效：“${value}”（应为 ${what}）`,
				`Invalid ${expected}: "${value}" (expected ${what})`
			)
		);
		this.name = 'InvalidDateError';
	}
}

/** The outcome of a hand-written validator: never throws, keeps the value it was given. */
export type ValidationResult<T> =
	| { readonly ok: true; readonly value: T }
	| { readonly ok: false; readonly issues: readonly string[] };
