import { shanghaiDate, type ProjectList, type SuggestionList } from '$lib/domain';
import type { MessageKey } from '$lib/i18n/zh-cn';
import type { Figure, FigureTable } from './monthly-table';

/**
 * A town's or the city's list as a table for its CSV and XLSX: every match of the list as it is
 * filtered and sorted on the screen, one row each, amounts as numbers, the projects' budgets
 * totalled.
 */

/** The names a list's rows are shown with: the directory's places and the words of the app. */
export interface ListNames {
	town(id: string): string;
	community(id: string): string;
	label(key: MessageKey): string;
	/** A project's type or a suggestion's category, as the screen names it. */
	kind(value: string): string;
	status(value: string): string;
}

const text = (value: string | undefined): Figure => ({ value, kind: 'text' });
/** A flag's cell: "yes", or empty. */
const yes = (names: ListNames, flag: boolean): Figure => text(flag ? names.label('list.yes') : '');

export function projectListTable(list: ProjectList, names: ListNames): FigureTable {
	return {
		header: (
			[
				'list.id',
				'project.title',
				'list.town',
				'suggestions.community',
				'project.type',
				'list.status',
				'list.year',
				'project.budget',
				'list.overdue',
				'list.overCap'
			] as const
		).map(names.label),
		rows: list.rows.map((p) => [
			text(p.id),
			text(p.title),
			text(names.town(p.townId)),
			text(names.community(p.communityId)),
			text(names.kind(p.type)),
			text(names.status(p.status)),
			{ value: p.year, kind: 'text' },
			{ value: p.budgetFen, kind: 'fen' },
			yes(names, p.overdue),
			yes(names, p.overCap)
		]),
		total: [
			text(names.label('list.total')),
			{ value: list.rows.length, kind: 'count' },
			...Array.from({ length: 5 }, () => text('')),
			{ value: list.rows.reduce((sum, p) => sum + p.budgetFen, 0), kind: 'fen' },
			{ value: list.rows.filter((p) => p.overdue).length, kind: 'count' },
			{ value: list.rows.filter((p) => p.overCap).length, kind: 'count' }
		]
	};
}

export function suggestionListTable(list: SuggestionList, names: ListNames): FigureTable {
	return {
		header: (
			[
				'list.id',
				'suggestion.title',
				'list.town',
				'suggestions.community',
				'suggestion.estate',
				'suggestion.category',
				'list.status',
				'suggestion.urgent',
				'list.photos',
				'list.created'
			] as const
		).map(names.label),
		rows: list.rows.map((s) => [
			text(s.id),
			text(s.title),
			text(names.town(s.townId)),
			text(names.community(s.communityId)),
			text(s.estate),
			text(s.category ? names.kind(s.category) : ''),
			text(names.status(s.status)),
			yes(names, s.urgent),
			{ value: s.photos, kind: 'count' },
			text(shanghaiDate(s.createdAt))
		]),
		total: [
			text(names.label('list.total')),
			{ value: list.rows.length, kind: 'count' },
			...Array.from({ length: 8 }, () => text(''))
		]
	};
}
