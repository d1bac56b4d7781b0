import { domainMessage, type DomainMessage } from './errors';
import { formatYuan, sumFen, type Fen } from './money';
import type { Project, ProjectStatus } from './records';
import type { CityRules } from './rules';

/**
 * The money guards of DOMAIN.md ("Money rules"): one project's budget at most the project cap
 * (100,000 yuan in 2020), one community's projects of one year at most the community-year cap
 * (165,000 yuan), fast track below a threshold (10,000 yuan) or when urgent.
 *
 * Which projects use up a community's yearly allowance:
 * - At submission, every project already submitted or further along (`CAP_COUNTED_STATUSES`):
 *   once the town has it in hand the money is spoken for. Drafts, returned projects (back with
 *   the community, checked again when resubmitted), rejected and archived projects do not count.
 * - At approval, only projects the town has approved or that are further along
 *   (`COMMITTED_STATUSES`). Two tablets can each submit offline a project that fits on its own
 *   while both together break the cap; after the merge the reviewer approves the one the
 *   community wants first and the second is refused until it is returned and cut down, so the
 *   approved total never exceeds the cap whatever order the reviewer takes them in.
 * `findCapBreaches` shows such merged conflicts on the broad set, flagging every project in them.
 */

export const CAP_COUNTED_STATUSES: readonly ProjectStatus[] = [
	'submitted',
	'approved',
	'in_progress',
	'completed',
	'accepted',
	'disbursed',
	'closed'
];

export const COMMITTED_STATUSES: readonly ProjectStatus[] = CAP_COUNTED_STATUSES.filter(
	(s) => s !== 'submitted'
);

export type CapCounting = 'submitted' | 'committed';

type Budgeted = Pick<Project, 'budget'>;
type Capped = Pick<Project, 'id' | 'communityId' | 'year' | 'status' | 'budget' | 'archived'>;

export function projectBudgetFen(project: Budgeted): Fen {
	return sumFen(project.budget.map((line) => line.amountFen));
}

export interface CapRefusal {
	readonly code: 'budget.projectCapExceeded' | 'budget.communityYearCapExceeded';
	readonly capFen: Fen;
	readonly totalFen: Fen;
	readonly overFen: Fen;
	readonly message: DomainMessage;
}

export type CapCheck =
	| { readonly ok: true; readonly capFen: Fen; readonly totalFen: Fen; readonly remainingFen: Fen }
	| { readonly ok: false; readonly refusal: CapRefusal };

function shown(capFen: Fen, totalFen: Fen) {
	const overFen = totalFen - capFen;
	return {
		capFen,
		totalFen,
		overFen,
		cap: formatYuan(capFen),
		total: formatYuan(totalFen),
		over: formatYuan(overFen)
	};
}

function projectCapMessage(capFen: Fen, totalFen: Fen): DomainMessage {
	const params = shown(capFen, totalFen);
	const { cap, total, over } = params;
	return domainMessage(
		'budget.projectCapExceeded',
		params,
		`项目预算 ${total} 超过单个项目上限 ${cap}，超出 ${over}`,
		`The budget ${total} exceeds the per-project cap ${cap} by ${over}`
	);
}

function communityCapMessage(year: number, capFen: Fen, totalFen: Fen): DomainMessage {
	const params = { ...shown(capFen, totalFen), year };
	const { cap, total, over } = params;
	return domainMessage(
		'budget.communityYearCapExceeded',
		params,
		`本社区 ${year} 年度项目总额 ${total} 超过年度上限 ${cap}，超出 ${over}`,
		`The community's ${year} projects total ${total}, over the yearly cap ${cap} by ${over}`
	);
}

function check(
	capFen: Fen,
	totalFen: Fen,
	message: (cap: Fen, total: Fen) => DomainMessage
): CapCheck {
	if (totalFen <= capFen) return { ok: true, capFen, totalFen, remainingFen: capFen - totalFen };
	const m = message(capFen, totalFen);
	return {
		ok: false,
		refusal: {
			code: m.code as CapRefusal['code'],
			capFen,
			totalFen,
			overFen: totalFen - capFen,
			message: m
		}
	};
}

/** DOMAIN.md: one project's budget is at most the project cap of its year. */
export function checkProjectCap(
	project: Budgeted,
	rules: Pick<CityRules, 'projectCapFen'>
): CapCheck {
	return check(rules.projectCapFen, projectBudgetFen(project), projectCapMessage);
}

function counts(project: Capped, counting: CapCounting): boolean {
	const statuses = counting === 'submitted' ? CAP_COUNTED_STATUSES : COMMITTED_STATUSES;
	return project.archived !== true && statuses.includes(project.status);
}

/**
 * The sum of budgets that use up a community's allowance for a year. Projects of other
 * communities or years in `projects` are ignored, so a caller may pass a whole room's projects.
 */
export function countedFen(
	projects: readonly Capped[],
	communityId: string,
	year: number,
	options: { counting?: CapCounting; excludeId?: string } = {}
): Fen {
	const counting = options.counting ?? 'submitted';
	return sumFen(
		projects
			.filter(
				(p) =>
					p.communityId === communityId &&
					p.year === year &&
					p.id !== options.excludeId &&
					counts(p, counting)
			)
			.map(projectBudgetFen)
	);
}

/**
 * DOMAIN.md: one community's projects in one year stay within the community-year cap. `project`
 * is counted whatever its status (it is the one being submitted or approved); of `others`, those
 * that count under `counting` (see the module comment) and belong to the same community and year.
 */
export function checkCommunityYearCap(
	project: Capped,
	others: readonly Capped[],
	rules: Pick<CityRules, 'communityYearCapFen'>,
	options: { counting?: CapCounting } = {}
): CapCheck {
	const already = countedFen(others, project.communityId, project.year, {
		counting: options.counting ?? 'submitted',
		excludeId: project.id
	});
	const total = sumFen([already, projectBudgetFen(project)]);
	return check(rules.communityYearCapFen, total, (cap, t) =>
		communityCapMessage(project.year, cap, t)
	);
}

export interface Allowance {
	readonly capFen: Fen;
	readonly countedFen: Fen;
	/** Left for new projects this year; 0 when the year is already over its cap. */
	readonly remainingFen: Fen;
	/** By how much the counted projects already break the cap (merged offline submissions). */
	readonly overFen: Fen;
	/** The largest budget a new project could still submit: the smaller of both caps' room. */
	readonly maxNewProjectFen: Fen;
}

/** What a community may still submit in a year, for the project form to show before submitting. */
export function remainingAllowance(
	communityId: string,
	year: number,
	projects: readonly Capped[],
	rules: Pick<CityRules, 'communityYearCapFen' | 'projectCapFen'>,
	options: { excludeId?: string } = {}
): Allowance {
	const counted = countedFen(projects, communityId, year, options);
	const remainingFen = Math.max(0, rules.communityYearCapFen - counted);
	return {
		capFen: rules.communityYearCapFen,
		countedFen: counted,
		remainingFen,
		overFen: Math.max(0, counted - rules.communityYearCapFen),
		maxNewProjectFen: Math.min(remainingFen, rules.projectCapFen)
	};
}

/** DOMAIN.md: projects below the threshold, and urgent ones, are reviewed as soon as reported. */
export function isFastTrack(
	project: Pick<Project, 'budget' | 'urgent'>,
	rules: Pick<CityRules, 'fastTrackBelowFen'>
): boolean {
	return project.urgent || projectBudgetFen(project) < rules.fastTrackBelowFen;
}

export interface CapBreach {
	readonly kind: 'project' | 'community-year';
	readonly communityId: string;
	readonly year: number;
	/** Every project in the breach: for a community-year breach, all the projects counted. */
	readonly projectIds: readonly string[];
	/** Those still awaiting the town's decision: where the reviewer can act. */
	readonly pendingIds: readonly string[];
	readonly capFen: Fen;
	readonly totalFen: Fen;
	readonly overFen: Fen;
	readonly message: DomainMessage;
}

/**
 * Every cap broken in a merged set of projects (any communities and years): projects over the
 * project cap, and community-years whose counted projects together exceed the yearly cap, as
 * happens when two tablets submit offline. Sorted by community, year, then kind.
 * `rules` is one year's rules or a lookup by year (e.g. `(y) => rulesForYear(list, y)`).
 */
export function findCapBreaches(
	projects: readonly Capped[],
	rules: Pick<CityRules, 'projectCapFen' | 'communityYearCapFen'> | ((year: number) => CityRules)
): CapBreach[] {
	const rulesOf = typeof rules === 'function' ? rules : () => rules;
	const counted = projects.filter((p) => counts(p, 'submitted'));
	const breaches: CapBreach[] = [];

	for (const p of counted) {
		const capFen = rulesOf(p.year).projectCapFen;
		const totalFen = projectBudgetFen(p);
		if (totalFen > capFen) {
			breaches.push({
				kind: 'project',
				communityId: p.communityId,
				year: p.year,
				projectIds: [p.id],
				pendingIds: p.status === 'submitted' ? [p.id] : [],
				capFen,
				totalFen,
				overFen: totalFen - capFen,
				message: projectCapMessage(capFen, totalFen)
			});
		}
	}

	const groups = new Map<string, Capped[]>();
	for (const p of counted) {
		const key = JSON.stringify([p.communityId, p.year]);
		groups.set(key, [...(groups.get(key) ?? []), p]);
	}
	for (const group of groups.values()) {
		const first = group[0];
		if (!first) continue;
		const capFen = rulesOf(first.year).communityYearCapFen;
		const totalFen = sumFen(group.map(projectBudgetFen));
		if (totalFen <= capFen) continue;
		const ids = group.map((p) => p.id).sort();
		breaches.push({
			kind: 'community-year',
			communityId: first.communityId,
			year: first.year,
			projectIds: ids,
			pendingIds: group
				.filter((p) => p.status === 'submitted')
				.map((p) => p.id)
				.sort(),
			capFen,
			totalFen,
			overFen: totalFen - capFen,
			message: communityCapMessage(first.year, capFen, totalFen)
		});
	}

	const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
	return breaches.sort(
		(a, b) =>
			cmp(a.communityId, b.communityId) ||
			a.year - b.year ||
			cmp(a.kind === 'project' ? '0' : '1', b.kind === 'project' ? '0' : '1') ||
			cmp(a.projectIds[0] ?? '', b.projectIds[0] ?? '')
	);
}
