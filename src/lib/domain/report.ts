import { COMMITTED_STATUSES, projectBudgetFen } from './budget';
import { isCalendarDate, shanghaiMonth } from './dates';
import { DomainError, domainMessage } from './errors';
import { formatWan, sumFen, type Fen } from './money';
import { PROJECT_STATUSES, type Project, type ProjectStatus, type Suggestion } from './records';
import { DEFAULT_PROJECT_TYPES } from './rules';

/**
 * The figures the city reports (DOMAIN.md, "The numbers the city reports": 1,448 suggestions;
 * 924 projects, 618 engineering / 306 service; 4,329.67万元; 98% of communities covered) and the
 * monthly progress per town (DOMAIN.md, "Supervision": civil affairs reports every month on each
 * town's progress).
 *
 * Definitions, since the article gives only the numbers:
 * - A suggestion is collected once recorded; archived (withdrawn, duplicate) ones are not counted.
 * - A project is *produced* (通过流程产生) once the town approved it: status approved or any later
 *   one. Drafts, submitted, returned and rejected projects are proposals, not projects yet.
 * - The budget is the sum of the produced projects' budgets, exact in fen, shown in 万元 with
 *   `formatWan` (two decimals, half up).
 * - Communities covered: communities of the city directory with at least one produced project,
 *   over all communities in the directory; the city writes it as a whole percentage, rounded half
 *   up, and both counts are kept so the exact share can be shown too.
 */

export interface CommunityEntry {
	readonly id: string;
	readonly townId: string;
	readonly archived?: boolean;
}

export const PRODUCED_STATUSES: readonly ProjectStatus[] = COMMITTED_STATUSES;

export function isProduced(project: Pick<Project, 'status' | 'archived'>): boolean {
	return project.archived !== true && PRODUCED_STATUSES.includes(project.status);
}

/** 100 × numerator / denominator rounded half up to a whole percent; 0 for an empty denominator. */
export function percentRounded(numerator: number, denominator: number): number {
	if (denominator === 0) return 0;
	return Math.floor((numerator * 200 + denominator) / (denominator * 2));
}

export interface CityFigures {
	readonly suggestionsCollected: number;
	readonly projectsProduced: number;
	/** Produced projects by type; every type of the rules is present, with 0 if none. */
	readonly byType: Readonly<Record<string, number>>;
	readonly budgetFen: Fen;
	/** `budgetFen` as the city writes it, e.g. `4,329.67万元`. */
	readonly budgetWan: string;
	readonly communitiesCovered: {
		readonly covered: number;
		readonly total: number;
		readonly percent: number;
	};
}

export function cityFigures(data: {
	readonly suggestions: readonly Pick<Suggestion, 'archived'>[];
	readonly projects: readonly Project[];
	readonly communities: readonly CommunityEntry[];
	/** The types to list even when no project has them (default engineering, service). */
	readonly projectTypes?: readonly string[];
}): CityFigures {
	const produced = data.projects.filter(isProduced);
	const byType: Record<string, number> = {};
	for (const type of data.projectTypes ?? DEFAULT_PROJECT_TYPES) byType[type] = 0;
	for (const p of produced) byType[p.type] = (byType[p.type] ?? 0) + 1;

	const budgetFen = sumFen(produced.map(projectBudgetFen));
	const communities = data.communities.filter((c) => c.archived !== true);
	const withProject = new Set(produced.map((p) => p.communityId));
	const covered = communities.filter((c) => withProject.has(c.id)).length;

	return {
		suggestionsCollected: data.suggestions.filter((s) => s.archived !== true).length,
		projectsProduced: produced.length,
		byType,
		budgetFen,
		budgetWan: formatWan(budgetFen),
		communitiesCovered: {
			covered,
			total: communities.length,
			percent: percentRounded(covered, communities.length)
		}
	};
}

export class ReportMonthError extends DomainError {
	constructor(month: string) {
		super(
			domainMessage(
				'report.badMonth',
				{ month },
				`月份格式无效：“${month}”（应为 YYYY-MM）`,
				`Invalid month: "${month}" (expected YYYY-MM)`
			)
		);
		this.name = 'ReportMonthError';
	}
}

export interface TownProgress {
	readonly townId: string;
	readonly total: number;
	/** Projects of the town by their current status (archived ones left out). */
	readonly byStatus: Readonly<Record<ProjectStatus, number>>;
	/** What happened in the month, by the China-time month of each step's timestamp. */
	readonly inMonth: {
		readonly submitted: number;
		readonly approved: number;
		readonly completed: number;
		readonly disbursed: number;
	};
}

/**
 * Each town's projects by status, and the steps taken in `month` (`YYYY-MM`, China time): the
 * city's monthly report on each town. Every town of `towns` is listed, in that order, even with no
 * project; towns found only in the projects follow, sorted. A project resubmitted after a return
 * counts as submitted in the month of its latest submission; "approved" counts decisions that were
 * approvals (the project is approved or further along).
 */
export function monthlyProgress(
	projects: readonly Project[],
	towns: readonly string[],
	month: string
): TownProgress[] {
	if (!isCalendarDate(`${month}-01`)) throw new ReportMonthError(month);
	const inMonth = (t: string | undefined) => t !== undefined && shanghaiMonth(t) === month;

	const live = projects.filter((p) => p.archived !== true);
	const extra = [...new Set(live.map((p) => p.townId))].filter((t) => !towns.includes(t)).sort();
	return [...towns, ...extra].map((townId) => {
		const own = live.filter((p) => p.townId === townId);
		const byStatus = Object.fromEntries(PROJECT_STATUSES.map((s) => [s, 0])) as Record<
			ProjectStatus,
			number
		>;
		for (const p of own) byStatus[p.status] += 1;
		return {
			townId,
			total: own.length,
			byStatus,
			inMonth: {
				submitted: own.filter((p) => inMonth(p.submittedAt)).length,
				approved: own.filter((p) => isProduced(p) && inMonth(p.decidedAt)).length,
				completed: own.filter((p) => inMonth(p.completedAt)).length,
				disbursed: own.filter((p) => inMonth(p.disbursedAt)).length
			}
		};
	});
}

/**
 * The dashboard's period: one programme year, or all of them. A suggestion counts in the year it
 * was collected (China's calendar), a project in its programme year.
 */
export function forYear<S extends Pick<Suggestion, 'createdAt'>, P extends Pick<Project, 'year'>>(
	data: { suggestions: readonly S[]; projects: readonly P[] },
	year: number | undefined
): { suggestions: S[]; projects: P[] } {
	if (year === undefined)
		return { suggestions: [...data.suggestions], projects: [...data.projects] };
	return {
		suggestions: data.suggestions.filter(
			(s) => Number(shanghaiMonth(s.createdAt).slice(0, 4)) === year
		),
		projects: data.projects.filter((p) => p.year === year)
	};
}

export interface FunnelStep {
	readonly step: 'collected' | 'adopted' | 'submitted' | 'produced' | 'completed';
	readonly count: number;
}

/** The workflow as a funnel: how many suggestions and projects reached each step. */
export function workflowFunnel(
	suggestions: readonly Pick<Suggestion, 'status' | 'archived'>[],
	projects: readonly Pick<Project, 'status' | 'archived'>[]
): FunnelStep[] {
	const live = <T extends { archived?: boolean }>(list: readonly T[]) =>
		list.filter((x) => !x.archived);
	const ps = live(projects);
	const after = (statuses: readonly ProjectStatus[]) =>
		ps.filter((p) => statuses.includes(p.status)).length;
	const completedOn: ProjectStatus[] = ['completed', 'accepted', 'disbursed', 'closed'];
	return [
		{ step: 'collected', count: live(suggestions).length },
		{ step: 'adopted', count: live(suggestions).filter((s) => s.status === 'adopted').length },
		{ step: 'submitted', count: after(PROJECT_STATUSES.filter((s) => s !== 'draft')) },
		{ step: 'produced', count: ps.filter(isProduced).length },
		{ step: 'completed', count: after(completedOn) }
	];
}

/** Produced projects and their budget per town, for the bars. */
export function byTown(
	projects: readonly Project[],
	towns: readonly { id: string }[]
): { townId: string; projects: number; budgetFen: Fen }[] {
	return towns.map((t) => {
		const mine = projects.filter((p) => p.townId === t.id && isProduced(p));
		return { townId: t.id, projects: mine.length, budgetFen: sumFen(mine.map(projectBudgetFen)) };
	});
}

/** Communities of the directory with no produced project (in the data given). */
export function communitiesWithoutProject(
	projects: readonly Project[],
	communities: readonly CommunityEntry[]
): CommunityEntry[] {
	const covered = new Set(projects.filter(isProduced).map((p) => p.communityId));
	return communities.filter((c) => !c.archived && !covered.has(c.id));
}
