import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { Logger } from './log.ts';
import { docOf, type RoomStore } from './room-store.ts';
import { changedDocument, dropPending } from './update-check.ts';

/**
 * Document lifecycle: a room's Y.Doc is loaded from its snapshot plus the updates after it when the
 * first connection arrives, and unloaded a while after the last one leaves, so memory follows the
 * active rooms.
 *
 * Nothing is relayed that is not stored. Updates are stored together: each one applied to a
 * document waits in `#pending`, and once per event-loop turn (`setImmediate`, after the socket reads
 * of that turn) all of them are appended to the store in one step (the updates journal's one write,
 * room-store.ts) and only then relayed, in the order they arrived. One write per turn instead of
 * one per update is what keeps the server's CPU per edit close to a server that stores nothing.
 * Anything else that would show a document's state to a client — a sync answer, a state vector,
 * an awareness relay (which must not overtake the edit sent before it on the same connection) —
 * calls `flush()` first, so the rule holds everywhere.
 */

export interface Peer {
	/** Who sends: recorded as the update's author. */
	author: string;
	send(message: Uint8Array): void;
}

export type UpdateListener = (update: Uint8Array, origin: unknown) => void;

export class Room {
	readonly name: string;
	readonly doc: Y.Doc;
	readonly awareness: awarenessProtocol.Awareness;
	/** Each peer with the awareness client ids it controls, removed when it leaves. */
	readonly peers = new Map<Peer, Set<number>>();
	lastUpdateId: number;
	snapshotUpTo: number;
	updatesSinceSnapshot = 0;
	snapshotScheduled = false;
	/** Encodings of the whole state, kept until the next update (see encodedSince). */
	#stateVector: Uint8Array | undefined;
	#fullState: Uint8Array | undefined;

	constructor(name: string, doc: Y.Doc, lastUpdateId: number, snapshotUpTo: number) {
		this.name = name;
		this.doc = doc;
		this.awareness = new awarenessProtocol.Awareness(doc);
		this.awareness.setLocalState(null);
		this.lastUpdateId = lastUpdateId;
		this.snapshotUpTo = snapshotUpTo;
		doc.on('afterTransactionCleanup', (transaction: Y.Transaction) => {
			if (!changedDocument(transaction)) return;
			this.#stateVector = undefined;
			this.#fullState = undefined;
		});
	}

	stateVector(): Uint8Array {
		return (this.#stateVector ??= Y.encodeStateVector(this.doc));
	}

	/**
	 * What a client with `stateVector` lacks. A fresh client (an empty vector) gets the whole
	 * state, encoded once per state of the room however often it is asked for.
	 */
	encodedSince(stateVector: Uint8Array): Uint8Array {
		const empty = stateVector.byteLength === 1 && stateVector[0] === 0;
		if (!empty) return Y.encodeStateAsUpdate(this.doc, stateVector);
		return this.fullState();
	}

	/** The whole state (sync answers, snapshots), encoded once per state of the room. */
	fullState(): Uint8Array {
		return (this.#fullState ??= Y.encodeStateAsUpdate(this.doc));
	}

	/** The peer that controls an awareness id, if any. */
	holderOf(clientId: number): Peer | undefined {
		for (const [peer, ids] of this.peers) if (ids.has(clientId)) return peer;
		return undefined;
	}

	/** Gives an awareness id to `peer` (from whoever held it). */
	hold(peer: Peer, clientId: number): void {
		for (const [other, ids] of this.peers) if (other !== peer) ids.delete(clientId);
		this.peers.get(peer)?.add(clientId);
	}
}

export interface RoomsOptions {
	store: RoomStore;
	log: Logger;
	now: () => Date;
	/** How long a room stays in memory after its last peer left. */
	idleMs?: number;
	/** Write a snapshot after this many updates since the last one. */
	snapshotEvery?: number;
	/** How long updates wait to be committed together (group commit), in ms. */
	commitWindowMs?: number;
	/** Called for each stored update, after storage and before relay (relay is the caller's job). */
	onUpdate: (room: Room, update: Uint8Array, origin: unknown) => void;
	onAwareness: (room: Room, changed: number[], origin: unknown) => void;
	/** Storing failed: these peers' updates were not stored and not relayed. */
	onStoreFailed?: (peers: Peer[]) => void;
}

interface PendingUpdate {
	room: Room;
	update: Uint8Array;
	origin: unknown;
	author: string;
}

function isPeer(value: unknown): value is Peer {
	return typeof value === 'object' && value !== null && 'author' in value && 'send' in value;
}

export class Rooms {
	readonly #rooms = new Map<string, Room>();
	readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
	readonly #options: Required<Omit<RoomsOptions, 'onUpdate' | 'onAwareness' | 'onStoreFailed'>> &
		Pick<RoomsOptions, 'onUpdate' | 'onAwareness' | 'onStoreFailed'>;
	#pending: PendingUpdate[] = [];
	#flushScheduled = false;

	constructor(options: RoomsOptions) {
		this.#options = {
			...options,
			idleMs: options.idleMs ?? 30_000,
			snapshotEvery: options.snapshotEvery ?? 500,
			commitWindowMs: options.commitWindowMs ?? 0
		};
	}

	get loaded(): number {
		return this.#rooms.size;
	}

	has(name: string): boolean {
		return this.#rooms.has(name);
	}

	/**
	 * The document of a room in memory, after storing whatever waits (so that what is read of it
	 * is stored); undefined when the room is not loaded.
	 */
	storedDoc(name: string): Y.Doc | undefined {
		this.flush();
		return this.#rooms.get(name)?.doc;
	}

	/** False once a room was dropped (a storage failure): its document may hold unstored changes. */
	isLive(room: Room): boolean {
		return this.#rooms.get(room.name) === room;
	}

	/** The update being applied by `apply`, with whether it holds only what is new to the room. */
	#incoming: { doc: Y.Doc; update: Uint8Array; exact: boolean } | undefined;

	/**
	 * Applies a peer's update to the room (stored and relayed at the end of the turn). `exact`: the
	 * update repeats nothing the room holds (checkUpdate), so its bytes are what it adds and are
	 * kept as they came; otherwise only the part new to the room is.
	 */
	apply(room: Room, update: Uint8Array, origin: Peer, exact: boolean): void {
		this.#incoming = { doc: room.doc, update, exact };
		try {
			Y.applyUpdate(room.doc, update, origin);
		} finally {
			this.#incoming = undefined;
		}
	}

	/** The room, loaded from storage if it is not in memory. Synchronous: SQLite reads are. */
	open(name: string): Room {
		const idle = this.#timers.get(name);
		if (idle) {
			clearTimeout(idle);
			this.#timers.delete(name);
		}
		const existing = this.#rooms.get(name);
		if (existing) return existing;

		const { store, log } = this.#options;
		const stored = store.load(name);
		const doc = docOf(stored);
		const room = new Room(name, doc, stored.lastUpdateId, stored.snapshotUpTo);
		room.updatesSinceSnapshot = stored.updates.length;
		// An older server let updates in whose dependencies never came: forget that part, and write
		// a snapshot without it at once, so that no sync answer or later load carries it again.
		const repaired = dropPending(doc);
		if (repaired) {
			log.warn('room repaired: dropped changes whose dependencies are missing', { room: name });
			this.#writeSnapshot(room, true);
		}

		// Not Yjs's 'update' event: with a listener for it, Yjs encodes every transaction again.
		// What a peer sent is stored and relayed as it came when it only adds to the room (see
		// apply); anything else is encoded here from the state before the transaction.
		doc.on('afterTransactionCleanup', (transaction: Y.Transaction) => {
			const origin: unknown = transaction.origin;
			if (origin === 'storage' || !changedDocument(transaction)) return;
			const incoming = this.#incoming?.doc === doc ? this.#incoming : undefined;
			const before = () => Y.encodeStateVector(transaction.beforeState);
			const update = !incoming
				? Y.encodeStateAsUpdate(doc, before())
				: incoming.exact
					? incoming.update
					: Y.diffUpdate(incoming.update, before());
			const author = (origin as Peer | null)?.author ?? 'server';
			this.#pending.push({ room, update, origin, author });
			if (!this.#flushScheduled) {
				this.#flushScheduled = true;
				// After this turn's socket reads: their updates go into one commit. A longer window
				// (commitWindowMs > 0) gathers more per commit, for less CPU and more latency.
				const window = this.#options.commitWindowMs;
				if (window > 0) setTimeout(() => this.flush(), window);
				else setImmediate(() => this.flush());
			}
		});
		room.awareness.on(
			'update',
			(
				{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
				origin: unknown
			) => {
				const peerIds = room.peers.get(origin as Peer);
				if (peerIds) {
					for (const id of added) peerIds.add(id);
					for (const id of removed) peerIds.delete(id);
				}
				this.flush();
				this.#options.onAwareness(room, [...added, ...updated, ...removed], origin);
			}
		);
		this.#rooms.set(name, room);
		log.debug('room loaded', { room: name, updates: stored.updates.length });
		return room;
	}

	/**
	 * Stores every pending update in one transaction, then relays each. On a storage failure the
	 * batch is relayed to no one; its rooms are dropped from memory (their documents hold changes
	 * the database does not) and the peers that sent those changes are told.
	 */
	flush(): void {
		this.#flushScheduled = false;
		if (this.#pending.length === 0) return;
		const batch = this.#pending;
		this.#pending = [];
		const { store, log } = this.#options;
		const at = this.#options.now().toISOString();
		try {
			const ids = store.append(
				batch.map((entry) => ({ room: entry.room.name, data: entry.update, author: entry.author })),
				at
			);
			batch.forEach((entry, i) => (entry.room.lastUpdateId = ids[i] ?? entry.room.lastUpdateId));
		} catch (error) {
			log.error('storing updates failed', { updates: batch.length, error });
			const rooms = new Set(batch.map((entry) => entry.room));
			for (const room of rooms) this.#drop(room);
			const peers = batch.map((entry) => entry.origin).filter((o): o is Peer => isPeer(o));
			this.#options.onStoreFailed?.([...new Set(peers)]);
			return;
		}
		for (const entry of batch) {
			entry.room.updatesSinceSnapshot++;
			this.#options.onUpdate(entry.room, entry.update, entry.origin);
			if (entry.room.updatesSinceSnapshot >= this.#options.snapshotEvery) {
				this.#scheduleSnapshot(entry.room);
			}
		}
	}

	#drop(room: Room) {
		if (this.#rooms.get(room.name) !== room) return;
		this.#rooms.delete(room.name);
		room.awareness.destroy();
		room.doc.destroy();
	}

	join(room: Room, peer: Peer): void {
		room.peers.set(peer, new Set());
	}

	/**
	 * A room's document for a read outside any connection (the public project pages): loaded like
	 * any room and, with nobody connected, unloaded again after the idle time.
	 */
	read(name: string): Y.Doc {
		const room = this.open(name);
		if (room.peers.size === 0) this.#scheduleUnload(room);
		return room.doc;
	}

	leave(room: Room, peer: Peer): void {
		const ids = room.peers.get(peer);
		if (!ids) return;
		room.peers.delete(peer);
		// Presence goes when its connection goes: the others see the person leave the record.
		awarenessProtocol.removeAwarenessStates(room.awareness, [...ids], null);
		if (room.peers.size === 0) this.#scheduleUnload(room);
	}

	#scheduleSnapshot(room: Room) {
		if (room.snapshotScheduled) return;
		room.snapshotScheduled = true;
		setImmediate(() => {
			room.snapshotScheduled = false;
			this.snapshot(room);
		});
	}

	/** Compaction: the merged state up to the last stored update; the log itself is kept. */
	snapshot(room: Room): void {
		this.flush();
		if (room.lastUpdateId <= room.snapshotUpTo) return;
		this.#writeSnapshot(room, false);
	}

	/** `replace`: also over a snapshot of the same point (a repaired room's). */
	#writeSnapshot(room: Room, replace: boolean) {
		try {
			this.#options.store.writeSnapshot(
				room.name,
				room.fullState(),
				room.lastUpdateId,
				this.#options.now().toISOString(),
				replace
			);
			room.snapshotUpTo = room.lastUpdateId;
			room.updatesSinceSnapshot = 0;
		} catch (error) {
			this.#options.log.warn('snapshot failed', { room: room.name, error });
		}
	}

	#scheduleUnload(room: Room) {
		const timer = setTimeout(() => {
			this.#timers.delete(room.name);
			if (room.peers.size > 0 || this.#rooms.get(room.name) !== room) return;
			// Every update is already stored; the snapshot only makes the next load quicker.
			this.snapshot(room);
			this.#rooms.delete(room.name);
			room.awareness.destroy();
			room.doc.destroy();
			this.#options.log.debug('room unloaded', { room: room.name });
		}, this.#options.idleMs);
		timer.unref();
		this.#timers.set(room.name, timer);
	}

	/** At shutdown: snapshot every room in memory (updates are stored already). */
	closeAll(): void {
		this.flush();
		for (const timer of this.#timers.values()) clearTimeout(timer);
		this.#timers.clear();
		for (const room of this.#rooms.values()) {
			this.snapshot(room);
			room.awareness.destroy();
			room.doc.destroy();
		}
		this.#rooms.clear();
	}
}
