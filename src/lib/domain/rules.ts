import { CHINA_MAKE_UP_WORKDAYS, CHINA_PUBLIC_HOLIDAYS } from './calendar';
import { dayOfWeek, isCalendarDate, type CalendarDate } from './dates';
import { DomainError, domainMessage, type ValidationResult } from './errors';
import type { Fen } from './money';
import { Fields, isPlainObject, stringItem, validateObject } from './validation';

/**
 * The city's programme rules as data. DOMAIN.md ("Money rules"): the caps are the city's rules
 * of a year and they change (Zhangjiagang 165,000 yuan a community in 2020, 300,000 by 2023;
 * Zhuhai, Shenzhen other caps), so they are settings kept per year with the date they take
 * effect, never constants in code, and a project is checked against the rules of its year.
 */

/** An exact share, e.g. two thirds, which a percentage cannot state. */
export interface Fraction {
	readonly numerator: number;
	readonly denominator: number;
}

/** Who must be present for a residents' council to decide (DOMAIN.md: deliberation by vote). */
export interface QuorumRule {
	/** Fewest people present. */
	readonly minAttendees: number;
	/** Share of the council's members who must be present; `null` when the city sets none. */
	readonly memberShare: Fraction | null;
	/** `more-than` is 过半数 (present > share × members); `at-least` is present ≥ share × members. */
	readonly memberShareMode: 'at-least' | 'more-than';
}

/**
 * `simple`: more votes for than against (abstentions do not count either way).
 * `absolute`: votes for are more than half of all votes cast, abstentions included.
 */
export type MajorityRule = 'simple' | 'absolute';

export interface CityRules {
	/** The China calendar date from which these rules apply. */
	readonly effectiveFrom: CalendarDate;
	/** The programme year whose projects these rules govern. */
	readonly year: number;
	/** DOMAIN.md: one project's budget, normally at most 100,000 yuan (2020). */
	readonly projectCapFen: Fen;
	/** DOMAIN.md: one community's projects in one year, at most 165,000 yuan in total (2020). */
	readonly communityYearCapFen: Fen;
	/** DOMAIN.md: projects below this budget (or urgent ones) are fast-tracked (10,000 yuan). */
	readonly fastTrackBelowFen: Fen;
	/** DOMAIN.md: target of 10 working days from submission to an approved project. */
	readonly reviewWorkingDays: number;
	/** DOMAIN.md: engineering and service; some cities add goods (货物). */
	readonly projectTypes: readonly string[];
	readonly quorum: QuorumRule;
	readonly majority: MajorityRule;
	/** Days off on top of weekends (public holidays, 放假). */
	readonly holidays: readonly CalendarDate[];
	/** Weekend days that are worked (调休上班). */
	readonly makeUpWorkdays: readonly CalendarDate[];
	/**
	 * The number residents call to report a problem with a project, printed on every project sign
	 * (标识牌): DOMAIN.md, the first line of defence is residents watching.
	 */
	readonly supervisionPhone?: string;
	/** Days a rectification is given by default (30 when unset: DOMAIN.md, "within a month"). */
	readonly rectificationDays?: number;
	/** The site-inspection checklist's items (DEFAULT_INSPECTION_CHECKLIST when unset). */
	readonly inspectionChecklist?: readonly string[];
}

export const DEFAULT_PROJECT_TYPES: readonly string[] = ['engineering', 'service'];

/**
 * Zhangjiagang's rules of 2020 (DOMAIN.md, "Money rules" and "The life of a suggestion").
 * The quorum and majority are not in the article: they are the common rule of Chinese residents'
 * councils (more than half of the members present, at least 3 people; a motion passes with more
 * than half of the votes cast) and the city can change them.
 */
export const ZHANGJIAGANG_2020: CityRules = {
	effectiveFrom: '2020-01-01',
	year: 2020,
	projectCapFen: 100_000_00,
	communityYearCapFen: 165_000_00,
	fastTrackBelowFen: 10_000_00,
	reviewWorkingDays: 10,
	projectTypes: DEFAULT_PROJECT_TYPES,
	quorum: {
		minAttendees: 3,
		memberShare: { numerator: 1, denominator: 2 },
		memberShareMode: 'more-than'
	},
	majority: 'absolute',
	holidays: CHINA_PUBLIC_HOLIDAYS,
	makeUpWorkdays: CHINA_MAKE_UP_WORKDAYS,
	// The citizens' service hotline of Chinese cities; a city may name its own bureau's number.
	supervisionPhone: '12345'
};

export const DEFAULT_CITY_RULES: CityRules = ZHANGJIAGANG_2020;

/** No rules are kept for the date or year asked: the city must enter them before checking. */
export class NoRulesInForceError extends DomainError {
	constructor(what: { date?: CalendarDate; year?: number }) {
		const shown = what.date ?? String(what.year);
		super(
			domainMessage(
				'rules.noneInForce',
				{ when: shown },
				`没有适用于 ${shown} 的市级规则，请先由管理员设置`,
				`No city rules apply to ${shown}: an administrator must enter them first`
			)
		);
		this.name = 'NoRulesInForceError';
	}
}

type KeptRules = CityRules & { readonly id?: string; readonly archived?: boolean };

/**
 * Orders candidates so that every device, whatever order the merged CRDT gives, picks the same
 * rules: latest `effectiveFrom`, then the higher `year`, then the greater record id.
 */
function newerFirst(a: KeptRules, b: KeptRules): number {
	if (a.effectiveFrom !== b.effectiveFrom) return a.effectiveFrom < b.effectiveFrom ? 1 : -1;
	if (a.year !== b.year) return b.year - a.year;
	const ia = a.id ?? '';
	const ib = b.id ?? '';
	return ia === ib ? 0 : ia < ib ? 1 : -1;
}

function live<T extends KeptRules>(list: readonly T[]): T[] {
	return list.filter((r) => r.archived !== true);
}

/** The rules in force on a date: the latest `effectiveFrom` on or before it. */
export function rulesFor<T extends KeptRules>(list: readonly T[], date: CalendarDate): T {
	if (!isCalendarDate(date)) throw new NoRulesInForceError({ date });
	const found = live(list)
		.filter((r) => r.effectiveFrom <= date)
		.sort(newerFirst)[0];
	if (!found) throw new NoRulesInForceError({ date });
	return found;
}

/**
 * The rules a project of `year` is checked against (DOMAIN.md: "a project is checked against the
 * rules of its year"): among the rules kept for that year, the one in force on `onDate` (usually
 * the day of the check). When `onDate` comes before all of them — a project drafted in December
 * for next year — the year's earliest rules apply, since they are the rules published for it.
 * Without `onDate`, the year's latest rules.
 */
export function rulesForYear<T extends KeptRules>(
	list: readonly T[],
	year: number,
	onDate?: CalendarDate
): T {
	const ofYear = live(list)
		.filter((r) => r.year === year)
		.sort(newerFirst);
	if (ofYear.length === 0) throw new NoRulesInForceError({ year });
	if (onDate === undefined) return ofYear[0] as T;
	return ofYear.find((r) => r.effectiveFrom <= onDate) ?? (ofYear[ofYear.length - 1] as T);
}

function fractionItem(value: unknown, path: string, issues: string[]) {
	if (!isPlainObject(value)) {
		issues.push(`${path}: expected { numerator, denominator } or null`);
		return;
	}
	const f = new Fields(value, path, issues)
		.integer('numerator', { min: 0 })
		.integer('denominator', { min: 1 });
	const { numerator, denominator } = f.obj;
	if (typeof numerator === 'number' && typeof denominator === 'number' && numerator > denominator) {
		issues.push(`${path}: a share cannot be more than the whole`);
	}
}

function dateListItem(value: unknown, path: string, issues: string[]) {
	if (!isCalendarDate(value)) issues.push(`${path}: expected a date YYYY-MM-DD`);
}

/** Checks the rule fields only; `validateRecord('cityRules', …)` adds the record fields. */
export function checkRulesFields(f: Fields): void {
	f.date('effectiveFrom')
		.integer('year', { min: 2000, max: 2200 })
		.fen('projectCapFen', { positive: true })
		.fen('communityYearCapFen', { positive: true })
		.fen('fastTrackBelowFen')
		.integer('reviewWorkingDays', { min: 1, max: 365 })
		.array('projectTypes', (v, path, issues) => {
			stringItem(v, path, issues);
			if (typeof v === 'string' && v.trim() === '') issues.push(`${path}: empty type name`);
		})
		.object('quorum', (q) => {
			q.integer('minAttendees', { min: 0 }).oneOf('memberShareMode', ['at-least', 'more-than']);
			if (q.obj.memberShare !== null)
				fractionItem(q.obj.memberShare, q.at('memberShare'), q.issues);
		})
		.oneOf('majority', ['simple', 'absolute'])
		.string('supervisionPhone', { optional: true })
		.integer('rectificationDays', { optional: true, min: 1, max: 365 })
		.stringList('inspectionChecklist', { optional: true })
		.array('holidays', dateListItem)
		.array('makeUpWorkdays', (v, path, issues) => {
			dateListItem(v, path, issues);
			// 调休 moves work onto a weekend; a weekday "make-up" day is a typing mistake.
			if (isCalendarDate(v) && ![0, 6].includes(dayOfWeek(v))) {
				issues.push(`${path}: a make-up working day must be a Saturday or Sunday`);
			}
		});

	const o = f.obj;
	const issues = f.issues;
	if (Array.isArray(o.projectTypes)) {
		if (o.projectTypes.length === 0) issues.push('projectTypes: at least one type');
		if (new Set(o.projectTypes).size !== o.projectTypes.length) {
			issues.push('projectTypes: a type is listed twice');
		}
	}
	if (
		typeof o.fastTrackBelowFen === 'number' &&
		typeof o.projectCapFen === 'number' &&
		o.fastTrackBelowFen > o.projectCapFen
	) {
		issues.push('fastTrackBelowFen: the fast-track threshold is above the project cap');
	}
	if (Array.isArray(o.holidays) && Array.isArray(o.makeUpWorkdays)) {
		const off = new Set(o.holidays);
		for (const d of o.makeUpWorkdays) {
			if (off.has(d)) issues.push(`makeUpWorkdays: ${String(d)} is also listed as a holiday`);
		}
	}
}

export function validateRules(value: unknown): ValidationResult<CityRules> {
	return validateObject<CityRules>(value, checkRulesFields);
}
