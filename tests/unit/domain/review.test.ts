import { describe, expect, it } from 'vitest';
import { reviewQueue, ZHANGJIAGANG_2020, type Project } from '$lib/domain';
import { makeProject } from './factories';

const rules = () => ZHANGJIAGANG_2020;
const now = '2020-03-20T02:00:00.000Z'; // a Friday

function submitted(id: string, submittedAt: string, fastTrack = false): Project {
	return makeProject({ id, status: 'submitted', submittedAt, fastTrack });
}

describe("the town's review queue", () => {
	it('puts fast-track first, then the fewest working days left, and leaves out the rest', () => {
		const projects = [
			submitted('recent', '2020-03-19T02:00:00.000Z'),
			submitted('old', '2020-03-09T02:00:00.000Z'),
			submitted('overdue', '2020-03-02T02:00:00.000Z'),
			submitted('small', '2020-03-19T03:00:00.000Z', true),
			makeProject({ id: 'draft' }),
			{ ...submitted('archived', '2020-03-02T02:00:00.000Z'), archived: true },
			makeProject({
				id: 'approved',
				status: 'approved',
				submittedAt: '2020-03-02T02:00:00.000Z',
				decidedAt: now
			})
		];
		const queue = reviewQueue(projects, now, rules);
		expect(queue.map((e) => e.project.id)).toEqual(['small', 'overdue', 'old', 'recent']);
		expect(queue[1]!.clock.overdue).toBe(true);
		// Working days completed since the submission day: Friday is not over yet.
		expect(queue[3]!.clock).toMatchObject({ elapsed: 0, remaining: 10 });
	});

	it('gives the same order whatever order the projects come in', () => {
		const a = submitted('a', '2020-03-19T02:00:00.000Z');
		const b = submitted('b', '2020-03-19T02:00:00.000Z');
		expect(reviewQueue([a, b], now, rules).map((e) => e.project.id)).toEqual(['a', 'b']);
		expect(reviewQueue([b, a], now, rules).map((e) => e.project.id)).toEqual(['a', 'b']);
	});

	it('leaves out projects of a year without rules', () => {
		expect(reviewQueue([submitted('x', now)], now, () => undefined)).toEqual([]);
	});
});
