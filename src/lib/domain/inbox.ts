import { reviewQueue } from './review';
import { addDays, shanghaiDate, type CalendarDate, type IsoTimestamp } from './dates';
import { isRectificationOverdue } from './inspection';
import type { Project, Rectification, SiteInspection, Suggestion } from './records';
import type { CityRules } from './rules';

/**
 * "Waiting for you": what each role's working day starts from (DOMAIN.md's steps, seen from the
 * person who takes the next one). Each entry names its record; the home page links it. Computed
 * from the records the device keeps, in the order of urgency: overdue first, then the least time
 * left. The city's roles keep no community: finance's payments due (`awaitingPayment`) and the
 * supervisor's overdue work by town (`dashboardView`) come from the server's read models.
 */

export type InboxKind =
	/** A worker's project the town returned: to change and resubmit. */
	| 'returned'
	/** A rectification ordered on the community, open: put right by its due day. */
	| 'rectification'
	/** A suggestion not yet decided by the council. */
	| 'council'
	/** A reviewer's submission, with its working days left. */
	| 'review'
	/** A completed project waiting for the town's acceptance. */
	| 'accept'
	/** A project in progress with no quarterly inspection by the town this quarter. */
	| 'quarterly'
	/** An accepted project finance has not paid in full (`awaitingPayment`, from the server). */
	| 'pay';

export interface InboxEntry {
	readonly kind: InboxKind;
	/** The record the entry is about. */
	readonly id: string;
	readonly title: string;
	/** The community it is in, where the list spans several. */
	readonly communityId?: string;
	/** The day it is due, China time, when it has one. */
	readonly due?: CalendarDate;
	readonly overdue: boolean;
	/** Working days left (review), or the amount still owed in fen (pay). */
	readonly left?: number;
}

/** Rectifications due within this many days are listed as coming up. */
export const RECTIFICATION_SOON_DAYS = 7;

/** Between entries with no day due: what someone else waits on first. */
const KIND_ORDER: readonly InboxKind[] = [
	'returned',
	'rectification',
	'review',
	'accept',
	'pay',
	'quarterly',
	'council'
];

const byUrgency = (a: InboxEntry, b: InboxEntry) =>
	Number(b.overdue) - Number(a.overdue) ||
	(a.due ?? '9999').localeCompare(b.due ?? '9999') ||
	KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
	(a.left ?? Infinity) - (b.left ?? Infinity) ||
	a.title.localeCompare(b.title) ||
	a.id.localeCompare(b.id);

/** The open rectifications due soon or overdue, for the community (or town) that owns them. */
function rectificationEntries(
	rectifications: readonly Rectification[],
	nowIso: IsoTimestamp
): InboxEntry[] {
	const soon = addDays(shanghaiDate(nowIso), RECTIFICATION_SOON_DAYS);
	return rectifications
		.filter((r) => !r.archived && !r.done && r.dueDate <= soon)
		.map((r) => ({
			kind: 'rectification' as const,
			id: r.id,
			title: r.description,
			due: r.dueDate,
			overdue: isRectificationOverdue(r, nowIso)
		}));
}

/** A community worker's day: returned projects, rectifications due, suggestions for the council. */
export function workerInbox(input: {
	projects: readonly Project[];
	rectifications: readonly Rectification[];
	suggestions: readonly Suggestion[];
	nowIso: IsoTimestamp;
}): InboxEntry[] {
	const returned = input.projects
		.filter((p) => !p.archived && p.status === 'returned')
		.map((p) => ({ kind: 'returned' as const, id: p.id, title: p.title, overdue: false }));
	const council = input.suggestions
		.filter((s) => !s.archived && (s.status === 'open' || s.status === 'deliberating'))
		.map((s) => ({ kind: 'council' as const, id: s.id, title: s.title, overdue: false }));
	return [
		...returned,
		...rectificationEntries(input.rectifications, input.nowIso),
		...council
	].sort(byUrgency);
}

/** The China quarter of a date: `2020-Q3`. */
function quarterOf(date: CalendarDate): string {
	return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
}

/**
 * A town reviewer's day: submissions by working days left, completed projects to accept, and the
 * projects in progress the town has not inspected this quarter (DOMAIN.md: the town inspects
 * progress every quarter).
 */
export function reviewerInbox(input: {
	projects: readonly Project[];
	inspections: readonly SiteInspection[];
	nowIso: IsoTimestamp;
	rulesOf: (year: number) => CityRules | undefined;
}): InboxEntry[] {
	const entries: InboxEntry[] = [];
	const quarter = quarterOf(shanghaiDate(input.nowIso));
	const inspected = new Set(
		input.inspections
			.filter(
				(i) =>
					!i.archived && i.kind === 'quarterly' && quarterOf(shanghaiDate(i.visitedAt)) === quarter
			)
			.flatMap((i) => (i.project ? [i.project.id] : []))
	);
	// The submissions, with their clocks, as the review queue has them.
	for (const { project: p, clock } of reviewQueue(input.projects, input.nowIso, input.rulesOf)) {
		entries.push({
			kind: 'review',
			id: p.id,
			title: p.title,
			communityId: p.communityId,
			due: clock.deadline,
			overdue: clock.overdue,
			left: clock.remaining
		});
	}
	for (const p of input.projects) {
		if (p.archived) continue;
		const place = { id: p.id, title: p.title, communityId: p.communityId };
		if (p.status === 'completed') {
			entries.push({ kind: 'accept', ...place, overdue: false });
		} else if (p.status === 'in_progress' && !inspected.has(p.id)) {
			entries.push({ kind: 'quarterly', ...place, overdue: false });
		}
	}
	return entries.sort(byUrgency);
}
