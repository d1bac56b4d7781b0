import { DomainError, domainMessage, type DomainMessage } from './errors';
import type { CouncilMeeting, RecordRef, VoteCount } from './records';
import type { CityRules, QuorumRule } from './rules';

/**
 * The outcome of a residents' council vote (DOMAIN.md, "Deliberation": the council "decides by
 * vote which suggestions become project proposals"). The quorum and the majority are city
 * settings (`CityRules.quorum`, `CityRules.majority`); the default is Chinese councils' usual
 * rule: more than half of the members present, at least 3 people, and a motion passes with more
 * than half of the votes cast, abstentions included (`absolute`).
 */

export type VoteOutcome = 'passed' | 'failed' | 'no-quorum';

export interface VoteResult {
	readonly outcome: VoteOutcome;
	/** Why, in order: quorum first, then the count. Shown beside the result in the minutes. */
	readonly reasons: readonly DomainMessage[];
	readonly cast: number;
}

export interface Attendance {
	/** People present who may vote. */
	readonly headCount: number;
	/** Members of the council, when the quorum is a share of members. */
	readonly councilMembers?: number;
}

/** Counts that cannot be a real vote: negative, fractional, or more votes than people present. */
export class InvalidVoteError extends DomainError {
	readonly issues: readonly DomainMessage[];

	constructor(issues: readonly DomainMessage[]) {
		super(
			domainMessage(
				'vote.invalid',
				{ issues: issues.map((i) => i.en).join('; ') },
				`票数无效：${issues.map((i) => i.zh).join('；')}`,
				`Invalid vote: ${issues.map((i) => i.en).join('; ')}`
			)
		);
		this.name = 'InvalidVoteError';
		this.issues = issues;
	}
}

const countLabels = {
	for: ['赞成', 'for'],
	against: ['反对', 'against'],
	abstain: ['弃权', 'abstain']
};

/** Every problem with a count of votes (empty when it can be tallied). */
export function checkVoteCount(
	votes: { readonly for?: unknown; readonly against?: unknown; readonly abstain?: unknown },
	headCount?: number
): DomainMessage[] {
	const issues: DomainMessage[] = [];
	let cast = 0;
	for (const key of ['for', 'against', 'abstain'] as const) {
		const n = votes[key];
		const [zh, en] = countLabels[key];
		if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
			issues.push(
				domainMessage(
					'vote.badCount',
					{ field: key, value: String(n) },
					`${zh}票数必须是非负整数：${String(n)}`,
					`Votes ${en} must be a whole number ≥ 0: ${String(n)}`
				)
			);
		} else cast += n;
	}
	if (issues.length === 0 && headCount !== undefined && cast > headCount) {
		issues.push(
			domainMessage(
				'vote.moreThanPresent',
				{ cast, headCount },
				`投票数 ${cast} 多于到会人数 ${headCount}`,
				`${cast} votes cast but only ${headCount} present`
			)
		);
	}
	return issues;
}

/** Whether the council could decide; the reasons say which rule failed, or that it held. */
export function checkQuorum(
	attendance: Attendance,
	rule: QuorumRule
): { ok: boolean; reasons: DomainMessage[] } {
	const reasons: DomainMessage[] = [];
	let ok = true;
	const { headCount, councilMembers } = attendance;
	if (headCount < rule.minAttendees) {
		ok = false;
		reasons.push(
			domainMessage(
				'vote.quorum.tooFew',
				{ headCount, min: rule.minAttendees },
				`到会 ${headCount} 人，少于法定最少人数 ${rule.minAttendees} 人`,
				`${headCount} present, fewer than the minimum of ${rule.minAttendees}`
			)
		);
	}
	const share = rule.memberShare;
	if (share !== null) {
		const shown = `${share.numerator}/${share.denominator}`;
		if (councilMembers === undefined) {
			// Older meetings may lack the member count; the head-count rule still applies and the
			// minutes say the share could not be checked rather than inventing a result.
			reasons.push(
				domainMessage(
					'vote.quorum.membersUnknown',
					{ share: shown },
					`未记录议事会成员人数，无法核对 ${shown} 出席比例`,
					`The council's membership is not recorded: the ${shown} attendance share was not checked`
				)
			);
		} else {
			const present = headCount * share.denominator;
			const needed = councilMembers * share.numerator;
			const met = rule.memberShareMode === 'more-than' ? present > needed : present >= needed;
			if (!met) {
				ok = false;
				const [zhMode, enMode] =
					rule.memberShareMode === 'more-than' ? ['超过', 'more than'] : ['至少', 'at least'];
				reasons.push(
					domainMessage(
						'vote.quorum.shareNotMet',
						{ headCount, councilMembers, share: shown, mode: rule.memberShareMode },
						`到会 ${headCount} 人，未达到成员 ${councilMembers} 人的${zhMode} ${shown}`,
						`${headCount} present: not ${enMode} ${shown} of the ${councilMembers} members`
					)
				);
			}
		}
	}
	if (ok) {
		reasons.unshift(
			domainMessage(
				'vote.quorum.met',
				{ headCount },
				`到会 ${headCount} 人，达到法定人数`,
				`${headCount} present: quorum met`
			)
		);
	}
	return { ok, reasons };
}

/**
 * Tallies one vote. Throws `InvalidVoteError` for counts that cannot be real; otherwise returns
 * `no-quorum` when the council could not decide, else `passed` or `failed` by the majority rule.
 * A vote where nobody voted fails: nothing was decided.
 */
export function voteOutcome(
	votes: VoteCount,
	attendance: Attendance,
	rules: Pick<CityRules, 'quorum' | 'majority'>
): VoteResult {
	const issues = checkVoteCount(votes, attendance.headCount);
	if (!Number.isSafeInteger(attendance.headCount) || attendance.headCount < 0) {
		issues.push(
			domainMessage(
				'vote.badHeadCount',
				{ value: String(attendance.headCount) },
				`到会人数必须是非负整数`,
				`The head count must be a whole number ≥ 0`
			)
		);
	}
	if (issues.length > 0) throw new InvalidVoteError(issues);

	const cast = votes.for + votes.against + votes.abstain;
	const quorum = checkQuorum(attendance, rules.quorum);
	if (!quorum.ok) return { outcome: 'no-quorum', reasons: quorum.reasons, cast };

	const counts = { for: votes.for, against: votes.against, abstain: votes.abstain, cast };
	const passed = rules.majority === 'simple' ? votes.for > votes.against : votes.for * 2 > cast;
	const [zhRule, enRule] =
		rules.majority === 'simple'
			? ['赞成票多于反对票', 'more votes for than against']
			: ['赞成票超过投票总数的一半', 'votes for are more than half of the votes cast'];
	const tally = `${votes.for}/${votes.against}/${votes.abstain}`;
	const reason =
		cast === 0
			? domainMessage('vote.noVotes', counts, '无人投票', 'Nobody voted')
			: passed
				? domainMessage(
						'vote.passed',
						{ ...counts, rule: rules.majority },
						`通过：赞成/反对/弃权 ${tally}，${zhRule}`,
						`Passed: for/against/abstain ${tally}, ${enRule}`
					)
				: domainMessage(
						'vote.failed',
						{ ...counts, rule: rules.majority },
						`未通过：赞成/反对/弃权 ${tally}，需${zhRule}`,
						`Failed: for/against/abstain ${tally}; needs ${enRule}`
					);
	return {
		outcome: passed && cast > 0 ? 'passed' : 'failed',
		reasons: [...quorum.reasons, reason],
		cast
	};
}

export interface AgendaOutcome {
	readonly itemId: string;
	readonly suggestion: RecordRef;
	/** `undefined` while the item has not been voted on. */
	readonly result: VoteResult | undefined;
}

/** The outcome of each agenda item of a meeting; a bad count throws `InvalidVoteError`. */
export function meetingOutcomes(
	meeting: Pick<CouncilMeeting, 'attendees' | 'councilMembers' | 'agenda'>,
	rules: Pick<CityRules, 'quorum' | 'majority'>
): AgendaOutcome[] {
	const attendance: Attendance = {
		headCount: meeting.attendees.headCount,
		...(meeting.councilMembers === undefined ? {} : { councilMembers: meeting.councilMembers })
	};
	return meeting.agenda.map((item) => ({
		itemId: item.id,
		suggestion: item.suggestion,
		result: item.votes === undefined ? undefined : voteOutcome(item.votes, attendance, rules)
	}));
}

/**
 * What a vote does to the suggestion on the agenda (DOMAIN.md, "Deliberation": the council decides
 * which suggestions become project proposals): passed → adopted (a project can be made from it),
 * failed → declined, no quorum → still being deliberated (it goes on a later agenda).
 */
export function suggestionStatusAfterVote(
	outcome: VoteOutcome
): 'adopted' | 'declined' | 'deliberating' {
	if (outcome === 'passed') return 'adopted';
	if (outcome === 'failed') return 'declined';
	return 'deliberating';
}
