import type { ProjectQuery, SuggestionQuery } from '$lib/domain';
import type { ListNames } from '$lib/export/list-table';
import { t } from '$lib/i18n/i18n.svelte';
import { placesOf } from '$lib/sync/city-list.svelte';
import type { Workspace } from '$lib/sync/workspace.svelte';

/**
 * The names a list's rows are shown and exported with: places by the directory kept on the
 * device, statuses and labels in the app's language. `statuses` is the dictionary's prefix of the
 * list's statuses (`projectStatus` or `status`), `kind` names a type or category.
 */
export function listNames(
	workspace: Workspace,
	statuses: 'projectStatus' | 'status',
	kind: (value: string) => string
): ListNames {
	const places = placesOf(workspace);
	return {
		town: (id) => places.townName(id) ?? id,
		community: (id) => places.communityName(id) ?? id,
		label: (key) => t(key),
		kind,
		status: (value) => t(`${statuses}.${value}` as Parameters<typeof t>[0])
	};
}

/**
 * What a list is filtered by, in words, for an export's title: "“路灯” · 杨舍镇 · 2019 · 已提交 ·
 * 预算从高到低"; "All" when nothing narrows it.
 */
export function filterText(query: ProjectQuery | SuggestionQuery, names: ListNames): string {
	const parts = [
		query.q.trim() ? `“${query.q.trim()}”` : '',
		query.town ? names.town(query.town) : '',
		query.community ? names.community(query.community) : '',
		query.year === undefined ? '' : String(query.year),
		query.status ? names.status(query.status) : '',
		'type' in query && query.type ? names.kind(query.type) : '',
		'category' in query && query.category ? names.kind(query.category) : '',
		'overdue' in query && query.overdue ? t('list.onlyOverdue') : ''
	].filter(Boolean);
	return [parts.join(' · ') || t('list.all'), t(`list.sort.${query.sort}`)].join(' · ');
}

/**
 * Where a list sorted by place starts a new town or community: the row's id, and the heading
 * ("汤联社区 · 经开区") shown above it.
 */
export function placeHeadings(
	rows: readonly { id: string; townId: string; communityId: string }[],
	names: Pick<ListNames, 'town' | 'community'>
): Map<string, string> {
	const headings = new Map<string, string>();
	let last = '';
	for (const row of rows) {
		const key = `${row.townId}/${row.communityId}`;
		if (key !== last)
			headings.set(row.id, `${names.community(row.communityId)} · ${names.town(row.townId)}`);
		last = key;
	}
	return headings;
}
