import { describe, expect, it } from 'vitest';
import {
	councilVoteOn,
	deliberationWarnings,
	projectHoldingSuggestion,
	suggestionsForProject,
	type CouncilMeeting,
	type DeliberationEvidence
} from '$lib/domain';
import { ZHANGJIAGANG_2020 } from '$lib/domain/rules';
import { makeProject, makeSuggestion } from './factories';

function meeting(overrides: Partial<CouncilMeeting> = {}): CouncilMeeting {
	return {
		id: 'm-1',
		createdAt: '2020-02-20T01:00:00.000Z',
		createdBy: 'tanglian-1',
		date: '2020-02-20',
		place: '地下活动室',
		topic: '二月居民议事会',
		attendees: { names: [], headCount: 9 },
		councilMembers: 15,
		agenda: [
			{
				id: 'i-1',
				suggestion: { room: 'community:tanglian', id: 's-1' },
				votes: { for: 7, against: 1, abstain: 1 }
			}
		],
		photos: [],
		...overrides
	};
}

const rulesOf = (year: number) => (year === 2020 ? ZHANGJIAGANG_2020 : undefined);
const codes = (evidence: Partial<DeliberationEvidence>, project = makeProject()) =>
	deliberationWarnings(project, {
		suggestions: [makeSuggestion({ status: 'adopted' })],
		meetings: [meeting()],
		projects: [project],
		rulesOf,
		...evidence
	}).map((m) => m.code);

describe('the council must have deliberated (collection → deliberation → submission)', () => {
	it('is satisfied by a suggestion the council adopted by a passing vote', () => {
		expect(codes({})).toEqual([]);
	});

	it('warns of a project linked to no suggestion', () => {
		const project = makeProject({ suggestions: [] });
		expect(codes({ projects: [project] }, project)).toEqual(['deliberation.noSuggestion']);
	});

	it('warns of a suggestion never voted on, and of one the council did not pass', () => {
		expect(codes({ meetings: [] })).toEqual(['deliberation.notVoted']);
		const failed = meeting({
			agenda: [
				{
					id: 'i-1',
					suggestion: { room: 'community:tanglian', id: 's-1' },
					votes: { for: 2, against: 6, abstain: 1 }
				}
			]
		});
		expect(codes({ meetings: [failed] })).toEqual(['deliberation.notPassed']);
		// Without quorum (9 of 40 members) nothing was decided either.
		expect(codes({ meetings: [meeting({ councilMembers: 40 })] })).toEqual([
			'deliberation.notPassed'
		]);
	});

	it('takes the latest vote: a later failed vote outweighs an earlier pass', () => {
		const later = meeting({
			id: 'm-2',
			date: '2020-03-20',
			agenda: [
				{
					id: 'i-9',
					suggestion: { room: 'community:tanglian', id: 's-1' },
					votes: { for: 1, against: 8, abstain: 0 }
				}
			]
		});
		expect(councilVoteOn('s-1', [later, meeting()], rulesOf)?.meeting.id).toBe('m-2');
		expect(codes({ meetings: [meeting(), later] })).toEqual(['deliberation.notPassed']);
		expect(codes({ meetings: [meeting(), { ...later, archived: true }] })).toEqual([]);
	});

	it('warns the second project made from one suggestion, never the first', () => {
		const first = makeProject({ id: 'p-1', createdAt: '2020-03-01T02:00:00.000Z' });
		const second = makeProject({
			id: 'p-2',
			createdAt: '2020-03-05T02:00:00.000Z',
			title: '再次立项'
		});
		expect(codes({ projects: [first, second] }, first)).toEqual([]);
		expect(codes({ projects: [first, second] }, second)).toEqual(['deliberation.alreadyInProject']);
		// Made in the same millisecond on two tablets: the id decides, the same on every device.
		const twin = makeProject({ id: 'p-0', createdAt: first.createdAt });
		expect(codes({ projects: [first, twin] }, first)).toEqual(['deliberation.alreadyInProject']);
		expect(codes({ projects: [first, twin] }, twin)).toEqual([]);
		// A rejected or archived first project frees the suggestion.
		for (const gone of [{ status: 'rejected' as const }, { archived: true }]) {
			expect(codes({ projects: [{ ...first, ...gone }, second] }, second)).toEqual([]);
		}
	});

	it('reports a linked suggestion that is not among the community records', () => {
		expect(codes({ suggestions: [] })).toEqual(['deliberation.suggestionMissing']);
	});

	it('offers for a new project only suggestions no other project holds', () => {
		const held = makeSuggestion({ id: 's-1', status: 'adopted' });
		const free = makeSuggestion({ id: 's-2', status: 'adopted' });
		const declined = makeSuggestion({ id: 's-3', status: 'declined' });
		const archived = makeSuggestion({ id: 's-4', archived: true });
		const project = makeProject({ id: 'p-1' });
		const all = [held, free, declined, archived];
		expect(suggestionsForProject(all, [project]).map((s) => s.id)).toEqual(['s-2']);
		// The project being edited keeps its own suggestion on offer.
		expect(suggestionsForProject(all, [project], 'p-1').map((s) => s.id)).toEqual(['s-1', 's-2']);
		expect(projectHoldingSuggestion('s-1', [project])?.id).toBe('p-1');
		expect(projectHoldingSuggestion('s-1', [{ ...project, status: 'rejected' }])).toBeUndefined();
	});
});
