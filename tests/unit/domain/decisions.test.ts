import { describe, expect, it } from 'vitest';
import { currentDecision, withDecision, type ReviewDecision } from '$lib/domain';
import { makeProject } from './factories';

const submitted = makeProject({ status: 'submitted', submittedAt: '2020-03-02T02:00:00.000Z' });

function decision(overrides: Partial<ReviewDecision> = {}): ReviewDecision {
	return {
		id: 'd-1',
		createdAt: '2020-03-05T02:00:00.000Z',
		createdBy: 'jingkai-reviewer',
		project: { room: 'community:tanglian', id: submitted.id },
		decision: 'approve',
		comment: '',
		reviewer: 'jingkai-reviewer',
		decidedAt: '2020-03-05T02:00:00.000Z',
		...overrides
	};
}

describe("the town's decision on a community's project", () => {
	it('turns a submitted project approved, returned or rejected', () => {
		for (const [kind, status] of [
			['approve', 'approved'],
			['return', 'returned'],
			['reject', 'rejected']
		] as const) {
			expect(withDecision(submitted, [decision({ decision: kind, comment: 'x' })])).toMatchObject({
				status,
				decidedAt: '2020-03-05T02:00:00.000Z'
			});
		}
		expect(submitted.status).toBe('submitted');
	});

	it('ignores decisions on other projects, archived ones, and ones older than the latest submission', () => {
		const other = decision({ project: { room: 'community:tanglian', id: 'p-2' } });
		const archived = decision({ archived: true });
		const old = decision({ decision: 'return', decidedAt: '2020-03-01T02:00:00.000Z' });
		expect(withDecision(submitted, [other, archived, old])).toBe(submitted);
		expect(currentDecision(makeProject(), [decision()])).toBeUndefined();
	});

	it('picks the same one of two decisions on every device, whatever their order', () => {
		const a = decision({ id: 'a', decision: 'approve', decidedAt: '2020-03-06T02:00:00.000Z' });
		const b = decision({
			id: 'b',
			decision: 'return',
			comment: 'x',
			decidedAt: '2020-03-06T02:00:00.000Z'
		});
		const c = decision({
			id: 'c',
			decision: 'reject',
			comment: 'x',
			decidedAt: '2020-03-04T02:00:00.000Z'
		});
		expect(currentDecision(submitted, [a, b, c])?.id).toBe('b');
		expect(currentDecision(submitted, [c, b, a])?.id).toBe('b');
	});

	it("keeps the community's own later status and adds the decision's date", () => {
		const started = {
			...submitted,
			status: 'in_progress' as const,
			startedAt: '2020-03-09T02:00:00.000Z'
		};
		expect(withDecision(started, [decision()])).toMatchObject({
			status: 'in_progress',
			decidedAt: '2020-03-05T02:00:00.000Z'
		});
	});
});
