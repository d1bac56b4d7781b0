import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	CHINA_CALENDAR,
	CHINA_HOLIDAYS_2020,
	CHINA_HOLIDAYS_2026,
	CHINA_MAKE_UP_WORKDAYS,
	WorkingDayCountError,
	addWorkingDays,
	isWorkingDay,
	reviewClock,
	reviewDeadline,
	workingDaysBetween,
	workingDaysElapsed,
	type WorkCalendar
} from '$lib/domain/calendar';
import { addDays, shanghaiStartOfDay } from '$lib/domain/dates';
import { ZHANGJIAGANG_2020 } from '$lib/domain/rules';

const weekendsOnly: WorkCalendar = { holidays: [], makeUpWorkdays: [] };

/** Any day from 2019 to 2027, so the 2020 and 2026 holidays are crossed often. */
const anyDate = fc.integer({ min: 0, max: 9 * 366 }).map((n) => addDays('2019-01-01', n));
const anyInstant = fc
	.integer({ min: Date.UTC(2019, 0, 1), max: Date.UTC(2027, 0, 1) })
	.map((ms) => new Date(ms).toISOString());

describe('the 2020 and 2026 calendars', () => {
	it('has the 2020 holidays and make-up days of the State Council', () => {
		expect(CHINA_HOLIDAYS_2020).toHaveLength(1 + 10 + 3 + 5 + 3 + 8);
		for (const d of [
			'2020-01-01',
			'2020-01-24',
			'2020-02-02',
			'2020-04-06',
			'2020-05-05',
			'2020-06-25',
			'2020-10-08'
		]) {
			expect(isWorkingDay(d, CHINA_CALENDAR), d).toBe(false);
		}
		// Make-up days: 19 Jan (Sun), 26 Apr (Sun), 9 May (Sat), 28 Jun (Sun), 27 Sep (Sun), 10 Oct (Sat).
		for (const d of [
			'2020-01-19',
			'2020-04-26',
			'2020-05-09',
			'2020-06-28',
			'2020-09-27',
			'2020-10-10'
		]) {
			expect(isWorkingDay(d, CHINA_CALENDAR), d).toBe(true);
			expect(isWorkingDay(d, weekendsOnly), d).toBe(false);
		}
		// 1 February 2020 was to be worked until the holiday was extended for the epidemic.
		expect(isWorkingDay('2020-02-01', CHINA_CALENDAR)).toBe(false);
		expect(isWorkingDay('2020-02-03', CHINA_CALENDAR)).toBe(true);
	});

	it('has the 2026 holidays and make-up days', () => {
		expect(CHINA_HOLIDAYS_2026).toHaveLength(3 + 9 + 3 + 5 + 3 + 3 + 7);
		expect(isWorkingDay('2026-02-16', CHINA_CALENDAR)).toBe(false);
		expect(isWorkingDay('2026-02-14', CHINA_CALENDAR)).toBe(true);
		expect(isWorkingDay('2026-09-20', CHINA_CALENDAR)).toBe(true);
	});

	it('only makes weekend days into make-up working days', () => {
		for (const d of CHINA_MAKE_UP_WORKDAYS) expect(isWorkingDay(d, weekendsOnly), d).toBe(false);
	});

	it('never treats a holiday as a working day', () => {
		fc.assert(
			fc.property(anyDate, fc.array(anyDate), fc.array(anyDate), (d, holidays, makeUps) => {
				const cal = { holidays: [d, ...holidays], makeUpWorkdays: [d, ...makeUps] };
				expect(isWorkingDay(d, cal)).toBe(false);
				expect(workingDaysBetween(addDays(d, -1), d, cal)).toBe(0);
			})
		);
	});
});

describe('counting working days', () => {
	it('does not count the first day, counts the last', () => {
		// Mon 7 Sep 2020 → Fri 11 Sep: Tue, Wed, Thu, Fri.
		expect(workingDaysBetween('2020-09-07', '2020-09-11', CHINA_CALENDAR)).toBe(4);
		expect(workingDaysBetween('2020-09-11', '2020-09-14', CHINA_CALENDAR)).toBe(1);
		expect(workingDaysBetween('2020-09-11', '2020-09-07', CHINA_CALENDAR)).toBe(0);
	});

	it('counts only completed days after the submission day, in China time', () => {
		const submitted = '2020-09-07T02:00:00Z'; // Monday 10:00 in Zhangjiagang
		expect(workingDaysElapsed(submitted, '2020-09-08T09:00:00Z', CHINA_CALENDAR)).toBe(0);
		expect(workingDaysElapsed(submitted, '2020-09-09T00:00:00Z', CHINA_CALENDAR)).toBe(1);
		// 15:59 UTC on Tuesday is 23:59 Tuesday in China; 16:00 is already Wednesday.
		expect(workingDaysElapsed(submitted, '2020-09-08T15:59:59Z', CHINA_CALENDAR)).toBe(0);
		expect(workingDaysElapsed(submitted, '2020-09-08T16:00:00Z', CHINA_CALENDAR)).toBe(1);
		expect(workingDaysElapsed(submitted, '2020-09-01T00:00:00Z', CHINA_CALENDAR)).toBe(0);
	});

	it('is monotonic in the end instant', () => {
		fc.assert(
			fc.property(anyInstant, anyInstant, anyInstant, (from, a, b) => {
				const [early, late] = a <= b ? [a, b] : [b, a];
				expect(workingDaysElapsed(from, early, CHINA_CALENDAR)).toBeLessThanOrEqual(
					workingDaysElapsed(from, late, CHINA_CALENDAR)
				);
			})
		);
	});

	it('lands exactly n working days later', () => {
		fc.assert(
			fc.property(anyDate, fc.integer({ min: 0, max: 60 }), (d, n) => {
				const end = addWorkingDays(d, n, CHINA_CALENDAR);
				expect(workingDaysBetween(d, end, CHINA_CALENDAR)).toBe(n);
				if (n > 0) expect(isWorkingDay(end, CHINA_CALENDAR)).toBe(true);
				// Submitted at any moment of day d, n days have elapsed once the end day is over.
				const nextMorning = shanghaiStartOfDay(addDays(end, 1));
				expect(workingDaysElapsed(shanghaiStartOfDay(d), nextMorning, CHINA_CALENDAR)).toBe(n);
			})
		);
	});

	it('refuses a negative or fractional count', () => {
		expect(() => addWorkingDays('2020-09-07', -1, CHINA_CALENDAR)).toThrow(WorkingDayCountError);
		expect(() => addWorkingDays('2020-09-07', 1.5, CHINA_CALENDAR)).toThrow(WorkingDayCountError);
		expect(addWorkingDays('2020-09-05', 0, CHINA_CALENDAR)).toBe('2020-09-05');
	});
});

describe('the review clock', () => {
	it('crosses the National Day holiday and its make-up days (worked example of calendar.ts)', () => {
		expect(reviewDeadline('2020-09-21T01:00:00Z', ZHANGJIAGANG_2020)).toBe('2020-10-10');
		// With weekends only, ten working days from Monday 21 Sep end on Monday 5 Oct.
		expect(reviewDeadline('2020-09-21T01:00:00Z', { ...ZHANGJIAGANG_2020, ...weekendsOnly })).toBe(
			'2020-10-05'
		);
	});

	it('reads the submission day in China time', () => {
		// 15:00 UTC on Thursday 10 Sep is 23:00 that Thursday in Zhangjiagang; 17:00 UTC is already
		// Friday 01:00, one working day later.
		expect(reviewDeadline('2020-09-10T15:00:00Z', ZHANGJIAGANG_2020)).toBe('2020-09-24');
		expect(reviewDeadline('2020-09-10T17:00:00Z', ZHANGJIAGANG_2020)).toBe('2020-09-25');
	});

	it('counts down to the deadline and turns overdue the day after', () => {
		const submitted = '2020-09-21T01:00:00Z';
		expect(reviewClock(submitted, '2020-09-21T08:00:00Z', ZHANGJIAGANG_2020)).toEqual({
			elapsed: 0,
			limit: 10,
			deadline: '2020-10-10',
			remaining: 10,
			overdue: false
		});
		// During the holiday: 8 days done (22–25, 27–30 Sep), 2 to go (9 and 10 Oct).
		expect(reviewClock(submitted, '2020-10-05T04:00:00Z', ZHANGJIAGANG_2020)).toMatchObject({
			elapsed: 8,
			remaining: 2,
			overdue: false
		});
		expect(reviewClock(submitted, '2020-10-10T15:59:00Z', ZHANGJIAGANG_2020)).toMatchObject({
			elapsed: 9,
			remaining: 1,
			overdue: false
		});
		expect(reviewClock(submitted, '2020-10-10T16:00:00Z', ZHANGJIAGANG_2020)).toMatchObject({
			elapsed: 10,
			remaining: 0,
			overdue: true
		});
	});

	it('keeps elapsed + remaining at the limit until overdue', () => {
		fc.assert(
			fc.property(anyInstant, fc.integer({ min: 0, max: 40 * 86_400_000 }), (submitted, wait) => {
				const now = new Date(Date.parse(submitted) + wait).toISOString();
				const clock = reviewClock(submitted, now, ZHANGJIAGANG_2020);
				if (clock.overdue) expect(clock.elapsed).toBeGreaterThanOrEqual(clock.limit);
				else expect(clock.elapsed + clock.remaining).toBe(clock.limit);
			})
		);
	});
});
