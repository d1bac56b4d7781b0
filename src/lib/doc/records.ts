import * as Y from 'yjs';
// Relative, not `$lib`: the server reads and writes records with these functions too.
import {
	LEGACY_CONTACT_FIELDS,
	validateRecord,
	type RecordKind,
	type RecordKinds
} from '../domain/index.ts';
import { kindCache } from './record-cache.ts';
import { decodeField, encodeField, shapeOf, writeField } from './shapes.ts';

/**
 * Who a write is from, as the Yjs transaction's origin: a person's command (the store's
 * `LocalChange`), or the server's own writes (`{ seed }`: the demo seed, a migration).
 */
export type ChangeOrigin = object;

/**
 * Typed access to the records of a room's document (DESIGN.md, "Rooms"): a top-level Y.Map per
 * record kind, keyed by the record's random id, whose values are Y.Maps of fields, each kept in
 * the shape its kind declares (`shapes.ts`): a register (one value), a list that only grows, a map
 * of sub-records by key, or an object of parts. Two people changing different fields, different
 * items or different parts of an item offline both keep their change; two changing one register
 * end with one of the values on every device (Yjs decides which).
 *
 * Reading never throws and never drops: a record that fails its validator (written by an older or
 * newer app) comes back with its raw fields and its issues, for the screen to show as such.
 *
 * Each record also keeps `_history`, a Y.Array of who changed which fields when. It is made with the
 * record, so concurrent edits append to one array instead of racing to create it.
 */

export interface HistoryEntry {
	at: string;
	by: string;
	byName: string;
	/** The fields changed, or `['*created']` for the creation. */
	fields: string[];
	/**
	 * For each register changed: the value this device replaced and the one it wrote, so that a
	 * change made at the same time on another device, which one of them won, can be shown.
	 */
	registers?: Record<string, { from: unknown; to: unknown }>;
}

export const createdMarker = '*created';
const historyKey = '_history';

export interface StoredRecord<K extends RecordKind> {
	id: string;
	/** The record when it passes its validator. */
	record?: RecordKinds[K];
	/** The fields as stored, valid or not. */
	raw: Record<string, unknown>;
	issues: readonly string[];
}

/** Thrown when a command would store a record its validator refuses; nothing is written. */
export class InvalidRecordError extends Error {
	constructor(
		readonly kind: RecordKind,
		readonly issues: readonly string[]
	) {
		super(`Invalid ${kind}: ${issues.join('; ')}`);
		this.name = 'InvalidRecordError';
	}
}

export function recordsOf(doc: Y.Doc, kind: RecordKind): Y.Map<Y.Map<unknown>> {
	return doc.getMap(kind);
}

function plainFields(kind: RecordKind, map: Y.Map<unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [key, value] of map.entries()) {
		if (key.startsWith('_')) continue;
		out[key] = decodeField(shapeOf(kind, key), value);
	}
	return out;
}

const isList = (kind: RecordKind, key: string) => shapeOf(kind, key).kind === 'list';

function toStored<K extends RecordKind>(kind: K, id: string, value: unknown): StoredRecord<K> {
	if (!(value instanceof Y.Map)) {
		return { id, raw: { value }, issues: ['not a record (expected a map of fields)'] };
	}
	const raw = plainFields(kind, value);
	const result = validateRecord(kind, raw);
	if (result.ok) return { id, record: result.value, raw, issues: [] };
	return { id, raw, issues: result.issues };
}

export function readRecord<K extends RecordKind>(
	doc: Y.Doc,
	kind: K,
	id: string
): StoredRecord<K> | undefined {
	const map = recordsOf(doc, kind);
	// A kept decoding answers while it is fresh for this record: it is also what stands in for a
	// document whose stored state is not applied yet (record-cache.ts), as in `readRecords`.
	const cache = keptDecoding<StoredRecord<K>>(doc, kind, map);
	if (cache && cache.stale !== 'all' && !cache.stale.has(id)) return cache.byId.get(id);
	const value = map.get(id);
	return value === undefined ? undefined : toStored(kind, id, value);
}

/**
 * The kind's kept decoding, if the document keeps one, and not during a transaction: what a
 * transaction changed is noted only when it ends, so a command that reads what it has just
 * written decodes it from the document.
 */
function keptDecoding<T>(doc: Y.Doc, kind: RecordKind, map: Y.Map<Y.Map<unknown>>) {
	return doc._transaction === null ? kindCache<T>(doc, kind, map) : undefined;
}

export function readRecords<K extends RecordKind>(doc: Y.Doc, kind: K): StoredRecord<K>[] {
	const map = recordsOf(doc, kind);
	const cache = keptDecoding<StoredRecord<K>>(doc, kind, map);
	if (!cache) {
		const out: StoredRecord<K>[] = [];
		for (const [id, value] of map.entries()) out.push(toStored(kind, id, value));
		return out;
	}
	if (cache.list && cache.stale !== 'all' && cache.stale.size === 0) return [...cache.list];
	if (cache.stale === 'all') {
		cache.byId.clear();
		for (const [id, value] of map.entries()) cache.byId.set(id, toStored(kind, id, value));
	} else {
		for (const id of cache.stale) {
			const value = map.get(id);
			if (value === undefined) cache.byId.delete(id);
			else cache.byId.set(id, toStored(kind, id, value));
		}
	}
	cache.stale = new Set();
	cache.list = [...cache.byId.values()];
	return [...cache.list];
}

/** The records of a kind that pass their validator (the others are left out). */
export function validRecords<K extends RecordKind>(doc: Y.Doc, kind: K): RecordKinds[K][] {
	return readRecords(doc, kind).flatMap((r) => (r.record ? [r.record] : []));
}

/**
 * What reads a room's records, and nothing else of its document: a document (`docRecords`), or a
 * device's room, which answers from its decoded copy while its stored state is not applied yet
 * (workspace.svelte.ts). The store's readers of records take one, so that reading them never
 * needs the whole document.
 */
export interface RecordSource {
	records<K extends RecordKind>(kind: K): StoredRecord<K>[];
	valid<K extends RecordKind>(kind: K): RecordKinds[K][];
	record<K extends RecordKind>(kind: K, id: string): StoredRecord<K> | undefined;
}

/** A document's records as a `RecordSource`. */
export function docRecords(doc: Y.Doc): RecordSource {
	return {
		records: (kind) => readRecords(doc, kind),
		valid: (kind) => validRecords(doc, kind),
		record: (kind, id) => readRecord(doc, kind, id)
	};
}

export function readHistory(doc: Y.Doc, kind: RecordKind, id: string): HistoryEntry[] {
	const map = recordsOf(doc, kind).get(id);
	const history = map instanceof Y.Map ? map.get(historyKey) : undefined;
	if (!(history instanceof Y.Array)) return [];
	return history.toArray().filter(isHistoryEntry);
}

function isHistoryEntry(v: unknown): v is HistoryEntry {
	const e = v as HistoryEntry;
	return typeof e === 'object' && e !== null && typeof e.at === 'string' && Array.isArray(e.fields);
}

function same(a: unknown, b: unknown): boolean {
	return a === b || JSON.stringify(a) === JSON.stringify(b);
}

export interface Author {
	id: string;
	name: string;
}

/** Stores a new record (validated first) with its creation in the history. */
export function createRecord<K extends RecordKind>(
	doc: Y.Doc,
	kind: K,
	record: RecordKinds[K],
	origin: ChangeOrigin,
	author: Author,
	at: Date
): void {
	const checked = validateRecord(kind, record);
	if (!checked.ok) throw new InvalidRecordError(kind, checked.issues);
	const records = recordsOf(doc, kind);
	if (records.has(record.id)) throw new Error(`${kind} ${record.id} exists already`);
	doc.transact(() => {
		const map = new Y.Map<unknown>();
		for (const [key, value] of Object.entries(record)) {
			if (value !== undefined) map.set(key, encodeField(shapeOf(kind, key), value));
		}
		const history = new Y.Array<HistoryEntry>();
		history.push([
			{ at: at.toISOString(), by: author.id, byName: author.name, fields: [createdMarker] }
		]);
		map.set(historyKey, history);
		records.set(record.id, map);
	}, origin);
}

/**
 * Writes the fields of `patch` that differ from what is stored, one Y.Map key each (an unchanged
 * field is not rewritten: every write keeps a history item). `undefined` removes a field. Refused
 * with InvalidRecordError when the changed fields would not pass the validator. Returns the fields
 * written.
 */
export function updateRecord<K extends RecordKind>(
	doc: Y.Doc,
	kind: K,
	id: string,
	patch: Partial<RecordKinds[K]>,
	origin: ChangeOrigin,
	author: Author,
	at: Date
): string[] {
	const map = recordsOf(doc, kind).get(id);
	if (!(map instanceof Y.Map)) throw new Error(`No ${kind} ${id}`);
	const current = plainFields(kind, map);
	for (const key of Object.keys(patch)) {
		if (isList(kind, key)) throw new Error(`${key} only grows: use appendToRecord`);
	}
	const changed = Object.keys(patch).filter(
		(key) =>
			key !== 'id' && !key.startsWith('_') && !same(current[key], patch[key as keyof typeof patch])
	);
	if (changed.length === 0) return [];

	const next: Record<string, unknown> = { ...current, ...patch };
	const result = validateRecord(kind, next);
	if (!result.ok) {
		// Issues of fields this change did not touch (old data) do not block it.
		const own = result.issues.filter((issue) =>
			changed.some(
				(key) =>
					issue === key ||
					issue.startsWith(`${key}:`) ||
					issue.startsWith(`${key}.`) ||
					issue.startsWith(`${key}[`)
			)
		);
		if (own.length > 0) throw new InvalidRecordError(kind, own);
	}
	doc.transact(() => {
		for (const key of changed) {
			writeField(map, key, shapeOf(kind, key), patch[key as keyof typeof patch]);
		}
		const registers: NonNullable<HistoryEntry['registers']> = {};
		for (const key of changed) {
			// A resident's contact leaving a suggestion must not stay behind in its history.
			if (shapeOf(kind, key).kind !== 'register' || key in LEGACY_CONTACT_FIELDS) continue;
			registers[key] = { from: current[key] ?? null, to: patch[key as keyof typeof patch] ?? null };
		}
		logChange(map, author, at, changed, registers);
	}, origin);
	return changed;
}

function logChange(
	map: Y.Map<unknown>,
	author: Author,
	at: Date,
	fields: string[],
	registers?: HistoryEntry['registers']
) {
	let history = map.get(historyKey);
	if (!(history instanceof Y.Array)) {
		history = new Y.Array<HistoryEntry>();
		map.set(historyKey, history);
	}
	const entry: HistoryEntry = { at: at.toISOString(), by: author.id, byName: author.name, fields };
	if (registers && Object.keys(registers).length > 0) entry.registers = registers;
	(history as Y.Array<HistoryEntry>).push([entry]);
}

export interface ConcurrentChange {
	field: string;
	/** The value that did not win, as its device wrote it. */
	value: unknown;
	byName: string;
	at: string;
}

/**
 * The changes of a register that another device made at the same time and that did not win:
 * two entries of the record's history that replaced the same value with different ones, where
 * the record now holds one of them. What was typed is so never lost from sight.
 */
export function concurrentChanges(
	history: readonly HistoryEntry[],
	current: Record<string, unknown>
): ConcurrentChange[] {
	const byBase = new Map<string, { field: string; entry: HistoryEntry; to: unknown }[]>();
	for (const entry of history) {
		for (const [field, { from, to }] of Object.entries(entry.registers ?? {})) {
			const key = `${field}\u0000${JSON.stringify(from)}`;
			let list = byBase.get(key);
			if (!list) byBase.set(key, (list = []));
			list.push({ field, entry, to });
		}
	}
	const out: ConcurrentChange[] = [];
	for (const writes of byBase.values()) {
		const values = new Set(writes.map((w) => JSON.stringify(w.to)));
		if (values.size < 2) continue;
		const field = writes[0]!.field;
		const now = JSON.stringify(current[field] ?? null);
		if (!values.has(now)) continue; // changed again since: nothing was lost unseen
		for (const w of writes) {
			if (JSON.stringify(w.to) === now) continue;
			out.push({ field, value: w.to, byName: w.entry.byName, at: w.entry.at });
		}
	}
	return out.sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * Appends items to an append-only list field (photos), skipping ones already there. Returns the
 * items appended.
 */
export function appendToRecord<K extends RecordKind>(
	doc: Y.Doc,
	kind: K,
	id: string,
	key: string,
	items: readonly unknown[],
	origin: ChangeOrigin,
	author: Author,
	at: Date
): unknown[] {
	if (!isList(kind, key)) throw new Error(`${key} is not an append-only field`);
	const map = recordsOf(doc, kind).get(id);
	if (!(map instanceof Y.Map)) throw new Error(`No ${kind} ${id}`);
	const existing = map.get(key);
	const have =
		existing instanceof Y.Array ? existing.toArray() : Array.isArray(existing) ? existing : [];
	const fresh = items.filter((item) => !have.some((h) => same(h, item)));
	if (fresh.length === 0) return [];
	doc.transact(() => {
		let list = existing;
		if (!(list instanceof Y.Array)) {
			// A record from an app version that stored a plain array: keep its items.
			list = new Y.Array<unknown>();
			(list as Y.Array<unknown>).push(have);
			map.set(key, list);
		}
		(list as Y.Array<unknown>).push(fresh);
		logChange(map, author, at, [key]);
	}, origin);
	return fresh;
}

/**
 * A copy of a stored record's map, for another document (a record moved to the room that holds
 * its kind): every field, its history and its lists, as new Yjs types with the same content.
 */
export function copyRecord(source: Y.Map<unknown>): Y.Map<unknown> {
	const copy = new Y.Map<unknown>();
	for (const [key, value] of source.entries()) copy.set(key, copyValue(value));
	return copy;
}

function copyValue(value: unknown): unknown {
	if (value instanceof Y.Map) return copyRecord(value);
	if (value instanceof Y.Array) {
		const list = new Y.Array<unknown>();
		list.push(value.toArray().map(copyValue));
		return list;
	}
	if (value instanceof Y.Text) return new Y.Text(value.toString());
	return value;
}
