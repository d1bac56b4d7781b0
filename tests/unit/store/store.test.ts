import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import type { RecordKind } from '$lib/domain';
import { StorageFullError } from '$lib/store/db';
import {
	appendToRecord,
	createRecord,
	docRecords,
	InvalidRecordError,
	readHistory,
	readRecord,
	readRecords,
	recordsOf,
	updateRecord
} from '$lib/doc/records';
import { LocalChange } from '$lib/store/room-doc';
import { readPhotoMeta } from '$lib/store/photos';
import {
	addSuggestion,
	editSuggestion,
	listSuggestions,
	NoContactsRoomError,
	readContact
} from '$lib/store/suggestions';
import { makeSuggestion, validRecordOfEveryKind } from '../domain/factories';
import { author, context, exchange, fakePhoto, newDevice, open, room } from './helpers';

const at = new Date('2026-11-28T02:00:00.000Z');
const local = (command = 'test') => new LocalChange(command, author.id);

/** Whether the UTF-8 bytes of `text` appear anywhere in `bytes`. */
function bytesHold(bytes: Uint8Array, text: string): boolean {
	return Buffer.from(bytes).includes(Buffer.from(text, 'utf8'));
}

describe('records in a room document kept in IndexedDB', () => {
	it('round-trips a record of every kind through IndexedDB unchanged', async () => {
		const db = newDevice();
		const first = await open(db);
		for (const [kind, record] of Object.entries(validRecordOfEveryKind)) {
			createRecord(first.doc, kind as RecordKind, record as never, local(), author, at);
		}
		await first.close();

		const again = await open(db);
		for (const [kind, record] of Object.entries(validRecordOfEveryKind)) {
			const id = (record as { id: string }).id;
			const stored = readRecord(again.doc, kind as RecordKind, id);
			expect(stored?.issues, kind).toEqual([]);
			expect(stored?.record, kind).toEqual(record);
		}
		await again.close();
	});

	it('refuses to create a record its validator refuses, writing nothing', async () => {
		const db = newDevice();
		const roomDoc = await open(db);
		const bad = { ...(validRecordOfEveryKind.suggestion as object), channel: 'fax' };
		expect(() =>
			createRecord(roomDoc.doc, 'suggestion', bad as never, local(), author, at)
		).toThrow(InvalidRecordError);
		expect(readRecords(roomDoc.doc, 'suggestion')).toEqual([]);
		await roomDoc.flush();
		expect(await db.updates.count()).toBe(0);
	});

	it('keeps and shows records that fail validation, and lets other fields be edited', async () => {
		const db = newDevice();
		const roomDoc = await open(db);
		// As an older or newer app version might have written it: a missing title, an unknown
		// channel, and a field this version does not know.
		roomDoc.doc.transact(() => {
			const map = new Y.Map<unknown>();
			for (const [k, v] of Object.entries(validRecordOfEveryKind.suggestion as object)) {
				if (k !== 'title') map.set(k, v);
			}
			map.set('channel', 'fax');
			map.set('addedInVersion9', { x: 1 });
			recordsOf(roomDoc.doc, 'suggestion').set('s-1', map);
		}, 'remote');
		recordsOf(roomDoc.doc, 'suggestion').set('junk', 42 as never);
		await roomDoc.close();

		const again = await open(db);
		const list = readRecords(again.doc, 'suggestion');
		expect(list).toHaveLength(2);
		const odd = list.find((r) => r.id === 's-1')!;
		expect(odd.record).toBeUndefined();
		expect(odd.issues).toEqual([
			'title: missing',
			'channel: expected one of wechat, council, door, hotline, other'
		]);
		expect(odd.raw.addedInVersion9).toEqual({ x: 1 });
		expect(list.find((r) => r.id === 'junk')?.issues).toEqual([
			'not a record (expected a map of fields)'
		]);

		// An edit of a sound field goes through; the odd fields are left as they were.
		expect(
			updateRecord(again.doc, 'suggestion', 's-1', { estate: '新村' }, local(), author, at)
		).toEqual(['estate']);
		expect(readRecord(again.doc, 'suggestion', 's-1')?.raw).toMatchObject({
			estate: '新村',
			channel: 'fax',
			addedInVersion9: { x: 1 }
		});
		// An edit that would itself be invalid is refused.
		expect(() =>
			updateRecord(again.doc, 'suggestion', 's-1', { urgent: 'yes' as never }, local(), author, at)
		).toThrow(InvalidRecordError);
		// And listing does not crash on it.
		expect(listSuggestions(list, { words: '塘市' }).map((r) => r.id)).toEqual(['s-1']);
		await again.close();
	});

	it('merges two offline replicas field by field, and both keep their photos', async () => {
		const tabletA = await open(newDevice());
		const tabletB = await open(newDevice());
		const bob = { id: 'u-tanglian-2', name: '汤联二号' };
		const suggestion = validRecordOfEveryKind.suggestion as { id: string; title: string };
		createRecord(tabletA.doc, 'suggestion', suggestion as never, local(), author, at);
		exchange(tabletA.doc, tabletB.doc);

		// Offline, each tablet changes a different field, and each adds a photo.
		updateRecord(
			tabletA.doc,
			'suggestion',
			suggestion.id,
			{ title: 'A 改了标题' },
			local(),
			author,
			at
		);
		updateRecord(
			tabletB.doc,
			'suggestion',
			suggestion.id,
			{ description: 'B 改了描述' },
			new LocalChange('t', bob.id),
			bob,
			at
		);
		appendToRecord(
			tabletA.doc,
			'suggestion',
			suggestion.id,
			'photos',
			['1'.repeat(64)],
			local(),
			author,
			at
		);
		appendToRecord(
			tabletB.doc,
			'suggestion',
			suggestion.id,
			'photos',
			['2'.repeat(64)],
			local(),
			bob,
			at
		);
		exchange(tabletA.doc, tabletB.doc);

		for (const tablet of [tabletA, tabletB]) {
			const r = readRecord(tablet.doc, 'suggestion', suggestion.id)!;
			expect(r.issues).toEqual([]);
			expect(r.raw.title).toBe('A 改了标题');
			expect(r.raw.description).toBe('B 改了描述');
			expect([...(r.raw.photos as string[])].sort()).toEqual(
				[
					'1'.repeat(64),
					'2'.repeat(64),
					...(suggestion as unknown as { photos: string[] }).photos
				].sort()
			);
			const who = readHistory(tablet.doc, 'suggestion', suggestion.id).map(
				(h) => `${h.by}:${h.fields}`
			);
			expect(who.sort()).toEqual(
				[
					`${author.id}:*created`,
					`${author.id}:title`,
					`${bob.id}:description`,
					`${author.id}:photos`,
					`${bob.id}:photos`
				].sort()
			);
		}

		// And so it stays after both tablets reload from IndexedDB.
		const dbA = tabletA.db;
		await tabletA.close();
		await tabletB.close();
		const reopened = await open(dbA);
		expect(readRecord(reopened.doc, 'suggestion', suggestion.id)?.raw).toMatchObject({
			title: 'A 改了标题',
			description: 'B 改了描述'
		});
		await reopened.close();
	});

	it('does not rewrite unchanged fields', async () => {
		const roomDoc = await open(newDevice());
		const s = validRecordOfEveryKind.suggestion as { id: string; title: string };
		createRecord(roomDoc.doc, 'suggestion', s as never, local(), author, at);
		const updates = vi.fn();
		roomDoc.doc.on('update', updates);
		expect(
			updateRecord(roomDoc.doc, 'suggestion', s.id, { title: s.title }, local(), author, at)
		).toEqual([]);
		expect(updates).not.toHaveBeenCalled();
		await roomDoc.close();
	});
});

describe('what waits for the server', () => {
	it('holds a record unsent until the server state vector covers its every change, across a reload', async () => {
		const db = newDevice();
		const tablet = await open(db);
		const server = new Y.Doc();
		const s = validRecordOfEveryKind.suggestion as { id: string };
		const sent: Uint8Array[] = [];
		tablet.doc.on('update', (u: Uint8Array) => sent.push(u));
		createRecord(tablet.doc, 'suggestion', s as never, local(), author, at);
		updateRecord(tablet.doc, 'suggestion', s.id, { estate: '一村' }, local(), author, at);
		await tablet.flush();
		// Two changes of one record: one record waits.
		const key = `suggestion/${s.id}`;
		expect(await tablet.waitingRecords()).toEqual([key]);

		// A change of no record (a photo's metadata alone) still waits, as one of its own.
		tablet.doc.transact(() => tablet.doc.getMap('photoMeta').set('x', 1 as never), local());
		await tablet.flush();
		expect(await tablet.waitingRecords()).toHaveLength(2);
		Y.applyUpdate(server, Y.encodeStateAsUpdate(tablet.doc));
		await tablet.serverHas(Y.encodeStateVector(server));
		expect(await tablet.waitingRecords()).toEqual([]);
		// Two more changes of the record: it waits again, once.
		sent.length = 0;
		updateRecord(tablet.doc, 'suggestion', s.id, { estate: '二村' }, local(), author, at);
		updateRecord(tablet.doc, 'suggestion', s.id, { estate: '三村' }, local(), author, at);
		await tablet.flush();
		expect(await tablet.waitingRecords()).toEqual([key]);

		// A change from elsewhere is not ours to send.
		const other = new Y.Doc();
		other.getMap('suggestion').set('x', 1 as never);
		Y.applyUpdate(tablet.doc, Y.encodeStateAsUpdate(other), 'remote');
		await tablet.flush();
		expect(await tablet.waitingRecords()).toEqual([key]);

		// The server has only the first change: the second still waits, also after a reload.
		Y.applyUpdate(server, sent[0]!);
		await tablet.serverHas(Y.encodeStateVector(server));
		expect(await tablet.waitingRecords()).toEqual([key]);
		await tablet.close();

		const reopened = await open(db);
		expect(await reopened.waitingRecords()).toEqual([key]);
		Y.applyUpdate(server, Y.encodeStateAsUpdate(reopened.doc));
		await reopened.serverHas(Y.encodeStateVector(server));
		expect(await reopened.waitingRecords()).toEqual([]);
		expect((await db.rooms.get(room))?.serverStateVector).toBeDefined();
		await reopened.close();
	});

	it('merges stored updates into one row without losing another tab’s rows', async () => {
		const db = newDevice();
		const tab1 = await open(db);
		const tab2 = await open(db);
		for (let i = 0; i < 30; i++) tab1.doc.getMap('n').set(`a${i}`, i);
		tab2.doc.getMap('n').set('fromTab2', true);
		await tab1.flush();
		await tab2.flush();
		expect(await db.updates.count()).toBe(31);
		await tab1.compact();
		expect(await db.updates.count()).toBe(1);
		const after = await open(db);
		expect(after.doc.getMap('n').get('fromTab2')).toBe(true);
		expect(after.doc.getMap('n').get('a29')).toBe(29);
		await Promise.all([tab1.close(), tab2.close(), after.close()]);
	});
});

describe('suggestion commands', () => {
	it('stores a new suggestion with its photos, queued for upload, with their metadata in the document', async () => {
		const db = newDevice();
		const roomDoc = await open(db);
		const contacts = await open(db, 'contacts:tanglian');
		const photo = await fakePhoto('one');
		const created = await addSuggestion(
			context(roomDoc),
			{
				title: '  路灯坏了 ',
				description: '3 号楼前',
				channel: 'door',
				estate: '塘市花苑',
				building: '3',
				category: '公共设施',
				urgent: true,
				residentName: '',
				residentPhone: ' 13800000000 '
			},
			[photo],
			context(contacts)
		);
		expect(created.title).toBe('路灯坏了');
		expect(created).not.toHaveProperty('residentName', '');
		const stored = readRecord(roomDoc.doc, 'suggestion', created.id)!;
		expect(stored.issues).toEqual([]);
		expect(stored.raw).toMatchObject({ photos: [photo.sha256], status: 'open' });
		// The resident's phone is in the contacts room, by the suggestion's id, and nowhere else.
		expect(readRecord(contacts.doc, 'residentContact', created.id)?.record).toMatchObject({
			suggestion: { room, id: created.id },
			phone: '13800000000'
		});
		expect(readContact(docRecords(contacts.doc), stored)).toEqual({
			residentName: '',
			residentPhone: '13800000000'
		});
		expect(bytesHold(Y.encodeStateAsUpdate(roomDoc.doc), '13800000000')).toBe(false);
		expect(readPhotoMeta(roomDoc.doc, photo.sha256)).toMatchObject({
			width: 1600,
			takenAt: photo.takenAt
		});
		expect((await db.photos.get(photo.sha256))?.bytes.byteLength).toBe(photo.bytes.byteLength);
		expect(await db.thumbs.get(photo.sha256)).toBeDefined();
		expect(await db.photoQueue.get(photo.sha256)).toMatchObject({ room, attempts: 0 });
		expect(await roomDoc.waitingRecords()).toHaveLength(1);
		await Promise.all([roomDoc.close(), contacts.close()]);
	});

	it("refuses a resident's contact when there is no contacts room to keep it, writing nothing", async () => {
		const roomDoc = await open(newDevice());
		const { title, description, channel, estate, building, category, urgent } = makeSuggestion();
		const input = { title, description, channel, estate, building, category, urgent };
		await expect(
			addSuggestion(context(roomDoc), { ...input, residentPhone: '13800000000' }, [])
		).rejects.toThrow(NoContactsRoomError);
		expect(readRecords(roomDoc.doc, 'suggestion')).toEqual([]);
		await roomDoc.close();
	});

	it('moves the contact an older app left on a suggestion to the contacts room on its next edit', async () => {
		const db = newDevice();
		const roomDoc = await open(db);
		const contacts = await open(db, 'contacts:tanglian');
		const old = {
			...(validRecordOfEveryKind.suggestion as object),
			id: 'old-1',
			residentName: '高丽萍',
			residentPhone: '13900001111'
		};
		createRecord(roomDoc.doc, 'suggestion', old as never, local(), author, at);
		// The worker sees it before the edit; reviewers never open the contacts room.
		const before = readRecord(roomDoc.doc, 'suggestion', 'old-1')!;
		expect(readContact(docRecords(contacts.doc), before).residentPhone).toBe('13900001111');

		const changed = await editSuggestion(
			context(roomDoc),
			'old-1',
			{ title: '新标题' },
			[],
			context(contacts)
		);
		expect(changed.sort()).toEqual(['residentName', 'residentPhone', 'title']);
		const after = readRecord(roomDoc.doc, 'suggestion', 'old-1')!;
		expect(after.raw).not.toHaveProperty('residentPhone');
		expect(after.raw).not.toHaveProperty('residentName');
		// Not one byte of it stays in the community room as the server keeps it and sends it on
		// (its history notes no values of it). This tablet's own undo keeps it in memory only.
		const asServer = new Y.Doc();
		Y.applyUpdate(asServer, Y.encodeStateAsUpdate(roomDoc.doc));
		expect(bytesHold(Y.encodeStateAsUpdate(asServer), '13900001111')).toBe(false);
		expect(readRecord(contacts.doc, 'residentContact', 'old-1')?.record).toMatchObject({
			name: '高丽萍',
			phone: '13900001111'
		});
		// An emptied field is removed from the contact.
		await editSuggestion(context(roomDoc), 'old-1', { residentName: ' ' }, [], context(contacts));
		expect(readContact(docRecords(contacts.doc), after)).toEqual({
			residentName: '',
			residentPhone: '13900001111'
		});
		await Promise.all([roomDoc.close(), contacts.close()]);
	});

	it('on a full disk keeps nothing half-saved: no record, no photo, and says so', async () => {
		const db = newDevice();
		const roomDoc = await open(db);
		const photo = await fakePhoto('two');
		const quota = Object.assign(new Error('full'), { name: 'QuotaExceededError' });
		const spy = vi.spyOn(db.updates, 'bulkAdd').mockRejectedValue(quota);
		const input = {
			title: '墙皮脱落',
			description: '',
			channel: 'wechat' as const,
			estate: '',
			building: '',
			category: '',
			urgent: false
		};
		await expect(addSuggestion(context(roomDoc), input, [photo])).rejects.toBeInstanceOf(
			StorageFullError
		);
		spy.mockRestore();
		expect(readRecords(roomDoc.doc, 'suggestion')).toEqual([]);
		expect(await db.photos.get(photo.sha256)).toBeUndefined();
		expect(await db.photoQueue.count()).toBe(0);
		await roomDoc.close();

		const reopened = await open(db);
		expect(readRecords(reopened.doc, 'suggestion')).toEqual([]);
		await reopened.close();
	});

	it('edits only the fields given, appending new photos', async () => {
		const roomDoc = await open(newDevice());
		const ctx = context(roomDoc);
		const s = await addSuggestion(
			ctx,
			{
				title: 't',
				description: 'd',
				channel: 'hotline',
				estate: 'e',
				building: '',
				category: '',
				urgent: false
			},
			[]
		);
		const photo = await fakePhoto('three');
		expect(await editSuggestion(ctx, s.id, { description: 'd2' }, [photo])).toEqual([
			'description',
			'photos'
		]);
		expect(readRecord(roomDoc.doc, 'suggestion', s.id)?.raw).toMatchObject({
			title: 't',
			description: 'd2',
			photos: [photo.sha256]
		});
		await roomDoc.close();
	});

	it('lists newest first, filtered by status, estate, channel and words', async () => {
		const roomDoc = await open(newDevice());
		const ctx = context(roomDoc);
		const base = { description: '', building: '', category: '', urgent: false };
		await addSuggestion(ctx, { ...base, title: '路灯不亮', channel: 'door', estate: '一村' }, []);
		await addSuggestion(
			ctx,
			{ ...base, title: '垃圾桶太少', channel: 'wechat', estate: '二村' },
			[]
		);
		await addSuggestion(ctx, { ...base, title: '路面破损', channel: 'wechat', estate: '一村' }, []);
		const all = readRecords(roomDoc.doc, 'suggestion');
		const titles = (f: Parameters<typeof listSuggestions>[1]) =>
			listSuggestions(all, f).map((r) => r.raw.title);
		expect(titles({})).toEqual(['路面破损', '垃圾桶太少', '路灯不亮']);
		expect(titles({ estate: '一村' })).toEqual(['路面破损', '路灯不亮']);
		expect(titles({ channel: 'wechat', words: '路' })).toEqual(['路面破损']);
		expect(titles({ status: 'adopted' })).toEqual([]);
		await roomDoc.close();
	});
});
