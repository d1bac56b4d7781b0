import { describe, expect, it } from 'vitest';
import { median, monthlyReport, toCsv, ZHANGJIAGANG_2020 } from '$lib/domain';
import { budget, makeProject } from './factories';

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
			coveredPercent: 50
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
});
