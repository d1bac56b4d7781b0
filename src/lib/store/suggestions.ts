import type { RecordRef, ResidentContact, Suggestion, SuggestionChannel } from '$lib/domain';
import { commit, commitWithPhotos, type CommandContext } from './commands';
import type { ProcessedPhoto } from './photo-types';
import {
	appendToRecord,
	createRecord,
	InvalidRecordError,
	readRecord,
	recordsOf,
	updateRecord,
	type RecordSource,
	type StoredRecord
} from '$lib/doc/records';
import { LEGACY_CONTACT_FIELDS, validateRecord } from '$lib/domain';

/**
 * The named commands and queries of suggestions (DOMAIN.md, "Collection"). A suggestion lives in
 * its community's room; the resident's name and phone number left with it live in the community's
 * contacts room (`residentContact`, by the suggestion's id), which only its workers open. The two
 * are written by one command each time, so a screen never handles the rooms itself.
 */

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

/** The form's contact fields (named as older apps kept them), and the contact's name for each. */
type ContactField = keyof typeof LEGACY_CONTACT_FIELDS;
const isContactField = (key: string): key is ContactField => key in LEGACY_CONTACT_FIELDS;

/** Thrown when a command would write a resident's contact without the contacts room to keep it. */
export class NoContactsRoomError extends Error {
	constructor() {
		super("A resident's name and phone are kept only in the community's contacts room");
		this.name = 'NoContactsRoomError';
	}
}

/** `undefined` for an empty answer: an emptied contact field is removed, not kept as ''. */
function cleaned(value: unknown): unknown {
	const v = typeof value === 'string' ? value.trim() : value;
	return v === '' ? undefined : v;
}

function suggestionFields(input: SuggestionInput) {
	const { residentName: _name, residentPhone: _phone, ...rest } = input;
	return {
		...rest,
		title: rest.title.trim(),
		description: rest.description.trim(),
		estate: rest.estate.trim(),
		building: rest.building.trim(),
		category: rest.category.trim()
	};
}

/**
 * Records a new suggestion with its photos. Order matters for "nothing half-saved": the record is
 * checked first, the photos are stored next (one transaction), and only then is the record written;
 * if that write cannot reach the disk, it is undone and the photos are removed again.
 */
export async function addSuggestion(
	ctx: CommandContext,
	input: SuggestionInput,
	photos: ProcessedPhoto[],
	/** The community's contacts room, where a resident's name and phone go. */
	contacts?: CommandContext
): Promise<Suggestion> {
	const now = ctx.now();
	const suggestion: Suggestion = {
		id: ctx.newId(),
		createdAt: now.toISOString(),
		createdBy: ctx.author.id,
		...suggestionFields(input),
		photos: photos.map((p) => p.sha256),
		status: 'open'
	};
	const checked = validateRecord('suggestion', suggestion);
	if (!checked.ok) throw new InvalidRecordError('suggestion', checked.issues);
	const contact = contactPatch(input);

	// The contact first: if the suggestion then cannot be stored, an unused contact stays behind
	// in the contacts room (never shown), rather than a suggestion that lost what the resident left.
	if (Object.values(contact).some((v) => v !== undefined)) {
		if (!contacts) throw new NoContactsRoomError();
		await saveContact(contacts, { room: ctx.roomDoc.room, id: suggestion.id }, contact);
	}
	await commitWithPhotos(ctx, 'addSuggestion', touches, photos, now, (origin) => {
		createRecord(ctx.roomDoc.doc, 'suggestion', suggestion, origin, ctx.author, now);
	});
	return suggestion;
}

/** The contact's fields of a form's answers, emptied ones as `undefined` (removed). */
function contactPatch(
	input: Partial<SuggestionInput>
): Partial<Pick<ResidentContact, 'name' | 'phone'>> {
	const out: Record<string, unknown> = {};
	for (const [key, field] of Object.entries(LEGACY_CONTACT_FIELDS)) {
		if (key in input) out[field] = cleaned(input[key as ContactField]);
	}
	return out;
}

/** Writes the changed fields of a suggestion's contact in the contacts room; returns them. */
async function saveContact(
	ctx: CommandContext,
	suggestion: RecordRef,
	patch: Partial<Pick<ResidentContact, 'name' | 'phone'>>
): Promise<string[]> {
	const now = ctx.now();
	let changed: string[] = [];
	await commit(ctx, 'saveContact', ['residentContact'], (origin) => {
		const doc = ctx.roomDoc.doc;
		if (recordsOf(doc, 'residentContact').has(suggestion.id)) {
			changed = updateRecord(doc, 'residentContact', suggestion.id, patch, origin, ctx.author, now);
			return;
		}
		const contact: ResidentContact = {
			id: suggestion.id,
			createdAt: now.toISOString(),
			createdBy: ctx.author.id,
			suggestion,
			...patch
		};
		createRecord(doc, 'residentContact', contact, origin, ctx.author, now);
		changed = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
	});
	return changed;
}

/**
 * The resident's name and phone number of a suggestion, from the contacts room; or, for a
 * suggestion an older app wrote, the ones it still carries (moved on its next edit).
 */
export function readContact(
	contacts: RecordSource | undefined,
	suggestion: StoredRecord<'suggestion'>
): { residentName: string; residentPhone: string } {
	const kept = contacts?.record('residentContact', suggestion.id)?.raw;
	const text = (v: unknown) => (typeof v === 'string' ? v : '');
	if (kept) return { residentName: text(kept.name), residentPhone: text(kept.phone) };
	return {
		residentName: text(suggestion.raw.residentName),
		residentPhone: text(suggestion.raw.residentPhone)
	};
}

/**
 * Changes the fields that differ; photos in `added` are stored and appended. The contact's fields
 * go to the contacts room; a contact an older app left on the suggestion itself moves there too.
 */
export async function editSuggestion(
	ctx: CommandContext,
	id: string,
	patch: Partial<SuggestionInput>,
	added: ProcessedPhoto[] = [],
	contacts?: CommandContext
): Promise<string[]> {
	const now = ctx.now();
	const stored = readRecord(ctx.roomDoc.doc, 'suggestion', id);
	if (!stored) throw new Error(`No suggestion ${id}`);
	const full: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(patch)) {
		if (!isContactField(key)) full[key] = typeof value === 'string' ? value.trim() : value;
	}
	const legacy = Object.keys(LEGACY_CONTACT_FIELDS).filter((key) => key in stored.raw);
	// What an older app left on the suggestion, overridden by what this edit says.
	const left = contactPatch(Object.fromEntries(legacy.map((key) => [key, stored.raw[key]])));
	const contact = { ...left, ...contactPatch(patch) };
	let changed: string[] = [];
	if (Object.keys(contact).length > 0) {
		if (!contacts) throw new NoContactsRoomError();
		const written = await saveContact(contacts, { room: ctx.roomDoc.room, id }, contact);
		changed = written.map((field) => (field === 'name' ? 'residentName' : 'residentPhone'));
		for (const key of legacy) full[key] = undefined;
	}
	await commitWithPhotos(ctx, 'editSuggestion', touches, added, now, (origin) => {
		const doc = ctx.roomDoc.doc;
		changed.push(
			...updateRecord(doc, 'suggestion', id, full as Partial<Suggestion>, origin, ctx.author, now)
		);
		if (added.length === 0) return;
		const shas = added.map((p) => p.sha256);
		if (appendToRecord(doc, 'suggestion', id, 'photos', shas, origin, ctx.author, now).length) {
			changed.push('photos');
		}
	});
	return [...new Set(changed)];
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
