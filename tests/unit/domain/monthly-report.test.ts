import { describe, expect, it } from 'vitest';
import {
	isReportMonth,
	median,
	monthDates,
	monthlyReport,
	monthlyReportWithTotal,
	toCsv,
	ZHANGJIAGANG_2020
} from '$lib/domain';
import { budget, makeDisbursement, makeProject } from './factories';

const approved = (id: string, submittedAt: string, decidedAt: string, over = {}) =>
	makeProject({ id, status: 'approved', submittedAt, decidedAt, ...over });

describe('the monthly report', () => {
	const input = {
		month: '2020-03',
		towns: [{ id: 'jingkai' }, { id: 'yangshe' }],
		communities: [
			{ id: 'tanglian', townId: 'jingkai' },
			{ id: 'other', townId: 'jingkai' },
			{ id: 'daxin', townId: 'yangshe' }
		],
		suggestions: [
			{ createdAt: '2020-03-10T02:00:00.000Z', communityId: 'tanglian' },
			{ createdAt: '2020-02-29T17:00:00.000Z', communityId: 'tanglian' }, // 1 March in China
			{ createdAt: '2020-04-01T02:00:00.000Z', communityId: 'tanglian' },
			{ createdAt: '2020-03-10T02:00:00.000Z', communityId: 'daxin', archived: true }
		],
		projects: [
			// Monday 2 March to Friday 6 March: 3 working days completed.
			approved('a', '2020-03-02T02:00:00.000Z', '2020-03-06T02:00:00.000Z'),
			// Monday 2 March to Monday 23 March: 14 working days, past the 10-day deadline.
			approved('b', '2020-03-02T02:00:00.000Z', '2020-03-23T02:00:00.000Z', {
				type: 'service',
				budget: budget(5_000_00)
			}),
			approved('c', '2020-02-03T02:00:00.000Z', '2020-02-10T02:00:00.000Z', {
				status: 'completed',
				completedAt: '2020-03-20T02:00:00.000Z'
			}),
			makeProject({ id: 'd', status: 'submitted', submittedAt: '2020-03-05T02:00:00.000Z' })
		],
		rulesOf: () => ZHANGJIAGANG_2020
	};

	it("counts the month's payments and ratings per town", () => {
		const pay = (id: string, project: string, paidAt: string, amountFen: number, o = {}) =>
			makeDisbursement({
				id,
				project: { room: 'community:x', id: project },
				paidAt,
				amountFen,
				...o
			});
		const [jingkai, yangshe] = monthlyReport({
			...input,
			disbursements: [
				pay('1', 'c', '2020-03-25T02:00:00.000Z', 10_000_00),
				pay('2', 'c', '2020-03-31T17:00:00.000Z', 5_000_00), // 1 April in China
				pay('3', 'c', '2020-03-26T02:00:00.000Z', 7_000_00, { archived: true }),
				pay('4', 'elsewhere', '2020-03-26T02:00:00.000Z', 9_000_00)
			],
			ratings: [
				{ communityId: 'tanglian', score: 5, at: '2020-03-03T02:00:00.000Z' },
				{ communityId: 'other', score: 4, at: '2020-03-04T02:00:00.000Z' },
				{ communityId: 'other', score: 4, at: '2020-03-05T02:00:00.000Z' },
				{ communityId: 'tanglian', score: 1, at: '2020-04-03T02:00:00.000Z' }
			]
		});
		expect(jingkai).toMatchObject({ paidFen: 10_000_00, ratings: { count: 3, average: 4.3 } });
		expect(yangshe).toMatchObject({ paidFen: 0, ratings: { count: 0, average: undefined } });
	});

	it("gives the city's row from the records, not from the towns' figures", () => {
		const daxinProject = approved('e', '2020-03-02T02:00:00.000Z', '2020-03-04T02:00:00.000Z', {
			communityId: 'daxin',
			townId: 'yangshe'
		});
		const { rows, total } = monthlyReportWithTotal({
			...input,
			projects: [...input.projects, daxinProject]
		});
		expect(total.townId).toBe('');
		for (const key of ['suggestions', 'produced', 'engineering', 'service', 'budgetFen'] as const) {
			expect(total[key], key).toBe(rows.reduce((sum, r) => sum + r[key], 0));
		}
		// Three communities, two with a project: 67 %, where the towns' 50 % and 100 % would
		// average 75 %.
		expect(rows.map((r) => r.coveredPercent)).toEqual([50, 100]);
		expect(total.coveredPercent).toBe(67);
		// The median of all three decisions (1, 3 and 14 working days), not of the towns' medians.
		expect(rows.map((r) => r.medianWorkingDays)).toEqual([8.5, 1]);
		expect(total.medianWorkingDays).toBe(3);
		expect(total.withinDeadlinePercent).toBe(67);
		expect(monthlyReport(input)).toEqual(monthlyReportWithTotal(input).rows);
	});

	it('gives each town its month', () => {
		const [jingkai, yangshe] = monthlyReport(input);
		expect(jingkai).toEqual({
			townId: 'jingkai',
			suggestions: 2,
			produced: 2,
			engineering: 1,
			service: 1,
			budgetFen: 35_000_00,
			medianWorkingDays: 8.5,
			withinDeadlinePercent: 50,
			completed: 1,
			disbursed: 0,
			paidFen: 0,
			coveredPercent: 50,
			ratings: undefined
		});
		expect(yangshe).toMatchObject({
			suggestions: 0,
			produced: 0,
			medianWorkingDays: undefined,
			coveredPercent: 0
		});
	});

	it('refuses a month that is not one', () => {
		expect(() => monthlyReport({ ...input, month: '2020-13' })).toThrow();
	});

	it('takes the median of odd and even lists', () => {
		expect(median([])).toBeUndefined();
		expect(median([5, 1, 3])).toBe(3);
		expect(median([4, 1, 3, 2])).toBe(2.5);
	});

	it('writes CSV that Excel opens as UTF-8, quoting what needs it', () => {
		expect(
			toCsv([
				['镇', '说明'],
				['经开区', 'a "b", c']
			])
		).toBe('\uFEFF镇,说明\r\n经开区,"a ""b"", c"\r\n');
	});

	it('keeps a text Excel would run as a formula as text, and negative amounts as numbers', () => {
		const csv = toCsv([
			['=HYPERLINK("http://x","点我")', '@SUM(A1)', '+1+1', '-2+3', '\tx'],
			['-1,234.50', '-5', '12%', 'a=b', 3]
		]);
		const [first, second] = csv.slice(1).split('\r\n');
		expect(first).toBe(`"'=HYPERLINK(""http://x"",""点我"")",'@SUM(A1),'+1+1,'-2+3,'\tx`);
		expect(second).toBe('"-1,234.50",-5,12%,a=b,3');
	});
});

describe('the dates of a report month', () => {
	it('runs from the first to the last day, leap years and December included', () => {
		expect(monthDates('2020-02')).toEqual({ from: '2020-02-01', to: '2020-02-29' });
		expect(monthDates('2021-02')).toEqual({ from: '2021-02-01', to: '2021-02-28' });
		expect(monthDates('2020-12')).toEqual({ from: '2020-12-01', to: '2020-12-31' });
		expect(() => monthDates('2020-13')).toThrow();
		expect(() => monthDates('2020-1')).toThrow();
	});

	it('says which months can be reported on', () => {
		expect(['2020-09', '2020-12', '1999-01'].map(isReportMonth)).toEqual([true, true, true]);
		expect(
			['2020-13', '2020-00', '2020-9', '', '2020-09-01', '２０２０-09'].some(isReportMonth)
		).toBe(false);
	});
});
