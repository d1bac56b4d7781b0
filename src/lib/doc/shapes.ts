import * as Y from 'yjs';
import type { RecordKind } from '../domain/index.ts';

/**
 * How each field of each record kind is kept in its Y.Map (DESIGN.md, "Rooms"), so that two people
 * editing different parts of one record offline both keep their edits:
 *
 * - `register` (the default): one JSON value; when two devices change it, one value wins on every
 *   device. For what is truly one value (a title, a status).
 * - `list`: a Y.Array that only grows (photos, progress reports): both devices' items are kept.
 * - `keyed`: sub-records keyed by their own key (agenda items, budget lines, checklist entries),
 *   a Y.Map of Y.Maps whose fields are each a register; two devices changing two items, or two
 *   fields of one item, keep both. The order is each item's position when it was first written
 *   (`_pos`), ties broken by key.
 * - `set`: a list of distinct strings (the city's holidays, project types), a Y.Map from each to
 *   its position: two devices adding two holidays keep both; one removing one removes it.
 * - `object`: a Y.Map of registers for a value of named parts (attendees' names and head count).
 *
 * Reading gives the plain domain value whatever the shape (validators see plain records); a field
 * an older app stored as one plain value is read as it is and rewritten in its shape on its next
 * edit.
 */

export type FieldShape =
	| { readonly kind: 'register' }
	| { readonly kind: 'list' }
	| { readonly kind: 'keyed'; readonly key: (item: Record<string, unknown>) => string }
	| { readonly kind: 'set' }
	| { readonly kind: 'object' };

const register: FieldShape = { kind: 'register' };
const list: FieldShape = { kind: 'list' };
const object: FieldShape = { kind: 'object' };
const set: FieldShape = { kind: 'set' };
const keyedBy = (field: string): FieldShape => ({
	kind: 'keyed',
	key: (item) => String(item[field])
});
const byRef: FieldShape = {
	kind: 'keyed',
	key: (item) => `${String(item.room)} ${String(item.id)}`
};

/** The fields of each kind that are not registers. */
export const RECORD_SHAPES: { readonly [K in RecordKind]: Readonly<Record<string, FieldShape>> } = {
	suggestion: { photos: list },
	residentContact: {},
	councilMeeting: { agenda: keyedBy('id'), attendees: object, photos: list },
	project: {
		budget: keyedBy('id'),
		suggestions: byRef,
		progress: list,
		completion: object
	},
	reviewDecision: {},
	siteInspection: { checklist: keyedBy('item'), location: object, photos: list },
	rectification: { photos: list },
	rectificationReport: { photos: list },
	disbursement: {},
	spotCheckCampaign: { period: object, population: keyedBy('id'), sample: set },
	spotCheckFinding: { photos: list },
	cityRules: {
		projectTypes: set,
		quorum: object,
		holidays: set,
		makeUpWorkdays: set,
		inspectionChecklist: set
	}
};

export function shapeOf(kind: RecordKind, field: string): FieldShape {
	return RECORD_SHAPES[kind][field] ?? register;
}

const positionKey = '_pos';

/** The plain value of a stored field. */
export function decodeField(shape: FieldShape, value: unknown): unknown {
	if (shape.kind === 'keyed' && value instanceof Y.Map) {
		return [...value.entries()]
			.filter((entry): entry is [string, Y.Map<unknown>] => entry[1] instanceof Y.Map)
			.map(([key, item]) => ({ key, pos: Number(item.get(positionKey)), item }))
			.sort((a, b) => a.pos - b.pos || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
			.map(({ item }) => plainItem(item));
	}
	if (shape.kind === 'set' && value instanceof Y.Map) {
		return [...value.entries()]
			.map(([key, pos]) => ({ key, pos: Number(pos) }))
			.sort((a, b) => a.pos - b.pos || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
			.map(({ key }) => key);
	}
	if (value instanceof Y.AbstractType) return value.toJSON();
	return value;
}

/** Distinct strings: a list with a repeated one is kept whole (a register), never collapsed. */
const isStringList = (value: unknown): value is string[] =>
	Array.isArray(value) &&
	value.every((v) => typeof v === 'string') &&
	new Set(value).size === value.length;

/** Items with distinct keys: items sharing a key are kept whole (a register), never collapsed. */
function isKeyedList(
	shape: Extract<FieldShape, { kind: 'keyed' }>,
	value: unknown
): value is Record<string, unknown>[] {
	if (!Array.isArray(value) || !value.every(isPlainObject)) return false;
	return new Set(value.map(shape.key)).size === value.length;
}

function plainItem(item: Y.Map<unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [key, value] of item.entries()) {
		if (key !== positionKey) out[key] = value;
	}
	return out;
}

/** A new stored value for a field, in its shape. */
export function encodeField(shape: FieldShape, value: unknown): unknown {
	if (shape.kind === 'list' && Array.isArray(value)) {
		const array = new Y.Array<unknown>();
		array.push(value);
		return array;
	}
	if (shape.kind === 'keyed' && isKeyedList(shape, value)) {
		const map = new Y.Map<unknown>();
		value.forEach((item, pos) => map.set(shape.key(item), newItem(item, pos)));
		return map;
	}
	if (shape.kind === 'set' && isStringList(value)) {
		const map = new Y.Map<unknown>();
		value.forEach((item, pos) => map.set(item, pos));
		return map;
	}
	if (shape.kind === 'object' && isPlainObject(value)) {
		const map = new Y.Map<unknown>();
		for (const [key, part] of Object.entries(value)) if (part !== undefined) map.set(key, part);
		return map;
	}
	return value;
}

function newItem(item: Record<string, unknown>, pos: number): Y.Map<unknown> {
	const map = new Y.Map<unknown>();
	for (const [key, part] of Object.entries(item)) if (part !== undefined) map.set(key, part);
	map.set(positionKey, pos);
	return map;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function same(a: unknown, b: unknown): boolean {
	return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Writes `value` into the field `key` of `record`, part by part where its shape has parts: only
 * the items and sub-fields that differ are written, so a concurrent edit of another part stays.
 * A field stored as one plain value (an older app's) is rewritten in its shape.
 */
export function writeField(
	record: Y.Map<unknown>,
	key: string,
	shape: FieldShape,
	value: unknown
): void {
	const stored = record.get(key);
	if (value === undefined) {
		record.delete(key);
		return;
	}
	if (shape.kind === 'keyed' && stored instanceof Y.Map && isKeyedList(shape, value)) {
		writeKeyed(stored, shape, value);
		return;
	} else if (shape.kind === 'set' && stored instanceof Y.Map && isStringList(value)) {
		const wanted = new Set(value);
		for (const key of [...stored.keys()]) if (!wanted.has(key)) stored.delete(key);
		let next = Math.max(-1, ...[...stored.values()].map(Number).filter(Number.isFinite)) + 1;
		for (const item of value) if (!stored.has(item)) stored.set(item, next++);
		return;
	} else if (shape.kind === 'object' && stored instanceof Y.Map && isPlainObject(value)) {
		writeParts(stored, value);
		return;
	}
	record.set(key, encodeField(shape, value));
}

function writeKeyed(
	map: Y.Map<unknown>,
	shape: Extract<FieldShape, { kind: 'keyed' }>,
	items: readonly Record<string, unknown>[]
) {
	const wanted = new Map(items.map((item, pos) => [shape.key(item), { item, pos }]));
	for (const key of [...map.keys()]) {
		if (!wanted.has(key)) map.delete(key);
	}
	// A new item goes after those already there, in the order given.
	let next = 0;
	for (const value of map.values()) {
		if (value instanceof Y.Map) next = Math.max(next, Number(value.get(positionKey)) + 1 || 0);
	}
	for (const [key, { item }] of wanted) {
		const existing = map.get(key);
		if (existing instanceof Y.Map) writeParts(existing, item, [positionKey]);
		else map.set(key, newItem(item, next++));
	}
}

/** Sets the parts that differ and removes those no longer there (but `keep`). */
function writeParts(map: Y.Map<unknown>, value: Record<string, unknown>, keep: string[] = []) {
	for (const key of [...map.keys()]) {
		if (!keep.includes(key) && value[key] === undefined) map.delete(key);
	}
	for (const [key, part] of Object.entries(value)) {
		if (part !== undefined && !same(map.get(key), part)) map.set(key, part);
	}
}
