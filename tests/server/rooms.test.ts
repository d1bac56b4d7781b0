import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../sync-server/log';
import type { RoomStore } from '../../sync-server/room-store';
import { Rooms, type Peer } from '../../sync-server/rooms';
import { checkUpdate } from '../../sync-server/update-check';
import { MemoryRoomStore } from './helpers/memory-room-store';
import { waitFor } from './helpers/server-process';
import { tempStorageFor } from './helpers/temp-dir';

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
	while (cleanup.length) await cleanup.pop()?.();
});

/** A room store, and how to make its disk fail. */
interface Backend {
	store: RoomStore;
	breakDisk(): void;
}

const backends: [string, () => Promise<Backend>][] = [
	[
		'SQLite',
		async () => {
			const storage = await tempStorageFor(cleanup, 'kuaiban-rooms-');
			return { store: storage.rooms, breakDisk: () => storage.db.close() };
		}
	],
	[
		'memory',
		async () => {
			const store = new MemoryRoomStore();
			return { store, breakDisk: () => (store.broken = true) };
		}
	]
];

describe.each(backends)('rooms over the %s room store', (_name, backend) => {
	async function setup(idleMs: number, snapshotEvery = 500) {
		const { store: storage, breakDisk } = await backend();
		const relayed: Uint8Array[] = [];
		const failed: Peer[] = [];
		const rooms = new Rooms({
			store: storage,
			log: createLogger({ write: () => undefined }),
			now: () => new Date('2026-11-28T08:00:00Z'),
			idleMs,
			snapshotEvery,
			onUpdate: (_room, update) => relayed.push(update),
			onAwareness: () => undefined,
			onStoreFailed: (peers) => failed.push(...peers)
		});
		cleanup.push(() => rooms.closeAll());
		return { storage, rooms, relayed, failed, breakDisk };
	}

	const peer = (author: string): Peer => ({ author, send: () => undefined });

	function edit(key: string, value: string): Uint8Array {
		const doc = new Y.Doc();
		doc.getMap('suggestions').set(key, value);
		return Y.encodeStateAsUpdate(doc);
	}

	it("stores each update with its author before relaying it, a turn's updates in one commit", async () => {
		const { storage, rooms, relayed } = await setup(60_000);
		const room = rooms.open('community:a');
		const worker = peer('a-1');
		rooms.join(room, worker);
		Y.applyUpdate(room.doc, edit('k', 'v'), worker);
		Y.applyUpdate(room.doc, edit('k2', 'v2'), worker);
		// Neither stored nor relayed yet: both wait for the end of this event-loop turn.
		expect(relayed).toHaveLength(0);
		expect(storage.history('community:a')).toHaveLength(0);
		await waitFor(() => (relayed.length === 2 ? true : undefined));
		expect(storage.history('community:a')).toEqual([
			expect.objectContaining({ author: 'a-1', at: '2026-11-28T08:00:00.000Z' }),
			expect.objectContaining({ author: 'a-1', at: '2026-11-28T08:00:00.000Z' })
		]);
	});

	it('relays nothing that could not be stored, and drops the room from memory', async () => {
		const { rooms, relayed, failed, breakDisk } = await setup(60_000);
		const room = rooms.open('community:a');
		const worker = peer('a-1');
		rooms.join(room, worker);
		Y.applyUpdate(room.doc, edit('k', 'v'), worker);
		breakDisk(); // the disk is gone
		rooms.flush();
		expect(relayed).toHaveLength(0);
		expect(failed).toEqual([worker]);
		expect(rooms.has('community:a')).toBe(false);
	});

	it('unloads an idle room and loads the same state on a quick reconnect', async () => {
		const { storage, rooms } = await setup(20);
		const room = rooms.open('community:a');
		const worker = peer('a-1');
		rooms.join(room, worker);
		Y.applyUpdate(room.doc, edit('k', '最后一笔'), worker);
		rooms.leave(room, worker);
		expect(rooms.has('community:a')).toBe(true); // not before the idle time
		await waitFor(() => (rooms.has('community:a') ? undefined : true));
		expect(storage.load('community:a').snapshot).toBeDefined();
		const again = rooms.open('community:a');
		expect(again).not.toBe(room);
		expect(again.doc.getMap('suggestions').get('k')).toBe('最后一笔');
	});

	it('a returning peer keeps the room loaded', async () => {
		const { rooms } = await setup(30);
		const room = rooms.open('community:a');
		const first = peer('a-1');
		rooms.join(room, first);
		rooms.leave(room, first);
		const same = rooms.open('community:a');
		rooms.join(same, peer('a-2'));
		await new Promise((done) => setTimeout(done, 80));
		expect(same).toBe(room);
		expect(rooms.has('community:a')).toBe(true);
	});

	it('compacts into a snapshot and loads snapshot plus the updates after it', async () => {
		const { storage, rooms } = await setup(60_000, 3);
		const room = rooms.open('community:b');
		const worker = peer('b-1');
		rooms.join(room, worker);
		for (let i = 0; i < 5; i++) Y.applyUpdate(room.doc, edit(`k${i}`, `v${i}`), worker);
		await waitFor(() => (storage.load('community:b').snapshot ? true : undefined));
		const stored = storage.load('community:b');
		expect(stored.snapshotUpTo).toBeGreaterThanOrEqual(3);
		expect(storage.history('community:b')).toHaveLength(5); // the log is never pruned
		const doc = new Y.Doc();
		if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
		for (const update of stored.updates) Y.applyUpdate(doc, update);
		expect(doc.getMap('suggestions').toJSON()).toEqual(room.doc.getMap('suggestions').toJSON());
	});

	it("stores and relays a peer's update as it came when it only adds, and only the new part when it repeats", async () => {
		const { storage, rooms, relayed } = await setup(60_000);
		const room = rooms.open('community:a');
		const worker = peer('a-1');
		rooms.join(room, worker);
		const first = new Y.Doc();
		first.getMap('suggestions').set('k', '原话');
		const exact = Y.encodeStateAsUpdate(first);
		expect(checkUpdate(room.doc, exact)).toEqual({ problem: undefined, overlaps: false });
		rooms.apply(room, exact, worker, true);
		await waitFor(() => (relayed.length === 1 ? true : undefined));
		expect(relayed[0]).toEqual(exact);

		// A forged copy of the same change (same client and clock, other words) sent with a new
		// edit: the room keeps its own, and what it stores and relays holds only the new edit.
		const forger = new Y.Doc();
		forger.clientID = first.clientID;
		forger.getMap('suggestions').set('k', '伪造');
		const other = new Y.Doc();
		other.getMap('suggestions').set('k2', '新的');
		const mixed = Y.mergeUpdates([Y.encodeStateAsUpdate(forger), Y.encodeStateAsUpdate(other)]);
		const check = checkUpdate(room.doc, mixed);
		expect(check).toEqual({ problem: undefined, overlaps: true });
		rooms.apply(room, mixed, worker, !check.overlaps);
		await waitFor(() => (relayed.length === 2 ? true : undefined));
		const sent = Y.decodeUpdate(relayed[1]!);
		expect(sent.structs.map((s) => s.id.client)).toEqual([other.clientID]);
		expect(room.doc.getMap('suggestions').toJSON()).toEqual({ k: '原话', k2: '新的' });

		// Nothing new at all: nothing stored or relayed.
		rooms.apply(room, exact, worker, false);
		await new Promise((done) => setImmediate(done));
		rooms.flush();
		expect(relayed).toHaveLength(2);
		expect(storage.history('community:a')).toHaveLength(2);
		const replayed = new Y.Doc();
		for (const update of storage.load('community:a').updates) Y.applyUpdate(replayed, update);
		expect(replayed.getMap('suggestions').toJSON()).toEqual({ k: '原话', k2: '新的' });
	});
});
