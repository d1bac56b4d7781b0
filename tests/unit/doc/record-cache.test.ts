import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Project, Suggestion } from '$lib/domain';
import { applyQuietly, keepDecoded, preloadDecoded } from '$lib/doc/record-cache';
import { createRecord, readRecord, readRecords, recordsOf, updateRecord } from '$lib/doc/records';
import { makeProject, validRecordOfEveryKind } from '../domain/factories';

/**
 * The decoded records a device keeps: a change decodes only the record it touched, whatever
 * touched it (a field, a part of a field, a record added, another device's update), and what is
 * read is always what a fresh decode of the document gives.
 */

const origin = { seed: 'test' };
const at = new Date('2026-12-03T02:00:00.000Z');
const who = { id: 'a', name: 'A' };
const suggestion = (id: string): Suggestion => ({
	...(validRecordOfEveryKind.suggestion as Suggestion),
	id,
	title: `建议 ${id}`
});

/**
 * What a document that keeps nothing decodes: the truth the cache must equal, by id (the order of
 * a map's entries after a merge depends on the devices' random client ids; screens sort).
 */
function fresh(doc: Y.Doc, kind: 'suggestion' | 'project') {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return byId(readRecords(copy, kind));
}

function byId<T extends { id: string }>(list: T[]): T[] {
	return [...list].sort((a, b) => a.id.localeCompare(b.id));
}

describe('decoded records kept per document', () => {
	it('decodes again only the record a change touched, and reads what a fresh decode reads', () => {
		const doc = new Y.Doc();
		keepDecoded(doc);
		for (const id of ['s1', 's2', 's3'])
			createRecord(doc, 'suggestion', suggestion(id), origin, who, at);
		createRecord(doc, 'project', makeProject({ id: 'p1' }), origin, who, at);
		const first = readRecords(doc, 'suggestion');
		expect(byId(first)).toEqual(fresh(doc, 'suggestion'));

		updateRecord(doc, 'suggestion', 's2', { title: '改过的标题' }, origin, who, at);
		const second = readRecords(doc, 'suggestion');
		expect(byId(second)).toEqual(fresh(doc, 'suggestion'));
		const find = (list: typeof first, id: string) => list.find((r) => r.id === id);
		// Untouched records are the very objects decoded before; the changed one is new.
		expect(find(second, 's1')).toBe(find(first, 's1'));
		expect(find(second, 's3')).toBe(find(first, 's3'));
		expect(find(second, 's2')?.record?.title).toBe('改过的标题');

		// A part of a field (a budget line inside the project's keyed budget).
		const before = readRecords(doc, 'project')[0]!.record as Project;
		const budget = before.budget.map((line, i) =>
			i === 0 ? { ...line, amountFen: 1234_00 } : line
		);
		updateRecord(doc, 'project', 'p1', { budget }, origin, who, at);
		expect(byId(readRecords(doc, 'project'))).toEqual(fresh(doc, 'project'));
		expect((readRecords(doc, 'project')[0]!.record as Project).budget[0]!.amountFen).toBe(1234_00);
	});

	it("takes another device's updates and records it adds", () => {
		const doc = new Y.Doc();
		keepDecoded(doc);
		const other = new Y.Doc();
		createRecord(doc, 'suggestion', suggestion('s1'), origin, who, at);
		Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
		expect(readRecords(doc, 'suggestion')).toHaveLength(1);
		createRecord(other, 'suggestion', suggestion('s2'), origin, who, at);
		updateRecord(other, 'suggestion', 's1', { title: '另一台改的' }, origin, who, at);
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)), 'remote');
		const read = readRecords(doc, 'suggestion');
		expect(byId(read)).toEqual(fresh(doc, 'suggestion'));
		expect(read.map((r) => r.record?.title).sort()).toEqual(['另一台改的', '建议 s2']);
	});

	it('shows a stored copy before the document is applied, and keeps it when it is', () => {
		const source = new Y.Doc();
		for (const id of ['s1', 's2'])
			createRecord(source, 'suggestion', suggestion(id), origin, who, at);
		createRecord(source, 'project', makeProject({ id: 'p1' }), origin, who, at);
		const stored = Y.encodeStateAsUpdate(source);
		const copy = readRecords(source, 'suggestion');

		const doc = new Y.Doc();
		keepDecoded(doc);
		preloadDecoded(doc, 'suggestion', recordsOf(doc, 'suggestion'), copy);
		// Before the document: the copy, the whole kind and one record alike.
		expect(readRecords(doc, 'suggestion')).toEqual(copy);
		expect(readRecord(doc, 'suggestion', 's2')).toBe(copy.find((r) => r.id === 's2'));
		// A kind with no copy, read before the document, is empty then and whole after.
		expect(readRecords(doc, 'project')).toEqual([]);
		applyQuietly(doc, () => Y.applyUpdate(doc, stored));
		const after = readRecords(doc, 'suggestion');
		expect(after[0]).toBe(copy[0]);
		expect(byId(after)).toEqual(fresh(doc, 'suggestion'));
		expect(byId(readRecords(doc, 'project'))).toEqual(fresh(doc, 'project'));
		// And changes after that are seen as ever.
		updateRecord(doc, 'suggestion', 's1', { title: '打开后改的' }, origin, who, at);
		expect(byId(readRecords(doc, 'suggestion'))).toEqual(fresh(doc, 'suggestion'));
	});

	it('reads, inside a transaction, what the transaction has written so far', () => {
		// A command that writes a record and then reads it (or reads another it just changed): the
		// kept decoding learns of a change only when its transaction ends.
		const doc = new Y.Doc();
		keepDecoded(doc);
		createRecord(doc, 'suggestion', suggestion('s1'), origin, who, at);
		expect(readRecords(doc, 'suggestion')).toHaveLength(1);
		doc.transact(() => {
			createRecord(doc, 'suggestion', suggestion('s2'), origin, who, at);
			updateRecord(doc, 'suggestion', 's1', { title: '同一事务里改的' }, origin, who, at);
			expect(readRecord(doc, 'suggestion', 's2')?.record?.title).toBe('建议 s2');
			expect(readRecord(doc, 'suggestion', 's1')?.record?.title).toBe('同一事务里改的');
			expect(byId(readRecords(doc, 'suggestion')).map((r) => r.record?.title)).toEqual([
				'同一事务里改的',
				'建议 s2'
			]);
		}, origin);
		// After it, the kept decoding has both.
		expect(byId(readRecords(doc, 'suggestion'))).toEqual(fresh(doc, 'suggestion'));
		expect(readRecord(doc, 'suggestion', 's2')).toBe(
			readRecords(doc, 'suggestion').find((r) => r.id === 's2')
		);
	});

	it('keeps nothing for a document that did not ask (the server)', () => {
		const doc = new Y.Doc();
		createRecord(doc, 'suggestion', suggestion('s1'), origin, who, at);
		expect(readRecords(doc, 'suggestion')[0]).not.toBe(readRecords(doc, 'suggestion')[0]);
	});

	it('reads what a fresh decode reads after any sequence of edits, removals and merges', () => {
		let seed = 7;
		const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		const doc = new Y.Doc();
		keepDecoded(doc);
		const other = new Y.Doc();
		for (let step = 0; step < 300; step++) {
			const target = rand() < 0.7 ? doc : other;
			const ids = [...recordsOf(target, 'suggestion').keys()];
			const roll = rand();
			if (roll < 0.3 || ids.length === 0) {
				createRecord(target, 'suggestion', suggestion(`s${step}`), origin, who, at);
			} else if (roll < 0.8) {
				const id = ids[Math.floor(rand() * ids.length)]!;
				updateRecord(target, 'suggestion', id, { title: `t${step}` }, origin, who, at);
			} else if (roll < 0.9) {
				const id = ids[Math.floor(rand() * ids.length)]!;
				target.transact(() => recordsOf(target, 'suggestion').delete(id), origin);
			} else {
				Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)));
				Y.applyUpdate(other, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(other)));
			}
			if (step % 7 === 0) {
				// One record at a time too, before the whole kind is read again (some kept
				// records stale) and after (none), and one that is not there.
				const truth = fresh(doc, 'suggestion');
				const one = () =>
					byId(
						[...truth.map((r) => r.id), 'absent'].flatMap(
							(id) => readRecord(doc, 'suggestion', id) ?? []
						)
					);
				expect(one()).toEqual(truth);
				expect(byId(readRecords(doc, 'suggestion'))).toEqual(truth);
				expect(one()).toEqual(truth);
			}
		}
	});
});
