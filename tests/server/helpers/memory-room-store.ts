import type {
	NewUpdate,
	RoomStore,
	StoredRoom,
	UpdateEntry
} from '../../../sync-server/room-store';

/**
 * A second RoomStore, in memory: the rooms' tests run against it and against SQLite, which shows
 * the sync code needs nothing of storage but the interface. `broken` makes every write throw (the
 * disk is gone).
 */
export class MemoryRoomStore implements RoomStore {
	broken = false;
	readonly #log: (NewUpdate & { id: number; at: string })[] = [];
	readonly #snapshots = new Map<string, { data: Uint8Array; upTo: number; at: string }>();

	load(room: string): StoredRoom {
		const snapshot = this.#snapshots.get(room);
		const upTo = snapshot?.upTo ?? 0;
		const after = this.#log.filter((u) => u.room === room && u.id > upTo);
		return {
			snapshot: snapshot ? new Uint8Array(snapshot.data) : undefined,
			snapshotUpTo: upTo,
			updates: after.map((u) => new Uint8Array(u.data)),
			lastUpdateId: after.at(-1)?.id ?? upTo
		};
	}

	append(updates: readonly NewUpdate[], at: string): number[] {
		if (this.broken) throw new Error('disk gone');
		const first = (this.#log.at(-1)?.id ?? 0) + 1;
		const entries = updates.map((u, i) => ({
			...u,
			data: new Uint8Array(u.data),
			id: first + i,
			at
		}));
		this.#log.push(...entries);
		return entries.map((e) => e.id);
	}

	writeSnapshot(room: string, data: Uint8Array, upTo: number, at: string, replace = false): void {
		if (this.broken) throw new Error('disk gone');
		const old = this.#snapshots.get(room);
		if (old && !(upTo > old.upTo || (replace && upTo === old.upTo))) return;
		this.#snapshots.set(room, { data: new Uint8Array(data), upTo, at });
	}

	history(room: string, limit = 1000): UpdateEntry[] {
		return this.#log
			.filter((u) => u.room === room)
			.reverse()
			.slice(0, limit)
			.map((u) => ({ id: u.id, author: u.author, at: u.at, size: u.data.byteLength }));
	}
}
