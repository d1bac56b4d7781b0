import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZHANGJIAGANG_2020, type CityRules } from '$lib/domain/rules';
import {
	InvalidVoteError,
	checkQuorum,
	meetingOutcomes,
	suggestionStatusAfterVote,
	voteOutcome
} from '$lib/domain/vote';

const rules = ZHANGJIAGANG_2020; // quorum: ≥ 3 people and more than half the members; absolute majority
const simple: Pick<CityRules, 'quorum' | 'majority'> = { ...rules, majority: 'simple' };
const v = (f: number, a: number, ab: number) => ({ for: f, against: a, abstain: ab });

describe('quorum', () => {
	it('needs the minimum head count', () => {
		expect(voteOutcome(v(2, 0, 0), { headCount: 2 }, rules).outcome).toBe('no-quorum');
		expect(voteOutcome(v(3, 0, 0), { headCount: 3 }, rules).outcome).toBe('passed');
	});

	it('needs more than half of the members when the share is "more than"', () => {
		expect(voteOutcome(v(5, 0, 0), { headCount: 5, councilMembers: 10 }, rules).outcome).toBe(
			'no-quorum'
		);
		expect(voteOutcome(v(6, 0, 0), { headCount: 6, councilMembers: 10 }, rules).outcome).toBe(
			'passed'
		);
		const atLeast = { ...rules, quorum: { ...rules.quorum, memberShareMode: 'at-least' as const } };
		expect(voteOutcome(v(5, 0, 0), { headCount: 5, councilMembers: 10 }, atLeast).outcome).toBe(
			'passed'
		);
	});

	it('states a two-thirds rule exactly', () => {
		const twoThirds = {
			minAttendees: 0,
			memberShare: { numerator: 2, denominator: 3 },
			memberShareMode: 'at-least' as const
		};
		expect(checkQuorum({ headCount: 6, councilMembers: 9 }, twoThirds).ok).toBe(true);
		expect(checkQuorum({ headCount: 5, councilMembers: 9 }, twoThirds).ok).toBe(false);
		expect(checkQuorum({ headCount: 14, councilMembers: 21 }, twoThirds).ok).toBe(true);
	});

	it('says so when the membership is not recorded, and uses the head count alone', () => {
		const r = voteOutcome(v(3, 0, 0), { headCount: 3 }, rules);
		expect(r.outcome).toBe('passed');
		expect(r.reasons.map((m) => m.code)).toEqual([
			'vote.quorum.met',
			'vote.quorum.membersUnknown',
			'vote.passed'
		]);
	});

	it('lists both failures when both rules fail', () => {
		const r = voteOutcome(v(1, 0, 0), { headCount: 2, councilMembers: 9 }, rules);
		expect(r.reasons.map((m) => m.code)).toEqual(['vote.quorum.tooFew', 'vote.quorum.shareNotMet']);
	});
});

describe('majority', () => {
	it('counts abstentions against an absolute majority but not a simple one', () => {
		expect(voteOutcome(v(4, 2, 3), { headCount: 9 }, rules).outcome).toBe('failed');
		expect(voteOutcome(v(4, 2, 3), { headCount: 9 }, simple).outcome).toBe('passed');
		expect(voteOutcome(v(5, 2, 2), { headCount: 9 }, rules).outcome).toBe('passed');
	});

	it('fails a tie and a vote nobody cast', () => {
		expect(voteOutcome(v(3, 3, 0), { headCount: 6 }, rules).outcome).toBe('failed');
		expect(voteOutcome(v(3, 3, 0), { headCount: 6 }, simple).outcome).toBe('failed');
		const none = voteOutcome(v(0, 0, 0), { headCount: 6 }, simple);
		expect(none.outcome).toBe('failed');
		expect(none.reasons.at(-1)?.code).toBe('vote.noVotes');
	});

	it('passes by the rule’s arithmetic for any valid count', () => {
		fc.assert(
			fc.property(fc.nat(50), fc.nat(50), fc.nat(50), fc.nat(20), (f, a, ab, extra) => {
				const headCount = Math.max(3, f + a + ab + extra);
				const abs = voteOutcome(v(f, a, ab), { headCount }, rules).outcome;
				const sim = voteOutcome(v(f, a, ab), { headCount }, simple).outcome;
				expect(abs).toBe(2 * f > f + a + ab ? 'passed' : 'failed');
				expect(sim).toBe(f > a ? 'passed' : 'failed');
				// An absolute majority is also a simple one.
				if (abs === 'passed') expect(sim).toBe('passed');
			})
		);
	});
});

describe('counts', () => {
	it.each([
		[v(-1, 0, 0), 5],
		[v(1.5, 0, 0), 5],
		[v(Number.NaN, 0, 0), 5],
		[v(3, 2, 1), 5]
	])('refuses %j with %i present', (votes, headCount) => {
		expect(() => voteOutcome(votes, { headCount }, rules)).toThrow(InvalidVoteError);
	});

	it('tallies each agenda item of a meeting', () => {
		const outcomes = meetingOutcomes(
			{
				attendees: { names: ['高丽萍', '余若兰', '王伟健'], headCount: 7 },
				councilMembers: 11,
				agenda: [
					{ id: 'i1', suggestion: { room: 'community:tanglian', id: 's1' }, votes: v(6, 1, 0) },
					{ id: 'i2', suggestion: { room: 'community:tanglian', id: 's2' }, votes: v(3, 2, 2) },
					{ id: 'i3', suggestion: { room: 'community:tanglian', id: 's3' } }
				]
			},
			rules
		);
		expect(outcomes.map((o) => o.result?.outcome)).toEqual(['passed', 'failed', undefined]);
	});
});

describe('what a vote does to its suggestion', () => {
	it('adopts on a pass, declines on a fail, and keeps deliberating without a quorum', () => {
		expect(suggestionStatusAfterVote('passed')).toBe('adopted');
		expect(suggestionStatusAfterVote('failed')).toBe('declined');
		expect(suggestionStatusAfterVote('no-quorum')).toBe('deliberating');
	});
});
