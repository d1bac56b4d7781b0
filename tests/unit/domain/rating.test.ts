import { describe, expect, it } from 'vitest';
import {
	checkRating,
	isRateable,
	PROJECT_STATUSES,
	ratingSummary,
	summariseRatings
} from '$lib/domain';
import { makeProject } from './factories';

describe("residents' ratings", () => {
	it('are open once the work is done', () => {
		const open = PROJECT_STATUSES.filter((status) => isRateable(makeProject({ status })));
		expect(open).toEqual(['completed', 'accepted', 'disbursed', 'closed']);
		expect(isRateable(makeProject({ status: 'completed', archived: true }))).toBe(false);
	});

	it('take a whole score from 1 to 5 and a short comment', () => {
		expect(checkRating('4', '  很好  ')).toEqual({
			ok: true,
			value: { score: 4, comment: '很好' }
		});
		expect(checkRating(5, undefined)).toEqual({ ok: true, value: { score: 5, comment: '' } });
		for (const bad of ['0', '6', '4.5', 'x', '', undefined]) {
			expect(checkRating(bad, '').ok, String(bad)).toBe(false);
		}
		expect(checkRating('3', '好'.repeat(200)).ok).toBe(true);
		expect(checkRating('3', '好'.repeat(201)).ok).toBe(false);
	});

	it('sum up as a count and a mean to one decimal', () => {
		expect(ratingSummary(0, 0)).toEqual({ count: 0, average: undefined });
		expect(ratingSummary(3, 13)).toEqual({ count: 3, average: 4.3 });
		expect(summariseRatings([{ score: 5 }, { score: 4 }, { score: 4 }])).toEqual({
			count: 3,
			average: 4.3
		});
		expect(summariseRatings([])).toEqual({ count: 0, average: undefined });
	});
});
