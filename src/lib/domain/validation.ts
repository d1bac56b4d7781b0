import { isCalendarDate, isIsoTimestamp } from './dates';
import type { ValidationResult } from './errors';
import { isFen } from './money';

/**
 * The small toolkit behind the hand-written record validators. Validators collect every problem
 * instead of stopping at the first, and never throw: data written by another version of the app
 * is shown with its issues, not dropped (DESIGN.md: nothing is lost). Unknown extra fields are
 * not issues — a newer app version may have added them.
 */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SHA256_RE = /^[0-9a-f]{64}$/;

export function isSha256Hex(value: unknown): value is string {
	return typeof value === 'string' && SHA256_RE.test(value);
}

interface Optional {
	optional?: boolean;
}

/** Checks the fields of one object, writing issues as `path.field: problem`. */
export class Fields {
	constructor(
		readonly obj: Record<string, unknown>,
		readonly path: string,
		readonly issues: string[]
	) {}

	at(key: string): string {
		return this.path === '' ? key : `${this.path}.${key}`;
	}

	/** Records an issue if the field is missing (and required); returns whether there is a value. */
	private present(key: string, opts: Optional): boolean {
		const value = this.obj[key];
		if (value === undefined || value === null) {
			if (opts.optional !== true) this.issues.push(`${this.at(key)}: missing`);
			return false;
		}
		return true;
	}

	private check(key: string, opts: Optional, ok: (v: unknown) => boolean, expected: string) {
		if (this.present(key, opts) && !ok(this.obj[key])) {
			this.issues.push(`${this.at(key)}: expected ${expected}`);
		}
	}

	string(key: string, opts: Optional & { nonEmpty?: boolean } = {}): this {
		const nonEmpty = opts.nonEmpty === true;
		this.check(
			key,
			opts,
			(v) => typeof v === 'string' && (!nonEmpty || v.trim() !== ''),
			nonEmpty ? 'a non-empty string' : 'a string'
		);
		return this;
	}

	integer(key: string, opts: Optional & { min?: number; max?: number } = {}): this {
		const min = opts.min ?? Number.MIN_SAFE_INTEGER;
		const max = opts.max ?? Number.MAX_SAFE_INTEGER;
		this.check(
			key,
			opts,
			(v) => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max,
			`an integer in [${min}, ${max}]`
		);
		return this;
	}

	boolean(key: string, opts: Optional = {}): this {
		this.check(key, opts, (v) => typeof v === 'boolean', 'true or false');
		return this;
	}

	oneOf(key: string, values: readonly string[], opts: Optional = {}): this {
		this.check(
			key,
			opts,
			(v) => typeof v === 'string' && values.includes(v),
			`one of ${values.join(', ')}`
		);
		return this;
	}

	date(key: string, opts: Optional = {}): this {
		this.check(key, opts, isCalendarDate, 'a date YYYY-MM-DD');
		return this;
	}

	timestamp(key: string, opts: Optional = {}): this {
		this.check(key, opts, isIsoTimestamp, 'an ISO-8601 UTC timestamp');
		return this;
	}

	fen(key: string, opts: Optional & { positive?: boolean } = {}): this {
		this.check(
			key,
			opts,
			(v) => isFen(v) && (opts.positive !== true || v > 0),
			opts.positive === true ? 'a positive integer of fen' : 'a non-negative integer of fen'
		);
		return this;
	}

	sha256(key: string, opts: Optional = {}): this {
		this.check(key, opts, isSha256Hex, 'a lowercase SHA-256 hex digest');
		return this;
	}

	/** An array whose items are each checked by `item`; `item` pushes its own issues. */
	array(
		key: string,
		item: (value: unknown, path: string, issues: string[]) => void,
		opts: Optional = {}
	): this {
		if (!this.present(key, opts)) return this;
		const value = this.obj[key];
		if (!Array.isArray(value)) {
			this.issues.push(`${this.at(key)}: expected a list`);
			return this;
		}
		value.forEach((v, i) => item(v, `${this.at(key)}[${i}]`, this.issues));
		return this;
	}

	stringList(key: string, opts: Optional = {}): this {
		return this.array(key, stringItem, opts);
	}

	sha256List(key: string, opts: Optional = {}): this {
		return this.array(
			key,
			(v, path, issues) => {
				if (!isSha256Hex(v)) issues.push(`${path}: expected a lowercase SHA-256 hex digest`);
			},
			opts
		);
	}

	ref(key: string, opts: Optional = {}): this {
		if (this.present(key, opts)) refItem(this.obj[key], this.at(key), this.issues);
		return this;
	}

	refList(key: string, opts: Optional = {}): this {
		return this.array(key, refItem, opts);
	}

	object(key: string, inner: (fields: Fields) => void, opts: Optional = {}): this {
		if (!this.present(key, opts)) return this;
		const value = this.obj[key];
		if (!isPlainObject(value)) {
			this.issues.push(`${this.at(key)}: expected an object`);
			return this;
		}
		inner(new Fields(value, this.at(key), this.issues));
		return this;
	}
}

export function stringItem(value: unknown, path: string, issues: string[]) {
	if (typeof value !== 'string') issues.push(`${path}: expected a string`);
}

export function refItem(value: unknown, path: string, issues: string[]) {
	if (!isPlainObject(value)) {
		issues.push(`${path}: expected a reference { room, id }`);
		return;
	}
	new Fields(value, path, issues)
		.string('room', { nonEmpty: true })
		.string('id', { nonEmpty: true });
}

export function objectItem(inner: (fields: Fields) => void) {
	return (value: unknown, path: string, issues: string[]) => {
		if (!isPlainObject(value)) {
			issues.push(`${path}: expected an object`);
			return;
		}
		inner(new Fields(value, path, issues));
	};
}

/** Runs `inner` over `value` if it is an object, and turns the collected issues into a result. */
export function validateObject<T>(
	value: unknown,
	inner: (fields: Fields) => void
): ValidationResult<T> {
	if (!isPlainObject(value)) return { ok: false, issues: ['expected an object'] };
	const issues: string[] = [];
	inner(new Fields(value, '', issues));
	return issues.length === 0 ? { ok: true, value: value as T } : { ok: false, issues };
}
