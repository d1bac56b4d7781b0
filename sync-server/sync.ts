import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { parseRoom, roomAccess, type Access } from '../src/lib/domain/access.ts';
import {
	CloseCode,
	messageAuth,
	messageAwareness,
	messageQueryAwareness,
	messageSync,
	muxClosedFrame,
	muxFrame,
	muxJoin,
	muxLeave,
	muxMaxRooms,
	connectionMessageBurst,
	connectionMessagesPerSecond,
	muxPath,
	muxPrefix,
	readMuxFrame,
	syncPath
} from '../src/lib/sync/protocol.ts';
import type { AuthContext } from './auth-routes.ts';
import { claimsAndUser, stillValid } from './auth.ts';
import { redactText, type Logger } from './log.ts';
import { Rooms, type Peer, type Room } from './rooms.ts';
import type { Storage } from './storage.ts';
import { checkUpdate, describeUpdateProblem, dropPending } from './update-check.ts';
import { DailyQuota, TokenBucket, WorkShares } from './budgets.ts';
import {
	ownEntries,
	readAwarenessUpdate,
	writeAwarenessUpdate,
	type AwarenessEntry
} from './presence.ts';

/**
 * The y-websocket protocol on `/sync/<room>?token=…`, with the room table of DESIGN.md enforced at
 * the upgrade: a bad token or a room the user may not read is closed (4401/4403) before a single
 * byte of the document is sent. Read-only peers receive the document; what they send to change it
 * is dropped, never applied, stored or relayed.
 */

export interface SyncOptions {
	storage: Storage;
	auth: AuthContext;
	log: Logger;
	now: () => Date;
	maxMessageBytes?: number;
	/** Messages a connection may send in a burst, refilled per second (a flood closes it). */
	burst?: number;
	perSecond?: number;
	heartbeatMs?: number;
	roomIdleMs?: number;
	/** How often open connections are checked against the accounts (an admin's change). */
	accountSweepMs?: number;
	/** Bytes a connection may send (and ask to be sent in full-state answers) per minute. */
	connectionBytesPerMinute?: number;
	/** Bytes of updates each user may have stored per day. */
	userDailyBytes?: number;
	/** Milliseconds of the main thread each user's messages may take per second (a burst of 4×). */
	userWorkMsPerSecond?: number;
	/** Bytes waiting in a connection's send buffer before it counts as not reading. */
	sendBufferBytes?: number;
	/** Awareness: the largest update a peer may send, and the ids one connection may hold. */
	maxAwarenessBytes?: number;
	maxAwarenessIds?: number;
	/** Told the room of each update once it is stored (the read models mark it stale). */
	onStored?: (room: string) => void;
}

export interface SyncService {
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
	close(): Promise<void>;
	readonly rooms: Rooms;
}

interface ConnectionUser {
	id: string;
	username: string;
	/** The version of the token the connection was opened with. */
	tokenVersion: number;
}

/** One websocket: one signed-in user, its budgets and send buffer, and the rooms joined on it. */
class Connection {
	readonly author: string;
	readonly user: ConnectionUser;
	readonly ws: WebSocket;
	/** `/mux`: many rooms, each frame naming its room; `/sync/<room>`: one room, frames bare. */
	readonly multiplexed: boolean;
	readonly peers = new Map<string, RoomPeer>();
	alive = true;
	/** While its user is over their share of work: what it sent since, handled once it is their turn. */
	held: Uint8Array[] | undefined;
	/** Messages, and bytes (received, and sent in answer to a request for state). */
	readonly messages: TokenBucket;
	readonly bytes: TokenBucket;
	readonly #maxBuffered: number;
	readonly #log: Logger;
	/** The connection's socket, corked while a turn's messages to it are written. */
	readonly #socket: Duplex;
	#corked = false;

	constructor(
		ws: WebSocket,
		user: ConnectionUser,
		multiplexed: boolean,
		limits: ConnectionLimits,
		log: Logger,
		socket: Duplex
	) {
		this.ws = ws;
		this.#socket = socket;
		this.user = user;
		this.author = user.username;
		this.multiplexed = multiplexed;
		this.messages = new TokenBucket(limits.burst, limits.perSecond);
		this.bytes = new TokenBucket(limits.bytesPerMinute, limits.bytesPerMinute / 60);
		this.#maxBuffered = limits.sendBufferBytes;
		this.#log = log;
	}

	/** For log lines: the room of a single-room connection, the count of a multiplexed one. */
	get where(): Record<string, unknown> {
		return this.multiplexed
			? { rooms: this.peers.size, user: this.author }
			: { room: [...this.peers.keys()][0], user: this.author };
	}

	send(message: Uint8Array): void {
		if (this.ws.readyState !== WebSocket.OPEN) return;
		// A peer that does not read would make the server hold everything sent to it: once what
		// waits passes the limit it is closed, and cut off if it does not take the close either.
		if (this.ws.bufferedAmount > this.#maxBuffered) {
			this.#log.warn('slow reader: closing connection', {
				...this.where,
				buffered: this.ws.bufferedAmount
			});
			this.ws.close(CloseCode.slowReader, 'not reading');
			setTimeout(() => this.ws.terminate(), 1000).unref();
			return;
		}
		// Everything sent to this peer in one turn (a batch of relayed updates, a sync answer and
		// the state vector after it) leaves in one write: the socket is corked until the turn ends.
		if (!this.#corked) {
			this.#corked = true;
			this.#socket.cork();
			process.nextTick(() => {
				this.#corked = false;
				this.#socket.uncork();
			});
		}
		this.ws.send(message, (error) => {
			if (error) this.ws.terminate();
		});
	}
}

/**
 * Framed messages, kept per message: a relayed update is one message object for every peer of its
 * room, so the room's prefix is put before it once, not once per multiplexed peer.
 */
const framed = new WeakMap<Uint8Array, Uint8Array>();

/** One room joined on one connection: what the rooms know as a peer. */
class RoomPeer implements Peer {
	readonly author: string;
	/** Follows the directory: an admin's change of the org takes effect on open connections. */
	access: Exclude<Access, 'none'>;
	readonly #prefix: Uint8Array | undefined;

	constructor(
		readonly conn: Connection,
		readonly room: Room,
		access: Exclude<Access, 'none'>
	) {
		this.author = conn.author;
		this.access = access;
		this.#prefix = conn.multiplexed ? muxPrefix(room.name) : undefined;
	}

	send(message: Uint8Array): void {
		const prefix = this.#prefix;
		if (!prefix) return this.conn.send(message);
		let frame = framed.get(message);
		if (!frame) {
			frame = muxFrame(prefix, message);
			framed.set(message, frame);
		}
		this.conn.send(frame);
	}
}

interface ConnectionLimits {
	burst: number;
	perSecond: number;
	bytesPerMinute: number;
	sendBufferBytes: number;
}

class BudgetError extends Error {
	override name = 'BudgetError';
	readonly code: number;
	constructor(code: number, message: string) {
		super(message);
		this.code = code;
	}
}

class BadMessageError extends Error {
	override name = 'BadMessageError';
}

class StoreFailedError extends Error {
	override name = 'StoreFailedError';
}

function syncMessage(write: (encoder: encoding.Encoder) => void): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, messageSync);
	write(encoder);
	return encoding.toUint8Array(encoder);
}

/** Sync step 1 with the room's state vector, encoded once per state of the room. */
function stateVectorMessage(room: Room): Uint8Array {
	return syncMessage((encoder) => {
		encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep1);
		encoding.writeVarUint8Array(encoder, room.stateVector());
	});
}

function awarenessMessage(room: Room, clients: number[]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, messageAwareness);
	encoding.writeVarUint8Array(
		encoder,
		awarenessProtocol.encodeAwarenessUpdate(room.awareness, clients)
	);
	return encoding.toUint8Array(encoder);
}

/**
 * The room and token of `/sync/<room>?token=…`, or undefined when the request line cannot be read
 * (a stray `%`, a path too long to be a room): refused as an unknown room, never thrown.
 */
export function parseSyncTarget(
	requestUrl: string | undefined
): { roomName: string; token: string | undefined } | undefined {
	if (!requestUrl || requestUrl.length > 8192) return undefined;
	let url: URL;
	let roomName: string;
	try {
		url = new URL(requestUrl, 'http://localhost');
		roomName = decodeURIComponent(url.pathname.slice(`${syncPath}/`.length));
	} catch {
		return undefined;
	}
	if (roomName.length > 200) return undefined;
	return { roomName, token: url.searchParams.get('token') ?? undefined };
}

/** `/mux?token=…`: one connection for many rooms (protocol.ts). */
export function isMuxRequest(requestUrl: string | undefined): boolean {
	return (requestUrl ?? '').split('?')[0] === muxPath;
}

function muxToken(requestUrl: string | undefined): string | undefined {
	try {
		return new URL(requestUrl ?? '', 'http://localhost').searchParams.get('token') ?? undefined;
	} catch {
		return undefined;
	}
}

export function createSyncService(options: SyncOptions): SyncService {
	const { log, auth } = options;
	const maxMessageBytes = options.maxMessageBytes ?? 16 * 1024 * 1024;
	const limits: ConnectionLimits = {
		burst: options.burst ?? connectionMessageBurst,
		perSecond: options.perSecond ?? connectionMessagesPerSecond,
		bytesPerMinute: options.connectionBytesPerMinute ?? 64 * 1024 * 1024,
		sendBufferBytes: options.sendBufferBytes ?? 32 * 1024 * 1024
	};
	const quota = new DailyQuota(options.userDailyBytes ?? 256 * 1024 * 1024);
	const work = new WorkShares(options.userWorkMsPerSecond ?? 250);
	const maxAwarenessBytes = options.maxAwarenessBytes ?? 64 * 1024;
	const maxAwarenessIds = options.maxAwarenessIds ?? 4;
	const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
	const connections = new Set<Connection>();

	const rooms = new Rooms({
		store: options.storage.rooms,
		log,
		now: options.now,
		idleMs: options.roomIdleMs,
		onUpdate(room, update, origin) {
			options.onStored?.(room.name);
			// Encoded once for every peer; not back to its sender, which has it.
			const message = syncMessage((encoder) => syncProtocol.writeUpdate(encoder, update));
			for (const peer of room.peers.keys()) if (peer !== origin) peer.send(message);
		},
		onAwareness(room, changed) {
			const message = awarenessMessage(room, changed);
			for (const peer of room.peers.keys()) peer.send(message);
		},
		onStoreFailed(peers) {
			for (const peer of peers) {
				if (peer instanceof RoomPeer) closePeer(peer, CloseCode.storageFailed, 'update not stored');
			}
		}
	});

	function handleMessage(peer: RoomPeer, data: Uint8Array) {
		const room = peer.room;
		const decoder = decoding.createDecoder(data);
		let type: number;
		try {
			type = decoding.readVarUint(decoder);
		} catch {
			throw new BadMessageError('empty or truncated message');
		}
		switch (type) {
			case messageSync: {
				let syncType: number;
				let payload: Uint8Array;
				try {
					syncType = decoding.readVarUint(decoder);
					payload = decoding.readVarUint8Array(decoder);
				} catch {
					throw new BadMessageError('truncated sync message');
				}
				if (syncType === syncProtocol.messageYjsSyncStep1) {
					const stateVector = payload;
					try {
						Y.decodeStateVector(stateVector);
					} catch {
						throw new BadMessageError('invalid state vector');
					}
					// Only stored state leaves the server: store what is pending before answering.
					rooms.flush();
					if (!rooms.isLive(room)) throw new StoreFailedError();
					const answer = room.encodedSince(stateVector);
					if (!peer.conn.bytes.take(answer.byteLength)) {
						throw new BudgetError(CloseCode.flood, 'too much asked for');
					}
					peer.send(
						syncMessage((encoder) => {
							encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
							encoding.writeVarUint8Array(encoder, answer);
						})
					);
					// Our own state vector too, so the client can tell when we hold all its changes.
					peer.send(stateVectorMessage(room));
					return;
				}
				if (
					syncType === syncProtocol.messageYjsSyncStep2 ||
					syncType === syncProtocol.messageYjsUpdate
				) {
					if (peer.access !== 'write') return; // read-only: dropped, never applied or relayed
					if (!quota.allows(peer.author, payload.byteLength)) {
						throw new BudgetError(CloseCode.overQuota, 'daily storage quota reached');
					}
					let check: ReturnType<typeof checkUpdate>;
					try {
						check = checkUpdate(room.doc, payload);
					} catch {
						throw new BadMessageError('invalid update');
					}
					if (check.problem) throw new BadMessageError(describeUpdateProblem(check.problem));
					try {
						rooms.apply(room, payload, peer, !check.overlaps);
					} catch {
						throw new BadMessageError('invalid update');
					}
					// What the check above cannot see (a cycle of dependencies) Yjs leaves pending: that
					// part is forgotten, never stored or sent; what did apply is stored as usual.
					if (dropPending(room.doc)) throw new BadMessageError(describeUpdateProblem('gap'));
					quota.add(peer.author, payload.byteLength);
					return;
				}
				throw new BadMessageError(`unknown sync message type ${syncType}`);
			}
			case messageAwareness: {
				if (data.byteLength > maxAwarenessBytes) {
					throw new BudgetError(CloseCode.tooLarge, 'presence too large');
				}
				let entries: AwarenessEntry[];
				try {
					entries = readAwarenessUpdate(decoding.readVarUint8Array(decoder));
				} catch {
					throw new BadMessageError('invalid awareness update');
				}
				const kept = ownEntries(
					entries,
					peer.author,
					room.peers.get(peer) ?? new Set(),
					(id) => room.holderOf(id)?.author,
					(id) => room.awareness.meta.get(id)?.clock,
					maxAwarenessIds
				);
				// Ids of another connection of the same account (a reconnect) pass to this one.
				for (const entry of kept) room.hold(peer, entry.clientId);
				if (kept.length < entries.length) {
					log.debug('presence of others dropped', { room: room.name, user: peer.author });
				}
				if (kept.length > 0) {
					awarenessProtocol.applyAwarenessUpdate(room.awareness, writeAwarenessUpdate(kept), peer);
				}
				return;
			}
			case messageQueryAwareness: {
				const clients = [...room.awareness.getStates().keys()];
				if (clients.length > 0) peer.send(awarenessMessage(room, clients));
				return;
			}
			case messageAuth:
				return; // the stock client never sends it; auth happens at the upgrade
			default:
				throw new BadMessageError(`unknown message type ${type}`);
		}
	}

	/**
	 * Shuts one room of a connection with the code it would have had on a socket of its own: a
	 * single-room connection closes, a multiplexed one leaves the room, says so, and goes on.
	 */
	function closePeer(peer: RoomPeer, code: number, reason: string) {
		const conn = peer.conn;
		if (!conn.multiplexed) {
			conn.ws.close(code, reason);
			return;
		}
		if (conn.peers.get(peer.room.name) !== peer) return;
		leave(peer);
		conn.send(muxClosedFrame(peer.room.name, code, reason));
	}

	function leave(peer: RoomPeer) {
		peer.conn.peers.delete(peer.room.name);
		rooms.leave(peer.room, peer);
	}

	/** A room joins a connection: our state first (step 1), then who is here. */
	function join(conn: Connection, roomName: string, access: Exclude<Access, 'none'>) {
		const room = rooms.open(roomName);
		const peer = new RoomPeer(conn, room, access);
		conn.peers.set(roomName, peer);
		rooms.join(room, peer);
		rooms.flush();
		if (!rooms.isLive(room)) {
			closePeer(peer, CloseCode.storageFailed, 'room not stored');
			return;
		}
		peer.send(stateVectorMessage(room));
		const present = [...room.awareness.getStates().keys()];
		if (present.length > 0) peer.send(awarenessMessage(room, present));
	}

	/** A join on a multiplexed connection: the account as it is now, and its right to the room. */
	function muxJoinRoom(conn: Connection, roomName: string) {
		if (conn.peers.has(roomName)) return; // joined already: the client's own step 1 syncs it
		const refuse = (code: number, reason: string) =>
			conn.send(muxClosedFrame(roomName, code, reason));
		if (!parseRoom(roomName)) return refuse(CloseCode.unknownRoom, 'unknown room');
		if (conn.peers.size >= muxMaxRooms) return refuse(CloseCode.flood, 'too many rooms');
		const user = options.storage.usersByIds([conn.user.id]).get(conn.user.id);
		if (!stillValid(user, conn.user.tokenVersion)) {
			log.info('account changed: closing connection', conn.where);
			conn.ws.close(CloseCode.unauthorized, 'sign in again');
			return;
		}
		const access = roomAccess(user, roomName, auth.org());
		if (access === 'none') {
			log.info('sync refused: no read right', { room: roomName, user: conn.author });
			return refuse(CloseCode.forbidden, 'no access to this room');
		}
		log.debug('joined', { room: roomName, user: conn.author, access });
		join(conn, roomName, access);
	}

	/** One message of one room; what went wrong with it shuts that room alone. */
	function roomMessage(peer: RoomPeer, data: Uint8Array) {
		const fields = { room: peer.room.name, user: peer.author };
		try {
			handleMessage(peer, data);
		} catch (error) {
			if (error instanceof BudgetError && error.code === CloseCode.flood) throw error;
			if (error instanceof BudgetError) {
				log.warn('over a limit: closing room', { ...fields, reason: error.message });
				closePeer(peer, error.code, error.message);
			} else if (error instanceof StoreFailedError) {
				closePeer(peer, CloseCode.storageFailed, 'update not stored');
			} else if (error instanceof BadMessageError) {
				log.warn('bad message: closing room', { ...fields, reason: error.message });
				closePeer(peer, CloseCode.badMessage, error.message.slice(0, 100));
			} else {
				log.error('message failed', { ...fields, error });
				closePeer(peer, CloseCode.badMessage, 'message failed');
			}
		}
	}

	/** A frame of a multiplexed connection: a control message, or a message of a joined room. */
	function muxMessage(conn: Connection, data: Uint8Array) {
		let room: string;
		let message: Uint8Array;
		try {
			({ room, message } = readMuxFrame(data));
		} catch {
			throw new BadMessageError('a frame without a room');
		}
		if (room.length > 200) throw new BadMessageError('a room name too long');
		if (message[0] === muxJoin && message.byteLength === 1) return muxJoinRoom(conn, room);
		const peer = conn.peers.get(room);
		if (message[0] === muxLeave && message.byteLength === 1) {
			if (peer) leave(peer);
			return;
		}
		// Sent before the client learnt the room was shut: nothing to answer.
		if (!peer) return;
		roomMessage(peer, message);
	}

	function attach(
		ws: WebSocket,
		conn: Connection,
		roomName?: string,
		access?: Exclude<Access, 'none'>
	) {
		connections.add(conn);
		const logFields = conn.multiplexed
			? { user: conn.author, multiplexed: true }
			: { room: roomName, user: conn.author, access };
		log.info('connected', logFields);

		ws.on('message', (raw: RawData, isBinary: boolean) => {
			const size = Array.isArray(raw)
				? raw.reduce((n, part) => n + part.byteLength, 0)
				: raw.byteLength;
			if (!conn.messages.take(1) || !conn.bytes.take(size)) {
				log.warn('flood: closing connection', { ...logFields, bytes: size });
				ws.close(CloseCode.flood, 'too many messages');
				return;
			}
			if (!isBinary) {
				log.warn('text frame: closing connection', logFields);
				ws.close(CloseCode.badMessage, 'binary frames expected');
				return;
			}
			const data = Array.isArray(raw)
				? new Uint8Array(Buffer.concat(raw))
				: raw instanceof ArrayBuffer
					? new Uint8Array(raw)
					: new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
			if (conn.held) {
				conn.held.push(data); // its user's turn comes; the socket is paused meanwhile
				return;
			}
			const wait = handle(data);
			if (wait > 0) {
				conn.held = [];
				ws.pause();
				log.info('busy: holding a connection back', { ...logFields, ms: Math.ceil(wait * 1000) });
				setTimeout(release, Math.ceil(wait * 1000));
			}
		});

		/**
		 * Handles one message and counts the time it took against its user's share; returns the
		 * seconds the user is now over it (0: not over; -1: the connection was closed).
		 */
		function handle(data: Uint8Array): number {
			const started = performance.now();
			try {
				if (conn.multiplexed) muxMessage(conn, data);
				else {
					const peer = [...conn.peers.values()][0];
					if (peer) roomMessage(peer, data);
				}
			} catch (error) {
				if (error instanceof BudgetError) {
					log.warn('over a limit: closing connection', { ...logFields, reason: error.message });
					ws.close(error.code, error.message);
				} else if (error instanceof BadMessageError) {
					log.warn('bad message: closing connection', { ...logFields, reason: error.message });
					ws.close(CloseCode.badMessage, error.message.slice(0, 100));
				} else {
					log.error('message failed', { ...logFields, error });
					ws.close(CloseCode.badMessage, 'message failed');
				}
			}
			if (ws.readyState !== WebSocket.OPEN) {
				conn.held = undefined;
				return -1;
			}
			return work.spend(conn.user.id, performance.now() - started);
		}

		/** The user's turn again: what the connection sent meanwhile, in order, then reading on. */
		function release() {
			while (conn.held && conn.held.length > 0 && ws.readyState === WebSocket.OPEN) {
				const wait = handle(conn.held.shift()!);
				if (wait > 0) {
					setTimeout(release, Math.ceil(wait * 1000));
					return;
				}
			}
			conn.held = undefined;
			if (ws.readyState === WebSocket.OPEN) ws.resume();
		}
		ws.on('pong', () => (conn.alive = true));
		ws.on('error', (error) => log.warn('socket error', { ...logFields, error: error.message }));
		ws.on('close', (code) => {
			conn.held = undefined;
			connections.delete(conn);
			for (const peer of [...conn.peers.values()]) leave(peer);
			log.info('disconnected', { ...logFields, code });
		});

		if (roomName && access) join(conn, roomName, access);
	}

	const heartbeat = setInterval(() => {
		for (const conn of connections) {
			if (conn.held) continue; // paused by us: its pongs wait in the socket too
			if (!conn.alive) {
				log.info('heartbeat lost: dropping connection', { user: conn.author });
				conn.ws.terminate();
				continue;
			}
			conn.alive = false;
			conn.ws.ping();
		}
	}, options.heartbeatMs ?? 30_000);
	heartbeat.unref();

	// An admin command (another process) that disables a user, changes a password, revokes tokens
	// or moves a community changes SQLite's data_version: then every open connection is checked
	// against its account and the room table again, within a second.
	let seenDataVersion = options.storage.dataVersion();
	const accountSweep = setInterval(() => {
		const version = options.storage.dataVersion();
		if (version === seenDataVersion) return;
		seenDataVersion = version;
		if (connections.size > 0) checkAccounts();
	}, options.accountSweepMs ?? 1000);
	accountSweep.unref();

	function checkAccounts() {
		const ids = [...new Set([...connections].map((conn) => conn.user.id))];
		const users = options.storage.usersByIds(ids);
		const org = auth.org();
		for (const conn of connections) {
			const user = users.get(conn.user.id);
			if (!stillValid(user, conn.user.tokenVersion)) {
				log.info('account changed: closing connection', conn.where);
				conn.ws.close(CloseCode.unauthorized, 'sign in again');
				continue;
			}
			for (const peer of [...conn.peers.values()]) {
				const fields = { room: peer.room.name, user: conn.author };
				const access = roomAccess(user, peer.room.name, org);
				if (access === 'none') {
					log.info('room right withdrawn: closing room', fields);
					closePeer(peer, CloseCode.forbidden, 'no access to this room');
				} else if (access !== peer.access) {
					log.info('room right changed', { ...fields, access });
					peer.access = access;
				}
			}
		}
	}

	function refuse(
		req: IncomingMessage,
		socket: Duplex,
		head: Buffer,
		code: number,
		reason: string
	) {
		wss.handleUpgrade(req, socket, head, (ws) => ws.close(code, reason));
	}

	return {
		rooms,
		handleUpgrade(req, socket, head) {
			if (isMuxRequest(req.url)) {
				const signedIn = claimsAndUser(auth, muxToken(req.url));
				if (!signedIn) {
					log.info('sync refused: no valid token', { multiplexed: true });
					return refuse(req, socket, head, CloseCode.unauthorized, 'sign in again');
				}
				const { user, claims } = signedIn;
				wss.handleUpgrade(req, socket, head, (ws) => {
					const who = { id: user.id, username: user.username, tokenVersion: claims.ver };
					attach(ws, new Connection(ws, who, true, limits, log, socket));
				});
				return;
			}
			const target = parseSyncTarget(req.url);
			if (!target) {
				log.info('sync refused: malformed request', { url: redactText(req.url ?? '') });
				return refuse(req, socket, head, CloseCode.unknownRoom, 'unknown room');
			}
			const { roomName } = target;
			const signedIn = claimsAndUser(auth, target.token);
			if (!signedIn) {
				log.info('sync refused: no valid token', { room: roomName });
				return refuse(req, socket, head, CloseCode.unauthorized, 'sign in again');
			}
			if (!parseRoom(roomName)) {
				return refuse(req, socket, head, CloseCode.unknownRoom, 'unknown room');
			}
			const { user, claims } = signedIn;
			const access = roomAccess(user, roomName, auth.org());
			if (access === 'none') {
				log.info('sync refused: no read right', { room: roomName, user: user.username });
				return refuse(req, socket, head, CloseCode.forbidden, 'no access to this room');
			}
			wss.handleUpgrade(req, socket, head, (ws) => {
				const who = { id: user.id, username: user.username, tokenVersion: claims.ver };
				attach(ws, new Connection(ws, who, false, limits, log, socket), roomName, access);
			});
		},
		async close() {
			clearInterval(heartbeat);
			clearInterval(accountSweep);
			for (const conn of connections) conn.ws.close(CloseCode.shuttingDown, 'server stopping');
			rooms.closeAll();
			await new Promise<void>((done) => wss.close(() => done()));
			for (const conn of connections) conn.ws.terminate();
		}
	};
}
