import { timestampMs } from './dates';
import { paidInFullAt } from './finance';
import { DECISIONS_FROM } from './authority';
import type { Disbursement, Project, ReviewDecision, ReviewDecisionKind } from './records';

/**
 * A project as everyone sees it, from the rooms that hold its steps (`authority.ts`): the
 * community writes the project in its room, the town writes its decisions in the town's room,
 * finance its payments in the finance room — none may write another's. A step counts only from
 * the room whose writers may take it, whatever the project's own fields claim:
 *
 * - The community's stored status says at most what the community decides alone: draft,
 *   submitted, started (`in_progress`), completed with evidence. A stored `approved`, `accepted`,
 *   `closed`… (forged, or written by an old app) is read as the community step it implies, and
 *   the stamps only others may set (`decidedAt`, `acceptedAt`, `disbursedAt`, `closedAt`) are
 *   taken from their records, never from the project.
 * - Review (DOMAIN.md step 3): the latest decision of the project's own town (by the directory)
 *   on the project's latest submission. One made before the latest `submittedAt` (a returned
 *   project, changed and resubmitted) is history, not the status. A project the community started
 *   or completed counts as started only when that decision is an approval.
 * - Of two decisions on one submission (two reviewers offline), the later wins, by time then id, so
 *   every device picks the same one.
 * - Step 5: a completed project the town has accepted is `accepted`; an accepted one paid in full
 *   by finance (`paidInFullAt`) is `disbursed`; a paid one whose file the town or a city
 *   supervisor closed is `closed`.
 * - The project's community and town are those of the room it is read from and the directory.
 */

/** Where a project was read from, and the records of the rooms that decide its steps. */
export interface ProjectAuthority {
	/** The community whose room holds the project. */
	readonly communityId: string;
	/** That community's town in the directory; undefined when the directory does not know it. */
	readonly townId: string | undefined;
	/** The decisions of that town's room. */
	readonly townDecisions: readonly ReviewDecision[];
	/** The decisions of the city room: only closings count (`DECISIONS_FROM`). */
	readonly cityDecisions?: readonly ReviewDecision[];
	/** The payments of the finance room. */
	readonly payments?: readonly Disbursement[];
}

const SUBMISSION_DECISIONS: readonly ReviewDecisionKind[] = ['approve', 'return', 'reject'];

const statusOf = {
	approve: 'approved',
	return: 'returned',
	reject: 'rejected'
} as const satisfies Partial<Record<ReviewDecisionKind, Project['status']>>;

function later(a: ReviewDecision, b: ReviewDecision | undefined): boolean {
	return !b || a.decidedAt > b.decidedAt || (a.decidedAt === b.decidedAt && a.id > b.id);
}

/** The latest live decision of one of `kinds` on the project made at or after `since`. */
function latestDecision(
	projectId: string,
	decisions: readonly ReviewDecision[],
	kinds: readonly ReviewDecisionKind[],
	since: string | undefined
): ReviewDecision | undefined {
	const from = since === undefined ? -Infinity : timestampMs(since);
	let best: ReviewDecision | undefined;
	for (const d of decisions) {
		if (d.archived || d.project.id !== projectId || !kinds.includes(d.decision)) continue;
		if (timestampMs(d.decidedAt) < from) continue;
		if (later(d, best)) best = d;
	}
	return best;
}

/** The town's decision that answers the project's latest submission, if any. */
export function currentDecision(
	project: Pick<Project, 'id' | 'submittedAt'>,
	decisions: readonly ReviewDecision[]
): ReviewDecision | undefined {
	if (project.submittedAt === undefined) return undefined;
	return latestDecision(project.id, decisions, SUBMISSION_DECISIONS, project.submittedAt);
}

/** The step the community's stored status stands for (see above). */
function communityClaim(project: Project): 'draft' | 'submitted' | 'in_progress' | 'completed' {
	switch (project.status) {
		case 'draft':
			return 'draft';
		case 'submitted':
		case 'approved':
		case 'returned':
		case 'rejected':
			return 'submitted';
		case 'in_progress':
			return 'in_progress';
		case 'completed':
		case 'accepted':
		case 'disbursed':
		case 'closed': {
			const evidence = (project.completion?.photos.length ?? 0) > 0;
			return evidence && project.completedAt !== undefined ? 'completed' : 'in_progress';
		}
	}
}

/** The project with its authorities' records applied (see above). The input is not changed. */
export function projectAsSeen(project: Project, from: ProjectAuthority): Project {
	const room = `community:${from.communityId}`;
	const own = (list: readonly ReviewDecision[], kinds: readonly ReviewDecisionKind[]) =>
		list.filter((d) => d.project.room === room && kinds.includes(d.decision));
	const town = from.townId === undefined ? [] : own(from.townDecisions, DECISIONS_FROM.town);
	const city = own(from.cityDecisions ?? [], DECISIONS_FROM.city);

	const seen: Mutable<Project> = {
		...project,
		communityId: from.communityId,
		townId: from.townId ?? '',
		status: communityClaim(project)
	};
	for (const stamp of OTHERS_STAMPS) delete seen[stamp];
	if (seen.status === 'draft') return seen;

	const decision = currentDecision(project, town);
	if (decision) seen.decidedAt = decision.decidedAt;
	if (decision?.decision !== 'approve') {
		// Not started without the town's approval, whatever the community wrote.
		if (decision) seen.status = statusOf[decision.decision as keyof typeof statusOf];
		else seen.status = 'submitted';
		return seen;
	}
	if (seen.status === 'submitted') {
		seen.status = 'approved';
		return seen;
	}
	if (seen.status !== 'completed') return seen;
	const accept = latestDecision(seen.id, town, ['accept'], seen.completedAt);
	if (!accept) return seen;
	seen.status = 'accepted';
	seen.acceptedAt = accept.decidedAt;
	const paidAt = paidInFullAt(seen, from.payments ?? []);
	if (paidAt === undefined) return seen;
	seen.status = 'disbursed';
	seen.disbursedAt = paidAt;
	const close = latestDecision(seen.id, [...town, ...city], ['close'], undefined);
	if (close) {
		seen.status = 'closed';
		seen.closedAt = close.decidedAt;
	}
	return seen;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The stamps of steps the community does not take: only their records set them. */
const OTHERS_STAMPS = ['decidedAt', 'acceptedAt', 'disbursedAt', 'closedAt'] as const;
