import { describe, expect, it } from 'vitest';
import type { MonthlyTownRow, MonthlyView } from '$lib/domain';
import {
	figureCell,
	figureText,
	tableCsvRows,
	tableSheet,
	monthlyTable
} from '$lib/export/monthly-table';
import { en } from '$lib/i18n/en';

const row = (townId: string, over: Partial<MonthlyTownRow> = {}): MonthlyTownRow => ({
	townId,
	suggestions: 4,
	produced: 2,
	engineering: 1,
	service: 1,
	budgetFen: 1_234_567_89,
	medianWorkingDays: 3.5,
	withinDeadlinePercent: 50,
	completed: 1,
	disbursed: 0,
	paidFen: 10_00,
	coveredPercent: 98,
	ratings: undefined,
	...over
});
const view: MonthlyView = {
	month: '2020-07',
	rows: [row('yangshe'), row('jingkai', { medianWorkingDays: undefined })],
	total: row('', { suggestions: 8 })
};
const table = monthlyTable(
	view,
	(id) => ({ yangshe: '杨舍镇', jingkai: '经开区' })[id] ?? id,
	(k) => en[k]
);

describe('the monthly report as a table', () => {
	it('labels coverage as cumulative and ends with the city', () => {
		expect(table.header[11]).toBe('Communities covered (cumulative)');
		expect(table.rows.map((r) => r[0]!.value)).toEqual(['杨舍镇', '经开区']);
		expect(table.total?.[0]?.value).toBe('City');
		expect(table.total?.[1]?.value).toBe(8);
	});

	it('shows the same text on screen and in the CSV, the city last', () => {
		const csv = tableCsvRows(table);
		expect(csv).toHaveLength(4);
		expect(csv[1]).toEqual(table.rows[0]!.map(figureText));
		expect(csv[1]!.slice(5, 8)).toEqual(['1234567.89', '3.5', '50%']);
		expect(csv[2]![6]).toBe('—');
		expect(csv[3]![0]).toBe('City');
	});

	it('gives the XLSX numbers with formats: yuan, whole percentages as fractions, counts', () => {
		const [, , , , , budget, days, inTime, , , paid, covered, ratings] = table.rows[0]!;
		expect(figureCell(budget!)).toEqual({ value: 1234567.89, format: 'yuan' });
		expect(figureCell(paid!)).toEqual({ value: 10, format: 'yuan' });
		expect(figureCell(inTime!)).toEqual({ value: 0.5, format: 'percent' });
		expect(figureCell(covered!)).toEqual({ value: 0.98, format: 'percent' });
		expect(figureCell(days!)).toEqual({ value: 3.5, format: 'decimal' });
		expect(figureCell(ratings!)).toBeNull();
		expect(figureCell(table.rows[0]![1]!)).toEqual({ value: 4, format: 'integer' });
		const sheet = tableSheet(table.month, table, ['Monthly report', 'Month: 2020-07']);
		expect(sheet.title).toEqual(['Monthly report', 'Month: 2020-07']);
		expect(sheet.header).toEqual(table.header);
		expect(sheet.rows).toHaveLength(2);
		expect(sheet.totals?.[0]).toBe('City');
	});

	it('has no city row for an answer kept by an older version', () => {
		const old = monthlyTable(
			{ month: '2020-07', rows: view.rows },
			(id) => id,
			(k) => en[k]
		);
		expect(old.total).toBeUndefined();
		expect(tableCsvRows(old)).toHaveLength(3);
		expect('totals' in tableSheet(old.month, old, [])).toBe(false);
	});
});
