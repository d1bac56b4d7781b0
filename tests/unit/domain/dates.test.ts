import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	InvalidDateError,
	addDays,
	dayOfWeek,
	fromEpochDay,
	isCalendarDate,
	isIsoTimestamp,
	shanghaiDate,
	shanghaiMonth,
	shanghaiStartOfDay,
	timestampMs,
	toEpochDay
} from '$lib/domain';

describe('calendar dates', () => {
	it('accepts real dates only', () => {
		expect(isCalendarDate('2020-02-29')).toBe(true);
		expect(isCalendarDate('2019-02-29')).toBe(false);
		expect(isCalendarDate('2100-02-29')).toBe(false);
		expect(isCalendarDate('2000-02-29')).toBe(true);
		expect(isCalendarDate('2020-04-31')).toBe(false);
		expect(isCalendarDate('2020-4-1')).toBe(false);
		expect(isCalendarDate(20200401)).toBe(false);
		expect(() => toEpochDay('2020-13-01')).toThrow(InvalidDateError);
	});

	it('knows the weekday', () => {
		expect(dayOfWeek('2020-11-23')).toBe(1); // the article's Monday
		expect(dayOfWeek('1970-01-01')).toBe(4);
		expect(dayOfWeek('2026-02-14')).toBe(6);
	});

	it('round-trips epoch days and agrees with Date', () => {
		fc.assert(
			fc.property(fc.integer({ min: -20_000, max: 60_000 }), (day) => {
				const date = fromEpochDay(day);
				expect(toEpochDay(date)).toBe(day);
				expect(addDays(date, 1)).toBe(new Date((day + 1) * 86_400_000).toISOString().slice(0, 10));
			})
		);
	});
});

describe('timestamps', () => {
	it('reads ISO-8601 with Z or an offset, refuses the rest', () => {
		expect(timestampMs('2020-09-30T16:00:00Z')).toBe(Date.UTC(2020, 8, 30, 16));
		expect(timestampMs('2020-10-01T00:00:00+08:00')).toBe(Date.UTC(2020, 8, 30, 16));
		expect(timestampMs('2020-09-30T16:00:00.123456Z')).toBe(Date.UTC(2020, 8, 30, 16, 0, 0, 123));
		expect(isIsoTimestamp('2020-09-30T16:00:00.000Z')).toBe(true);
		expect(isIsoTimestamp('2020-10-01T00:00:00+08:00')).toBe(false);
		for (const bad of [
			'2020-09-30',
			'2020-09-30 16:00:00Z',
			'2020-09-31T00:00:00Z',
			'2020-09-30T24:00:00Z'
		]) {
			expect(() => timestampMs(bad), bad).toThrow(InvalidDateError);
		}
	});

	it('converts to the China calendar day by adding eight hours', () => {
		expect(shanghaiDate('2020-09-30T15:59:59.999Z')).toBe('2020-09-30');
		expect(shanghaiDate('2020-09-30T16:00:00Z')).toBe('2020-10-01');
		expect(shanghaiMonth('2020-09-30T16:00:00Z')).toBe('2020-10');
		expect(shanghaiStartOfDay('2020-10-01')).toBe('2020-09-30T16:00:00.000Z');
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 4e12 }), (ms) => {
				const iso = new Date(ms).toISOString();
				expect(shanghaiDate(iso)).toBe(new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10));
			})
		);
	});
});
