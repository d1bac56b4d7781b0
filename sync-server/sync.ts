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

class Connection implements Peer {
	readonly author: string;
	readonly user: ConnectionUser;
	readonly room: string;
	readonly ws: WebSocket;
	/** Follows the directory: an admin's change of the org takes effect on open connections. */
	access: Exclude<Access, 'none'>;
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
		room: string,
		access: Exclude<Access, 'none'>,
		limits: ConnectionLimits,
		log: Logger,
		socket: Duplex
	) {
		this.ws = ws;
		this.#socket = socket;
		this.user = user;
		this.author = user.username;
		this.room = room;
		this.access = access;
		this.messages = new TokenBucket(limits.burst, limits.perSecond);
		this.bytes = new TokenBucket(limits.bytesPerMinute, limits.bytesPerMinute / 60);
		this.#maxBuffered = limits.sendBufferBytes;
		this.#log = log;
	}

	send(message: Uint8Array): void {
		if (this.ws.readyState !== WebSocket.OPEN) return;
		// A peer that does not read would make the server hold everything sent to it: once what
		// waits passes the limit it is closed, and cut off if it does not take the close either.
		if (this.ws.bufferedAmount > this.#maxBuffered) {
			this.#log.warn('slow reader: closing connection', {
				room: this.room,
				user: this.author,
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

export function createSyncService(options: SyncOptions): SyncService {
	const { log, auth } = options;
	const maxMessageBytes = options.maxMessageBytes ?? 16 * 1024 * 1024;
	const limits: ConnectionLimits = {
		burst: options.burst ?? 2000,
		perSecond: options.perSecond ?? 500,
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
				if (peer instanceof Connection) peer.ws.close(CloseCode.storageFailed, 'update not stored');
			}
		}
	});

	function handleMessage(room: Room, conn: Connection, data: Uint8Array) {
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
					if (!conn.bytes.take(answer.byteLength)) {
						throw new BudgetError(CloseCode.flood, 'too much asked for');
					}
					conn.send(
						syncMessage((encoder) => {
							encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
							encoding.writeVarUint8Array(encoder, answer);
						})
					);
					// Our own state vector too, so the client can tell when we hold all its changes.
					conn.send(stateVectorMessage(room));
					return;
				}
				if (
					syncType === syncProtocol.messageYjsSyncStep2 ||
					syncType === syncProtocol.messageYjsUpdate
				) {
					if (conn.access !== 'write') return; // read-only: dropped, never applied or relayed
					if (!quota.allows(conn.author, payload.byteLength)) {
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
						rooms.apply(room, payload, conn, !check.overlaps);
					} catch {
						throw new BadMessageError('invalid update');
					}
					// What the check above cannot see (a cycle of dependencies) Yjs leaves pending: that
					// part is forgotten, never stored or sent; what did apply is stored as usual.
					if (dropPending(room.doc)) throw new BadMessageError(describeUpdateProblem('gap'));
					quota.add(conn.author, payload.byteLength);
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
					conn.author,
					room.peers.get(conn) ?? new Set(),
					(id) => room.holderOf(id)?.author,
					(id) => room.awareness.meta.get(id)?.clock,
					maxAwarenessIds
				);
				// Ids of another connection of the same account (a reconnect) pass to this one.
				for (const entry of kept) room.hold(conn, entry.clientId);
				if (kept.length < entries.length) {
					log.debug('presence of others dropped', { room: room.name, user: conn.author });
				}
				if (kept.length > 0) {
					awarenessProtocol.applyAwarenessUpdate(room.awareness, writeAwarenessUpdate(kept), conn);
				}
				return;
			}
			case messageQueryAwareness: {
				const clients = [...room.awareness.getStates().keys()];
				if (clients.length > 0) conn.send(awarenessMessage(room, clients));
				return;
			}
			case messageAuth:
				return; // the stock client never sends it; auth happens at the upgrade
			default:
				throw new BadMessageError(`unknown message type ${type}`);
		}
	}

	function attach(ws: WebSocket, roomName: string, conn: Connection) {
		const room = rooms.open(roomName);
		rooms.join(room, conn);
		connections.add(conn);
		const logFields = { room: roomName, user: conn.author, access: conn.access };
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
				handleMessage(room, conn, data);
			} catch (error) {
				if (error instanceof BudgetError) {
					log.warn('over a limit: closing connection', { ...logFields, reason: error.message });
					ws.close(error.code, error.message);
				} else if (error instanceof StoreFailedError) {
					ws.close(CloseCode.storageFailed, 'update not stored');
				} else if (error instanceof BadMessageError) {
					log.warn('bad message: closing connection', { ...logFields, reason: error.message });
					ws.close(CloseCode.badMessage, error.message.slice(0, 100));
				} else {
					log.error('message failed', { ...logFields, error });
					ws.close(CloseCode.badMessage, 'message failed');
				}
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
			rooms.leave(room, conn);
			log.info('disconnected', { ...logFields, code });
		});

		// Our state first (step 1), then who is here: the client answers with what we lack.
		rooms.flush();
		if (!rooms.isLive(room)) {
			ws.close(CloseCode.storageFailed, 'room not stored');
			return;
		}
		conn.send(stateVectorMessage(room));
		const present = [...room.awareness.getStates().keys()];
		if (present.length > 0) conn.send(awarenessMessage(room, present));
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
			const fields = { room: conn.room, user: conn.author };
			if (!stillValid(user, conn.user.tokenVersion)) {
				log.info('account changed: closing connection', fields);
				conn.ws.close(CloseCode.unauthorized, 'sign in again');
				continue;
			}
			const access = roomAccess(user, conn.room, org);
			if (access === 'none') {
				log.info('room right withdrawn: closing connection', fields);
				conn.ws.close(CloseCode.forbidden, 'no access to this room');
			} else if (access !== conn.access) {
				log.info('room right changed', { ...fields, access });
				conn.access = access;
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
				attach(ws, roomName, new Connection(ws, who, roomName, access, limits, log, socket));
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
