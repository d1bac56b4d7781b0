import { projectBudgetFen } from './budget';
import { reviewDeadline, workingDaysElapsed } from './calendar';
import { addDays, isCalendarDate, shanghaiDate, shanghaiMonth, type CalendarDate } from './dates';
import { sumFen, type Fen } from './money';
import { summariseRatings, type RatingSummary } from './rating';
import type { Disbursement, Project, Suggestion } from './records';
import { isProduced, percentRounded, ReportMonthError } from './report';
import type { CityRules } from './rules';

/**
 * The city's monthly report on each town (DOMAIN.md, "Supervision": civil affairs reports every
 * month on each town's progress). For a month (`YYYY-MM`, China time) and each town:
 * - suggestions collected that month;
 * - projects produced that month (approved: the town's decision fell in the month), by type, and
 *   their budget;
 * - the median working days from submission to that approval, and the share decided by the
 *   deadline of the rules (10 working days in 2020);
 * - projects completed and paid in full that month, and the money finance paid that month;
 * - the share of the town's communities with a produced project by the end of the month;
 * - residents' ratings posted that month (满意度): how many, and their average.
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
	/** Paid by finance that month on the town's projects, in part or in full. */
	readonly paidFen: Fen;
	readonly coveredPercent: number;
	/** Ratings posted that month; undefined when the ratings were not available (offline). */
	readonly ratings: RatingSummary | undefined;
}

/** A resident's rating as the server gives it to the city (`GET /api/ratings`). */
export interface RatingEntry {
	readonly communityId: string;
	readonly score: number;
	readonly at: string;
}

/** The first and last China calendar dates of a report month (`YYYY-MM`). */
export function monthDates(month: string): { from: CalendarDate; to: CalendarDate } {
	const from = `${month}-01`;
	if (!/^\d{4}-\d{2}$/.test(month) || !isCalendarDate(from)) throw new ReportMonthError(month);
	const [y, m] = month.split('-').map(Number) as [number, number];
	const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
	return { from, to: addDays(next, -1) };
}

/** A month the city can report on: `YYYY-MM`, a real month (what `monthDates` takes). */
export function isReportMonth(month: string): boolean {
	try {
		monthDates(month);
		return true;
	} catch {
		return false;
	}
}

export function median(values: readonly number[]): number | undefined {
	if (values.length === 0) return undefined;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface MonthlyReportInput {
	month: string;
	towns: readonly { id: string }[];
	communities: readonly { id: string; townId: string }[];
	suggestions: readonly (Pick<Suggestion, 'createdAt' | 'archived'> & { communityId: string })[];
	projects: readonly Project[];
	rulesOf: (year: number) => CityRules | undefined;
	disbursements?: readonly Disbursement[];
	/** Undefined when they could not be read: the report says so rather than showing none. */
	ratings?: readonly RatingEntry[];
}

/** Each town's row of the month (`MonthlyTownRow`), in the order of `towns`. */
export function monthlyReport(input: MonthlyReportInput): MonthlyTownRow[] {
	return monthlyReportWithTotal(input).rows;
}

/**
 * The towns' rows and the city's row (`townId` ''), each computed from the records themselves:
 * the city's median, share within the deadline and coverage are those of all its projects and
 * communities, never sums or averages of the towns' figures.
 */
export function monthlyReportWithTotal(input: MonthlyReportInput): {
	rows: MonthlyTownRow[];
	total: MonthlyTownRow;
} {
	const { month } = input;
	monthDates(month); // throws ReportMonthError for anything but a real YYYY-MM
	const inMonth = (t: string | undefined) => t !== undefined && shanghaiMonth(t) === month;
	const upTo = (t: string | undefined) => t !== undefined && shanghaiMonth(t) <= month;
	const townOf = new Map(input.communities.map((c) => [c.id, c.townId]));
	// Each record is looked at once, in its town's bucket: a city of a thousand communities has
	// a hundred towns, and reading every record once per town made the report take half a second.
	const byTown = <T>(list: readonly T[], town: (item: T) => string | undefined) => {
		const out = new Map<string, T[]>();
		for (const item of list) {
			const id = town(item);
			if (id === undefined) continue;
			const bucket = out.get(id);
			if (bucket) bucket.push(item);
			else out.set(id, [item]);
		}
		return out;
	};
	const liveProjects = input.projects.filter((p) => !p.archived);
	const suggestionsInMonth = input.suggestions.filter((s) => !s.archived && inMonth(s.createdAt));
	const ratingsInMonth = input.ratings?.filter((r) => inMonth(r.at));
	const projectsOf = byTown(liveProjects, (p) => p.townId);
	const suggestionsIn = byTown(suggestionsInMonth, (s) => townOf.get(s.communityId));
	const communitiesOf = byTown(input.communities, (c) => c.townId);
	const ratingsIn = ratingsInMonth && byTown(ratingsInMonth, (r) => townOf.get(r.communityId));
	const paidIn = (input.disbursements ?? []).filter((d) => !d.archived && inMonth(d.paidAt));

	const rowOf = (
		townId: string,
		projects: readonly Project[],
		suggestions: number,
		communities: readonly { id: string }[],
		ratings: readonly RatingEntry[] | undefined
	): MonthlyTownRow => {
		const approved = projects.filter((p) => isProduced(p) && inMonth(p.decidedAt));
		const days: number[] = [];
		let inTime = 0;
		for (const p of approved) {
			const rules = p.submittedAt ? input.rulesOf(p.year) : undefined;
			if (!rules || !p.submittedAt || !p.decidedAt) continue;
			days.push(workingDaysElapsed(p.submittedAt, p.decidedAt, rules));
			if (shanghaiDate(p.decidedAt) <= reviewDeadline(p.submittedAt, rules)) inTime++;
		}
		const ids = new Set(projects.map((p) => p.id));
		const paid = paidIn.filter((d) => ids.has(d.project.id));
		const covered = new Set(
			projects.filter((p) => isProduced(p) && upTo(p.decidedAt)).map((p) => p.communityId)
		);
		return {
			townId,
			suggestions,
			produced: approved.length,
			engineering: approved.filter((p) => p.type === 'engineering').length,
			service: approved.filter((p) => p.type === 'service').length,
			budgetFen: approved.reduce((sum, p) => sum + projectBudgetFen(p), 0),
			medianWorkingDays: median(days),
			withinDeadlinePercent: days.length ? percentRounded(inTime, days.length) : undefined,
			completed: projects.filter((p) => inMonth(p.completedAt)).length,
			disbursed: projects.filter((p) => inMonth(p.disbursedAt)).length,
			paidFen: sumFen(paid.map((d) => d.amountFen)),
			coveredPercent: percentRounded(
				communities.filter((c) => covered.has(c.id)).length,
				communities.length
			),
			ratings: ratings ? summariseRatings(ratings) : undefined
		};
	};

	const rows = input.towns.map(({ id: townId }) =>
		rowOf(
			townId,
			projectsOf.get(townId) ?? [],
			suggestionsIn.get(townId)?.length ?? 0,
			communitiesOf.get(townId) ?? [],
			ratingsIn && (ratingsIn.get(townId) ?? [])
		)
	);
	// The city: the records of the towns listed, as the rows count them.
	const listed = new Set(input.towns.map((t) => t.id));
	const inListed = <T>(byId: Map<string, T[]>) => [...listed].flatMap((id) => byId.get(id) ?? []);
	const total = rowOf(
		'',
		inListed(projectsOf),
		inListed(suggestionsIn).length,
		inListed(communitiesOf),
		ratingsIn && inListed(ratingsIn)
	);
	return { rows, total };
}

/**
 * CSV as Excel opens it in China: UTF-8 with a byte-order mark (without it Excel reads GBK and
 * the Chinese turns to mojibake), CRLF line ends, every field quoted when it needs to be. A text
 * that Excel would run as a formula (a resident's title "=HYPERLINK(…)", "@SUM(…)") is written
 * with a leading apostrophe, so it stays text; numbers, negative ones too, stay numbers.
 */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
	const field = (v: string | number) => {
		const text = String(v);
		const s =
			typeof v === 'string' && /^[=+\-@\t\r]/.test(text) && !/^[+-]?\d[\d,]*(\.\d+)?%?$/.test(text)
				? `'${text}`
				: text;
		return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
	};
	return `\uFEFF${rows.map((r) => r.map(field).join(',')).join('\r\n')}\r\n`;
}
