import { LocalChange, type RoomDoc } from '$lib/store/room-doc';
import type { MuxSocket, RoomChannel } from './mux-socket';

/**
 * One room's connection to the server: its channel on the device's one socket (mux-socket.ts),
 * plus what the indicator needs to be honest.
 *
 * "Synced" must mean the server holds every local change, and the y-websocket protocol has no
 * acknowledgement. What it has: our server answers a client's sync step 1 with step 2 *and its own
 * step 1* — its state vector, taken after everything the connection sent before was stored. So the
 * channel hands us that state vector; RoomDoc.serverHas() then clears the local changes it covers.
 * While changes are waiting we send a fresh step 1 (a "probe") after the channel has pushed them,
 * and read the answer the same way.
 */

export type RoomSyncStatus = 'stopped' | 'connecting' | 'syncing' | 'synced';

export interface RoomSyncOptions {
	/** Called once when the server refused the room (4403, 4404). */
	onRefused: (code: number) => void;
	onStatus: () => void;
	/** Called each time the room is synced after a join (the first: its records are all here). */
	onSynced?: () => void;
}

/** Delay of the first probe after a local change, and the most between two. */
const probeDelayMs = 250;
const probeMaxDelayMs = 30_000;

export class RoomSync {
	readonly channel: RoomChannel;
	/** The records with changes the server is not yet known to hold (`kind/id`). */
	#unsent: ReadonlySet<string> = new Set();
	#probeTimer: ReturnType<typeof setTimeout> | undefined;
	#probeDelay = probeDelayMs;
	#stopOutbox: () => void;

	constructor(
		readonly roomDoc: RoomDoc,
		readonly access: 'read' | 'write',
		private readonly socket: MuxSocket,
		private readonly options: RoomSyncOptions
	) {
		// The room answers the sync itself: from what its decoded copy kept, while its stored state waits.
		this.channel = socket.channel(roomDoc.room, roomDoc.doc, roomDoc);
		this.channel.onServerStateVector = (stateVector) => void this.#serverHas(stateVector);
		this.channel.onSynced = () => {
			this.#scheduleProbe(0);
			options.onSynced?.();
		};
		this.channel.onRefused = (code) => options.onRefused(code);
		roomDoc.doc.on('update', this.#onUpdate);
		this.#stopOutbox = roomDoc.onOutboxChange(() => void this.#refreshWaiting());
		void this.#refreshWaiting();
	}

	get awareness() {
		return this.channel.awareness;
	}

	get status(): RoomSyncStatus {
		if (!this.socket.active && !this.socket.connected) return 'stopped';
		if (!this.channel.joined) return 'connecting';
		if (!this.channel.synced || this.#unsent.size > 0) return 'syncing';
		return 'synced';
	}

	get connected(): boolean {
		return this.channel.joined;
	}

	/** Records of this room with changes the server is not yet known to hold. */
	get waitingRecords(): number {
		return this.#unsent.size;
	}

	/** Those records, as `kind/id` (changed-records.ts): what lists and pages mark "Unsent". */
	get unsent(): ReadonlySet<string> {
		return this.#unsent;
	}

	get refused(): boolean {
		return this.channel.refusedCode !== undefined;
	}

	destroy(): void {
		clearTimeout(this.#probeTimer);
		this.#stopOutbox();
		this.roomDoc.doc.off('update', this.#onUpdate);
		this.channel.destroy();
	}

	#onUpdate = (_update: Uint8Array, origin: unknown) => {
		if (origin instanceof LocalChange) this.#scheduleProbe(probeDelayMs);
	};

	async #refreshWaiting() {
		this.#unsent = new Set(await this.roomDoc.waitingRecords());
		this.options.onStatus();
	}

	async #serverHas(stateVector: Uint8Array) {
		await this.roomDoc.serverHas(stateVector);
		await this.#refreshWaiting();
		if (this.#unsent.size > 0) {
			// The channel answers this step 1 with our missing changes; ask again after that.
			this.#scheduleProbe(this.#probeDelay);
			this.#probeDelay = Math.min(this.#probeDelay * 2, probeMaxDelayMs);
		} else {
			this.#probeDelay = probeDelayMs;
		}
	}

	#scheduleProbe(delay: number) {
		clearTimeout(this.#probeTimer);
		this.#probeTimer = setTimeout(() => this.channel.sendStepOne(), delay);
	}
}
