import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider } from 'y-websocket';
import { LocalChange, type RoomDoc } from '$lib/store/room-doc';
import { fatalCloseCodes, messageSync } from './protocol';

/**
 * One room's connection to the server: a stock y-websocket `WebsocketProvider`, plus what the
 * indicator needs to be honest.
 *
 * "Synced" must mean the server holds every local change, and the y-websocket protocol has no
 * acknowledgement. What it has: our server answers a client's sync step 1 with step 2 *and its own
 * step 1* — its state vector, taken after everything the connection sent before was stored. So the
 * provider's sync handler is wrapped to read that state vector; RoomDoc.serverHas() then clears
 * the local changes it covers. While changes are waiting we send a fresh step 1 (a "probe") after
 * the provider has pushed them, and read the answer the same way.
 */

export type RoomSyncStatus = 'stopped' | 'connecting' | 'syncing' | 'synced';

export interface RoomSyncOptions {
	/** `ws(s)://host/sync`. */
	url: string;
	token: string;
	/** Called once when the server refused the token (4401) or the room (4403, 4404). */
	onRefused: (code: number) => void;
	onStatus: () => void;
	/**
	 * BroadcastChannel between tabs, off by default: on every connect the stock provider posts the
	 * whole document to it (2 MB for a community's five years, bench/results), and a tablet runs the
	 * app in one window. Tabs share IndexedDB and meet through the server.
	 */
	disableBc?: boolean;
	WebSocketPolyfill?: typeof WebSocket;
}

/** Delay of the first probe after a local change, and the most between two. */
const probeDelayMs = 250;
const probeMaxDelayMs = 30_000;

export class RoomSync {
	readonly provider: WebsocketProvider;
	#waiting = 0;
	#probeTimer: ReturnType<typeof setTimeout> | undefined;
	#probeDelay = probeDelayMs;
	#refused = false;
	#stopOutbox: () => void;

	constructor(
		readonly roomDoc: RoomDoc,
		readonly access: 'read' | 'write',
		private readonly options: RoomSyncOptions
	) {
		this.provider = new WebsocketProvider(options.url, roomDoc.room, roomDoc.doc, {
			connect: false,
			params: { token: options.token },
			disableBc: options.disableBc ?? true,
			// The stock backoff has no jitter: spread tablets that come back online together.
			maxBackoffTime: 2500 + Math.floor(Math.random() * 2500),
			shouldReconnect: (event) => !fatalCloseCodes.has(event.code),
			...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {})
		});
		this.#wrapSyncHandler();
		this.provider.on('status', () => options.onStatus());
		this.provider.on('sync', () => {
			options.onStatus();
			this.#scheduleProbe(0);
		});
		this.provider.on('closed', ({ code }) => {
			if (fatalCloseCodes.has(code) && !this.#refused) {
				this.#refused = true;
				options.onRefused(code);
			}
			options.onStatus();
		});
		roomDoc.doc.on('update', this.#onUpdate);
		this.#stopOutbox = roomDoc.onOutboxChange(() => void this.#refreshWaiting());
		void this.#refreshWaiting();
	}

	get status(): RoomSyncStatus {
		const p = this.provider;
		if (!p.shouldConnect && !p.wsconnected) return 'stopped';
		if (!p.wsconnected) return 'connecting';
		if (!p.synced || this.#waiting > 0) return 'syncing';
		return 'synced';
	}

	get connected(): boolean {
		return this.provider.wsconnected;
	}

	/** Local changes of this room the server is not yet known to hold. */
	get waitingChanges(): number {
		return this.#waiting;
	}

	get refused(): boolean {
		return this.#refused;
	}

	start(token?: string): void {
		if (token) {
			this.provider.params = { ...this.provider.params, token };
			this.#refused = false;
		}
		if (this.#refused) return;
		this.provider.connect();
	}

	stop(): void {
		this.provider.disconnect();
		clearTimeout(this.#probeTimer);
		this.options.onStatus();
	}

	destroy(): void {
		clearTimeout(this.#probeTimer);
		this.#stopOutbox();
		this.roomDoc.doc.off('update', this.#onUpdate);
		this.provider.destroy();
	}

	#onUpdate = (_update: Uint8Array, origin: unknown) => {
		if (origin instanceof LocalChange) this.#scheduleProbe(probeDelayMs);
	};

	async #refreshWaiting() {
		this.#waiting = await this.roomDoc.waitingChanges();
		this.options.onStatus();
	}

	#wrapSyncHandler() {
		const handlers = this.provider.messageHandlers;
		const stock = handlers[messageSync];
		if (!stock) throw new Error('y-websocket has no sync handler');
		handlers[messageSync] = (encoder, decoder, provider, emitSynced, messageType) => {
			const peek = decoding.clone(decoder);
			if (decoding.readVarUint(peek) === syncProtocol.messageYjsSyncStep1) {
				const serverStateVector = decoding.readVarUint8Array(peek);
				void this.#serverHas(serverStateVector);
			}
			stock(encoder, decoder, provider, emitSynced, messageType);
		};
	}

	async #serverHas(stateVector: Uint8Array) {
		await this.roomDoc.serverHas(stateVector);
		await this.#refreshWaiting();
		if (this.#waiting > 0) {
			// The provider answers this step 1 with our missing changes; ask again after that.
			this.#scheduleProbe(this.#probeDelay);
			this.#probeDelay = Math.min(this.#probeDelay * 2, probeMaxDelayMs);
		} else {
			this.#probeDelay = probeDelayMs;
		}
	}

	#scheduleProbe(delay: number) {
		clearTimeout(this.#probeTimer);
		this.#probeTimer = setTimeout(() => this.#probe(), delay);
	}

	#probe() {
		const ws = this.provider.ws;
		if (!this.provider.wsconnected || !ws || ws.readyState !== ws.OPEN) return;
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, messageSync);
		syncProtocol.writeSyncStep1(encoder, this.roomDoc.doc);
		ws.send(encoding.toUint8Array(encoder));
	}
}
