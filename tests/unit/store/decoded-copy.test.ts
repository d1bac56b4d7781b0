import { describe, expect, it } from 'vitest';
import { createRecord, readRecords, updateRecord } from '$lib/doc/records';
import { LocalChange, RoomDoc } from '$lib/store/room-doc';
import { makeSuggestion } from '../domain/factories';
import { newDevice, room } from './helpers';

/**
 * A room's records as last decoded, kept beside its updates, show at once on the next open; the
 * document follows. A copy is only ever of exactly the stored updates: one that another tab's
 * rows have overtaken is not used.
 */

const origin = new LocalChange('test', 'u1');
const who = { id: 'u1', name: '一号' };
const at = new Date('2026-12-04T02:00:00.000Z');
const settle = () => new Promise((done) => setTimeout(done, 2600));

async function roomWithSuggestions(db: ReturnType<typeof newDevice>, ids: string[]) {
	const roomDoc = await RoomDoc.open(db, room);
	for (const id of ids) {
		createRecord(
			roomDoc.doc,
			'suggestion',
			makeSuggestion({ id, title: `建议 ${id}` }),
			origin,
			who,
			at
		);
	}
	await roomDoc.flush();
	return roomDoc;
}

describe("a room's decoded copy", () => {
	it('is kept once writes settle, shown before the document is applied, and then kept', async () => {
		const db = newDevice();
		const first = await roomWithSuggestions(db, ['s1', 's2', 's3']);
		updateRecord(first.doc, 'suggestion', 's2', { title: '改过' }, origin, who, at);
		await first.flush();
		await settle();
		const expected = readRecords(first.doc, 'suggestion');
		await first.close();
		const kept = JSON.parse((await db.decoded.get(room))!.json) as { suggestion: unknown[] };
		expect(kept.suggestion).toHaveLength(3);

		const second = await RoomDoc.open(db, room, { defer: true });
		// The copy, before the document: the document itself is still empty.
		expect(second.loaded).toBe(false);
		expect(second.doc.getMap('suggestion').size).toBe(0);
		expect(readRecords(second.doc, 'suggestion')).toEqual(expected);
		second.applyStored();
		expect(second.loaded).toBe(true);
		expect(second.doc.getMap('suggestion').size).toBe(3);
		expect(readRecords(second.doc, 'suggestion')).toEqual(expected);
		// Changed after opening: seen as ever.
		updateRecord(second.doc, 'suggestion', 's1', { title: '打开后改' }, origin, who, at);
		expect(readRecords(second.doc, 'suggestion').find((r) => r.id === 's1')?.record?.title).toBe(
			'打开后改'
		);
		await second.close();
	}, 15_000);

	it("is followed by the stored state without an 'update' event, which a load does not need", async () => {
		// Yjs encodes a transaction's whole content again for an 'update' listener: for the stored
		// state of a large room that was two fifths of the time of applying it (issue 14, item 12).
		const db = newDevice();
		const first = await roomWithSuggestions(db, ['s1', 's2']);
		await settle();
		await first.close();
		const second = await RoomDoc.open(db, room, { defer: true });
		const updates: unknown[] = [];
		const listener = (_update: Uint8Array, origin: unknown) => updates.push(origin);
		second.doc.on('update', listener);
		let transactions = 0;
		second.doc.on('afterTransaction', () => transactions++);
		// One that an observer of the load adds is kept too.
		const later: unknown[] = [];
		second.doc.getMap('suggestion').observeDeep(() => {
			if (later.length === 0)
				second.doc.on('update', (_u: Uint8Array, o: unknown) => later.push(o));
			later.push('load seen');
		});
		second.applyStored();
		expect(second.doc.getMap('suggestion').size).toBe(2);
		expect(updates).toEqual([]);
		// The load still ends a transaction, and the listeners are all back for what follows.
		expect(transactions).toBe(1);
		updateRecord(second.doc, 'suggestion', 's1', { title: '打开后改' }, origin, who, at);
		expect(updates).toEqual([origin]);
		expect(later.at(-1)).toBe(origin);
		await second.close();
	}, 15_000);

	it("is not used once another tab's rows overtook it, nor without `defer`", async () => {
		const db = newDevice();
		const first = await roomWithSuggestions(db, ['s1']);
		await settle();
		expect(await db.decoded.get(room)).toBeDefined();
		// Another tab adds a suggestion: a row the copy does not hold.
		const tab = await RoomDoc.open(db, room);
		createRecord(tab.doc, 'suggestion', makeSuggestion({ id: 's2' }), origin, who, at);
		await tab.flush();
		await tab.close();
		await first.close();

		const again = await RoomDoc.open(db, room, { defer: true });
		expect(again.loaded).toBe(true);
		expect(
			readRecords(again.doc, 'suggestion')
				.map((r) => r.id)
				.sort()
		).toEqual(['s1', 's2']);
		await again.close();
		const plain = await RoomDoc.open(db, room);
		expect(plain.loaded).toBe(true);
		await plain.close();
	}, 15_000);

	it("is not written by a tab whose document lacks another tab's rows", async () => {
		const db = newDevice();
		const first = await roomWithSuggestions(db, ['s1']);
		// A second tab, opened now, writes a suggestion the first tab's document never gets.
		const tab = await RoomDoc.open(db, room);
		createRecord(tab.doc, 'suggestion', makeSuggestion({ id: 's2' }), origin, who, at);
		await tab.flush();
		await tab.close();
		// The first tab writes too: its own count of rows and its last row no longer tell.
		createRecord(first.doc, 'suggestion', makeSuggestion({ id: 's3' }), origin, who, at);
		await first.flush();
		await settle();
		// Its document holds s1 and s3 only: a copy of it would hide s2 on the next open.
		expect(await db.decoded.get(room)).toBeUndefined();
		await first.close();
	}, 15_000);
});
