import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	CAP_COUNTED_STATUSES,
	checkCommunityYearCap,
	checkProjectCap,
	countedFen,
	findCapBreaches,
	isFastTrack,
	projectBudgetFen,
	remainingAllowance
} from '$lib/domain/budget';
import { PROJECT_STATUSES, type Project } from '$lib/domain/records';
import { ZHANGJIAGANG_2020, rulesForYear } from '$lib/domain/rules';
import { budget, makeProject } from './factories';

const rules = ZHANGJIAGANG_2020;

describe('project cap (DOMAIN.md: at most 100,000 yuan a project)', () => {
	it('sums the budget lines', () => {
		expect(projectBudgetFen(makeProject({ budget: budget(1, 2, 3) }))).toBe(6);
		expect(projectBudgetFen(makeProject({ budget: [] }))).toBe(0);
	});

	it('accepts exactly the cap and refuses one fen more, saying by how much', () => {
		expect(checkProjectCap(makeProject({ budget: budget(60_000_00, 40_000_00) }), rules)).toEqual({
			ok: true,
			capFen: 100_000_00,
			totalFen: 100_000_00,
			remainingFen: 0
		});
		const r = checkProjectCap(makeProject({ budget: budget(100_000_00, 1) }), rules);
		if (r.ok) throw new Error('expected a refusal');
		expect(r.refusal).toMatchObject({
			code: 'budget.projectCapExceeded',
			capFen: 100_000_00,
			totalFen: 100_000_01,
			overFen: 1
		});
		expect(r.refusal.message.zh).toContain('超出 ¥0.01');
		expect(r.refusal.message.en).toContain('by ¥0.01');
	});
});

describe('community-year cap (DOMAIN.md: at most 165,000 yuan a community a year)', () => {
	const p = (id: string, fen: number, over: Partial<Project> = {}) =>
		makeProject({ id, budget: budget(fen), status: 'submitted', ...over });

	it('counts submitted and later projects of the same community and year only', () => {
		const others = [
			p('a', 50_000_00),
			p('b', 50_000_00, { status: 'disbursed' }),
			p('draft', 90_000_00, { status: 'draft' }),
			p('returned', 90_000_00, { status: 'returned' }),
			p('rejected', 90_000_00, { status: 'rejected' }),
			p('archived', 90_000_00, { archived: true }),
			p('other-year', 90_000_00, { year: 2019 }),
			p('other-community', 90_000_00, { communityId: 'daxin' })
		];
		expect(countedFen(others, 'tanglian', 2020)).toBe(100_000_00);
		expect(
			checkCommunityYearCap(p('new', 65_000_00, { status: 'draft' }), others, rules)
		).toMatchObject({
			ok: true,
			remainingFen: 0
		});
		const r = checkCommunityYearCap(p('new', 70_000_00, { status: 'draft' }), others, rules);
		if (r.ok) throw new Error('expected a refusal');
		expect(r.refusal).toMatchObject({
			code: 'budget.communityYearCapExceeded',
			capFen: 165_000_00,
			totalFen: 170_000_00,
			overFen: 5_000_00
		});
		expect(r.refusal.message.zh).toBe(
			'本社区 2020 年度项目总额 ¥170,000.00 超过年度上限 ¥165,000.00，超出 ¥5,000.00'
		);
	});

	it('does not count the project twice when it is among the others', () => {
		const self = p('self', 100_000_00);
		expect(checkCommunityYearCap(self, [self, p('x', 65_000_00)], rules).ok).toBe(true);
	});

	it('at approval counts only what the town has approved', () => {
		const a = p('a', 100_000_00);
		const b = p('b', 100_000_00);
		expect(checkCommunityYearCap(a, [b], rules, { counting: 'submitted' }).ok).toBe(false);
		expect(checkCommunityYearCap(a, [b], rules, { counting: 'committed' }).ok).toBe(true);
		const approvedA = { ...a, status: 'approved' as const };
		expect(checkCommunityYearCap(b, [approvedA], rules, { counting: 'committed' }).ok).toBe(false);
	});

	it('never lets accepted submissions exceed either cap', () => {
		fc.assert(
			fc.property(
				fc.array(fc.integer({ min: 1, max: 120_000_00 }), { maxLength: 30 }),
				(budgets) => {
					const accepted: Project[] = [];
					budgets.forEach((fen, i) => {
						const candidate = p(`p${i}`, fen, { status: 'draft' });
						if (
							checkProjectCap(candidate, rules).ok &&
							checkCommunityYearCap(candidate, accepted, rules).ok
						) {
							accepted.push({ ...candidate, status: 'submitted' });
						}
					});
					expect(countedFen(accepted, 'tanglian', 2020)).toBeLessThanOrEqual(
						rules.communityYearCapFen
					);
					for (const a of accepted)
						expect(projectBudgetFen(a)).toBeLessThanOrEqual(rules.projectCapFen);
					expect(findCapBreaches(accepted, rules)).toEqual([]);
				}
			)
		);
	});

	it('agrees with remainingAllowance: a project fits exactly when it is within the allowance', () => {
		fc.assert(
			fc.property(
				fc.array(
					fc.record({
						fen: fc.integer({ min: 0, max: 100_000_00 }),
						status: fc.constantFrom(...PROJECT_STATUSES)
					}),
					{ maxLength: 8 }
				),
				fc.integer({ min: 1, max: 100_000_00 }),
				(existing, fen) => {
					const others = existing.map((e, i) => p(`o${i}`, e.fen, { status: e.status }));
					const allowance = remainingAllowance('tanglian', 2020, others, rules);
					const fits = checkCommunityYearCap(p('new', fen, { status: 'draft' }), others, rules).ok;
					expect(fits).toBe(fen <= allowance.remainingFen);
					expect(allowance.maxNewProjectFen).toBeLessThanOrEqual(rules.projectCapFen);
					expect(allowance.countedFen).toBe(
						others
							.filter((o) => CAP_COUNTED_STATUSES.includes(o.status))
							.reduce((s, o) => s + projectBudgetFen(o), 0)
					);
				}
			)
		);
	});

	it('reports what is left and any overrun', () => {
		expect(remainingAllowance('tanglian', 2020, [p('a', 100_000_00)], rules)).toEqual({
			capFen: 165_000_00,
			countedFen: 100_000_00,
			remainingFen: 65_000_00,
			overFen: 0,
			maxNewProjectFen: 65_000_00
		});
		expect(remainingAllowance('tanglian', 2020, [], rules).maxNewProjectFen).toBe(100_000_00);
		const over = remainingAllowance(
			'tanglian',
			2020,
			[p('a', 100_000_00), p('b', 90_000_00)],
			rules
		);
		expect(over).toMatchObject({ remainingFen: 0, overFen: 25_000_00, maxNewProjectFen: 0 });
	});
});

describe('fast track (DOMAIN.md: under 10,000 yuan, or urgent)', () => {
	it('is below the threshold or urgent', () => {
		expect(isFastTrack(makeProject({ budget: budget(9_999_99) }), rules)).toBe(true);
		expect(isFastTrack(makeProject({ budget: budget(10_000_00) }), rules)).toBe(false);
		expect(isFastTrack(makeProject({ budget: budget(90_000_00), urgent: true }), rules)).toBe(true);
	});
});

describe('findCapBreaches on merged data', () => {
	it('flags both offline submissions that together break the cap', () => {
		const approved = makeProject({ id: 'old', budget: budget(60_000_00), status: 'approved' });
		const tabletA = makeProject({ id: 'tablet-a', budget: budget(60_000_00), status: 'submitted' });
		const tabletB = makeProject({ id: 'tablet-b', budget: budget(50_000_00), status: 'submitted' });
		const daxin = makeProject({
			id: 'd',
			communityId: 'daxin',
			budget: budget(170_000_00),
			status: 'submitted'
		});
		const breaches = findCapBreaches([tabletB, daxin, approved, tabletA], rules);
		expect(breaches).toHaveLength(3);
		expect(breaches[0]).toMatchObject({
			kind: 'project',
			communityId: 'daxin',
			projectIds: ['d'],
			overFen: 70_000_00
		});
		expect(breaches[1]).toMatchObject({
			kind: 'community-year',
			communityId: 'daxin',
			overFen: 5_000_00
		});
		expect(breaches[2]).toMatchObject({
			kind: 'community-year',
			communityId: 'tanglian',
			year: 2020,
			projectIds: ['old', 'tablet-a', 'tablet-b'],
			pendingIds: ['tablet-a', 'tablet-b'],
			totalFen: 170_000_00,
			overFen: 5_000_00
		});
		// Either submission alone would have fitted.
		expect(findCapBreaches([approved, tabletA], rules)).toEqual([]);
		expect(findCapBreaches([approved, tabletB], rules)).toEqual([]);
	});

	it('checks each year against its own rules', () => {
		const r2023 = {
			...rules,
			year: 2023,
			effectiveFrom: '2023-01-01',
			communityYearCapFen: 300_000_00
		};
		const list = [rules, r2023];
		const big = [100_000_00, 100_000_00, 90_000_00].map((fen, i) =>
			makeProject({ id: `p${i}`, year: 2023, budget: budget(fen), status: 'approved' })
		);
		expect(findCapBreaches(big, (y) => rulesForYear(list, y))).toEqual([]);
		const old = big.map((b) => ({ ...b, year: 2020 }));
		expect(findCapBreaches(old, (y) => rulesForYear(list, y))).toHaveLength(1);
	});
});
