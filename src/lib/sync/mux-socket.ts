import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import {
	CloseCode,
	fatalCloseCodes,
	messageAwareness,
	messageQueryAwareness,
	messageSync,
	muxClosed,
	muxControl,
	muxFrame,
	muxJoin,
	muxJoinBurst,
	muxJoinsPerSecond,
	muxLeave,
	muxPrefix,
	readMuxFrame
} from './protocol';

/**
 * What a room's channel asks of the room's document in the sync protocol. A plain document
 * answers from itself (`docSource`); a room whose stored state a decoded copy still stands in
 * for answers from what it kept with the copy, and applies that state only when it must
 * (RoomDoc).
 */
export interface SyncSource {
	/** This side's state vector (a sync step 1). */
	stateVector(): Uint8Array;
	/** What the other side lacks, given its state vector (the answer to its step 1). */
	missingFor(stateVector: Uint8Array): Uint8Array;
	/** An update from the other side (its step 2, or a change). */
	receive(update: Uint8Array, origin: unknown): void;
}

/** A document as its own sync source. */
export function docSource(doc: Y.Doc): SyncSource {
	return {
		stateVector: () => Y.encodeStateVector(doc),
		missingFor: (stateVector) => Y.encodeStateAsUpdate(doc, stateVector),
		receive: (update, origin) => Y.applyUpdate(doc, update, origin)
	};
}

/**
 * The device's one websocket to the server (`/mux`, protocol.ts), and on it one channel per room:
 * the y-websocket protocol of that room (sync and presence), each frame naming its room. A city
 * role holds a thousand rooms where a browser allows 255 sockets to a host; a worker's tablet
 * opens one socket, not eight.
 */

export interface MuxSocketOptions {
	/** `ws(s)://host/mux`. */
	url: string;
	token: string;
	/** The server refused the token (4401): no retry with it. */
	onRefused: (code: number) => void;
	onStatus: () => void;
	WebSocketPolyfill?: typeof WebSocket;
}

/** Reconnect backoff: doubles from this, up to a jittered most, as tablets come back together. */
const firstBackoffMs = 100;
/**
 * A connection forgets the backoff once it has stayed open this long: one that the server closes
 * soon after each opening (a flood, a restart loop) is retried ever more slowly, not every 100 ms.
 */
const stableAfterMs = 10_000;

export class MuxSocket {
	#ws: WebSocket | undefined;
	#token: string;
	#shouldConnect = false;
	#refused = false;
	#attempts = 0;
	#stableTimer: ReturnType<typeof setTimeout> | undefined;
	/** Whether a connection attempt has ended (opened or failed) since this socket was made. */
	#settled = false;
	#timer: ReturnType<typeof setTimeout> | undefined;
	readonly #maxBackoffMs = 2500 + Math.floor(Math.random() * 2500);
	readonly #channels = new Map<string, RoomChannel>();
	readonly #WebSocket: typeof WebSocket;

	/** Channels waiting for their turn to join (see `#join`), and the credit for joining now. */
	readonly #toJoin = new Set<RoomChannel>();
	#joinCredit = muxJoinBurst;
	#creditAt = 0;
	#joinTimer: ReturnType<typeof setTimeout> | undefined;

	constructor(private readonly options: MuxSocketOptions) {
		this.#token = options.token;
		this.#WebSocket = options.WebSocketPolyfill ?? WebSocket;
	}

	get connected(): boolean {
		return this.#ws?.readyState === this.#WebSocket.OPEN;
	}

	/**
	 * Whether this device knows how it stands with the server: a first attempt has opened or
	 * failed. Until then the indicator says "Connecting", not "Offline".
	 */
	get settled(): boolean {
		return this.#settled;
	}

	/** Wanted to be connected (started, not stopped or refused). */
	get active(): boolean {
		return this.#shouldConnect;
	}

	get refused(): boolean {
		return this.#refused;
	}

	/** The room's channel on this socket, joined whenever the socket is open. */
	channel(room: string, doc: Y.Doc, source: SyncSource = docSource(doc)): RoomChannel {
		const existing = this.#channels.get(room);
		if (existing) return existing;
		const channel = new RoomChannel(this, room, doc, source, this.options.onStatus);
		this.#channels.set(room, channel);
		if (this.connected) this.#join([channel]);
		return channel;
	}

	/** Connects (again at once, the backoff forgotten); a new token is used from now on. */
	connect(token?: string): void {
		if (token) {
			this.#token = token;
			this.#refused = false;
			for (const channel of this.#channels.values()) channel.forgetRefusal();
		}
		if (this.#refused) return;
		this.#shouldConnect = true;
		clearTimeout(this.#timer);
		this.#attempts = 0;
		if (!this.#ws) this.#open();
		else if (this.connected) this.#join([...this.#channels.values()]);
	}

	disconnect(): void {
		this.#shouldConnect = false;
		clearTimeout(this.#timer);
		clearTimeout(this.#stableTimer);
		this.#toJoin.clear();
		clearTimeout(this.#joinTimer);
		const ws = this.#ws;
		this.#ws = undefined;
		for (const channel of this.#channels.values()) channel.socketClosed();
		ws?.close();
		this.options.onStatus();
	}

	destroy(): void {
		this.disconnect();
		for (const channel of [...this.#channels.values()]) channel.destroy();
	}

	/** @internal a frame of one of this socket's channels. */
	send(frame: Uint8Array): void {
		if (this.connected) this.#ws!.send(frame as Uint8Array<ArrayBuffer>);
	}

	/** @internal */
	forget(room: string): void {
		this.#channels.delete(room);
	}

	/**
	 * Joins channels within the pace the server allows (`muxJoinBurst`, then `muxJoinsPerSecond`):
	 * what the credit does not cover now waits, in order, for the next tick.
	 */
	#join(channels: RoomChannel[]) {
		for (const channel of channels) this.#toJoin.add(channel);
		this.#joinWaiting();
	}

	#joinWaiting() {
		clearTimeout(this.#joinTimer);
		if (!this.connected) return;
		const now = Date.now();
		this.#joinCredit = Math.min(
			muxJoinBurst,
			this.#joinCredit + ((now - this.#creditAt) / 1000) * muxJoinsPerSecond
		);
		this.#creditAt = now;
		for (const channel of this.#toJoin) {
			if (this.#joinCredit < 1) break;
			this.#toJoin.delete(channel);
			if (this.#channels.get(channel.room) !== channel) continue;
			this.#joinCredit -= 1;
			channel.socketOpened();
		}
		if (this.#toJoin.size > 0) {
			this.#joinTimer = setTimeout(() => this.#joinWaiting(), 1000 / muxJoinsPerSecond);
		}
	}

	#open() {
		const url = `${this.options.url}?token=${encodeURIComponent(this.#token)}`;
		const ws = new this.#WebSocket(url);
		ws.binaryType = 'arraybuffer';
		this.#ws = ws;
		ws.onopen = () => {
			this.#settled = true;
			clearTimeout(this.#stableTimer);
			this.#stableTimer = setTimeout(() => (this.#attempts = 0), stableAfterMs);
			this.#joinCredit = muxJoinBurst;
			this.#creditAt = Date.now();
			this.#join([...this.#channels.values()]);
			this.options.onStatus();
		};
		ws.onmessage = (event: MessageEvent) => {
			if (!(event.data instanceof ArrayBuffer)) return;
			let frame: { room: string; message: Uint8Array };
			try {
				frame = readMuxFrame(new Uint8Array(event.data));
			} catch {
				return;
			}
			this.#channels.get(frame.room)?.receive(frame.message);
		};
		ws.onclose = (event: CloseEvent) => {
			if (this.#ws !== ws) return;
			clearTimeout(this.#stableTimer);
			this.#settled = true;
			this.#ws = undefined;
			this.#toJoin.clear();
			clearTimeout(this.#joinTimer);
			for (const channel of this.#channels.values()) channel.socketClosed();
			if (fatalCloseCodes.has(event.code)) {
				this.#refused = true;
				this.#shouldConnect = false;
				this.options.onRefused(event.code);
			} else if (this.#shouldConnect) {
				const delay = Math.min(firstBackoffMs * 2 ** this.#attempts++, this.#maxBackoffMs);
				this.#timer = setTimeout(() => {
					if (this.#shouldConnect && !this.#ws) this.#open();
				}, delay);
			}
			this.options.onStatus();
		};
		ws.onerror = () => undefined; // a close follows
	}
}

/** A shut room is joined again after this, unless the code says retrying cannot help. */
const rejoinMs = 2000;

/** One room on the device's socket: its document's sync and its presence. */
export class RoomChannel {
	readonly awareness: awarenessProtocol.Awareness;
	/** The server's answer to our step 1 arrived since the room was joined. */
	synced = false;
	/** Called with the server's state vector from each of its sync step 1 messages. */
	onServerStateVector: ((stateVector: Uint8Array) => void) | undefined;
	/** Called once the room is synced after a join. */
	onSynced: (() => void) | undefined;
	/** Called when the server refused this room for good (4403, 4404). */
	onRefused: ((code: number) => void) | undefined;
	#joined = false;
	#refusedCode: number | undefined;
	#rejoin: ReturnType<typeof setTimeout> | undefined;
	readonly #prefix: Uint8Array;

	constructor(
		private readonly socket: MuxSocket,
		readonly room: string,
		readonly doc: Y.Doc,
		private readonly source: SyncSource,
		private readonly onStatus: () => void
	) {
		this.#prefix = muxPrefix(room);
		this.awareness = new awarenessProtocol.Awareness(doc);
		doc.on('update', this.#onUpdate);
		this.awareness.on('update', this.#onAwareness);
	}

	/** Joined on an open socket, and not shut by the server. */
	get joined(): boolean {
		return this.#joined && this.socket.connected;
	}

	get refusedCode(): number | undefined {
		return this.#refusedCode;
	}

	/** Sends one y-websocket message of this room. */
	send(message: Uint8Array): void {
		if (this.joined) this.socket.send(muxFrame(this.#prefix, message));
	}

	/** Our state vector: the server answers with what we lack, then with its own (a probe). */
	sendStepOne(): void {
		this.#sendSync(syncProtocol.messageYjsSyncStep1, this.source.stateVector());
	}

	/** @internal the socket is open: join, then sync and say who is here. */
	socketOpened(): void {
		if (this.#joined || this.#refusedCode !== undefined) return;
		clearTimeout(this.#rejoin);
		this.socket.send(muxControl(this.room, muxJoin));
		this.#joined = true;
		this.synced = false;
		this.sendStepOne();
		if (this.awareness.getLocalState() !== null) {
			this.#sendAwareness([this.doc.clientID]);
		}
		this.onStatus();
	}

	/** @internal the socket closed: the others' presence goes with it. */
	socketClosed(): void {
		clearTimeout(this.#rejoin);
		this.#joined = false;
		this.synced = false;
		this.#dropOthers();
	}

	/** @internal */
	forgetRefusal(): void {
		this.#refusedCode = undefined;
	}

	/** @internal one message of this room from the server. */
	receive(message: Uint8Array): void {
		const decoder = decoding.createDecoder(message);
		const type = decoding.readVarUint(decoder);
		switch (type) {
			case messageSync: {
				// y-protocols' sync, its three messages answered through the room's source.
				const syncType = decoding.readVarUint(decoder);
				const payload = decoding.readVarUint8Array(decoder);
				if (syncType === syncProtocol.messageYjsSyncStep1) {
					this.onServerStateVector?.(payload);
					this.#sendSync(syncProtocol.messageYjsSyncStep2, this.source.missingFor(payload));
					return;
				}
				if (
					syncType !== syncProtocol.messageYjsSyncStep2 &&
					syncType !== syncProtocol.messageYjsUpdate
				) {
					return;
				}
				try {
					this.source.receive(payload, this);
				} catch (error) {
					// As y-protocols does: a bad update from the server is not the socket's end.
					console.error('Caught error while handling a Yjs update', error);
				}
				if (syncType === syncProtocol.messageYjsSyncStep2 && !this.synced) {
					this.synced = true;
					this.onSynced?.();
					this.onStatus();
				}
				return;
			}
			case messageAwareness:
				awarenessProtocol.applyAwarenessUpdate(
					this.awareness,
					decoding.readVarUint8Array(decoder),
					this
				);
				return;
			case messageQueryAwareness:
				this.#sendAwareness([...this.awareness.getStates().keys()]);
				return;
			case muxClosed: {
				const code = decoding.readVarUint(decoder);
				this.#joined = false;
				this.synced = false;
				this.#dropOthers();
				if (fatalCloseCodes.has(code) && code !== CloseCode.unauthorized) {
					this.#refusedCode = code;
					this.onRefused?.(code);
				} else {
					// Storage failed, a bad message, too much at once: try the room again soon.
					this.#rejoin = setTimeout(() => {
						if (this.socket.connected) this.socketOpened();
					}, rejoinMs);
				}
				this.onStatus();
				return;
			}
			default:
				return;
		}
	}

	leave(): void {
		if (this.joined) this.socket.send(muxControl(this.room, muxLeave));
		this.destroy();
	}

	destroy(): void {
		clearTimeout(this.#rejoin);
		this.#joined = false;
		this.doc.off('update', this.#onUpdate);
		this.awareness.off('update', this.#onAwareness);
		this.awareness.destroy();
		this.socket.forget(this.room);
	}

	#onUpdate = (update: Uint8Array, origin: unknown) => {
		if (origin === this) return;
		this.#sendSync(syncProtocol.messageYjsUpdate, update);
	};

	#sendSync(syncType: number, payload: Uint8Array) {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, messageSync);
		encoding.writeVarUint(encoder, syncType);
		encoding.writeVarUint8Array(encoder, payload);
		this.send(encoding.toUint8Array(encoder));
	}

	#onAwareness = (
		{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
		origin: unknown
	) => {
		if (origin === this) return;
		this.#sendAwareness([...added, ...updated, ...removed]);
	};

	#sendAwareness(clients: number[]) {
		if (clients.length === 0) return;
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, messageAwareness);
		encoding.writeVarUint8Array(
			encoder,
			awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients)
		);
		this.send(encoding.toUint8Array(encoder));
	}

	#dropOthers() {
		const others = [...this.awareness.getStates().keys()].filter((c) => c !== this.doc.clientID);
		awarenessProtocol.removeAwarenessStates(this.awareness, others, this);
	}
}
