import { domainMessage, type DomainMessage } from './errors';
import type { CouncilMeeting, Project, Suggestion, VoteCount } from './records';
import type { CityRules } from './rules';
import { voteOutcome, type VoteResult } from './vote';

/**
 * DOMAIN.md, "The life of a suggestion": collection → deliberation → submission. A project is
 * what residents asked for (a suggestion) and their council adopted by vote; one request is paid
 * for once. The rules are warnings, not refusals: a project made before the rule (or before its
 * meeting's record reached this device) stays workable, and the worker and the town's reviewer
 * both see what is missing.
 */

export interface CouncilVote {
	readonly meeting: CouncilMeeting;
	readonly result: VoteResult;
}

/** The counts of the council's latest vote on a suggestion (the last meeting that voted on it). */
export function latestVoteOn(
	suggestionId: string,
	meetings: readonly CouncilMeeting[]
): { meeting: CouncilMeeting; votes: VoteCount } | undefined {
	let latest: { meeting: CouncilMeeting; votes: VoteCount } | undefined;
	for (const meeting of meetings) {
		if (meeting.archived) continue;
		const item = meeting.agenda.find((i) => i.suggestion.id === suggestionId && i.votes);
		if (!item?.votes) continue;
		if (!latest || meeting.date > latest.meeting.date) latest = { meeting, votes: item.votes };
	}
	return latest;
}

/**
 * The council's last vote on a suggestion (the latest meeting that voted on it), with its
 * outcome by the quorum and majority of the meeting's year; undefined when never voted on, or
 * when that year has no rules or the count cannot be real.
 */
export function councilVoteOn(
	suggestionId: string,
	meetings: readonly CouncilMeeting[],
	rulesOf: (year: number) => Pick<CityRules, 'quorum' | 'majority'> | undefined
): CouncilVote | undefined {
	const latest = latestVoteOn(suggestionId, meetings);
	if (!latest) return undefined;
	const rules = rulesOf(Number(latest.meeting.date.slice(0, 4)));
	if (!rules) return undefined;
	const attendance = {
		headCount: latest.meeting.attendees.headCount,
		...(latest.meeting.councilMembers === undefined
			? {}
			: { councilMembers: latest.meeting.councilMembers })
	};
	try {
		return { meeting: latest.meeting, result: voteOutcome(latest.votes, attendance, rules) };
	} catch {
		return undefined;
	}
}

/** A project that still stands for its suggestions: not archived, not refused by the town. */
function holdsItsSuggestions(project: Project): boolean {
	return !project.archived && project.status !== 'rejected';
}

/**
 * The other project that already holds `suggestionId` (the first by creation), if any: a second
 * project made from it would pay twice for one request.
 */
export function projectHoldingSuggestion(
	suggestionId: string,
	projects: readonly Project[],
	exceptProjectId?: string
): Project | undefined {
	return projects
		.filter(
			(p) =>
				p.id !== exceptProjectId &&
				holdsItsSuggestions(p) &&
				p.suggestions.some((s) => s.id === suggestionId)
		)
		.sort(byCreation)[0];
}

/** The part of a project the rule reads: a draft not yet saved has no id (''), made now. */
export type ProjectMadeFrom = Pick<Project, 'id' | 'createdAt' | 'suggestions'>;

/** Oldest first; the id decides between two made in the same millisecond, on every device. */
function byCreation(a: ProjectMadeFrom, b: ProjectMadeFrom): number {
	return a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}

/**
 * Suggestions a project may be made from: not archived, not declined or merged away, and not held
 * by another project of the community (`exceptProjectId`: the project being edited keeps its own).
 */
export function suggestionsForProject(
	suggestions: readonly Suggestion[],
	projects: readonly Project[],
	exceptProjectId?: string
): Suggestion[] {
	return suggestions.filter(
		(s) =>
			!s.archived &&
			(s.status === 'open' || s.status === 'deliberating' || s.status === 'adopted') &&
			!projectHoldingSuggestion(s.id, projects, exceptProjectId)
	);
}

export interface DeliberationEvidence {
	/** The community's suggestions (a linked one missing here is reported as not found). */
	readonly suggestions: readonly Suggestion[];
	/** The community's council meetings. */
	readonly meetings: readonly CouncilMeeting[];
	/** The community's projects as the town sees them (status from the town's room). */
	readonly projects: readonly Project[];
	readonly rulesOf: (year: number) => Pick<CityRules, 'quorum' | 'majority'> | undefined;
}

function msg(code: string, params: Record<string, string | number>, zh: string, en: string) {
	return domainMessage(`deliberation.${code}`, params, zh, en);
}

/**
 * What the programme's steps say is missing behind `project`: no residents' suggestion; a
 * suggestion the council has not adopted by a vote that passed; a suggestion another project
 * already holds. Empty when the project came through collection and deliberation.
 */
export function deliberationWarnings(
	project: ProjectMadeFrom,
	evidence: DeliberationEvidence
): DomainMessage[] {
	if (project.suggestions.length === 0) {
		return [
			msg(
				'noSuggestion',
				{},
				'项目未关联居民意见：民生微实事应来自居民提出、议事会表决通过的意见',
				"The project is linked to no residents' suggestion: a project should come from a suggestion the residents' council adopted"
			)
		];
	}
	const warnings: DomainMessage[] = [];
	for (const ref of project.suggestions) {
		const suggestion = evidence.suggestions.find((s) => s.id === ref.id);
		const title = suggestion?.title ?? ref.id;
		if (!suggestion) {
			warnings.push(
				msg(
					'suggestionMissing',
					{ id: ref.id },
					`关联的居民意见 ${ref.id} 不在本社区的记录中`,
					`The linked suggestion ${ref.id} is not among the community's records`
				)
			);
			continue;
		}
		const vote = councilVoteOn(ref.id, evidence.meetings, evidence.rulesOf);
		if (!vote) {
			warnings.push(
				msg(
					'notVoted',
					{ suggestion: title },
					`居民意见“${title}”未经居民议事会表决`,
					`The suggestion "${title}" has not been voted on by the residents' council`
				)
			);
		} else if (vote.result.outcome !== 'passed') {
			warnings.push(
				msg(
					'notPassed',
					{ suggestion: title, date: vote.meeting.date },
					`居民意见“${title}”在 ${vote.meeting.date} 的议事会上未获通过`,
					`The suggestion "${title}" did not pass at the council meeting of ${vote.meeting.date}`
				)
			);
		}
		const other = projectHoldingSuggestion(ref.id, evidence.projects, project.id);
		if (other && byCreation(other, project) < 0) {
			warnings.push(
				msg(
					'alreadyInProject',
					{ suggestion: title, project: other.title, projectId: other.id },
					`居民意见“${title}”已用于项目“${other.title}”：同一诉求不应两次立项`,
					`The suggestion "${title}" is already in the project "${other.title}": one request is paid for once`
				)
			);
		}
	}
	return warnings;
}
