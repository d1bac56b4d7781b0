import { fenToYuanString, type MonthlyTownRow, type MonthlyView } from '$lib/domain';
import type { MessageKey } from '$lib/i18n/zh-cn';
import type { XlsxCell, XlsxSheet } from './xlsx';

/**
 * The monthly report as one table, for the screen, the CSV and the XLSX alike: each cell keeps
 * its value and what kind of figure it is, so that the screen and the CSV show the same text and
 * the XLSX holds numbers a finance officer can sum (amounts in yuan with two decimals, whole
 * percentages, counts), with the city's row last.
 */

export type FigureKind = 'text' | 'count' | 'fen' | 'percent' | 'days';

export interface Figure {
	/** Undefined: no figure (nothing was decided that month, or the ratings could not be read). */
	readonly value: string | number | undefined;
	readonly kind: FigureKind;
}

/** A table of figures: the monthly report, a list's export. */
export interface FigureTable {
	readonly header: readonly string[];
	readonly rows: readonly (readonly Figure[])[];
	/** The totals row, if the table has one (not in a monthly answer kept by an older version). */
	readonly total: readonly Figure[] | undefined;
}

export interface MonthlyTable extends FigureTable {
	readonly month: string;
}

const COLUMNS: readonly MessageKey[] = [
	'report.town',
	'report.suggestions',
	'report.produced',
	'report.engineering',
	'report.service',
	'report.budget',
	'report.medianDays',
	'report.inTime',
	'report.completed',
	'report.disbursed',
	'report.paid',
	'report.coverage',
	'report.ratings',
	'report.rating'
];

function figures(name: string, r: MonthlyTownRow): Figure[] {
	return [
		{ value: name, kind: 'text' },
		{ value: r.suggestions, kind: 'count' },
		{ value: r.produced, kind: 'count' },
		{ value: r.engineering, kind: 'count' },
		{ value: r.service, kind: 'count' },
		{ value: r.budgetFen, kind: 'fen' },
		{ value: r.medianWorkingDays, kind: 'days' },
		{ value: r.withinDeadlinePercent, kind: 'percent' },
		{ value: r.completed, kind: 'count' },
		{ value: r.disbursed, kind: 'count' },
		{ value: r.paidFen, kind: 'fen' },
		{ value: r.coveredPercent, kind: 'percent' },
		{ value: r.ratings?.count, kind: 'count' },
		{ value: r.ratings?.average, kind: 'days' }
	];
}

export function monthlyTable(
	view: MonthlyView,
	townName: (id: string) => string,
	label: (key: MessageKey) => string
): MonthlyTable {
	return {
		month: view.month,
		header: COLUMNS.map(label),
		rows: view.rows.map((r) => figures(townName(r.townId), r)),
		total: view.total && figures(label('report.total'), view.total)
	};
}

/** A figure as the screen and the CSV show it: yuan with two decimals, '—' for none. */
export function figureText(figure: Figure): string {
	const { value, kind } = figure;
	if (value === undefined) return '—';
	if (typeof value === 'string') return value;
	if (kind === 'fen') return fenToYuanString(value);
	if (kind === 'percent') return `${value}%`;
	return String(value);
}

/** A figure as an XLSX cell: a number with its format, text as text, nothing as an empty cell. */
export function figureCell(figure: Figure): XlsxCell {
	const { value, kind } = figure;
	if (value === undefined) return null;
	if (typeof value === 'string') return value;
	switch (kind) {
		case 'fen':
			// Integer fen to yuan: the nearest double of a two-decimal amount, shown with two.
			return { value: value / 100, format: 'yuan' };
		case 'percent':
			return { value: value / 100, format: 'percent' };
		case 'days':
			return { value, format: 'decimal' };
		default:
			return { value, format: 'integer' };
	}
}

/** The rows of the CSV: the header, the rows, the totals. */
export function tableCsvRows(table: FigureTable): string[][] {
	return [
		[...table.header],
		...[...table.rows, ...(table.total ? [table.total] : [])].map((r) => r.map(figureText))
	];
}

/** The XLSX sheet, under a title that says what, when, where and by whom. */
export function tableSheet(name: string, table: FigureTable, title: readonly string[]): XlsxSheet {
	return {
		name,
		title,
		header: table.header,
		rows: table.rows.map((r) => r.map(figureCell)),
		...(table.total ? { totals: table.total.map(figureCell) } : {})
	};
}
