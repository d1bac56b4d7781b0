import { describe, expect, it } from 'vitest';
import type { ProjectList, SuggestionList } from '$lib/domain';
import { projectListTable, suggestionListTable, type ListNames } from '$lib/export/list-table';
import { figureCell, tableCsvRows } from '$lib/export/monthly-table';

const names: ListNames = {
	town: (id) => ({ jingkai: '经开区' })[id] ?? id,
	community: (id) => ({ tanglian: '汤联社区' })[id] ?? id,
	label: (key) => key,
	kind: (value) => `kind:${value}`,
	status: (value) => `status:${value}`
};

const row = (id: string, budgetFen: number, overdue: boolean) => ({
	id,
	room: 'community:tanglian',
	title: `项目 ${id}`,
	communityId: 'tanglian',
	townId: 'jingkai',
	type: 'engineering',
	year: 2020,
	status: 'submitted' as const,
	budgetFen,
	createdAt: '2020-03-01T02:00:00.000Z',
	overdue,
	overCap: false
});

describe("a list's export", () => {
	it('has one row per project, budgets as yuan numbers, and totals of every row', () => {
		const list: ProjectList = {
			rows: [row('a', 12_345_67, true), row('b', 100_00, false)],
			total: 2,
			budgetFen: 12_445_67,
			years: [2020],
			types: ['engineering'],
			breaches: []
		};
		const table = projectListTable(list, names);
		expect(table.rows).toHaveLength(2);
		expect(table.rows.every((r) => r.length === table.header.length)).toBe(true);
		expect(table.total).toHaveLength(table.header.length);
		const budget = table.header.indexOf('project.budget');
		expect(figureCell(table.rows[0]![budget]!)).toEqual({ value: 12_345.67, format: 'yuan' });
		expect(figureCell(table.total![budget]!)).toEqual({ value: 12_445.67, format: 'yuan' });
		const csv = tableCsvRows(table);
		expect(csv[1]).toEqual([
			'a',
			'项目 a',
			'经开区',
			'汤联社区',
			'kind:engineering',
			'status:submitted',
			'2020',
			'12345.67',
			'list.yes',
			''
		]);
		expect(csv.at(-1)![table.header.indexOf('list.overdue')]).toBe('1');
	});

	it('gives one row per suggestion, its day in China time', () => {
		const list: SuggestionList = {
			rows: [
				{
					id: 's',
					room: 'community:tanglian',
					communityId: 'tanglian',
					townId: 'jingkai',
					title: '楼道灯坏了',
					status: 'open',
					category: 'lighting',
					estate: '塘市花苑',
					urgent: true,
					photos: 2,
					// China's date of this instant is the next day.
					createdAt: '2020-03-01T17:00:00.000Z'
				}
			],
			total: 1,
			years: [2020],
			categories: ['lighting']
		};
		const csv = tableCsvRows(suggestionListTable(list, names));
		expect(csv[1]).toEqual([
			's',
			'楼道灯坏了',
			'经开区',
			'汤联社区',
			'塘市花苑',
			'kind:lighting',
			'status:open',
			'list.yes',
			'2',
			'2020-03-02'
		]);
	});
});
