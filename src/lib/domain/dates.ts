import { InvalidDateError } from './errors';

/**
 * Calendar dates and timestamps as the records keep them (DESIGN.md: "Times are ISO-8601 UTC
 * strings"): a calendar date is `YYYY-MM-DD`; a timestamp is ISO-8601 with `Z` (an explicit offset
 * is read too, so a timestamp from another tool is not refused, but records are written with `Z`).
 *
 * Only `Date`'s UTC methods are used, never the local time zone or `Intl`: the same input gives
 * the same date on a tablet in Zhangjiagang, a laptop in Europe and the CI machine.
 */

/** `YYYY-MM-DD`, a day of the China calendar. */
export type CalendarDate = string;
/** ISO-8601 timestamp in UTC, e.g. `2020-09-30T02:15:00.000Z`. */
export type IsoTimestamp = string;

const MS_PER_DAY = 86_400_000;
/** China Standard Time (Asia/Shanghai) is UTC+8 all year: China has not used DST since 1991. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP_RE =
	/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;

function daysInMonth(year: number, month: number): number {
	if (month === 2) {
		const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
		return leap ? 29 : 28;
	}
	return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function validYmd(y: number, m: number, d: number): boolean {
	return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function epochDayOf(y: number, m: number, d: number): number {
	const date = new Date(0);
	// setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
	date.setUTCFullYear(y, m - 1, d);
	return Math.round(date.getTime() / MS_PER_DAY);
}

export function isCalendarDate(value: unknown): value is CalendarDate {
	if (typeof value !== 'string') return false;
	const m = DATE_RE.exec(value);
	return m !== null && validYmd(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Days since 1970-01-01 of a calendar date; throws `InvalidDateError` for anything else. */
export function toEpochDay(date: CalendarDate): number {
	const m = DATE_RE.exec(date);
	if (!m) throw new InvalidDateError(date, 'date');
	const y = Number(m[1]);
	const mo = Number(m[2]);
	const d = Number(m[3]);
	if (!validYmd(y, mo, d)) throw new InvalidDateError(date, 'date');
	return epochDayOf(y, mo, d);
}

export function fromEpochDay(day: number): CalendarDate {
	return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
	return fromEpochDay(toEpochDay(date) + days);
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: CalendarDate): number {
	// 1970-01-01 was a Thursday (4).
	return (((toEpochDay(date) + 4) % 7) + 7) % 7;
}

/** Milliseconds since the epoch of an ISO-8601 timestamp, or `undefined` if it is not one. */
function parseTimestamp(value: string): number | undefined {
	const m = TIMESTAMP_RE.exec(value);
	if (!m) return undefined;
	const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
		number,
		number,
		number,
		number,
		number
	];
	const s = Number(m[6] ?? '0');
	const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
	if (!validYmd(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
	const zone = m[8] ?? 'Z';
	let offsetMs = 0;
	if (zone !== 'Z') {
		const sign = zone.startsWith('-') ? -1 : 1;
		const oh = Number(zone.slice(1, 3));
		const om = Number(zone.slice(4, 6));
		if (oh > 23 || om > 59) return undefined;
		offsetMs = sign * (oh * 60 + om) * 60_000;
	}
	return epochDayOf(y, mo, d) * MS_PER_DAY + ((h * 60 + mi) * 60 + s) * 1000 + ms - offsetMs;
}

/** A timestamp as records store it: ISO-8601 ending in `Z`. */
export function isIsoTimestamp(value: unknown): value is IsoTimestamp {
	return typeof value === 'string' && value.endsWith('Z') && parseTimestamp(value) !== undefined;
}

export function timestampMs(value: string): number {
	const ms = parseTimestamp(value);
	if (ms === undefined) throw new InvalidDateError(value, 'timestamp');
	return ms;
}

/**
 * The China calendar date (Asia/Shanghai) of a timestamp: UTC plus eight hours, by arithmetic.
 * `2020-09-30T16:00:00Z` is already 1 October in Zhangjiagang.
 */
export function shanghaiDate(timestamp: string): CalendarDate {
	return fromEpochDay(Math.floor((timestampMs(timestamp) + SHANGHAI_OFFSET_MS) / MS_PER_DAY));
}

/** The instant a China calendar day begins (00:00 in Shanghai), as an ISO UTC timestamp. */
export function shanghaiStartOfDay(date: CalendarDate): IsoTimestamp {
	return new Date(toEpochDay(date) * MS_PER_DAY - SHANGHAI_OFFSET_MS).toISOString();
}

/** `YYYY-MM` of a timestamp in China time: the month a monthly report files it under. */
export function shanghaiMonth(timestamp: string): string {
	return shanghaiDate(timestamp).slice(0, 7);
}
