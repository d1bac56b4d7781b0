import { timestampMs } from './dates';
import { paidInFullAt } from './finance';
import type { Disbursement, Project, ReviewDecision, ReviewDecisionKind } from './records';

/**
 * A project as everyone sees it, from three rooms (DESIGN.md, "Rooms"): the community writes the
 * project in its room, the town writes its decisions in the town's room, finance its payments in
 * the city's — none may write another's. So "approved", "accepted", "disbursed" and "closed" are
 * not fields the community stores: they are the other rooms' records, applied here when the rooms
 * are read. The community's own status only ever moves forward by them.
 *
 * - Review (DOMAIN.md step 3): the town's latest decision on the project's latest submission. One
 *   made before the latest `submittedAt` (a returned project, changed and resubmitted) is history,
 *   not the status. Once the community has moved the project on (started, completed…), its own
 *   status stands; the decision still supplies `decidedAt`.
 * - Of two decisions on one submission (two reviewers offline), the later wins, by time then id, so
 *   every device picks the same one.
 * - Step 5: a completed project the town has accepted is `accepted`; an accepted one paid in full
 *   (`paidInFullAt`) is `disbursed`; a paid one whose file the town or city closed is `closed`.
 * - Each record counts only from the room whose authors may take that step: review and
 *   acceptance from the project's own town room, payments from the city room, closing from either.
 *   A supervisor (who writes the city room) cannot approve a project, nor a reviewer of another
 *   town, nor can a town room hold a payment — whatever a forged record claims.
 */

/** What the city room holds about projects: its supervisors' closings and finance's payments. */
export interface CityProjectRecords {
	readonly decisions?: readonly ReviewDecision[];
	readonly disbursements?: readonly Disbursement[];
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

/**
 * The project with the other rooms' records applied (see above): `townDecisions` from the room of
 * the project's own town, `city` from the city room. The input is not changed.
 */
export function projectAsSeen(
	project: Project,
	townDecisions: readonly ReviewDecision[],
	city: CityProjectRecords = {}
): Project {
	let seen = project;
	const decision = currentDecision(project, townDecisions);
	if (decision && project.status === 'submitted') {
		seen = {
			...seen,
			status: statusOf[decision.decision as keyof typeof statusOf],
			decidedAt: decision.decidedAt
		};
	} else if (decision && project.decidedAt === undefined) {
		seen = { ...seen, decidedAt: decision.decidedAt };
	}
	if (seen.status === 'completed') {
		const accept = latestDecision(seen.id, townDecisions, ['accept'], seen.completedAt);
		if (accept) seen = { ...seen, status: 'accepted', acceptedAt: accept.decidedAt };
	}
	if (seen.status === 'accepted') {
		const paidAt = paidInFullAt(seen, city.disbursements ?? []);
		if (paidAt !== undefined) seen = { ...seen, status: 'disbursed', disbursedAt: paidAt };
	}
	if (seen.status === 'disbursed') {
		const closings = [...townDecisions, ...(city.decisions ?? [])];
		const close = latestDecision(seen.id, closings, ['close'], undefined);
		if (close) seen = { ...seen, status: 'closed', closedAt: close.decidedAt };
	}
	return seen;
}
