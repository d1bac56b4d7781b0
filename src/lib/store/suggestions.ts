import type { Suggestion, SuggestionChannel } from '$lib/domain';
import { commitWithPhotos, type CommandContext } from './commands';
import type { ProcessedPhoto } from './photo-types';
import {
	appendToRecord,
	createRecord,
	InvalidRecordError,
	updateRecord,
	type StoredRecord
} from './records';
import { validateRecord } from '$lib/domain';

/** The named commands and queries of suggestions (DOMAIN.md, "Collection"). */

export interface SuggestionInput {
	title: string;
	description: string;
	channel: SuggestionChannel;
	estate: string;
	building: string;
	category: string;
	urgent: boolean;
	residentName?: string;
	residentPhone?: string;
}

const touches = ['suggestion', 'photo'];

function trimmed(input: SuggestionInput): SuggestionInput {
	const out: SuggestionInput = {
		...input,
		title: input.title.trim(),
		description: input.description.trim(),
		estate: input.estate.trim(),
		building: input.building.trim(),
		category: input.category.trim()
	};
	const name = input.residentName?.trim();
	const phone = input.residentPhone?.trim();
	out.residentName = name ? name : undefined;
	out.residentPhone = phone ? phone : undefined;
	return out;
}

/**
 * Records a new suggestion with its photos. Order matters for "nothing half-saved": the record is
 * checked first, the photos are stored next (one transaction), and only then is the record written;
 * if that write cannot reach the disk, it is undone and the photos are removed again.
 */
export async function addSuggestion(
	ctx: CommandContext,
	input: SuggestionInput,
	photos: ProcessedPhoto[]
): Promise<Suggestion> {
	const now = ctx.now();
	const suggestion: Suggestion = {
		id: ctx.newId(),
		createdAt: now.toISOString(),
		createdBy: ctx.author.id,
		...trimmed(input),
		photos: photos.map((p) => p.sha256),
		status: 'open'
	};
	const checked = validateRecord('suggestion', suggestion);
	if (!checked.ok) throw new InvalidRecordError('suggestion', checked.issues);

	await commitWithPhotos(ctx, 'addSuggestion', touches, photos, now, (origin) => {
		createRecord(ctx.roomDoc.doc, 'suggestion', suggestion, origin, ctx.author, now);
	});
	return suggestion;
}

/** Changes the fields that differ; photos in `added` are stored and appended. */
export async function editSuggestion(
	ctx: CommandContext,
	id: string,
	patch: Partial<SuggestionInput>,
	added: ProcessedPhoto[] = []
): Promise<string[]> {
	const now = ctx.now();
	const full: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(patch)) {
		const v = typeof value === 'string' ? value.trim() : value;
		// An emptied contact field is removed, not kept as ''.
		full[key] = v === '' && (key === 'residentName' || key === 'residentPhone') ? undefined : v;
	}
	let changed: string[] = [];
	await commitWithPhotos(ctx, 'editSuggestion', touches, added, now, (origin) => {
		const doc = ctx.roomDoc.doc;
		changed = updateRecord(
			doc,
			'suggestion',
			id,
			full as Partial<Suggestion>,
			origin,
			ctx.author,
			now
		);
		if (added.length === 0) return;
		const shas = added.map((p) => p.sha256);
		if (appendToRecord(doc, 'suggestion', id, 'photos', shas, origin, ctx.author, now).length) {
			changed.push('photos');
		}
	});
	return changed;
}

export interface SuggestionFilter {
	status?: string;
	estate?: string;
	channel?: string;
	/** Words that must all appear in the title, description, estate, building or category. */
	words?: string;
}

/** Newest first; records that fail validation are kept in the list (shown as such), after filters. */
export function listSuggestions(
	records: StoredRecord<'suggestion'>[],
	filter: SuggestionFilter = {}
): StoredRecord<'suggestion'>[] {
	const words = (filter.words ?? '').toLowerCase().split(/\s+/).filter(Boolean);
	const matches = (r: StoredRecord<'suggestion'>) => {
		const raw = r.raw as Partial<Record<keyof Suggestion, unknown>>;
		if (raw.archived === true) return false;
		if (filter.status && raw.status !== filter.status) return false;
		if (filter.estate && raw.estate !== filter.estate) return false;
		if (filter.channel && raw.channel !== filter.channel) return false;
		if (words.length === 0) return true;
		const text = [raw.title, raw.description, raw.estate, raw.building, raw.category]
			.filter((v) => typeof v === 'string')
			.join(' ')
			.toLowerCase();
		return words.every((w) => text.includes(w));
	};
	const createdAt = (r: StoredRecord<'suggestion'>) =>
		typeof r.raw.createdAt === 'string' ? r.raw.createdAt : '';
	return records.filter(matches).sort((a, b) => createdAt(b).localeCompare(createdAt(a)));
}

/** The estates named in the suggestions, for the filter. */
export function estatesOf(records: StoredRecord<'suggestion'>[]): string[] {
	const set = new Set<string>();
	for (const r of records)
		if (typeof r.raw.estate === 'string' && r.raw.estate) set.add(r.raw.estate);
	return [...set].sort((a, b) => a.localeCompare(b, 'zh-CN'));
}
