import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createRecord, readRecord, readRecords, updateRecord } from '$lib/doc/records';
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
/** The ids of the suggestions a document reads, sorted. */
const ids = (doc: Y.Doc) =>
	readRecords(doc, 'suggestion')
		.map((r) => r.id)
		.sort();

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
		expect(ids(again.doc)).toEqual(['s1', 's2']);
		await again.close();
		const plain = await RoomDoc.open(db, room);
		expect(plain.loaded).toBe(true);
		await plain.close();
	}, 15_000);

	it('is not used by another version of the app, whose codec may read the rows otherwise', async () => {
		const db = newDevice();
		const first = await RoomDoc.open(db, room, { copyVersion: 'build-1' });
		createRecord(first.doc, 'suggestion', makeSuggestion({ id: 's1' }), origin, who, at);
		await first.flush();
		await settle();
		await first.close();
		// What build 1's stricter validator made of the record (simulated in its copy).
		const copy = (await db.decoded.get(room))!;
		expect(copy.version).toBe('build-1');
		const kinds = JSON.parse(copy.json) as { suggestion: Record<string, unknown>[] };
		kinds.suggestion[0] = { ...kinds.suggestion[0], record: undefined, issues: ['older rule'] };
		await db.decoded.put({ ...copy, json: JSON.stringify(kinds) });

		const same = await RoomDoc.open(db, room, { copyVersion: 'build-1', defer: true });
		expect(same.loaded).toBe(false);
		await same.close();
		const updated = await RoomDoc.open(db, room, { copyVersion: 'build-2', defer: true });
		expect(updated.loaded).toBe(true);
		expect(readRecord(updated.doc, 'suggestion', 's1')?.issues).toEqual([]);
		expect(readRecords(updated.doc, 'suggestion')[0]?.issues).toEqual([]);
		// And its own reading is kept for the next open.
		await settle();
		const kept = (await db.decoded.get(room))!;
		expect(kept.version).toBe('build-2');
		expect(JSON.parse(kept.json).suggestion[0].issues).toEqual([]);
		await updated.close();
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

/**
 * The sync of a room whose stored state waits behind its copy (issue 14, item 12: applying every
 * payment of the city was the longest task of a worker's tablet opening its list). The copy's
 * state vector and deletions answer the server; anything the server brings is applied on the
 * whole document, and nothing of ours is held back.
 */
describe('a room whose stored state waits, in the sync', () => {
	/**
	 * A device whose room holds `ids` and a text, copied to the server; then `offline` changes the
	 * device's room alone; closed with its copy kept, and opened again as the app does.
	 */
	async function reopened(ids: string[], offline?: (doc: Y.Doc) => void) {
		const db = newDevice();
		const first = await roomWithSuggestions(db, ids);
		first.doc.transact(() => first.doc.getText('note').insert(0, '路灯不亮'), origin);
		const server = new Y.Doc();
		Y.applyUpdate(server, Y.encodeStateAsUpdate(first.doc));
		offline?.(first.doc);
		await first.flush();
		await settle();
		const whole = Y.encodeStateAsUpdate(first.doc);
		await first.close();
		const tablet = await RoomDoc.open(db, room, { defer: true });
		expect(tablet.loaded).toBe(false);
		return { db, tablet, server, whole };
	}

	/** One join as the server runs it: its step 2 for our step 1, then our step 2 for its step 1. */
	function join(tablet: RoomDoc, server: Y.Doc) {
		tablet.receive(Y.encodeStateAsUpdate(server, tablet.stateVector()), 'server');
		Y.applyUpdate(server, tablet.missingFor(Y.encodeStateVector(server)), 'tablet');
	}

	it('answers from the copy and stays unapplied when the server has nothing new', async () => {
		const { tablet, server, whole } = await reopened(['s1', 's2']);
		const reference = new Y.Doc();
		Y.applyUpdate(reference, whole);
		expect(tablet.stateVector()).toEqual(Y.encodeStateVector(reference));
		const serverBefore = Y.encodeStateAsUpdate(server);
		join(tablet, server);
		expect(tablet.loaded).toBe(false);
		expect(tablet.doc.getMap('suggestion').size).toBe(0);
		expect(Y.encodeStateAsUpdate(server)).toEqual(serverBefore);
		await tablet.close();
	}, 15_000);

	it("applies its stored state, then the server's news, when the server has anything new", async () => {
		const { tablet, server } = await reopened(['s1']);
		// Another tablet's suggestion reached the server meanwhile.
		const other = new LocalChange('test', 'u9');
		createRecord(server, 'suggestion', makeSuggestion({ id: 's9' }), other, who, at);
		join(tablet, server);
		expect(tablet.loaded).toBe(true);
		expect(ids(tablet.doc)).toEqual(['s1', 's9']);
		await tablet.close();
	}, 15_000);

	it('applies a deletion it lacks, though the server sends no item with it', async () => {
		const { tablet, server } = await reopened(['s1']);
		// On the server a word of the text is deleted: no new item of any client.
		const clocks = Y.encodeStateVector(server);
		server.getText('note').delete(0, 2);
		expect(Y.encodeStateVector(server)).toEqual(clocks);
		join(tablet, server);
		expect(tablet.loaded).toBe(true);
		expect(tablet.doc.getText('note').toString()).toBe('不亮');
		await tablet.close();
	}, 15_000);

	it('sends what it made offline: items, and a deletion that made none', async () => {
		const { tablet, server } = await reopened(['s1'], (doc) => {
			doc.transact(() => doc.getText('note').delete(0, 2), origin);
		});
		join(tablet, server);
		// The deletion alone: the server holds every item of ours, it is sent our deletions.
		expect(server.getText('note').toString()).toBe('不亮');
		expect(tablet.loaded).toBe(false);
		await tablet.close();

		const items = await reopened(['s1'], (doc) => {
			createRecord(doc, 'suggestion', makeSuggestion({ id: 's2' }), origin, who, at);
		});
		join(items.tablet, items.server);
		expect(readRecords(items.server, 'suggestion').map((r) => r.id)).toContain('s2');
		await items.tablet.close();
	}, 20_000);

	it("holds another tab's rows that a merge took in, and sends them", async () => {
		// Tab A takes a suggestion offline and is closed; tab B syncs its own, then merges the rows
		// (past 400 of them) with A's among them. Its copy was kept as if it held A's too.
		const db = newDevice();
		const a = await RoomDoc.open(db, room);
		const b = await RoomDoc.open(db, room);
		createRecord(a.doc, 'suggestion', makeSuggestion({ id: 'typed-in-a' }), origin, who, at);
		await a.flush();
		await a.close();
		createRecord(b.doc, 'suggestion', makeSuggestion({ id: 'typed-in-b' }), origin, who, at);
		await b.flush();
		const server = new Y.Doc();
		Y.applyUpdate(server, Y.encodeStateAsUpdate(b.doc));
		await b.compact();
		expect(ids(b.doc)).toEqual(['typed-in-a', 'typed-in-b']);
		await settle();
		await b.close();

		const tablet = await RoomDoc.open(db, room, { defer: true });
		expect(tablet.loaded).toBe(false);
		expect(ids(tablet.doc)).toEqual(['typed-in-a', 'typed-in-b']);
		join(tablet, server);
		expect(ids(server)).toEqual(['typed-in-a', 'typed-in-b']);
		await tablet.close();
	}, 15_000);

	it('keeps a copy of one moment: an update arriving meanwhile is in none of its parts', async () => {
		const db = newDevice();
		const tab = await RoomDoc.open(db, room, { onPersistError: () => undefined });
		createRecord(tab.doc, 'suggestion', makeSuggestion({ id: 's1' }), origin, who, at);
		await tab.flush();
		const server = new Y.Doc();
		Y.applyUpdate(server, Y.encodeStateAsUpdate(tab.doc));
		const other = new LocalChange('test', 'u9');
		createRecord(server, 'suggestion', makeSuggestion({ id: 'from-server' }), other, who, at);
		const relayed = Y.encodeStateAsUpdate(server, Y.encodeStateVector(tab.doc));
		// The server's update arrives while the copy is being kept, and the disk is full for it.
		const where = db.updates.where.bind(db.updates);
		let delivered = false;
		db.updates.where = ((index: string) => {
			if (!delivered) {
				delivered = true;
				tab.receive(relayed, 'server');
			}
			return where(index);
		}) as typeof db.updates.where;
		db.updates.bulkAdd = (() =>
			Promise.reject(
				new DOMException('full', 'QuotaExceededError')
			)) as unknown as typeof db.updates.bulkAdd;
		await settle();
		expect(delivered).toBe(true);
		const copy = await db.decoded.get(room);
		const stored = new Y.Doc();
		for (const row of await where('room').equals(room).toArray()) Y.applyUpdate(stored, row.update);
		// Had it claimed the update, the next open would tell the server so, and never get it.
		expect(copy?.stateVector).toEqual(Y.encodeStateVector(stored));
		expect(copy?.deletions).toEqual(Y.encodeStateAsUpdate(stored, Y.encodeStateVector(stored)));
		expect(JSON.parse(copy!.json).suggestion.map((r: { id: string }) => r.id)).toEqual(['s1']);
		await tab.close();
	}, 15_000);

	it('applies first when its copy was kept without the sync state, and keeps one with it', async () => {
		const { db, tablet, server } = await reopened(['s1']);
		await tablet.close();
		// A copy as kept before copies held the sync's state.
		const copy = (await db.decoded.get(room))!;
		await db.decoded.put({ room, seq: copy.seq, rows: copy.rows, json: copy.json });
		const old = await RoomDoc.open(db, room, { defer: true });
		expect(old.loaded).toBe(false);
		join(old, server);
		expect(old.loaded).toBe(true);
		await settle();
		expect((await db.decoded.get(room))?.stateVector).toEqual(Y.encodeStateVector(old.doc));
		await old.close();
	}, 20_000);
});
