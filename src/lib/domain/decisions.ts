import { timestampMs } from './dates';
import type { Project, ReviewDecision, ReviewDecisionKind } from './records';

/**
 * A project as everyone sees it, from two rooms (DESIGN.md, "Rooms"): the community writes the
 * project in its room, the town writes its decision in the town's room — neither may write the
 * other's. So "approved" is not a field the community stores: it is the town's latest decision on
 * the project's latest submission (DOMAIN.md step 3), applied here when both rooms are read.
 *
 * - A decision counts only for the submission it answers: one made before the latest
 *   `submittedAt` (a returned project, changed and resubmitted) is history, not the status.
 * - Once the community has moved the project on (started, completed…), its own status stands; the
 *   decision still supplies `decidedAt`.
 * - Of two decisions on one submission (two reviewers offline), the later wins, by time then id, so
 *   every device picks the same one.
 */

const statusOf: Record<ReviewDecisionKind, Project['status']> = {
	approve: 'approved',
	return: 'returned',
	reject: 'rejected'
};

/** The town's decision that answers the project's latest submission, if any. */
export function currentDecision(
	project: Pick<Project, 'id' | 'submittedAt'>,
	decisions: readonly ReviewDecision[]
): ReviewDecision | undefined {
	if (project.submittedAt === undefined) return undefined;
	const submitted = timestampMs(project.submittedAt);
	let best: ReviewDecision | undefined;
	for (const d of decisions) {
		if (d.archived || d.project.id !== project.id) continue;
		if (timestampMs(d.decidedAt) < submitted) continue;
		if (
			!best ||
			d.decidedAt > best.decidedAt ||
			(d.decidedAt === best.decidedAt && d.id > best.id)
		) {
			best = d;
		}
	}
	return best;
}

/** The project with the town's decision applied (see above); the input is not changed. */
export function withDecision(project: Project, decisions: readonly ReviewDecision[]): Project {
	const decision = currentDecision(project, decisions);
	if (!decision) return project;
	if (project.status !== 'submitted') {
		return project.decidedAt === undefined
			? { ...project, decidedAt: decision.decidedAt }
			: project;
	}
	return { ...project, status: statusOf[decision.decision], decidedAt: decision.decidedAt };
}
