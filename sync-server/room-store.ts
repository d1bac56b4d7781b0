import type Database from 'better-sqlite3';
import * as Y from 'yjs';
import { Journal, type JournalEntry } from './journal.ts';

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

/**
 * A room's document as storage holds it: its snapshot, then the updates after it, in one
 * transaction (`origin` names it), garbage collection on as in a live room.
 */
export function docOf(stored: StoredRoom, origin: unknown = 'storage'): Y.Doc {
	const doc = new Y.Doc({ gc: true });
	doc.transact(() => {
		if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
		for (const update of stored.updates) Y.applyUpdate(doc, update);
	}, origin);
	return doc;
}

export interface NewUpdate {
	room: string;
	data: Uint8Array;
	/** The username of whoever sent it ('server', 'demo', 'admin' for the server's own). */
	author: string;
}

export interface LoggedUpdate {
	id: number;
	data: Uint8Array;
	author: string;
	at: string;
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

/** Folding the same update twice (a retry, a crash between the two) leaves one row. */
const insertUpdateSql =
	'INSERT OR IGNORE INTO updates (id, room, data, author, at) VALUES (?, ?, ?, ?, ?)';

/** A snapshot replaces an older one only (or one of the same point, when asked to). */
const writeSnapshotSql = `INSERT INTO snapshots (room, data, up_to, at) VALUES (?, ?, ?, ?)
	ON CONFLICT (room) DO UPDATE SET data = excluded.data, up_to = excluded.up_to, at = excluded.at
	WHERE excluded.up_to > snapshots.up_to OR (? AND excluded.up_to = snapshots.up_to)`;

/** The SQL the storage worker runs for the store (storage-worker.mjs). */
export const backgroundSql = { insertSql: insertUpdateSql, snapshotSql: writeSnapshotSql };

/** What the store sends the storage worker. */
export type BackgroundTask =
	| {
			type: 'fold';
			generation: number;
			upTo: number;
			ids: number[];
			rooms: string[];
			authors: string[];
			ats: string[];
			offsets: Uint32Array;
			data: Uint8Array;
	  }
	| {
			type: 'snapshot';
			room: string;
			data: Uint8Array;
			upTo: number;
			at: string;
			replace: boolean;
	  };

/** What the storage worker answers. */
export type BackgroundReply =
	| { type: 'folded'; generation: number; upTo: number }
	| { type: 'fold-failed'; generation: number; error: string }
	| { type: 'snapshot-failed'; room: string; error: string };

/** The storage worker as the store sees it (Storage starts it, see storage-worker.mjs). */
export interface BackgroundWriter {
	send(task: BackgroundTask, transfer: ArrayBuffer[]): void;
}

interface SnapshotWrite {
	room: string;
	data: Uint8Array;
	upTo: number;
	at: string;
	replace: boolean;
}

export interface SqliteRoomStoreOptions {
	/**
	 * The updates journal (journal.ts): appends go to this file and are folded into SQLite in
	 * batches. Only the server, the one process that appends updates, opens it; a store opened
	 * without it (the admin command, tests) commits each append to SQLite.
	 */
	journal?: string;
	/** How long appended updates wait in the journal before they are folded into SQLite. */
	foldMs?: number;
	/** Fold at once when this many bytes of updates wait. */
	foldBytes?: number;
	/**
	 * A fold, or a snapshot written in the background, failed (a fold is tried again; what waits
	 * stays in the journal and in memory).
	 */
	onFoldError?: (error: unknown) => void;
}

/**
 * Rooms in the server's SQLite file (tables `updates` and `snapshots`), with the updates journal
 * in front when one is given. better-sqlite3 and the journal's writes are synchronous, so "durable
 * when `append` returns" holds by construction.
 *
 * Folding happens on the calling thread, or, once `writeInBackground` is given the storage
 * worker, there: the store then sends each batch of waiting updates to the worker, keeps them in
 * memory and in the journal until the worker says they are in SQLite, and then cuts them from the
 * journal. Snapshots go the same way, after the fold that holds their updates, so that a snapshot
 * never reaches SQLite before the updates it holds (a backup of the database alone must never
 * hold a snapshot whose updates have lower ids than updates it lacks).
 */
export class SqliteRoomStore implements RoomStore {
	readonly #sql: (text: string) => Database.Statement;
	readonly #appendAll: (updates: readonly NewUpdate[], at: string) => number[];
	readonly #insertAll: (entries: readonly JournalEntry[]) => void;
	readonly #journal: Journal | undefined;
	readonly #foldMs: number;
	readonly #foldBytes: number;
	readonly #onFoldError: (error: unknown) => void;
	/** Appended to the journal, not known to be in SQLite yet, in id order. */
	#waiting: JournalEntry[] = [];
	#waitingBytes = 0;
	#nextId = 0;
	#foldTimer: ReturnType<typeof setTimeout> | undefined;
	/** The last fold failed: the next one waits for its retry, not for the next append. */
	#foldFailing = false;
	/** The storage worker, when folds run there. */
	#writer: BackgroundWriter | undefined;
	/** Ids up to this one are in SQLite. */
	#foldedUpTo = 0;
	/** The worker is folding a batch (its answer says up to which id). */
	#folding = false;
	/** Replies to batches sent before the store folded by itself (close) are stale. */
	#generation = 0;
	/** Snapshots whose updates are not on their way to SQLite yet: the newest per room. */
	readonly #snapshotsWaiting = new Map<string, SnapshotWrite>();

	constructor(db: Database.Database, options: SqliteRoomStoreOptions = {}) {
		this.#sql = statementCache(db);
		const insert = this.#sql('INSERT INTO updates (room, data, author, at) VALUES (?, ?, ?, ?)');
		this.#appendAll = db.transaction((updates: readonly NewUpdate[], at: string) =>
			updates.map((u) => Number(insert.run(u.room, asBuffer(u.data), u.author, at).lastInsertRowid))
		);
		const insertWithId = this.#sql(insertUpdateSql);
		this.#insertAll = db.transaction((entries: readonly JournalEntry[]) => {
			for (const e of entries) insertWithId.run(e.id, e.room, asBuffer(e.data), e.author, e.at);
		});
		this.#foldMs = options.foldMs ?? 200;
		this.#foldBytes = options.foldBytes ?? 4 * 1024 * 1024;
		this.#onFoldError = options.onFoldError ?? (() => undefined);
		if (options.journal) {
			this.#journal = new Journal(options.journal);
			this.#recover(this.#journal);
		}
	}

	#maxId(): number {
		return (this.#sql('SELECT max(id) AS id FROM updates').get() as { id: number | null }).id ?? 0;
	}

	/** What a previous process appended and did not fold (it was killed): into SQLite, once. */
	#recover(journal: Journal) {
		const folded = this.#maxId();
		const left = journal.read().filter((e) => e.id > folded);
		if (left.length > 0) this.#insertAll(left);
		journal.clear();
		this.#nextId = Math.max(folded, left.at(-1)?.id ?? 0) + 1;
		this.#foldedUpTo = this.#nextId - 1;
	}

	/**
	 * Folds from now on in the storage worker (the server's main thread then never writes the
	 * updates table while it runs). Returns the function the worker's answers are to be given to.
	 */
	writeInBackground(writer: BackgroundWriter): (reply: BackgroundReply) => void {
		this.#writer = writer;
		return (reply) => this.#onReply(reply);
	}

	/** The worker is gone (it crashed): folds happen here again. `why` is reported. */
	stopWritingInBackground(why: unknown): void {
		if (!this.#writer) return;
		this.#writer = undefined;
		this.#onFoldError(new Error(`the storage worker stopped (${String(why)}): folding here`));
		this.#generation++;
		this.#folding = false;
		if (this.#waiting.length > 0) this.#scheduleFold();
	}

	/** Ids below the first waiting one are SQLite's to answer; from it on, the journal's. */
	#firstWaitingId(): number {
		return this.#waiting[0]?.id ?? Number.MAX_SAFE_INTEGER;
	}

	load(room: string): StoredRoom {
		const snapshot = this.#sql('SELECT data, up_to FROM snapshots WHERE room = ?').get(room) as
			{ data: Buffer; up_to: number } | undefined;
		const upTo = snapshot?.up_to ?? 0;
		const rows = this.#sql(
			'SELECT id, data FROM updates WHERE room = ? AND id > ? AND id < ? ORDER BY id'
		).all(room, upTo, this.#firstWaitingId()) as { id: number; data: Buffer }[];
		const updates = rows.map((row) => new Uint8Array(row.data));
		let lastUpdateId = rows.at(-1)?.id ?? upTo;
		for (const e of this.#waiting) {
			if (e.room !== room || e.id <= upTo) continue;
			updates.push(new Uint8Array(e.data)); // a copy (a Buffer's slice would be a view)
			lastUpdateId = e.id;
		}
		return {
			snapshot: snapshot ? new Uint8Array(snapshot.data) : undefined,
			snapshotUpTo: upTo,
			updates,
			lastUpdateId
		};
	}

	append(updates: readonly NewUpdate[], at: string): number[] {
		const journal = this.#journal;
		if (!journal) return this.#appendAll(updates, at);
		if (this.#waitingBytes >= 16 * this.#foldBytes) {
			throw new Error('updates wait in the journal: SQLite has not taken them for a while');
		}
		const entries = updates.map((u, i) => ({
			id: this.#nextId + i,
			room: u.room,
			author: u.author,
			at,
			data: u.data
		}));
		// Throws with nothing written and no id used when the write fails.
		const kept = journal.append(entries);
		this.#nextId += entries.length;
		entries.forEach((e, i) => {
			e.data = kept[i] ?? new Uint8Array(e.data); // the journal's copy, not the caller's bytes
			this.#waitingBytes += e.data.byteLength;
			this.#waiting.push(e);
		});
		if (this.#waitingBytes >= this.#foldBytes && !this.#foldFailing) this.#foldNow();
		else this.#scheduleFold();
		return entries.map((e) => e.id);
	}

	#scheduleFold(delayMs = this.#foldMs) {
		this.#foldTimer ??= setTimeout(() => {
			this.#foldTimer = undefined;
			this.#foldNow();
		}, delayMs);
	}

	#foldNow() {
		if (this.#writer) this.#sendFold(this.#writer);
		else this.#foldQuietly();
	}

	/** Hands what waits to the worker, unless it is still folding the last batch. */
	#sendFold(writer: BackgroundWriter) {
		if (this.#folding || this.#waiting.length === 0) return;
		if (this.#foldTimer) clearTimeout(this.#foldTimer);
		this.#foldTimer = undefined;
		const batch = this.#waiting;
		const offsets = new Uint32Array(batch.length + 1);
		batch.forEach((e, i) => (offsets[i + 1] = offsets[i]! + e.data.byteLength));
		const data = new Uint8Array(offsets[batch.length]!);
		batch.forEach((e, i) => data.set(e.data, offsets[i]));
		const upTo = batch.at(-1)!.id;
		writer.send(
			{
				type: 'fold',
				generation: this.#generation,
				upTo,
				ids: batch.map((e) => e.id),
				rooms: batch.map((e) => e.room),
				authors: batch.map((e) => e.author),
				ats: batch.map((e) => e.at),
				offsets,
				data
			},
			[data.buffer, offsets.buffer]
		);
		this.#folding = true;
	}

	#sendSnapshot(writer: BackgroundWriter, snapshot: SnapshotWrite) {
		this.#snapshotsWaiting.delete(snapshot.room);
		const data = snapshot.data.slice(); // the worker's own copy, moved to it
		writer.send({ type: 'snapshot', ...snapshot, data }, [data.buffer]);
	}

	#onReply(reply: BackgroundReply) {
		if (reply.type === 'snapshot-failed') {
			this.#onFoldError(new Error(`snapshot of ${reply.room} not written: ${reply.error}`));
			return;
		}
		if (reply.generation !== this.#generation || !this.#writer) return;
		this.#folding = false;
		if (reply.type === 'fold-failed') {
			this.#foldFailing = true;
			this.#onFoldError(new Error(reply.error));
			this.#scheduleFold(Math.max(this.#foldMs, 1000));
			return;
		}
		this.#foldFailing = false;
		this.#foldedUpTo = reply.upTo;
		for (const snapshot of [...this.#snapshotsWaiting.values()]) {
			if (snapshot.upTo <= reply.upTo) this.#sendSnapshot(this.#writer, snapshot);
		}
		const left = this.#waiting.findIndex((e) => e.id > reply.upTo);
		const folded = left < 0 ? this.#waiting : this.#waiting.slice(0, left);
		this.#waiting = left < 0 ? [] : this.#waiting.slice(left);
		for (const e of folded) this.#waitingBytes -= e.data.byteLength;
		// The journal may hold what SQLite has as well (recovery skips it): it is cut down to what
		// SQLite lacks once it has grown, not after every fold (each rewrite of the file, and the
		// freeing of the old one, cost the main thread about a millisecond).
		const journal = this.#journal;
		if (journal && journal.size >= this.#foldBytes) {
			try {
				journal.replace(this.#waiting);
			} catch (error) {
				this.#onFoldError(error); // the journal holds more than it needs: harmless
			}
		}
		if (this.#waitingBytes >= this.#foldBytes) this.#sendFold(this.#writer);
		else if (this.#waiting.length > 0 || this.#snapshotsWaiting.size > 0) this.#scheduleFold();
	}

	/**
	 * Moves what waits in the journal into SQLite, here and now, in one transaction, and empties
	 * the journal. With the worker folding, what it is doing is overtaken: its answer is ignored
	 * (a row folded by both is kept once).
	 */
	fold(): void {
		if (this.#foldTimer) clearTimeout(this.#foldTimer);
		this.#foldTimer = undefined;
		if (!this.#journal) return;
		this.#generation++;
		this.#folding = false;
		if (this.#waiting.length > 0) {
			this.#insertAll(this.#waiting);
			this.#foldedUpTo = this.#waiting.at(-1)!.id;
		}
		// A crash here leaves records both folded and in the journal: recovery skips those.
		this.#journal.clear();
		this.#waiting = [];
		this.#waitingBytes = 0;
		for (const snapshot of [...this.#snapshotsWaiting.values()]) {
			this.#snapshotsWaiting.delete(snapshot.room);
			this.#writeSnapshotHere(snapshot);
		}
	}

	#foldQuietly() {
		try {
			this.fold();
			this.#foldFailing = false;
		} catch (error) {
			this.#foldFailing = true;
			this.#onFoldError(error);
			this.#scheduleFold(Math.max(this.#foldMs, 1000));
		}
	}

	writeSnapshot(room: string, data: Uint8Array, upTo: number, at: string, replace = false): void {
		const snapshot = { room, data, upTo, at, replace };
		const writer = this.#writer;
		if (!writer) {
			// A snapshot never reaches SQLite before the updates it holds.
			this.fold();
			this.#writeSnapshotHere(snapshot);
			return;
		}
		// In the worker, once the updates it holds are in SQLite (a fold on its way may fail).
		if (upTo <= this.#foldedUpTo) {
			this.#sendSnapshot(writer, snapshot);
		} else {
			this.#snapshotsWaiting.set(room, snapshot);
			this.#scheduleFold();
		}
	}

	#writeSnapshotHere({ room, data, upTo, at, replace }: SnapshotWrite) {
		this.#sql(writeSnapshotSql).run(room, asBuffer(data), upTo, at, replace ? 1 : 0);
	}

	/**
	 * Every update of a room after `afterId` with its author and time, oldest first (a migration
	 * and the records' history replay the log).
	 */
	log(room: string, afterId = 0): LoggedUpdate[] {
		const rows = this.#sql(
			'SELECT id, data, author, at FROM updates WHERE room = ? AND id > ? AND id < ? ORDER BY id'
		).all(room, afterId, this.#firstWaitingId()) as (LoggedUpdate & { data: Buffer })[];
		const out = rows.map((r) => ({ ...r, data: new Uint8Array(r.data) }));
		for (const e of this.#waiting) {
			if (e.room === room && e.id > afterId) {
				out.push({ id: e.id, data: new Uint8Array(e.data), author: e.author, at: e.at });
			}
		}
		return out;
	}

	history(room: string, limit = 1000): UpdateEntry[] {
		const waiting: UpdateEntry[] = [];
		for (let i = this.#waiting.length - 1; i >= 0 && waiting.length < limit; i--) {
			const e = this.#waiting[i]!;
			if (e.room === room) {
				waiting.push({ id: e.id, author: e.author, at: e.at, size: e.data.byteLength });
			}
		}
		if (waiting.length >= limit) return waiting;
		const stored = this.#sql(
			`SELECT id, author, at, length(data) AS size FROM updates WHERE room = ? AND id < ?
			 ORDER BY id DESC LIMIT ?`
		).all(room, this.#firstWaitingId(), limit - waiting.length) as UpdateEntry[];
		return [...waiting, ...stored];
	}

	/** Folds what waits and closes the journal (the database stays open). */
	close(): void {
		try {
			this.fold();
		} finally {
			this.#writer = undefined;
			this.#journal?.close();
		}
	}
}
