import { describe, expect, it } from 'vitest';
import {
	DEFAULT_CITY_RULES,
	NoRulesInForceError,
	ZHANGJIAGANG_2020,
	rulesFor,
	rulesForYear,
	validateRules,
	type CityRules
} from '$lib/domain/rules';

const r2020 = { ...ZHANGJIAGANG_2020, id: 'r2020' };
// DOMAIN.md: by 2023 Zhangjiagang funded 300,000 yuan a community a year.
const r2023 = {
	...ZHANGJIAGANG_2020,
	id: 'r2023',
	year: 2023,
	effectiveFrom: '2023-01-01',
	communityYearCapFen: 300_000_00
};
const r2023mid = { ...r2023, id: 'r2023b', effectiveFrom: '2023-07-01', projectCapFen: 150_000_00 };
const list = [r2023mid, r2020, r2023];

describe('the default rules', () => {
	it('are Zhangjiagang 2020 (DOMAIN.md, "Money rules")', () => {
		expect(DEFAULT_CITY_RULES.projectCapFen).toBe(10_000_000);
		expect(DEFAULT_CITY_RULES.communityYearCapFen).toBe(16_500_000);
		expect(DEFAULT_CITY_RULES.fastTrackBelowFen).toBe(1_000_000);
		expect(DEFAULT_CITY_RULES.reviewWorkingDays).toBe(10);
		expect(DEFAULT_CITY_RULES.projectTypes).toEqual(['engineering', 'service']);
		expect(validateRules(DEFAULT_CITY_RULES)).toEqual({ ok: true, value: DEFAULT_CITY_RULES });
	});
});

describe('rulesFor', () => {
	it('picks the latest rules in force on the date', () => {
		expect(rulesFor(list, '2020-06-01').id).toBe('r2020');
		expect(rulesFor(list, '2022-12-31').id).toBe('r2020');
		expect(rulesFor(list, '2023-01-01').id).toBe('r2023');
		expect(rulesFor(list, '2023-06-30').id).toBe('r2023');
		expect(rulesFor(list, '2023-07-01').id).toBe('r2023b');
	});

	it('refuses a date before any rules, or not a date', () => {
		expect(() => rulesFor(list, '2019-12-31')).toThrow(NoRulesInForceError);
		expect(() => rulesFor([], '2020-06-01')).toThrow(NoRulesInForceError);
		expect(() => rulesFor(list, 'June')).toThrow(NoRulesInForceError);
	});

	it('ignores archived rules', () => {
		expect(
			rulesFor(
				[...list, { ...r2023mid, id: 'zz', effectiveFrom: '2023-08-01', archived: true }],
				'2023-09-01'
			).id
		).toBe('r2023b');
	});

	it('breaks a tie the same way whatever the merge order', () => {
		const a = { ...r2020, id: 'a' };
		const b = { ...r2020, id: 'b' };
		expect(rulesFor([a, b], '2020-06-01').id).toBe('b');
		expect(rulesFor([b, a], '2020-06-01').id).toBe('b');
	});
});

describe('rulesForYear', () => {
	it('checks a project against the rules of its year', () => {
		expect(rulesForYear(list, 2020).id).toBe('r2020');
		expect(rulesForYear(list, 2023).id).toBe('r2023b');
		expect(rulesForYear(list, 2023, '2023-03-01').id).toBe('r2023');
		expect(rulesForYear(list, 2023, '2023-08-01').id).toBe('r2023b');
		// Drafted in December for next year: next year's first rules.
		expect(rulesForYear(list, 2023, '2022-12-15').id).toBe('r2023');
		expect(() => rulesForYear(list, 2021)).toThrow(NoRulesInForceError);
	});
});

describe('validateRules', () => {
	function issuesOf(patch: Partial<Record<keyof CityRules, unknown>>): string[] {
		const r = validateRules({ ...ZHANGJIAGANG_2020, ...patch });
		return r.ok ? [] : [...r.issues];
	}

	it.each([
		[{ projectCapFen: 0 }, 'projectCapFen'],
		[{ projectCapFen: -5 }, 'projectCapFen'],
		[{ communityYearCapFen: 1.5 }, 'communityYearCapFen'],
		[{ communityYearCapFen: '165000' }, 'communityYearCapFen'],
		[{ reviewWorkingDays: 0 }, 'reviewWorkingDays'],
		[{ effectiveFrom: '2020-02-30' }, 'effectiveFrom'],
		[{ projectTypes: [] }, 'projectTypes'],
		[{ projectTypes: ['engineering', 'engineering'] }, 'projectTypes'],
		[{ projectTypes: ['engineering', ' '] }, 'projectTypes'],
		[{ fastTrackBelowFen: 20_000_000 }, 'fastTrackBelowFen'],
		[{ majority: 'two-thirds' }, 'majority'],
		[
			{ quorum: { minAttendees: -1, memberShare: null, memberShareMode: 'at-least' } },
			'quorum.minAttendees'
		],
		[
			{
				quorum: {
					minAttendees: 3,
					memberShare: { numerator: 3, denominator: 2 },
					memberShareMode: 'at-least'
				}
			},
			'quorum.memberShare'
		],
		[
			{
				quorum: {
					minAttendees: 3,
					memberShare: { numerator: 1, denominator: 0 },
					memberShareMode: 'at-least'
				}
			},
			'quorum.memberShare'
		],
		[{ holidays: ['2020-10-01', 'National Day'] }, 'holidays[1]'],
		[{ makeUpWorkdays: ['2020-09-28'] }, 'makeUpWorkdays[0]'],
		[{ holidays: ['2020-09-27'], makeUpWorkdays: ['2020-09-27'] }, 'makeUpWorkdays']
	])('refuses %j', (patch, field) => {
		const issues = issuesOf(patch);
		expect(
			issues.some((i) => i.startsWith(field)),
			issues.join('\n')
		).toBe(true);
	});

	it('accepts other cities\u2019 settings, e.g. a goods type and no member share', () => {
		expect(
			issuesOf({
				projectTypes: ['engineering', 'service', 'goods'],
				communityYearCapFen: 500_000_00,
				projectCapFen: 200_000_00,
				quorum: { minAttendees: 5, memberShare: null, memberShareMode: 'at-least' },
				majority: 'simple'
			})
		).toEqual([]);
	});

	it('never throws on garbage', () => {
		for (const v of [null, 1, 'x', [], { quorum: 5 }, { projectTypes: 'engineering' }]) {
			expect(validateRules(v).ok).toBe(false);
		}
	});
});
