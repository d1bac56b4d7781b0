import { projectBudgetFen } from './budget';
import { reviewDeadline, workingDaysElapsed } from './calendar';
import { shanghaiDate, shanghaiMonth } from './dates';
import type { Fen } from './money';
import type { Project, Suggestion } from './records';
import { isProduced, percentRounded, ReportMonthError } from './report';
import type { CityRules } from './rules';
import { isCalendarDate } from './dates';

/**
 * The city's monthly report on each town (DOMAIN.md, "Supervision": civil affairs reports every
 * month on each town's progress). For a month (`YYYY-MM`, China time) and each town:
 * - suggestions collected that month;
 * - projects produced that month (approved: the town's decision fell in the month), by type, and
 *   their budget;
 * - the median working days from submission to that approval, and the share decided by the
 *   deadline of the rules (10 working days in 2020);
 * - projects completed and disbursed that month;
 * - the share of the town's communities with a produced project by the end of the month.
 */

export interface MonthlyTownRow {
	readonly townId: string;
	readonly suggestions: number;
	readonly produced: number;
	readonly engineering: number;
	readonly service: number;
	readonly budgetFen: Fen;
	/** Undefined when nothing was approved that month. */
	readonly medianWorkingDays: number | undefined;
	/** Whole percent decided by the deadline; undefined when nothing was approved. */
	readonly withinDeadlinePercent: number | undefined;
	readonly completed: number;
	readonly disbursed: number;
	readonly coveredPercent: number;
}

export function median(values: readonly number[]): number | undefined {
	if (values.length === 0) return undefined;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function monthlyReport(input: {
	month: string;
	towns: readonly { id: string }[];
	communities: readonly { id: string; townId: string }[];
	suggestions: readonly (Pick<Suggestion, 'createdAt' | 'archived'> & { communityId: string })[];
	projects: readonly Project[];
	rulesOf: (year: number) => CityRules | undefined;
}): MonthlyTownRow[] {
	const { month } = input;
	if (!isCalendarDate(`${month}-01`)) throw new ReportMonthError(month);
	const inMonth = (t: string | undefined) => t !== undefined && shanghaiMonth(t) === month;
	const upTo = (t: string | undefined) => t !== undefined && shanghaiMonth(t) <= month;
	const townOf = new Map(input.communities.map((c) => [c.id, c.townId]));
	return input.towns.map(({ id: townId }) => {
		const projects = input.projects.filter((p) => p.townId === townId && !p.archived);
		const approved = projects.filter((p) => isProduced(p) && inMonth(p.decidedAt));
		const days: number[] = [];
		let inTime = 0;
		for (const p of approved) {
			const rules = p.submittedAt ? input.rulesOf(p.year) : undefined;
			if (!rules || !p.submittedAt || !p.decidedAt) continue;
			days.push(workingDaysElapsed(p.submittedAt, p.decidedAt, rules));
			if (shanghaiDate(p.decidedAt) <= reviewDeadline(p.submittedAt, rules)) inTime++;
		}
		const communities = input.communities.filter((c) => c.townId === townId);
		const covered = new Set(
			projects.filter((p) => isProduced(p) && upTo(p.decidedAt)).map((p) => p.communityId)
		);
		return {
			townId,
			suggestions: input.suggestions.filter(
				(s) => !s.archived && townOf.get(s.communityId) === townId && inMonth(s.createdAt)
			).length,
			produced: approved.length,
			engineering: approved.filter((p) => p.type === 'engineering').length,
			service: approved.filter((p) => p.type === 'service').length,
			budgetFen: approved.reduce((sum, p) => sum + projectBudgetFen(p), 0),
			medianWorkingDays: median(days),
			withinDeadlinePercent: days.length ? percentRounded(inTime, days.length) : undefined,
			completed: projects.filter((p) => inMonth(p.completedAt)).length,
			disbursed: projects.filter((p) => inMonth(p.disbursedAt)).length,
			coveredPercent: percentRounded(
				communities.filter((c) => covered.has(c.id)).length,
				communities.length
			)
		};
	});
}

/**
 * CSV as Excel opens it in China: UTF-8 with a byte-order mark (without it Excel reads GBK and
 * the Chinese turns to mojibake), CRLF line ends, every field quoted when it needs to be.
 */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
	const field = (v: string | number) => {
		const s = String(v);
		return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
	};
	return `\uFEFF${rows.map((r) => r.map(field).join(',')).join('\r\n')}\r\n`;
}
