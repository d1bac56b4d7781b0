import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RECORD_ROOMS, validateRecord, type RecordKind } from '$lib/domain';
import { appendToRecord, createRecord, readRecord, updateRecord } from '$lib/doc/records';
import { shapeOf, type FieldShape } from '$lib/doc/shapes';
import { validRecordOfEveryKind } from '../domain/factories';

/**
 * For every record kind: random concurrent edits on two replicas of one record, merged in both
 * orders, give the same record on both sides, and every part of it (a register, an item of a
 * keyed field, a part of an object, a member of a set, an appended item) that only one replica
 * changed holds that replica's change. Edits are drawn from changes the validator accepts.
 */

const origin = { seed: 'test' };
const at = new Date('2026-12-03T02:00:00.000Z');
const kinds = Object.keys(RECORD_ROOMS) as RecordKind[];

type Plain = Record<string, unknown>;

/** Alternative values of one field that the validator accepts on the record. */
function variants(kind: RecordKind, record: Plain, field: string): unknown[] {
	const value = record[field];
	const out: unknown[] = [];
	const consider = (candidate: unknown) => {
		if (JSON.stringify(candidate) === JSON.stringify(value)) return;
		if (validateRecord(kind, { ...record, [field]: candidate }).ok) out.push(candidate);
	};
	const mutateScalar = (v: unknown, n: number): unknown =>
		typeof v === 'string'
			? `${v}${'改'.repeat(n)}`
			: typeof v === 'number'
				? v + n
				: typeof v === 'boolean'
					? !v
					: v;
	for (const n of [1, 2]) {
		if (Array.isArray(value)) {
			const items = value as unknown[];
			if (items.every((i) => typeof i === 'string')) {
				consider([...items, `新增${n}`]);
				consider(items.slice(1));
			} else if (items.length > 0 && typeof items[0] === 'object') {
				const first = items[0] as Plain;
				for (const key of Object.keys(first)) {
					consider([{ ...first, [key]: mutateScalar(first[key], n) }, ...items.slice(1)]);
				}
				const added = Object.fromEntries(
					Object.entries(first).map(([k, v]) => [k, mutateScalar(v, n + 2)])
				);
				consider([...items, added]);
			}
		} else if (value && typeof value === 'object') {
			for (const [key, part] of Object.entries(value)) {
				consider({ ...(value as Plain), [key]: mutateScalar(part, n) });
			}
		} else {
			consider(mutateScalar(value, n));
		}
	}
	return out;
}

/** The parts of a field's value, as its shape keeps them apart. */
function partsOf(shape: FieldShape, value: unknown): Map<string, string> {
	const parts = new Map<string, string>();
	if (value === undefined) return parts;
	if (shape.kind === 'keyed' && Array.isArray(value)) {
		for (const item of value as Plain[]) parts.set(shape.key(item), JSON.stringify(item));
	} else if (shape.kind === 'object' && value && typeof value === 'object') {
		for (const [k, v] of Object.entries(value)) parts.set(k, JSON.stringify(v));
	} else if ((shape.kind === 'set' || shape.kind === 'list') && Array.isArray(value)) {
		for (const item of value) parts.set(JSON.stringify(item), 'in');
	} else {
		parts.set('', JSON.stringify(value));
	}
	return parts;
}

describe('two replicas of every record kind', () => {
	for (const kind of kinds) {
		it(`${kind}: merge to one record that keeps every part only one side changed`, () => {
			const base = validRecordOfEveryKind[kind] as Plain;
			const fields = Object.keys(base).filter((f) => f !== 'id');
			const choices = fields.flatMap((field) =>
				shapeOf(kind, field).kind === 'list'
					? [{ field, value: undefined }]
					: variants(kind, base, field).map((value) => ({ field, value }))
			);
			expect(choices.length, `${kind} has edits to try`).toBeGreaterThan(0);
			const edit = fc.array(fc.nat({ max: choices.length - 1 }), { maxLength: 5 });
			fc.assert(
				fc.property(edit, edit, (ea, eb) => {
					const id = base.id as string;
					const read = (doc: Y.Doc) => readRecord(doc, kind, id)!.raw;
					const first = new Y.Doc();
					createRecord(first, kind, base as never, origin, { id: 'o', name: 'o' }, at);
					const start = Y.encodeStateAsUpdate(first);
					/** Applies the edits; notes every part any of them changed, even back to its start. */
					const replica = (edits: number[], who: string) => {
						const doc = new Y.Doc();
						Y.applyUpdate(doc, start);
						const touched = new Set<string>();
						edits.forEach((i, n) => {
							const { field, value } = choices[i]!;
							const shape = shapeOf(kind, field);
							const author = { id: who, name: who };
							const before = partsOf(shape, read(doc)[field]);
							if (value === undefined) {
								const item =
									field === 'photos'
										? `${who}${n}`.padEnd(64, '0')
										: { id: `${who}${n}`, at: at.toISOString(), by: who, note: '', photos: [] };
								appendToRecord(doc, kind, id, field, [item], origin, author, at);
							} else {
								updateRecord(doc, kind, id, { [field]: value } as never, origin, author, at);
							}
							const after = partsOf(shape, read(doc)[field]);
							for (const key of new Set([...before.keys(), ...after.keys()])) {
								if (before.get(key) !== after.get(key)) touched.add(`${field} ${key}`);
							}
						});
						return { doc, touched };
					};
					const { doc: a, touched: ta } = replica(ea, 'a');
					const { doc: b, touched: tb } = replica(eb, 'b');
					const [ra, rb] = [read(a), read(b)];
					const ua = Y.encodeStateAsUpdate(a);
					const ub = Y.encodeStateAsUpdate(b);
					const left = new Y.Doc();
					Y.applyUpdate(left, ua);
					Y.applyUpdate(left, ub);
					const right = new Y.Doc();
					Y.applyUpdate(right, ub);
					Y.applyUpdate(right, ua);
					const merged = read(left);
					expect(merged).toEqual(read(right));
					// A part only one replica changed holds that replica's value.
					for (const field of new Set([...Object.keys(ra), ...Object.keys(rb), ...fields])) {
						const shape = shapeOf(kind, field);
						const [pa, pb, pm] = [ra[field], rb[field], merged[field]].map((v) =>
							partsOf(shape, v)
						);
						for (const key of new Set([...pa!.keys(), ...pb!.keys(), ...pm!.keys()])) {
							const part = `${field} ${key}`;
							const where = `${kind}.${field}[${key}]`;
							if (ta.has(part) && !tb.has(part)) expect(pm!.get(key), where).toBe(pa!.get(key));
							if (tb.has(part) && !ta.has(part)) expect(pm!.get(key), where).toBe(pb!.get(key));
							if (!ta.has(part) && !tb.has(part)) expect(pm!.get(key), where).toBe(pa!.get(key));
						}
					}
				}),
				{ numRuns: 60 }
			);
		});
	}
});
