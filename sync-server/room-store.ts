import type Database from 'better-sqlite3';

/**
 * Where rooms live: the log of every update (who sent it, when) and a snapshot per room. This is
 * all the sync code (`rooms.ts`) knows of storage; users, the org, ratings and backups are the
 * server's other tables (`storage.ts`). A second backend implements this interface.
 *
 * The interface is synchronous, and that is part of its contract: `append` returning means every
 * update given is durable, which is what lets the server relay an update only after storing it
 * without holding a connection's later messages back. A backend whose client library is
 * asynchronous (a database across the network) cannot keep that contract as it stands.
 */
export interface RoomStore {
	/** The newest snapshot of a room and the updates after it, in order. */
	load(room: string): StoredRoom;
	/** Appends updates in one durable step (one transaction); returns their ids, in order. */
	append(updates: readonly NewUpdate[], at: string): number[];
	/** Keeps the newest snapshot; `replace` also overwrites one of the same point. */
	writeSnapshot(room: string, data: Uint8Array, upTo: number, at: string, replace?: boolean): void;
	/** The audit trail of a room, newest first: who sent each update, when, and its size. */
	history(room: string, limit?: number): UpdateEntry[];
}

export interface StoredRoom {
	snapshot: Uint8Array | undefined;
	/** The id of the last update the snapshot holds (0: none). */
	snapshotUpTo: number;
	updates: Uint8Array[];
	lastUpdateId: number;
}

export interface NewUpdate {
	room: string;
	data: Uint8Array;
	/** The username of whoever sent it ('server', 'demo', 'admin' for the server's own). */
	author: string;
}

export interface UpdateEntry {
	id: number;
	author: string;
	at: string;
	size: number;
}

/** Prepares each SQL text once: preparing is far dearer than running, and updates are hot. */
export function statementCache(db: Database.Database): (text: string) => Database.Statement {
	const statements = new Map<string, Database.Statement>();
	return (text) => {
		let statement = statements.get(text);
		if (!statement) {
			statement = db.prepare(text);
			statements.set(text, statement);
		}
		return statement;
	};
}

function asBuffer(data: Uint8Array): Buffer {
	return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Rooms in the server's SQLite file (tables `updates` and `snapshots`). better-sqlite3 is
 * synchronous, so "durable when `append` returns" holds by construction.
 */
export class SqliteRoomStore implements RoomStore {
	readonly #sql: (text: string) => Database.Statement;
	readonly #appendAll: (updates: readonly NewUpdate[], at: string) => number[];

	constructor(db: Database.Database) {
		this.#sql = statementCache(db);
		const insert = this.#sql('INSERT INTO updates (room, data, author, at) VALUES (?, ?, ?, ?)');
		this.#appendAll = db.transaction((updates: readonly NewUpdate[], at: string) =>
			updates.map((u) => Number(insert.run(u.room, asBuffer(u.data), u.author, at).lastInsertRowid))
		);
	}

	load(room: string): StoredRoom {
		const snapshot = this.#sql('SELECT data, up_to FROM snapshots WHERE room = ?').get(room) as
			{ data: Buffer; up_to: number } | undefined;
		const upTo = snapshot?.up_to ?? 0;
		const rows = this.#sql(
			'SELECT id, data FROM updates WHERE room = ? AND id > ? ORDER BY id'
		).all(room, upTo) as { id: number; data: Buffer }[];
		return {
			snapshot: snapshot ? new Uint8Array(snapshot.data) : undefined,
			snapshotUpTo: upTo,
			updates: rows.map((row) => new Uint8Array(row.data)),
			lastUpdateId: rows.at(-1)?.id ?? upTo
		};
	}

	append(updates: readonly NewUpdate[], at: string): number[] {
		return this.#appendAll(updates, at);
	}

	writeSnapshot(room: string, data: Uint8Array, upTo: number, at: string, replace = false): void {
		this.#sql(
			`INSERT INTO snapshots (room, data, up_to, at) VALUES (?, ?, ?, ?)
				 ON CONFLICT (room) DO UPDATE SET data = excluded.data, up_to = excluded.up_to, at = excluded.at
				 WHERE excluded.up_to > snapshots.up_to OR (? AND excluded.up_to = snapshots.up_to)`
		).run(room, asBuffer(data), upTo, at, replace ? 1 : 0);
	}

	history(room: string, limit = 1000): UpdateEntry[] {
		return this.#sql(
			'SELECT id, author, at, length(data) AS size FROM updates WHERE room = ? ORDER BY id DESC LIMIT ?'
		).all(room, limit) as UpdateEntry[];
	}
}
