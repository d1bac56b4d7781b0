/**
 * Finding projects and suggestions across a town or the city (the lists of the town's and the
 * city's roles): words searched in the title, the text, the place and the id, filters, a sort and
 * one page of the matches. The server answers a city role with these over its read models; a
 * town's device runs the same over the rooms it keeps, so the list works offline there.
 *
 * A query travels as URL parameters (`findParams` writes them, `readProjectQuery` and
 * `readSuggestionQuery` read them back and refuse what is not well formed): the server's question
 * and the page's address are the same words.
 */
import { findCapBreaches, type CapBreach } from './budget';
import { rulesOfYear, type CityRecords, type ProjectSummary, projectSummary } from './city-view';
import { isOrgId } from './access';
import { shanghaiDate } from './dates';
import { DomainError, domainMessage, type DomainMessage } from './errors';
import {
	PROJECT_STATUSES,
	SUGGESTION_STATUSES,
	type ProjectStatus,
	type SuggestionStatus
} from './records';
import { reviewQueue } from './review';

/** The names a search looks for a place in: the directory's, never what a record says. */
export interface Places {
	townOf(communityId: string): string | undefined;
	communityName(communityId: string): string | undefined;
	townName(townId: string): string | undefined;
}

/** The places of a directory (the server's organisation, or the one kept on a device). */
export function directoryPlaces(directory: {
	towns: readonly { id: string; name: string }[];
	communities: readonly { id: string; name: string; townId: string }[];
}): Places {
	const towns = new Map(directory.towns.map((t) => [t.id, t.name]));
	const communities = new Map(directory.communities.map((c) => [c.id, c]));
	return {
		townOf: (id) => communities.get(id)?.townId,
		communityName: (id) => communities.get(id)?.name,
		townName: (id) => towns.get(id)
	};
}

export const PROJECT_SORTS = ['place', 'newest', 'title', 'budget'] as const;
export type ProjectSort = (typeof PROJECT_SORTS)[number];
export const SUGGESTION_SORTS = ['place', 'newest', 'title'] as const;
export type SuggestionSort = (typeof SUGGESTION_SORTS)[number];

/** The most rows one page gives; an export asks for up to `FIND_EXPORT_MAX` at once. */
export const FIND_PAGE_MAX = 100;
export const FIND_EXPORT_MAX = 20_000;
/** Longer search words are refused, not cut: a cut search would find what was not asked. */
export const FIND_WORDS_MAX = 100;

interface CommonQuery {
	/** Words, all of which must appear (case folded); Chinese is matched as written. */
	q: string;
	year?: number;
	town?: string;
	community?: string;
	offset: number;
	limit: number;
}

export interface ProjectQuery extends CommonQuery {
	status?: ProjectStatus;
	type?: string;
	/** Only projects whose town's review is past its working days. */
	overdue?: boolean;
	sort: ProjectSort;
}

export interface SuggestionQuery extends CommonQuery {
	status?: SuggestionStatus;
	category?: string;
	sort: SuggestionSort;
}

export interface ProjectRow extends ProjectSummary {
	createdAt: string;
	/** The town's review is past its deadline (DOMAIN.md: 10 working days). */
	overdue: boolean;
	/** The project is in a breach of a cap (its own, or its community's year). */
	overCap: boolean;
}

export interface ProjectList {
	rows: ProjectRow[];
	/** How many match in all, of which `rows` is the page asked for. */
	total: number;
	/** The budgets of every match, not of the page only. */
	budgetFen: number;
	/** The values the filters offer, from every project in scope (not only the matches). */
	years: number[];
	types: string[];
	/**
	 * The caps broken by projects among the matches (a community's year, or one project), with
	 * what the domain says of each; the first `BREACHES_SHOWN`.
	 */
	breaches: { communityId: string; year: number; message: DomainMessage }[];
}

export const BREACHES_SHOWN = 20;

export interface SuggestionRow {
	id: string;
	room: string;
	communityId: string;
	townId: string;
	title: string;
	status: SuggestionStatus;
	category: string;
	estate: string;
	urgent: boolean;
	photos: number;
	createdAt: string;
}

export interface SuggestionList {
	rows: SuggestionRow[];
	total: number;
	years: number[];
	categories: string[];
}

/** A query that is not well formed (the server answers 400 with its message). */
export class FindQueryError extends DomainError {
	constructor(zh: string, en: string) {
		super(domainMessage('find.badQuery', {}, zh, en));
		this.name = 'FindQueryError';
	}
}

/** More matches than one export holds: the list is narrowed first, never cut short. */
export class ExportTooLarge extends DomainError {
	constructor(readonly total: number) {
		super(
			domainMessage(
				'find.exportTooLarge',
				{ total, max: FIND_EXPORT_MAX },
				`共 ${total} 条，超过一次导出的上限 ${FIND_EXPORT_MAX} 条：请先筛选。`,
				`${total} rows are more than one export holds (${FIND_EXPORT_MAX}): narrow the list first.`
			)
		);
		this.name = 'ExportTooLarge';
	}
}

const zh = new Intl.Collator('zh-CN');

/** Code-unit order: ISO times and ids sort so, and much faster than by locale. */
const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function wordsOf(q: string): string[] {
	return q.toLowerCase().split(/\s+/).filter(Boolean);
}

function matchesWords(words: readonly string[], text: string): boolean {
	if (words.length === 0) return true;
	const folded = text.toLowerCase();
	return words.every((w) => folded.includes(w));
}

function placeText(places: Places, communityId: string, townId: string | undefined): string {
	return `${places.communityName(communityId) ?? communityId} ${
		townId === undefined ? '' : (places.townName(townId) ?? townId)
	}`;
}

/**
 * Town name, then community name (Chinese collation): the order a list grouped by place has. The
 * communities are ranked once, so that sorting ten thousand rows compares numbers, not names.
 */
function byPlace(places: Places, communityIds: Iterable<string>) {
	const name = (id: string, lookup: (id: string) => string | undefined) => lookup(id) ?? id;
	const ranked = [...new Set(communityIds)]
		.map((id) => {
			const townId = places.townOf(id) ?? '';
			return { id, town: name(townId, places.townName), community: name(id, places.communityName) };
		})
		.sort((a, b) => zh.compare(a.town, b.town) || zh.compare(a.community, b.community));
	const rank = new Map(ranked.map((c, i) => [c.id, i]));
	return (a: { communityId: string }, b: { communityId: string }): number =>
		rank.get(a.communityId)! - rank.get(b.communityId)!;
}

/**
 * The first row of the page before (`by` -1) or after (+1) the one at `offset`: back never below
 * the first row, on never past the matches; undefined when there is no such page.
 */
export function turnPage(
	offset: number,
	limit: number,
	total: number,
	by: -1 | 1
): number | undefined {
	const next = by < 0 ? Math.max(0, offset - limit) : offset + limit;
	return next === offset || (by > 0 && next >= total) ? undefined : next;
}

/** Where a page at `offset` should be when only `total` match: past the last, the last page. */
export function pageWithin(offset: number, limit: number, total: number): number {
	if (offset < total || offset === 0) return offset;
	return Math.max(0, Math.ceil(total / limit) - 1) * limit;
}

function page<T>(rows: readonly T[], query: CommonQuery): T[] {
	return rows.slice(query.offset, query.offset + query.limit);
}

function sortedSet<T extends string | number>(
	values: Iterable<T>,
	compare: (a: T, b: T) => number
) {
	return [...new Set(values)].sort(compare);
}

/**
 * What a project list says of every project, whatever the query: which reviews are past their
 * working days (on the day of `nowIso`) and which caps are broken. The same for every question
 * over the same records on the same day: the server keeps it between questions.
 */
export interface ProjectFacts {
	late: ReadonlySet<string>;
	breaches: readonly CapBreach[];
	overCap: ReadonlySet<string>;
}

export function projectFacts(
	records: Pick<CityRecords, 'projects' | 'rules'>,
	nowIso: string
): ProjectFacts {
	const live = records.projects.filter((p) => !p.archived);
	const rulesOf = (year: number) => rulesOfYear(records.rules, year);
	const late = new Set(
		reviewQueue(live, nowIso, rulesOf)
			.filter((e) => e.clock.overdue)
			.map((e) => e.project.id)
	);
	const known = live.filter((p) => rulesOf(p.year) !== undefined);
	const breaches = findCapBreaches(known, (year) => rulesOf(year)!);
	return { late, breaches, overCap: new Set(breaches.flatMap((b) => b.projectIds)) };
}

/**
 * The projects that match, sorted, one page of them, and how many match in all. `facts` are
 * `projectFacts` of the same records on the same day, when kept from an earlier question.
 */
export function findProjects(
	records: Pick<CityRecords, 'projects' | 'rules'>,
	query: ProjectQuery,
	context: { nowIso: string; places: Places; facts?: ProjectFacts }
): ProjectList {
	const { places } = context;
	const live = records.projects.filter((p) => !p.archived);
	const { late, breaches, overCap } = context.facts ?? projectFacts(records, context.nowIso);
	const words = wordsOf(query.q);
	const matches = live.filter(
		(p) =>
			(query.status === undefined || p.status === query.status) &&
			(query.type === undefined || p.type === query.type) &&
			(query.year === undefined || p.year === query.year) &&
			(query.town === undefined || p.townId === query.town) &&
			(query.community === undefined || p.communityId === query.community) &&
			(query.overdue !== true || late.has(p.id)) &&
			matchesWords(
				words,
				`${p.title}\n${p.summary}\n${p.id}\n${placeText(places, p.communityId, p.townId)}`
			)
	);
	const newest = (a: (typeof live)[number], b: (typeof live)[number]) =>
		b.year - a.year || order(b.createdAt, a.createdAt) || order(a.id, b.id);
	const place = byPlace(
		places,
		matches.map((p) => p.communityId)
	);
	const budget = new Map(matches.map((p) => [p.id, projectSummary(p)]));
	const compare: Record<
		ProjectSort,
		(a: (typeof live)[number], b: (typeof live)[number]) => number
	> = {
		place: (a, b) => place(a, b) || newest(a, b),
		newest,
		title: (a, b) => zh.compare(a.title, b.title) || newest(a, b),
		budget: (a, b) => budget.get(b.id)!.budgetFen - budget.get(a.id)!.budgetFen || newest(a, b)
	};
	matches.sort(compare[query.sort]);
	const matched = new Set(matches.map((p) => p.id));
	return {
		rows: page(matches, query).map((p) => ({
			...budget.get(p.id)!,
			createdAt: p.createdAt,
			overdue: late.has(p.id),
			overCap: overCap.has(p.id)
		})),
		total: matches.length,
		budgetFen: matches.reduce((sum, p) => sum + budget.get(p.id)!.budgetFen, 0),
		years: sortedSet(
			live.map((p) => p.year),
			(a, b) => b - a
		),
		types: sortedSet(
			live.map((p) => p.type),
			zh.compare
		),
		breaches: breaches
			.filter((b) => b.projectIds.some((id) => matched.has(id)))
			.slice(0, BREACHES_SHOWN)
			.map((b) => ({ communityId: b.communityId, year: b.year, message: b.message }))
	};
}

/** The suggestions that match, sorted, one page of them, and how many match in all. */
export function findSuggestions(
	records: Pick<CityRecords, 'suggestions'>,
	query: SuggestionQuery,
	context: { places: Places }
): SuggestionList {
	const { places } = context;
	const live = records.suggestions.flatMap((s) => {
		const townId = places.townOf(s.communityId);
		return s.archived || townId === undefined
			? []
			: [
					{
						s,
						townId,
						communityId: s.communityId,
						year: Number(shanghaiDate(s.createdAt).slice(0, 4))
					}
				];
	});
	const words = wordsOf(query.q);
	const matches = live.filter(
		({ s, townId, communityId, year }) =>
			(query.status === undefined || s.status === query.status) &&
			(query.category === undefined || s.category === query.category) &&
			(query.year === undefined || year === query.year) &&
			(query.town === undefined || townId === query.town) &&
			(query.community === undefined || communityId === query.community) &&
			matchesWords(
				words,
				`${s.title}\n${s.description}\n${s.estate} ${s.building}\n${s.id}\n${placeText(places, communityId, townId)}`
			)
	);
	type Entry = (typeof live)[number];
	const newest = (a: Entry, b: Entry) =>
		order(b.s.createdAt, a.s.createdAt) || order(a.s.id, b.s.id);
	const place = byPlace(
		places,
		matches.map((e) => e.communityId)
	);
	const compare: Record<SuggestionSort, (a: Entry, b: Entry) => number> = {
		place: (a, b) => place(a, b) || newest(a, b),
		newest,
		title: (a, b) => zh.compare(a.s.title, b.s.title) || newest(a, b)
	};
	matches.sort(compare[query.sort]);
	return {
		rows: page(matches, query).map(({ s, townId, communityId }) => ({
			id: s.id,
			room: `community:${communityId}`,
			communityId,
			townId,
			title: s.title,
			status: s.status,
			category: s.category,
			estate: s.estate,
			urgent: s.urgent,
			photos: s.photos.length,
			createdAt: s.createdAt
		})),
		total: matches.length,
		years: sortedSet(
			live.map((e) => e.year),
			(a, b) => b - a
		),
		categories: sortedSet(live.map((e) => e.s.category).filter(Boolean), zh.compare)
	};
}

/** A query's parameters, read one at a time (`URLSearchParams.get`-like, each given once). */
export type ParamsOf = (name: string) => string | undefined;

function readCommon(get: ParamsOf, pageMax: number): CommonQuery {
	const q = get('q') ?? '';
	if (q.length > FIND_WORDS_MAX) {
		throw new FindQueryError(
			`搜索词太长（最多 ${FIND_WORDS_MAX} 字）`,
			`The search is too long (${FIND_WORDS_MAX} characters at most)`
		);
	}
	const whole = (name: string, fallback: number, max: number) => {
		const value = get(name);
		if (value === undefined || value === '') return fallback;
		if (!/^\d{1,6}$/.test(value) || Number(value) > max) {
			throw new FindQueryError(
				`${name} 应为 0 到 ${max} 的整数`,
				`${name} is a whole number from 0 to ${max}`
			);
		}
		return Number(value);
	};
	const id = (name: string, what: [string, string]) => {
		const value = get(name);
		if (value === undefined || value === '') return undefined;
		if (!isOrgId(value)) throw new FindQueryError(`${what[0]}编号有误`, `Not a ${what[1]} id`);
		return value;
	};
	const yearValue = get('year');
	if (yearValue !== undefined && yearValue !== '' && !/^(19|20)\d\d$/.test(yearValue)) {
		throw new FindQueryError('年份应为四位数字，例如 2024', 'The year is four digits, e.g. 2024');
	}
	return {
		q,
		...(yearValue ? { year: Number(yearValue) } : {}),
		...optional('town', id('town', ['镇（街道）', 'town'])),
		...optional('community', id('community', ['社区', 'community'])),
		offset: whole('offset', 0, 1_000_000),
		limit: Math.max(1, whole('limit', 50, pageMax))
	};
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
	return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function oneOf<T extends string>(
	get: ParamsOf,
	name: string,
	allowed: readonly T[],
	fallback?: T
): T | undefined {
	const value = get(name);
	if (value === undefined || value === '') return fallback;
	if (!(allowed as readonly string[]).includes(value)) {
		throw new FindQueryError(`没有这个${name}：${value}`, `No such ${name}: ${value}`);
	}
	return value as T;
}

/** A free-text filter value (a project type, a category): any text up to 40 characters. */
function label(get: ParamsOf, name: string): string | undefined {
	const value = get(name);
	if (value === undefined || value === '') return undefined;
	if (value.length > 40) throw new FindQueryError(`${name} 太长`, `${name} is too long`);
	return value;
}

/** A project query from its parameters; a page is `FIND_PAGE_MAX` rows, an export `FIND_EXPORT_MAX`. */
export function readProjectQuery(get: ParamsOf, pageMax: number = FIND_PAGE_MAX): ProjectQuery {
	const overdue = get('overdue');
	if (overdue !== undefined && overdue !== '' && overdue !== '1') {
		throw new FindQueryError('overdue 只能为 1', 'overdue is 1 or absent');
	}
	return {
		...readCommon(get, pageMax),
		...optional('status', oneOf(get, 'status', PROJECT_STATUSES)),
		...optional('type', label(get, 'type')),
		...(overdue === '1' ? { overdue: true } : {}),
		sort: oneOf(get, 'sort', PROJECT_SORTS, 'place')!
	};
}

export function readSuggestionQuery(
	get: ParamsOf,
	pageMax: number = FIND_PAGE_MAX
): SuggestionQuery {
	return {
		...readCommon(get, pageMax),
		...optional('status', oneOf(get, 'status', SUGGESTION_STATUSES)),
		...optional('category', label(get, 'category')),
		sort: oneOf(get, 'sort', SUGGESTION_SORTS, 'place')!
	};
}

/**
 * A query as URL parameters, in a fixed order, leaving out what is the default (no words, the
 * first page, the place order), so that one question is always one address.
 */
export function findParams(query: ProjectQuery | SuggestionQuery): URLSearchParams {
	const params = new URLSearchParams();
	const put = (name: string, value: string | number | boolean | undefined, omit?: unknown) => {
		if (value === undefined || value === '' || value === false || value === omit) return;
		params.set(name, value === true ? '1' : String(value));
	};
	put('q', query.q.trim());
	put('status', query.status);
	put('type', 'type' in query ? query.type : undefined);
	put('category', 'category' in query ? query.category : undefined);
	put('year', query.year);
	put('town', query.town);
	put('community', query.community);
	put('overdue', 'overdue' in query ? query.overdue : undefined);
	put('sort', query.sort, 'place');
	put('offset', query.offset, 0);
	put('limit', query.limit, 50);
	return params;
}
