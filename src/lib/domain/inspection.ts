import { addDays, shanghaiDate, type CalendarDate, type IsoTimestamp } from './dates';
import { domainMessage, type DomainMessage } from './errors';
import type {
	ChecklistEntry,
	Rectification,
	RectificationReport,
	RoomName,
	SiteInspection
} from './records';
import type { CityRules } from './rules';

/**
 * Site inspections and rectification (DOMAIN.md, "three lines of defence": the town inspects
 * progress every quarter; the 2020 spot-check found signs damaged or fallen, facilities needing
 * maintenance, low usage — "all were rectified within a month").
 */

/** The checklist a site inspection starts from, unless the city's rules name their own. */
export const DEFAULT_INSPECTION_CHECKLIST: readonly string[] = [
	'sign', // the project sign is present and intact
	'in-use', // the facility is in use
	'maintenance', // it needs no maintenance
	'safety', // there is no safety risk
	'other'
];

/** DOMAIN.md: problems found in 2020 were put right within a month. */
export const DEFAULT_RECTIFICATION_DAYS = 30;

export function inspectionChecklist(rules: Pick<CityRules, 'inspectionChecklist'> | undefined) {
	return rules?.inspectionChecklist?.length
		? rules.inspectionChecklist
		: DEFAULT_INSPECTION_CHECKLIST;
}

/** The items of a filled-in checklist that failed: each opens a rectification. */
export function failedItems(checklist: readonly ChecklistEntry[]): ChecklistEntry[] {
	return checklist.filter((e) => e.result === 'fail');
}

/** The default deadline of a rectification ordered at `orderedAt`, in China's calendar. */
export function rectificationDueDate(
	orderedAt: IsoTimestamp,
	rules: Pick<CityRules, 'rectificationDays'> | undefined
): CalendarDate {
	return addDays(shanghaiDate(orderedAt), rules?.rectificationDays ?? DEFAULT_RECTIFICATION_DAYS);
}

/** Open and past its due day (the due day itself is still in time). */
export function isRectificationOverdue(
	rectification: Pick<Rectification, 'done' | 'dueDate' | 'archived'>,
	nowIso: IsoTimestamp
): boolean {
	return (
		rectification.archived !== true &&
		rectification.done !== true &&
		shanghaiDate(nowIso) > rectification.dueDate
	);
}

/**
 * Why a rectification cannot be closed yet; empty when it can. It closes only with evidence: at
 * least one photo of the thing put right.
 */
export function rectificationCloseProblems(
	rectification: Pick<Rectification, 'done'>,
	evidencePhotos: readonly string[]
): DomainMessage[] {
	const problems: DomainMessage[] = [];
	if (rectification.done) {
		problems.push(
			domainMessage(
				'rectification.closed',
				{},
				'整改已完成',
				'This rectification is closed already'
			)
		);
	}
	if (evidencePhotos.length === 0) {
		problems.push(
			domainMessage(
				'rectification.noEvidence',
				{},
				'请先拍一张整改后的照片',
				'Take a photo of the result first: a rectification closes only with evidence'
			)
		);
	}
	return problems;
}

/**
 * The rectifications a town ordered on a community (DOMAIN.md: the town inspects every quarter):
 * those whose inspection named one of the community's projects. The community is to put them
 * right; it reads them from the town's room and reports back from its own.
 */
export function rectificationsOrderedOn(
	communityRoom: RoomName,
	townInspections: readonly SiteInspection[],
	townRectifications: readonly Rectification[]
): Rectification[] {
	const inspections = new Set(
		townInspections.filter((i) => !i.archived && i.project?.room === communityRoom).map((i) => i.id)
	);
	return townRectifications.filter((r) => !r.archived && inspections.has(r.subject.id));
}

/** The community's live reports on a rectification, the latest first. */
export function reportsOn<R extends RectificationReport>(
	rectificationId: string,
	reports: readonly R[]
): R[] {
	return reports
		.filter((r) => !r.archived && r.rectification.id === rectificationId)
		.toSorted((a, b) => b.reportedAt.localeCompare(a.reportedAt));
}

/** The order rectifications are listed in: open ones first, the earliest deadline first. */
export function compareRectifications(
	a: Pick<Rectification, 'done' | 'dueDate'>,
	b: Pick<Rectification, 'done' | 'dueDate'>
): number {
	return Number(!!a.done) - Number(!!b.done) || a.dueDate.localeCompare(b.dueDate);
}
