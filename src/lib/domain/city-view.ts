import { roomHolds } from './authority';
import { projectAsSeen } from './decisions';
import type {
	CityRulesRecord,
	Disbursement,
	PopulationEntry,
	Project,
	RecordKind,
	RecordKinds,
	RecordRef,
	Rectification,
	Suggestion
} from './records';
import { isRectificationOverdue } from './inspection';
import {
	byTown,
	cityFigures,
	communitiesWithoutProject,
	forYear,
	workflowFunnel,
	type CityFigures,
	type CommunityEntry,
	type FunnelStep
} from './report';
import { projectBudgetFen } from './budget';
import { awaitingPayment, moneyLedger, moneyTotal, type MoneyRow } from './finance';
import { monthlyReportWithTotal, type MonthlyTownRow, type RatingEntry } from './monthly-report';
import { reviewQueue } from './review';
import { spotCheckPopulation } from './spot-check';
import { rulesForYear, type CityRules } from './rules';

/**
 * What the city's screens read across rooms, put together from each room's valid records: the
 * same on a device that holds the rooms and on the server that keeps them decoded (its read
 * models), so the two can never count differently.
 *
 * A step counts only from the room whose writers may take it (DESIGN.md, "Rooms"): a project's
 * decisions come from its own town's room by the directory, closings from the city room, payments
 * from the finance room; a kind a room does not hold is ignored there.
 */

/** The kinds the city's figures read. */
export const CITY_VIEW_KINDS = [
	'suggestion',
	'project',
	'rectification',
	'reviewDecision',
	'disbursement',
	'cityRules'
] as const satisfies readonly RecordKind[];
export type CityViewKind = (typeof CITY_VIEW_KINDS)[number];

/** One room's valid records of the kinds above (archived ones included: the rules decide). */
export type RoomRecords = { readonly [K in CityViewKind]?: readonly RecordKinds[K][] };

export interface CityRecords {
	suggestions: (Suggestion & { communityId: string })[];
	projects: (Project & { ref: RecordRef })[];
	/**
	 * With the room they are kept in and their town: the one they were ordered in (or, for the
	 * city's, the town of what they are about).
	 */
	rectifications: (Rectification & { room: string; townId?: string })[];
	disbursements: Disbursement[];
	rules: CityRulesRecord[];
}

/**
 * The records of every room given, as the city sees them. `townOf` is the directory: a community
 * room's town, never what its records say.
 */
export function assembleCity(
	rooms: ReadonlyMap<string, RoomRecords>,
	townOf: (communityId: string) => string | undefined
): CityRecords {
	const list = <K extends CityViewKind>(room: string, kind: K): readonly RecordKinds[K][] =>
		roomHolds(room, kind) ? ((rooms.get(room)?.[kind] ?? []) as readonly RecordKinds[K][]) : [];
	const cityDecisions = list('city', 'reviewDecision');
	const payments = list('finance', 'disbursement');
	const out: CityRecords = {
		suggestions: [],
		projects: [],
		rectifications: [],
		disbursements: [...payments],
		rules: [...list('city', 'cityRules')]
	};
	for (const room of [...rooms.keys()].sort()) {
		// Rectifications are ordered in every kind of room: a community's own inspections, the
		// town's quarterly checks, the city's spot-checks.
		for (const r of list(room, 'rectification')) {
			const townId = room.startsWith('town:')
				? room.slice('town:'.length)
				: room.startsWith('community:')
					? townOf(room.slice('community:'.length))
					: r.subject.room.startsWith('community:')
						? townOf(r.subject.room.slice('community:'.length))
						: undefined;
			out.rectifications.push(townId === undefined ? { ...r, room } : { ...r, room, townId });
		}
		if (!room.startsWith('community:')) continue;
		const communityId = room.slice('community:'.length);
		const townId = townOf(communityId);
		const townDecisions = townId === undefined ? [] : list(`town:${townId}`, 'reviewDecision');
		for (const s of list(room, 'suggestion')) out.suggestions.push({ ...s, communityId });
		const from = { communityId, townId, townDecisions, cityDecisions, payments };
		for (const p of list(room, 'project')) {
			out.projects.push({ ...projectAsSeen(p, from), ref: { room, id: p.id } });
		}
	}
	return out;
}

/** The rules of a year, or undefined when the city has not entered them. */
export function rulesOfYear(list: readonly CityRulesRecord[], year: number): CityRules | undefined {
	try {
		return rulesForYear(list, year);
	} catch {
		return undefined;
	}
}

/** Everything the dashboard shows for one period, as plain data (the server sends it as JSON). */
export interface DashboardView {
	/** The programme years that have projects, newest first: the period's choices. */
	years: number[];
	/** The period shown: a year, or null for all of them. */
	year: number | null;
	figures: CityFigures;
	towns: { townId: string; projects: number; budgetFen: number }[];
	funnel: FunnelStep[];
	overdueReviews: number;
	overdueRectifications: number;
	/** The towns with something overdue, the most first: what the city follows up. */
	overdueByTown: { townId: string; reviews: number; rectifications: number }[];
	communitiesWithoutProject: CommunityEntry[];
}

/** The server's answer of `GET /api/figures/dashboard`. */
export type DashboardAnswer = FigureAnswer<DashboardView>;

/**
 * The dashboard (DOMAIN.md, "The numbers the city reports") for `year` (undefined: every year),
 * over the records and the directory given, at `nowIso` (overdue counts depend on the day).
 */
export function dashboardView(
	records: CityRecords,
	directory: { towns: readonly { id: string }[]; communities: readonly CommunityEntry[] },
	year: number | undefined,
	nowIso: string
): DashboardView {
	const period = forYear(records, year);
	const rulesOf = (y: number) => rulesOfYear(records.rules, y);
	const lateReviews = reviewQueue(records.projects, nowIso, rulesOf).filter((e) => e.clock.overdue);
	const rectifications = rectificationsView(records, nowIso);
	const late = new Map<string, { townId: string; reviews: number; rectifications: number }>();
	const lateIn = (townId: string) => {
		const entry = late.get(townId) ?? { townId, reviews: 0, rectifications: 0 };
		late.set(townId, entry);
		return entry;
	};
	for (const e of lateReviews) lateIn(e.project.townId).reviews++;
	for (const t of rectifications.byTown)
		if (t.overdue > 0) lateIn(t.townId).rectifications = t.overdue;
	return {
		years: projectYears(records),
		year: year ?? null,
		figures: cityFigures({ ...period, communities: directory.communities }),
		towns: byTown(period.projects, directory.towns),
		funnel: workflowFunnel(period.suggestions, period.projects),
		overdueReviews: lateReviews.length,
		overdueRectifications: rectifications.overdue,
		overdueByTown: [...late.values()].sort(
			(a, b) =>
				b.reviews + b.rectifications - (a.reviews + a.rectifications) ||
				a.townId.localeCompare(b.townId)
		),
		communitiesWithoutProject: communitiesWithoutProject(period.projects, directory.communities)
	};
}

/** What a list shows of a project found on the server: enough to name it and open its room. */
export interface ProjectSummary {
	id: string;
	room: string;
	title: string;
	communityId: string;
	townId: string;
	type: string;
	year: number;
	status: Project['status'];
	budgetFen: number;
}

export function projectSummary(project: Project & { ref: RecordRef }): ProjectSummary {
	return {
		id: project.id,
		room: project.ref.room,
		title: project.title,
		communityId: project.communityId,
		townId: project.townId,
		type: project.type,
		year: project.year,
		status: project.status,
		budgetFen: projectBudgetFen(project)
	};
}

/** The years that have projects, newest first: a period's choices. */
function projectYears(records: Pick<CityRecords, 'projects'>): number[] {
	return [...new Set(records.projects.map((p) => p.year))].sort((a, b) => b - a);
}

export const MONEY_GROUPS = ['town', 'community', 'year'] as const;
export type MoneyGroup = (typeof MONEY_GROUPS)[number];

/** How many of the projects waiting for payment a money view names (the count is always whole). */
export const MONEY_WAITING_SHOWN = 200;

/** The money screen (DOMAIN.md step 5 and the third line of defence) for a period and grouping. */
export interface MoneyView {
	years: number[];
	year: number | null;
	by: MoneyGroup;
	rows: MoneyRow[];
	total: Omit<MoneyRow, 'key'>;
	/** Accepted projects with money owed, the longest waiting first: how many, and the first. */
	waiting: { count: number; first: (ProjectSummary & { owedFen: number })[] };
}

export function moneyView(
	records: CityRecords,
	year: number | undefined,
	by: MoneyGroup
): MoneyView {
	const projects =
		year === undefined ? records.projects : records.projects.filter((p) => p.year === year);
	const keyOf: Record<MoneyGroup, (p: Project) => string> = {
		town: (p) => p.townId,
		community: (p) => p.communityId,
		year: (p) => String(p.year)
	};
	const rows = moneyLedger(projects, records.disbursements, keyOf[by]);
	const waiting = awaitingPayment(projects, records.disbursements);
	return {
		years: projectYears(records),
		year: year ?? null,
		by,
		rows,
		total: moneyTotal(rows),
		waiting: {
			count: waiting.length,
			first: waiting
				.slice(0, MONEY_WAITING_SHOWN)
				.map((w) => ({ ...projectSummary(w.project), owedFen: w.owedFen }))
		}
	};
}

/** The city's open rectifications (DOMAIN.md: problems found are put right within a month). */
export interface RectificationsView {
	open: number;
	overdue: number;
	/** Each town with open ones, the most overdue first. */
	byTown: { townId: string; open: number; overdue: number }[];
	/** The open ones, overdue first, then by due day; at most RECTIFICATIONS_SHOWN. */
	first: {
		id: string;
		room: string;
		townId: string | null;
		description: string;
		owner: string | null;
		dueDate: string;
		overdue: boolean;
		subject: RecordRef;
	}[];
}

export const RECTIFICATIONS_SHOWN = 200;

export function rectificationsView(records: CityRecords, nowIso: string): RectificationsView {
	const open = records.rectifications
		.filter((r) => !r.archived && !r.done)
		.map((r) => ({ r, overdue: isRectificationOverdue(r, nowIso) }))
		.sort(
			(a, b) =>
				Number(b.overdue) - Number(a.overdue) ||
				a.r.dueDate.localeCompare(b.r.dueDate) ||
				a.r.id.localeCompare(b.r.id)
		);
	const towns = new Map<string, { townId: string; open: number; overdue: number }>();
	for (const { r, overdue } of open) {
		if (!r.townId) continue;
		const town = towns.get(r.townId) ?? { townId: r.townId, open: 0, overdue: 0 };
		town.open++;
		if (overdue) town.overdue++;
		towns.set(r.townId, town);
	}
	return {
		open: open.length,
		overdue: open.filter((x) => x.overdue).length,
		byTown: [...towns.values()].sort(
			(a, b) => b.overdue - a.overdue || b.open - a.open || a.townId.localeCompare(b.townId)
		),
		first: open.slice(0, RECTIFICATIONS_SHOWN).map(({ r, overdue }) => ({
			id: r.id,
			room: r.room,
			townId: r.townId ?? null,
			description: r.description,
			owner: r.owner ?? null,
			dueDate: r.dueDate,
			overdue,
			subject: r.subject
		}))
	};
}

/** The monthly report (DOMAIN.md, "Supervision") of a month, each town a row. */
export interface MonthlyView {
	month: string;
	rows: MonthlyTownRow[];
	/** The city's row (`monthlyReportWithTotal`); absent from answers kept by an older version. */
	total?: MonthlyTownRow;
}

export function monthlyView(
	records: CityRecords,
	directory: { towns: readonly { id: string }[]; communities: readonly CommunityEntry[] },
	month: string,
	ratings: readonly RatingEntry[] | undefined
): MonthlyView {
	const { rows, total } = monthlyReportWithTotal({
		month,
		towns: directory.towns,
		communities: directory.communities,
		suggestions: records.suggestions,
		projects: records.projects,
		rulesOf: (y) => rulesOfYear(records.rules, y),
		disbursements: records.disbursements,
		ratings
	});
	return { month, rows, total };
}

/** Who can be drawn for the spot-check of the chosen years (DOMAIN.md, "回头看"). */
export interface SpotCheckView {
	/** The years that have projects, oldest first: the years to choose from. */
	years: number[];
	/** The years chosen, oldest first. */
	chosen: number[];
	population: PopulationEntry[];
}

export function spotCheckView(records: CityRecords, years: readonly number[]): SpotCheckView {
	return {
		years: projectYears(records).reverse(),
		chosen: [...years].sort((a, b) => a - b),
		population: spotCheckPopulation(records.projects, years)
	};
}

/** Projects named by id, in the caller's rooms (`projects?ids=…`). */
export interface ProjectsView {
	projects: ProjectSummary[];
}

/** The most ids one `projects` question may name (an address stays well under 4 KB). */
export const PROJECTS_PER_QUESTION = 80;

export function projectsView(records: CityRecords, ids: readonly string[]): ProjectsView {
	const wanted = new Set(ids);
	return { projects: records.projects.filter((p) => wanted.has(p.id)).map(projectSummary) };
}

/** The server's answer to a question about the city (`GET /api/figures/…`). */
export interface FigureAnswer<V> {
	/** When the server answered: complete over the caller's rooms then. */
	asOf: string;
	/** How many rooms the answer was read from (every one the caller may read). */
	rooms: number;
	view: V;
}
