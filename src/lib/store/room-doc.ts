import { changedRecords } from '$lib/doc/changed-records';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { RECORD_ROOMS, roomHolds, type RecordKind } from '$lib/domain';
import { applyQuietly, keepDecoded, preloadDecoded } from '$lib/doc/record-cache';
import { readRecords, recordsOf } from '$lib/doc/records';
import {
	isQuotaError,
	StorageFullError,
	type DecodedRow,
	type KuaibanDb,
	type OutboxRow
} from './db';

/**
 * One room's Yjs document, kept in IndexedDB.
 *
 * Every update the document emits is appended to the `updates` table; on open the rows are applied
 * in order, so the document is whole before a screen reads it. Rows are merged into one from time to
 * time: the merge reads the rows inside the same transaction that replaces them, so updates another
 * tab appended meanwhile are merged too, never dropped.
 *
 * Local changes are also counted in `outbox`, as (client id, clock after the change). The server
 * holds a change once its state vector has reached that clock for that client: a state vector
 * counts every item a client ever made, and Yjs never forgets an item (deletes only mark it). So
 * "nothing waiting" is known exactly, and survives a reload, without asking the server per change.
 */

/** Why a transaction happened; every write names its origin (STYLE.md). */
export class LocalChange {
	constructor(
		readonly command: string,
		readonly userId: string
	) {}
}

/**
 * The records an outbox row's change touched (`kind/id`). A row kept before records were noted,
 * or a change of no record (a photo's metadata alone), stands for one of its own: whatever waits
 * keeps the indicator from saying "Synced".
 */
export function outboxRecords(row: OutboxRow): string[] {
	return row.records?.length ? row.records : [`change/${row.id}`];
}

/** How many records, over every room, the outbox rows hold changes of (each record once). */
export function recordsWaiting(rows: readonly OutboxRow[]): number {
	return new Set(rows.flatMap((row) => outboxRecords(row).map((key) => `${row.room} ${key}`))).size;
}

/** Updates applied while loading from IndexedDB: already stored, not to be stored again. */
export const loadOrigin = Symbol('load');

/** Rows after which the updates of a room are merged into one. */
const compactAfterRows = 400;
/** Quiet time after the last write before the room's records are kept decoded for the next open. */
const copyAfterMs = 2000;

/** A decoded copy's records by kind; undefined for one that is not a copy (then unused). */
function parseCopy(json: unknown): Partial<Record<RecordKind, { id: string }[]>> | undefined {
	if (typeof json !== 'string') return undefined;
	try {
		const kinds = JSON.parse(json) as unknown;
		if (typeof kinds !== 'object' || kinds === null) return undefined;
		for (const list of Object.values(kinds)) if (!Array.isArray(list)) return undefined;
		return kinds as Partial<Record<RecordKind, { id: string }[]>>;
	} catch {
		return undefined;
	}
}

/**
 * A room's stored rows into its document, as loaded (not stored again), with the document's
 * 'update' listeners set aside meanwhile. For an 'update' event Yjs encodes everything the
 * transaction added once more (two fifths of the time of applying a room's stored state: 90 ms of
 * 235 at 4x CPU on /suggestions), and no listener wants a load: this store keeps it already, the
 * sync sends only local changes, and the socket's sync step sends the server what it lacks. The
 * screens follow a room's transactions ('afterTransaction'), which a load still ends with.
 */
function applyRows(doc: Y.Doc, updates: Uint8Array[]) {
	// One merged update applies far faster than many small ones; one row is merged already.
	const merged = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
	const listeners = doc._observers.get('update');
	doc._observers.delete('update');
	try {
		Y.applyUpdate(doc, merged, loadOrigin);
	} finally {
		// A listener added meanwhile (by an observer of the load) is kept with the others.
		const added = doc._observers.get('update');
		if (listeners) {
			for (const listener of added ?? []) listeners.add(listener);
			doc._observers.set('update', listeners);
		}
	}
}

/**
 * What a copy kept of the document for the sync (DecodedRow): its state vector, as sent and as
 * clocks, and its deletions as an update of no items.
 */
interface KeptSyncState {
	stateVector: Uint8Array;
	clocks: Map<number, number>;
	deletions: Uint8Array;
}

/** The other side holds every item of ours: its clock of each of our clients is as far. */
function covers(theirs: Map<number, number>, ours: Map<number, number>): boolean {
	for (const [client, clock] of ours) if ((theirs.get(client) ?? 0) < clock) return false;
	return true;
}

/** An update of no items whose deletions are all among `deletions` (an update of no items too). */
function deletesNothingNew(update: Uint8Array, deletions: Uint8Array): boolean {
	// An update starts with how many clients it has items of: any item may be new.
	if (decoding.readVarUint(decoding.createDecoder(update)) !== 0) return false;
	const ours = Y.decodeUpdate(deletions).ds;
	const both = Y.mergeDeleteSets([ours, Y.decodeUpdate(update).ds]);
	return Y.equalDeleteSets(both, Y.mergeDeleteSets([ours]));
}

export interface RoomDocOptions {
	now?: () => Date;
	onPersistError?: (error: unknown) => void;
	/**
	 * The app's version (SvelteKit's): a decoded copy is of what this version's codec reads from
	 * the rows, so one kept by another version is not used. Unset: '' (tests, tools).
	 */
	copyVersion?: string;
}

export class RoomDoc {
	readonly doc: Y.Doc;
	/** Updates not yet on disk; `clock` is this client's clock after a local change. */
	#pending: { update: Uint8Array; clock?: number; records?: string[] }[] = [];
	#writing: Promise<void> = Promise.resolve();
	/**
	 * The keys of the stored rows this document holds, exactly: a decoded copy is kept only of
	 * these, and only while they are all the room's rows (another tab's rows make it another state).
	 */
	#held = new Set<number>();
	/** The stored rows' updates while a decoded copy stands in for them (see `open`). */
	#stored: Uint8Array[] | undefined;
	/** Kept with that copy: what the sync needs meanwhile (absent in an older copy). */
	#keptSync: KeptSyncState | undefined;
	#copyUsed = false;
	#copyTimer: ReturnType<typeof setTimeout> | undefined;
	/** This device had stored something of the room when it was opened. */
	storedAtOpen = false;
	#closed = false;
	#outboxListeners = new Set<() => void>();
	readonly #now: () => Date;
	readonly #onPersistError: (error: unknown) => void;
	readonly #copyVersion: string;

	private constructor(
		readonly db: KuaibanDb,
		readonly room: string,
		options: RoomDocOptions
	) {
		this.doc = new Y.Doc();
		keepDecoded(this.doc);
		this.#now = options.now ?? (() => new Date());
		this.#onPersistError = options.onPersistError ?? ((e) => console.error(e));
		this.#copyVersion = options.copyVersion ?? '';
		this.doc.on('update', this.#onUpdate);
	}

	/**
	 * Opens the room's document with everything this device stored for it. With `defer`, when the
	 * room's records as last decoded match the stored rows (`decoded`), they are read from that
	 * copy and the document itself is applied later (`applyStored`): a list shows at once instead
	 * of after decoding years of records. A command applies it first (`Workspace.commandContext`).
	 */
	static async open(
		db: KuaibanDb,
		room: string,
		options: RoomDocOptions & { defer?: boolean } = {}
	): Promise<RoomDoc> {
		const roomDoc = new RoomDoc(db, room, options);
		const [rows, copy] = await Promise.all([
			db.updates.where('room').equals(room).sortBy('seq'),
			options.defer ? db.decoded.get(room).catch(() => undefined) : undefined
		]);
		roomDoc.#held = new Set(rows.map((r) => r.seq!));
		roomDoc.storedAtOpen = rows.length > 0;
		if (rows.length > 0) {
			const updates = rows.map((r) => r.update);
			// Keys only grow and rows are only ever replaced by a later one (a merge): the last key
			// and the count name one set of rows. And the copy is this version's reading of them.
			const kinds =
				copy &&
				copy.seq === rows.at(-1)?.seq &&
				copy.rows === rows.length &&
				(copy.version ?? '') === roomDoc.#copyVersion
					? parseCopy(copy.json)
					: undefined;
			if (kinds) {
				for (const [kind, records] of Object.entries(kinds)) {
					const k = kind as RecordKind;
					preloadDecoded(roomDoc.doc, k, recordsOf(roomDoc.doc, k), records as { id: string }[]);
				}
				roomDoc.#stored = updates;
				roomDoc.#copyUsed = true;
				if (copy?.stateVector && copy.deletions) {
					roomDoc.#keptSync = {
						stateVector: copy.stateVector,
						clocks: Y.decodeStateVector(copy.stateVector),
						deletions: copy.deletions
					};
				}
				// For bench/client.ts: which rooms opened from their decoded copy.
				globalThis.performance?.mark?.(`kuaiban:copy-used:${room}`);
			} else {
				applyRows(roomDoc.doc, updates);
			}
		}
		if (rows.length > compactAfterRows) await roomDoc.compact();
		if (!roomDoc.#copyUsed) roomDoc.#scheduleCopy();
		return roomDoc;
	}

	/** The document holds what this device stored (false only until `applyStored` after a copy). */
	get loaded(): boolean {
		return this.#stored === undefined;
	}

	/**
	 * Applies the stored state whose decoded copy was shown (see `open`); nothing is decoded
	 * again, the copy being of that very state. Done when something needs the document itself:
	 * a command, a reader beyond the records, an update from the server that brings anything.
	 */
	applyStored(): void {
		const stored = this.#stored;
		if (stored === undefined) return;
		this.#stored = undefined;
		const kept = this.#keptSync;
		this.#keptSync = undefined;
		applyQuietly(this.doc, () => applyRows(this.doc, stored));
		// For bench/client.ts and bench/lighthouse.ts: which rooms were applied, and when.
		globalThis.performance?.mark?.(`kuaiban:applied:${this.room}`);
		// A copy kept before copies held the sync's state: keep one that does.
		if (!kept) this.#scheduleCopy();
	}

	// The sync (mux-socket.ts's SyncSource). While the stored state waits, the copy's state vector
	// and deletions answer for it: a tablet that reopens and finds nothing new on the server never
	// decodes its rooms (every payment of the city, for one); one that finds anything applies first.

	/** This device's state vector, for a sync step 1. */
	stateVector(): Uint8Array {
		if (this.#stored !== undefined && this.#keptSync) return this.#keptSync.stateVector;
		this.applyStored();
		return Y.encodeStateVector(this.doc);
	}

	/** What the server lacks, given its state vector (the answer to its sync step 1). */
	missingFor(stateVector: Uint8Array): Uint8Array {
		const kept = this.#stored !== undefined ? this.#keptSync : undefined;
		// It holds every item of ours: it is sent our deletions, as Yjs would.
		if (kept && covers(Y.decodeStateVector(stateVector), kept.clocks)) return kept.deletions;
		this.applyStored();
		return Y.encodeStateAsUpdate(this.doc, stateVector);
	}

	/** An update from the server: applied, unless the stored state that waits holds it all. */
	receive(update: Uint8Array, origin: unknown): void {
		const kept = this.#stored !== undefined ? this.#keptSync : undefined;
		if (kept && deletesNothingNew(update, kept.deletions)) return;
		this.applyStored();
		Y.applyUpdate(this.doc, update, origin);
	}

	/** After changes settle: keeps the room's records as decoded now, for the next open. */
	#scheduleCopy() {
		clearTimeout(this.#copyTimer);
		this.#copyTimer = setTimeout(() => void this.#keepCopy().catch(() => undefined), copyAfterMs);
	}

	async #keepCopy(): Promise<void> {
		const writing = this.#writing;
		await writing.catch(() => undefined);
		// Only when the document is exactly the rows it holds: nothing pending, no write begun
		// meanwhile, nothing deferred.
		if (this.#closed || !this.loaded || this.#pending.length > 0 || this.#writing !== writing) {
			return;
		}
		const held = new Set(this.#held);
		if (held.size === 0) return;
		// The records, the state vector and the deletions of one moment: nothing comes between
		// them (an update arriving during the transaction below is not in any of the three).
		const kinds: Partial<Record<RecordKind, unknown[]>> = {};
		for (const kind of Object.keys(RECORD_ROOMS) as RecordKind[]) {
			if (roomHolds(this.room, kind) && this.doc.share.has(kind)) {
				kinds[kind] = readRecords(this.doc, kind);
			}
		}
		const stateVector = Y.encodeStateVector(this.doc);
		const copy: DecodedRow = {
			room: this.room,
			seq: Math.max(...held),
			rows: held.size,
			json: JSON.stringify(kinds),
			stateVector,
			// An update of everything beyond the state vector: no items, every deletion.
			deletions: Y.encodeStateAsUpdate(this.doc, stateVector),
			version: this.#copyVersion
		};
		await this.db.transaction('rw', this.db.updates, this.db.decoded, async () => {
			// Another tab may have added or merged rows this document does not hold.
			const keys = await this.db.updates.where('room').equals(this.room).primaryKeys();
			if (keys.length !== held.size || keys.some((key) => key === undefined || !held.has(key))) {
				return;
			}
			await this.db.decoded.put(copy);
		});
	}

	#onUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
		if (origin === loadOrigin || this.#closed) return;
		// The update event comes at the end of its transaction, before any other: the client's
		// clock now is the clock right after this change.
		if (origin instanceof LocalChange) {
			const clock = Y.getState(this.doc.store, this.doc.clientID);
			this.#pending.push({ update, clock, records: changedRecords(this.doc, transaction.changed) });
		} else {
			this.#pending.push({ update });
		}
		// After the current task, so that a command awaiting flush() takes the batch (and its error).
		queueMicrotask(() => void this.flush().catch(this.#onPersistError));
	};

	/**
	 * Writes what the document emitted since the last flush. Resolves when it is on disk; rejects
	 * with StorageFullError when the disk is full (the updates stay queued for the next flush).
	 */
	flush(): Promise<void> {
		this.#writing = this.#writing.catch(() => undefined).then(() => this.#write());
		return this.#writing;
	}

	async #write(): Promise<void> {
		if (this.#pending.length === 0) return;
		const batch = this.#pending;
		this.#pending = [];
		const at = this.#now().toISOString();
		const client = this.doc.clientID;
		const outbox: OutboxRow[] = [];
		for (const { clock, records } of batch) {
			if (clock !== undefined) outbox.push({ room: this.room, client, clock, at, records });
		}
		let keys: (number | undefined)[] = [];
		try {
			await this.db.transaction('rw', this.db.updates, this.db.outbox, async () => {
				keys = await this.db.updates.bulkAdd(
					batch.map(({ update }) => ({ room: this.room, update })),
					{ allKeys: true }
				);
				if (outbox.length > 0) await this.db.outbox.bulkAdd(outbox);
			});
		} catch (error) {
			this.#pending = batch.concat(this.#pending);
			throw isQuotaError(error) ? new StorageFullError(error) : error;
		}
		for (const key of keys) if (key !== undefined) this.#held.add(key);
		if (outbox.length > 0) this.#notifyOutbox();
		if (this.#held.size > compactAfterRows) await this.compact();
		this.#scheduleCopy();
	}

	/**
	 * Replaces the room's rows by one merged update (read and replaced in one transaction). Rows
	 * another tab wrote since this document opened are merged too: the document takes them first
	 * (and the sync sends them on), so that it still holds exactly the stored rows.
	 */
	async compact(): Promise<void> {
		let foreign: Uint8Array[] = [];
		let seq: number | undefined;
		await this.db.transaction('rw', this.db.updates, async () => {
			const rows = await this.db.updates.where('room').equals(this.room).sortBy('seq');
			if (rows.length < 2) return;
			foreign = rows.filter((r) => !this.#held.has(r.seq!)).map((r) => r.update);
			const merged = Y.mergeUpdates(rows.map((r) => r.update));
			await this.db.updates.bulkDelete(rows.map((r) => r.seq!));
			seq = await this.db.updates.add({ room: this.room, update: merged });
		});
		if (seq === undefined) return;
		if (foreign.length > 0) {
			// What a copy stood in for is no longer all that is stored.
			this.applyStored();
			Y.applyUpdate(this.doc, Y.mergeUpdates(foreign), loadOrigin);
		}
		this.#held = new Set([seq]);
	}

	/**
	 * The records of this room with local changes the server is not yet known to hold (`kind/id`),
	 * each once however many changes it had; a change kept before records were noted counts as
	 * one of its own.
	 */
	async waitingRecords(): Promise<string[]> {
		const rows = await this.db.outbox.where('room').equals(this.room).toArray();
		return [...new Set(rows.flatMap(outboxRecords))];
	}

	/** Takes the server's state vector: the changes it covers are no longer waiting. */
	async serverHas(stateVector: Uint8Array): Promise<void> {
		const sv = Y.decodeStateVector(stateVector);
		let removed = 0;
		await this.db.transaction('rw', this.db.outbox, this.db.rooms, async () => {
			const rows = await this.db.outbox.where('room').equals(this.room).toArray();
			const done = rows.filter((r) => (sv.get(r.client) ?? 0) >= r.clock).map((r) => r.id!);
			removed = done.length;
			await this.db.outbox.bulkDelete(done);
			await this.db.rooms.put({
				room: this.room,
				serverStateVector: stateVector,
				serverSeenAt: this.#now().toISOString()
			});
		});
		if (removed > 0) this.#notifyOutbox();
	}

	/** Called after the outbox grew or shrank. */
	onOutboxChange(listener: () => void): () => void {
		this.#outboxListeners.add(listener);
		return () => this.#outboxListeners.delete(listener);
	}

	#notifyOutbox() {
		for (const listener of this.#outboxListeners) listener();
	}

	/** Stores what is pending, then lets the document go. */
	async close(): Promise<void> {
		await this.flush().catch(this.#onPersistError);
		clearTimeout(this.#copyTimer);
		this.#closed = true;
		this.doc.off('update', this.#onUpdate);
		this.doc.destroy();
	}
}
