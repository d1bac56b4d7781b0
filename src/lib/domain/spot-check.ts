import type { CalendarDate, IsoTimestamp } from './dates';
import { domainMessage, type DomainMessage } from './errors';
import { PAID_STATUSES } from './finance';
import { isRectificationOverdue, rectificationDueDate } from './inspection';
import {
	FINDING_KINDS,
	type FindingKind,
	type PopulationEntry,
	type Project,
	type RecordRef,
	type Rectification,
	type SpotCheckCampaign,
	type SpotCheckFinding
} from './records';
import type { CityRules } from './rules';

/**
 * Who can be picked for the annual spot-check ("回头看", DOMAIN.md: in 2020, 40 projects of
 * 2018–2019, stratified by category, among projects whose funds were fully disbursed).
 *
 * - Eligible: projects of the chosen years that the records show paid in full — disbursed or
 *   closed (`projectAsSeen` applies finance's payments). The check is whether the ground agrees
 *   with the records: in 2020 it found one project "paid" whose funds had not reached it.
 * - Strata: project type and town (`engineering|jingkai`), so every town's and every type's
 *   share of the sample follows its share of the projects (the "stratified by project type
 *   and town").
 */

export const SPOT_CHECK_DEFAULT_SIZE = 40;

export function spotCheckStratum(project: Pick<Project, 'type' | 'townId'>): string {
	return `${project.type}|${project.townId}`;
}

export function spotCheckPopulation(
	projects: readonly (Project & { readonly ref: RecordRef })[],
	years: readonly number[]
): PopulationEntry[] {
	return projects
		.filter((p) => !p.archived && years.includes(p.year) && PAID_STATUSES.includes(p.status))
		.map((p) => ({ id: p.id, stratum: spotCheckStratum(p), room: p.ref.room }));
}

// ── Findings and the campaign's summary ────────────────────────────────────────────────────────

/** The categories as the city reports them (DOMAIN.md: 2020's findings). */
export const FINDING_KIND_NAMES: Readonly<Record<FindingKind, { zh: string; en: string }>> = {
	'not-disbursed': { zh: '资金未拨付', en: 'funds not disbursed' },
	'low-usage': { zh: '使用率低', en: 'low usage' },
	'needs-maintenance': { zh: '需维修', en: 'needs maintenance' },
	'sign-damaged': { zh: '标识牌损坏或缺失', en: 'sign damaged or missing' },
	other: { zh: '其他', en: 'other' }
};

/**
 * Why a finding cannot be recorded on this project in this campaign; empty when it can. Findings
 * are made only on the drawn projects: the summary speaks for the sample, not for the city.
 */
export function findingProblems(
	campaign: Pick<SpotCheckCampaign, 'sample' | 'population' | 'archived'>,
	project: RecordRef
): DomainMessage[] {
	const problems: DomainMessage[] = [];
	if (campaign.archived) {
		problems.push(
			domainMessage(
				'spotCheck.campaignArchived',
				{},
				'本次抽查已撤销，不能再记录问题',
				'This campaign is archived: no more findings can be recorded'
			)
		);
	}
	const entry = campaign.population.find((e) => e.id === project.id);
	if (!campaign.sample.includes(project.id) || entry?.room !== project.room) {
		problems.push(
			domainMessage(
				'spotCheck.notInSample',
				{ project: project.id },
				'该项目不在本次抽查的样本中，只能对抽中的项目记录问题',
				'This project is not in the campaign’s sample: findings are recorded only on drawn projects'
			)
		);
	}
	return problems;
}

/**
 * The rectification a finding opens: what is to be done (the category, then the note — stored in
 * Chinese, the programme's language) and by when (the city's `rectificationDays`, 30 by default).
 */
export function findingRectification(
	finding: Pick<SpotCheckFinding, 'kind' | 'note'>,
	orderedAt: IsoTimestamp,
	rules: Pick<CityRules, 'rectificationDays'> | undefined
): { description: string; dueDate: CalendarDate } {
	const name = FINDING_KIND_NAMES[finding.kind].zh;
	const note = finding.note.trim();
	return {
		description: note ? `${name}：${note}` : name,
		dueDate: rectificationDueDate(orderedAt, rules)
	};
}

export interface SpotCheckSummary {
	/** Projects checked: the sample's size. */
	readonly checked: number;
	/** Per category, the projects with at least one such finding (the city counts projects). */
	readonly byKind: Readonly<Record<FindingKind, number>>;
	/** Projects with at least one finding of any category. */
	readonly projectsWithFindings: number;
	/** Findings counted (a project can have several). */
	readonly findings: number;
	/** The rectifications the findings opened; `overdue` is part of `open`. */
	readonly rectifications: {
		readonly done: number;
		readonly open: number;
		readonly overdue: number;
	};
	/** The sentence the city reports, e.g. "抽查 40 个项目：资金未拨付 1 个，…". */
	readonly message: DomainMessage;
}

/**
 * The campaign's findings as the city reports them. Counted: findings of this campaign, not
 * archived, on projects of its sample; and the rectifications they opened that are not archived.
 */
export function spotCheckSummary(
	campaign: Pick<SpotCheckCampaign, 'id' | 'sample'>,
	findings: readonly SpotCheckFinding[],
	rectifications: readonly Rectification[],
	nowIso: IsoTimestamp
): SpotCheckSummary {
	const sample = new Set(campaign.sample);
	const mine = findings.filter(
		(f) => !f.archived && f.campaign.id === campaign.id && sample.has(f.project.id)
	);
	const projectsOf = Object.fromEntries(FINDING_KINDS.map((k) => [k, new Set<string>()])) as Record<
		FindingKind,
		Set<string>
	>;
	for (const f of mine) projectsOf[f.kind].add(f.project.id);
	const byKind = Object.fromEntries(FINDING_KINDS.map((k) => [k, projectsOf[k].size])) as Record<
		FindingKind,
		number
	>;

	const byId = new Map(rectifications.filter((r) => !r.archived).map((r) => [r.id, r]));
	const opened = mine.flatMap((f) => {
		const r = f.rectification && byId.get(f.rectification.id);
		return r ? [r] : [];
	});
	const done = opened.filter((r) => r.done === true).length;
	const open = opened.length - done;
	const overdue = opened.filter((r) => isRectificationOverdue(r, nowIso)).length;

	const checked = campaign.sample.length;
	const zhKinds = FINDING_KINDS.map((k) => `${FINDING_KIND_NAMES[k].zh} ${byKind[k]} 个`);
	const enKinds = FINDING_KINDS.map((k) => `${byKind[k]} ${FINDING_KIND_NAMES[k].en}`);
	const zhOverdue = overdue > 0 ? `（其中逾期 ${overdue} 项）` : '';
	const enOverdue = overdue > 0 ? ` (${overdue} overdue)` : '';
	const message = domainMessage(
		'spotCheck.summary',
		{ checked, ...byKind, done, open, overdue },
		`抽查 ${checked} 个项目：${zhKinds.join('，')}；整改已完成 ${done} 项，未完成 ${open} 项${zhOverdue}`,
		`${checked} checked: ${enKinds.join(', ')}; ${done} ${done === 1 ? 'rectification' : 'rectifications'} done, ${open} open${enOverdue}`
	);
	return {
		checked,
		byKind,
		projectsWithFindings: new Set(mine.map((f) => f.project.id)).size,
		findings: mine.length,
		rectifications: { done, open, overdue },
		message
	};
}
