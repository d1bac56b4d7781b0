import { afterEach, describe, expect, it } from 'vitest';
import type { RoomStore } from '../../sync-server/room-store';
import { MemoryRoomStore } from './helpers/memory-room-store';
import { tempStorageFor } from './helpers/temp-dir';

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
	while (cleanup.length) await cleanup.pop()?.();
});

const stores: [string, () => Promise<RoomStore>][] = [
	['SQLite', async () => (await tempStorageFor(cleanup, 'kuaiban-store-')).rooms],
	[
		'SQLite with the journal',
		// Folding never comes by itself here: what waits in the journal must read as stored.
		async () =>
			(
				await tempStorageFor(cleanup, 'kuaiban-store-', {
					journal: 'updates.journal',
					foldMs: 3_600_000
				})
			).rooms
	],
	['memory', async () => new MemoryRoomStore()]
];

const bytes = (...values: number[]) => Uint8Array.from(values);

/** What the sync code relies on, held against every RoomStore. */
describe.each(stores)('the %s room store', (_name, open) => {
	it('gives growing ids across rooms and appends, and loads a room in order', async () => {
		const store = await open();
		const first = store.append(
			[
				{ room: 'community:a', data: bytes(1), author: 'a-1' },
				{ room: 'community:b', data: bytes(2), author: 'b-1' }
			],
			'2026-12-02T01:00:00.000Z'
		);
		const second = store.append(
			[{ room: 'community:a', data: bytes(3, 4), author: 'a-2' }],
			'2026-12-02T02:00:00.000Z'
		);
		const ids = [...first, ...second];
		expect(ids).toHaveLength(3);
		expect([...ids].sort((x, y) => x - y)).toEqual(ids);
		expect(new Set(ids).size).toBe(3);
		const a = store.load('community:a');
		expect(a.snapshot).toBeUndefined();
		expect(a.snapshotUpTo).toBe(0);
		expect(a.updates).toEqual([bytes(1), bytes(3, 4)]);
		expect(a.lastUpdateId).toBe(second[0]);
		expect(store.load('community:nobody')).toEqual({
			snapshot: undefined,
			snapshotUpTo: 0,
			updates: [],
			lastUpdateId: 0
		});
		expect(store.history('community:a')).toEqual([
			{ id: second[0], author: 'a-2', at: '2026-12-02T02:00:00.000Z', size: 2 },
			{ id: first[0], author: 'a-1', at: '2026-12-02T01:00:00.000Z', size: 1 }
		]);
		expect(store.history('community:a', 1)).toHaveLength(1);
	});

	it('loads the newest snapshot and only the updates after it; the log keeps everything', async () => {
		const store = await open();
		const [one, two, three] = store.append(
			[1, 2, 3].map((n) => ({ room: 'community:a', data: bytes(n), author: 'a-1' })),
			'now'
		);
		store.writeSnapshot('community:a', bytes(12), two!, 'now');
		store.writeSnapshot('community:a', bytes(1), one!, 'now'); // older: ignored
		store.writeSnapshot('community:a', bytes(99), two!, 'now'); // same point: ignored
		let loaded = store.load('community:a');
		expect(loaded.snapshot).toEqual(bytes(12));
		expect(loaded.snapshotUpTo).toBe(two);
		expect(loaded.updates).toEqual([bytes(3)]);
		expect(loaded.lastUpdateId).toBe(three);
		store.writeSnapshot('community:a', bytes(21), two!, 'now', true); // a repair replaces it
		loaded = store.load('community:a');
		expect(loaded.snapshot).toEqual(bytes(21));
		store.writeSnapshot('community:a', bytes(1, 2, 3), three!, 'now');
		loaded = store.load('community:a');
		expect(loaded).toEqual({
			snapshot: bytes(1, 2, 3),
			snapshotUpTo: three,
			updates: [],
			lastUpdateId: three
		});
		expect(store.history('community:a')).toHaveLength(3);
	});

	it('keeps no reference to the bytes it was given', async () => {
		const store = await open();
		const data = bytes(7, 7);
		store.append([{ room: 'city', data, author: 'admin' }], 'now');
		data.fill(0);
		expect(store.load('city').updates).toEqual([bytes(7, 7)]);
	});
});
