import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { WebSocket } from 'ws';
import {
	messageSync,
	muxClosed,
	muxControl,
	muxFrame,
	muxJoin,
	muxLeave,
	muxPath,
	muxPrefix,
	readMuxFrame
} from '../../../src/lib/sync/protocol';

/**
 * A bare client of the multiplexed connection (`/mux`), written from protocol.ts alone, so the
 * server's side is tested apart from the app's: one socket, one Y.Doc per joined room.
 */
export class MuxTestClient {
	readonly ws: WebSocket;
	readonly docs = new Map<string, Y.Doc>();
	readonly synced = new Set<string>();
	/** Rooms the server shut, with the code and reason it gave. */
	readonly shut = new Map<string, { code: number; reason: string }>();
	/** The socket's own close, if it closed. */
	closed: { code: number; reason: string } | undefined;
	/** Rooms that frames from the server named, in order. */
	readonly frames: { room: string; bytes: number }[] = [];
	readonly opened: Promise<void>;

	constructor(baseUrl: string, token: string) {
		this.ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${muxPath}?token=${token}`);
		this.opened = new Promise((resolve, reject) => {
			this.ws.once('open', () => resolve());
			this.ws.once('close', (code) => reject(new Error(`closed with ${code}`)));
		});
		this.opened.catch(() => undefined);
		this.ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
		this.ws.on('message', (data: Buffer) => this.#receive(new Uint8Array(data)));
	}

	send(room: string, message: Uint8Array): void {
		this.ws.send(muxFrame(muxPrefix(room), message));
	}

	/** Joins a room: the join, then our sync step 1; our later edits go out as updates. */
	join(room: string, doc = new Y.Doc()): Y.Doc {
		this.docs.set(room, doc);
		this.shut.delete(room);
		this.ws.send(muxControl(room, muxJoin));
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, messageSync);
		syncProtocol.writeSyncStep1(encoder, doc);
		this.send(room, encoding.toUint8Array(encoder));
		doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === this || !this.docs.has(room)) return;
			const e = encoding.createEncoder();
			encoding.writeVarUint(e, messageSync);
			syncProtocol.writeUpdate(e, update);
			this.send(room, encoding.toUint8Array(e));
		});
		return doc;
	}

	/** Joins the rooms and resolves once each has had the server's sync step 2. */
	async joinAll(rooms: readonly string[], timeoutMs = 10_000): Promise<void> {
		for (const room of rooms) this.join(room);
		const deadline = Date.now() + timeoutMs;
		while (!rooms.every((r) => this.synced.has(r))) {
			if (Date.now() > deadline) throw new Error(`not synced: ${rooms.join(', ')}`);
			await new Promise((r) => setTimeout(r, 20));
		}
	}

	leave(room: string): void {
		this.ws.send(muxControl(room, muxLeave));
		this.docs.delete(room);
		this.synced.delete(room);
	}

	#receive(data: Uint8Array) {
		const { room, message } = readMuxFrame(data);
		this.frames.push({ room, bytes: message.byteLength });
		const decoder = decoding.createDecoder(message);
		const type = decoding.readVarUint(decoder);
		if (type === muxClosed) {
			const code = decoding.readVarUint(decoder);
			this.shut.set(room, { code, reason: decoding.readVarString(decoder) });
			this.docs.delete(room);
			this.synced.delete(room);
			return;
		}
		const doc = this.docs.get(room);
		if (!doc || type !== messageSync) return;
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, messageSync);
		const syncType = syncProtocol.readSyncMessage(decoder, encoder, doc, this);
		if (syncType === syncProtocol.messageYjsSyncStep2) this.synced.add(room);
		if (encoding.length(encoder) > 1) this.send(room, encoding.toUint8Array(encoder));
	}

	close(): void {
		this.ws.close();
	}
}
