import { describe, expect, it } from 'vitest';
import {
	reviewerInbox,
	workerInbox,
	ZHANGJIAGANG_2020,
	type Rectification,
	type SiteInspection
} from '$lib/domain';
import { makeProject, makeSuggestion } from './factories';

// Thursday 2 July 2020, 10:00 in China.
const nowIso = '2020-07-02T02:00:00.000Z';

function rectification(
	id: string,
	dueDate: string,
	over: Partial<Rectification> = {}
): Rectification {
	return {
		id,
		createdAt: '2020-06-01T02:00:00.000Z',
		createdBy: 'jingkai-reviewer',
		subject: { room: 'community:tanglian', id: 'p-1' },
		orderedBy: '经开区审核员',
		orderedAt: '2020-06-01T02:00:00.000Z',
		description: `整改 ${id}`,
		dueDate,
		photos: [],
		...over
	};
}

function quarterly(
	projectId: string,
	visitedAt: string,
	over: Partial<SiteInspection> = {}
): SiteInspection {
	return {
		id: `i-${projectId}-${visitedAt}`,
		createdAt: visitedAt,
		createdBy: 'jingkai-reviewer',
		kind: 'quarterly',
		project: { room: 'community:tanglian', id: projectId },
		visitedAt,
		inspector: '经开区审核员',
		note: '',
		problemFound: false,
		photos: [],
		...over
	};
}

describe("a worker's inbox", () => {
	it('lists returned projects, rectifications overdue or due within a week, and suggestions for the council', () => {
		const entries = workerInbox({
			nowIso,
			projects: [
				makeProject({ id: 'p-r', status: 'returned', title: '退回的项目' }),
				makeProject({ id: 'p-a', status: 'approved' }),
				makeProject({ id: 'p-x', status: 'returned', archived: true })
			],
			rectifications: [
				rectification('late', '2020-06-30'),
				rectification('soon', '2020-07-08'),
				rectification('later', '2020-07-20'),
				rectification('done', '2020-06-01', { done: true })
			],
			suggestions: [
				makeSuggestion({ id: 's-open', status: 'open' }),
				makeSuggestion({ id: 's-del', status: 'deliberating' }),
				makeSuggestion({ id: 's-ad', status: 'adopted' })
			]
		});
		expect(entries.map((e) => [e.kind, e.id, e.overdue])).toEqual([
			['rectification', 'late', true],
			['rectification', 'soon', false],
			['returned', 'p-r', false],
			['council', 's-del', false],
			['council', 's-open', false]
		]);
		expect(entries[0]!.due).toBe('2020-06-30');
	});
});

describe("a reviewer's inbox", () => {
	const rulesOf = () => ZHANGJIAGANG_2020;
	it('puts overdue submissions first, then the fewest working days left, and lists acceptances', () => {
		const entries = reviewerInbox({
			nowIso,
			rulesOf,
			inspections: [],
			projects: [
				makeProject({ id: 'new', status: 'submitted', submittedAt: '2020-07-01T02:00:00.000Z' }),
				makeProject({ id: 'late', status: 'submitted', submittedAt: '2020-06-01T02:00:00.000Z' }),
				makeProject({ id: 'mid', status: 'submitted', submittedAt: '2020-06-24T02:00:00.000Z' }),
				makeProject({ id: 'done', status: 'completed' })
			]
		});
		expect(entries.map((e) => [e.kind, e.id, e.overdue])).toEqual([
			['review', 'late', true],
			['review', 'mid', false],
			['review', 'new', false],
			['accept', 'done', false]
		]);
		expect(entries[1]!.left).toBeLessThan(entries[2]!.left!);
	});

	it('asks for a quarterly inspection of each project in progress the town has not seen this quarter', () => {
		const projects = ['a', 'b', 'c'].map((id) => makeProject({ id, status: 'in_progress' }));
		const entries = reviewerInbox({
			nowIso,
			rulesOf,
			projects,
			inspections: [
				// This quarter (from 1 July): done.
				quarterly('a', '2020-07-01T01:00:00.000Z'),
				// Last quarter (30 June, China time): due again.
				quarterly('b', '2020-06-30T10:00:00.000Z'),
				// This quarter but not a quarterly one.
				quarterly('c', '2020-07-01T01:00:00.000Z', { kind: 'progress' })
			]
		});
		expect(entries.map((e) => [e.kind, e.id])).toEqual([
			['quarterly', 'b'],
			['quarterly', 'c']
		]);
	});
});
