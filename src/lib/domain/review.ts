import { reviewClock, type ReviewClock } from './calendar';
import type { Project } from './records';
import type { CityRules } from './rules';

/**
 * The town's review queue (DOMAIN.md step 3: 10 working days from submission to approval, small
 * and urgent projects reviewed as soon as reported). Submitted projects only; fast-track ones
 * first — "随报随审" — then the ones with the fewest working days left (overdue ones, with none
 * left, lead), then the oldest submission, then by id so every device shows the same order.
 */

export interface QueueEntry {
	readonly project: Project;
	readonly clock: ReviewClock;
}

export function reviewQueue(
	projects: readonly Project[],
	nowIso: string,
	rulesOf: (year: number) => CityRules | undefined
): QueueEntry[] {
	const entries: QueueEntry[] = [];
	for (const project of projects) {
		if (project.archived || project.status !== 'submitted' || !project.submittedAt) continue;
		const rules = rulesOf(project.year);
		if (!rules) continue;
		entries.push({ project, clock: reviewClock(project.submittedAt, nowIso, rules) });
	}
	return entries.sort(
		(a, b) =>
			Number(b.project.fastTrack) - Number(a.project.fastTrack) ||
			a.clock.remaining - b.clock.remaining ||
			(a.project.submittedAt ?? '').localeCompare(b.project.submittedAt ?? '') ||
			a.project.id.localeCompare(b.project.id)
	);
}
