import {
	addDays,
	dayOfWeek,
	fromEpochDay,
	shanghaiDate,
	timestampMs,
	toEpochDay,
	type CalendarDate
} from './dates';
import { DomainError, domainMessage } from './errors';
import type { CityRules } from './rules';

/**
 * The working-day calendar behind the review deadline (DOMAIN.md: "Target: 10 working days from
 * submission to an approved project").
 *
 * A working day is a Monday–Friday that is not a public holiday, or a weekend day the State
 * Council has made a working day (调休上班). Days are China calendar days (Asia/Shanghai, UTC+8):
 * a submission at 23:30 in Zhangjiagang is on that Chinese day even though it is 15:30 UTC.
 *
 * Counting follows the rule of Chinese administrative deadlines: the day a period starts is not
 * counted, counting begins the next day, and the last day of the period is the deadline, which
 * lasts until the end of that day. So:
 *
 * - `workingDaysBetween(from, to)` counts working days D with from < D ≤ to.
 * - `workingDaysElapsed(fromIso, toIso)` counts the *completed* working days after the day of
 *   `fromIso`: the day `toIso` falls on is still running and does not count yet.
 *   Submitted Monday 2020-09-07 10:00 → on Tuesday at 17:00, 0 days have elapsed; on Wednesday at
 *   08:00, 1 (Tuesday).
 * - `addWorkingDays(d, n)` is the n-th working day after d; the review deadline is
 *   `addWorkingDays(submission day, 10)`. Submitted Monday 2020-09-21 → the 10 working days are
 *   22–25 Sep, 27 Sep (a make-up Sunday), 28–30 Sep, 9 Oct (after the National Day holiday of 1–8
 *   Oct) and 10 Oct (a make-up Saturday): the deadline is Saturday 10 October 2020.
 */

export interface WorkCalendar {
	readonly holidays: readonly CalendarDate[];
	readonly makeUpWorkdays: readonly CalendarDate[];
}

function dateRange(from: CalendarDate, to: CalendarDate): CalendarDate[] {
	const days: CalendarDate[] = [];
	for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
	return days;
}

/**
 * 2020, as published by the State Council General Office (国办发明电〔2019〕16号), with the Spring
 * Festival holiday extended to 2 February by the notice of 26 January 2020 (国办发明电〔2020〕1号),
 * which also cancelled the make-up Saturday of 1 February.
 */
export const CHINA_HOLIDAYS_2020: readonly CalendarDate[] = [
	'2020-01-01',
	...dateRange('2020-01-24', '2020-02-02'),
	...dateRange('2020-04-04', '2020-04-06'),
	...dateRange('2020-05-01', '2020-05-05'),
	...dateRange('2020-06-25', '2020-06-27'),
	...dateRange('2020-10-01', '2020-10-08')
];
export const CHINA_MAKE_UP_WORKDAYS_2020: readonly CalendarDate[] = [
	'2020-01-19',
	'2020-04-26',
	'2020-05-09',
	'2020-06-28',
	'2020-09-27',
	'2020-10-10'
];

/** 2026, as published by the State Council General Office on 4 November 2025. */
export const CHINA_HOLIDAYS_2026: readonly CalendarDate[] = [
	...dateRange('2026-01-01', '2026-01-03'),
	...dateRange('2026-02-15', '2026-02-23'),
	...dateRange('2026-04-04', '2026-04-06'),
	...dateRange('2026-05-01', '2026-05-05'),
	...dateRange('2026-06-19', '2026-06-21'),
	...dateRange('2026-09-25', '2026-09-27'),
	...dateRange('2026-10-01', '2026-10-07')
];
export const CHINA_MAKE_UP_WORKDAYS_2026: readonly CalendarDate[] = [
	'2026-01-04',
	'2026-02-14',
	'2026-02-28',
	'2026-05-09',
	'2026-09-20',
	'2026-10-10'
];

/** Every year this build knows; other years have weekends only until the city enters them. */
export const CHINA_PUBLIC_HOLIDAYS: readonly CalendarDate[] = [
	...CHINA_HOLIDAYS_2020,
	...CHINA_HOLIDAYS_2026
];
export const CHINA_MAKE_UP_WORKDAYS: readonly CalendarDate[] = [
	...CHINA_MAKE_UP_WORKDAYS_2020,
	...CHINA_MAKE_UP_WORKDAYS_2026
];

export const CHINA_CALENDAR: WorkCalendar = {
	holidays: CHINA_PUBLIC_HOLIDAYS,
	makeUpWorkdays: CHINA_MAKE_UP_WORKDAYS
};

/** A count of working days that is not a whole number ≥ 0. */
export class WorkingDayCountError extends DomainError {
	constructor(n: number) {
		super(
			domainMessage(
				'calendar.badCount',
				{ n },
				`工作日数必须是非负整数：${n}`,
				`A number of working days must be a whole number ≥ 0: ${n}`
			)
		);
		this.name = 'WorkingDayCountError';
	}
}

/** Looks days up by epoch day, so long spans cost one Set lookup a day. */
function compile(cal: WorkCalendar): (epochDay: number) => boolean {
	const off = new Set(cal.holidays);
	const on = new Set(cal.makeUpWorkdays);
	return (day) => {
		const date = fromEpochDay(day);
		// A holiday wins over a make-up listing: rules validation refuses a date in both lists.
		if (off.has(date)) return false;
		if (on.has(date)) return true;
		const dow = (((day + 4) % 7) + 7) % 7;
		return dow !== 0 && dow !== 6;
	};
}

export function isWorkingDay(date: CalendarDate, cal: WorkCalendar): boolean {
	toEpochDay(date);
	if (cal.holidays.includes(date)) return false;
	if (cal.makeUpWorkdays.includes(date)) return true;
	const dow = dayOfWeek(date);
	return dow !== 0 && dow !== 6;
}

/** Working days D with `from` < D ≤ `to`; 0 when `to` is not after `from`. */
export function workingDaysBetween(
	from: CalendarDate,
	to: CalendarDate,
	cal: WorkCalendar
): number {
	const start = toEpochDay(from);
	const end = toEpochDay(to);
	const working = compile(cal);
	let count = 0;
	for (let day = start + 1; day <= end; day++) if (working(day)) count++;
	return count;
}

/**
 * Completed working days after the China calendar day of `fromIso`, as of `toIso`
 * (see the module comment for the convention and an example).
 */
export function workingDaysElapsed(fromIso: string, toIso: string, cal: WorkCalendar): number {
	if (timestampMs(toIso) <= timestampMs(fromIso)) return 0;
	return workingDaysBetween(shanghaiDate(fromIso), addDays(shanghaiDate(toIso), -1), cal);
}

/** The n-th working day after `date` (n = 0 gives `date` itself). */
export function addWorkingDays(date: CalendarDate, n: number, cal: WorkCalendar): CalendarDate {
	if (!Number.isSafeInteger(n) || n < 0) throw new WorkingDayCountError(n);
	const working = compile(cal);
	let day = toEpochDay(date);
	for (let left = n; left > 0;) {
		day++;
		if (working(day)) left--;
	}
	return fromEpochDay(day);
}

type ReviewRules = Pick<CityRules, 'reviewWorkingDays' | 'holidays' | 'makeUpWorkdays'>;

/** DOMAIN.md: the last day on which the town may approve within the target. */
export function reviewDeadline(submittedAtIso: string, rules: ReviewRules): CalendarDate {
	return addWorkingDays(shanghaiDate(submittedAtIso), rules.reviewWorkingDays, rules);
}

export interface ReviewClock {
	/** Completed working days since the submission day. */
	readonly elapsed: number;
	/** The number of working days the rules allow. */
	readonly limit: number;
	/** The last day of the period: a decision that day is in time. */
	readonly deadline: CalendarDate;
	/** Working days of the period not yet completed (today's, if it is one); 0 once overdue. */
	readonly remaining: number;
	/** The deadline day has ended with no decision. */
	readonly overdue: boolean;
}

/** Where a submitted project stands against the review target at `nowIso`. */
export function reviewClock(
	submittedAtIso: string,
	nowIso: string,
	rules: ReviewRules
): ReviewClock {
	const deadline = reviewDeadline(submittedAtIso, rules);
	const elapsed = workingDaysElapsed(submittedAtIso, nowIso, rules);
	const overdue = shanghaiDate(nowIso) > deadline;
	return {
		elapsed,
		limit: rules.reviewWorkingDays,
		deadline,
		remaining: overdue ? 0 : Math.max(0, rules.reviewWorkingDays - elapsed),
		overdue
	};
}
