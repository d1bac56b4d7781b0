import Dexie, { type EntityTable } from 'dexie';
import type { RoomGrant, Role } from '$lib/domain';
import { databaseName } from './db-name';

/**
 * The one IndexedDB database of the app (Dexie). Everything a person types or photographs lands
 * here before anything else happens to it; the server is a copy.
 *
 * - `updates`: the Yjs updates of each room's document, appended as they happen and merged into one
 *   row from time to time (a Dexie table of updates, DESIGN.md "Stack"; not y-dexie as well).
 * - `outbox`: one row per local change the server is not yet known to hold (see room-doc.ts).
 * - `rooms`: what the device knows of each room: the server's last state vector.
 * - `photos` / `thumbs`: photo bytes by SHA-256, as ArrayBuffer plus MIME type (WebKit cannot keep
 *   Blobs in IndexedDB in some versions); rows are read by primary key only.
 * - `photoQueue`: photos waiting to be uploaded, without their bytes.
 * - `session`: the signed-in user, its rooms and directory, so the app opens offline for days.
 *
 * Schema changes add a `version(n)` below with an `upgrade` that rewrites old rows; versions are
 * never edited once released. A device whose database is newer than this app (a rolled-back
 * release) gets `VersionError` on open: the app then says so and leaves the data alone.
 */

export interface UpdateRow {
	seq?: number;
	room: string;
	update: Uint8Array;
}

export interface OutboxRow {
	id?: number;
	room: string;
	/** The Yjs client id that made the change and its clock after it. */
	client: number;
	clock: number;
	at: string;
	/**
	 * The records the change touched, as `kind/id` (changed-records.ts): what "3 records waiting"
	 * counts and lists mark unsent. Absent on rows written before it was kept.
	 */
	records?: string[];
}

export interface RoomRow {
	room: string;
	/** The server's state vector as last received; changes it covers are on the server. */
	serverStateVector?: Uint8Array;
	serverSeenAt?: string;
}

export interface PhotoRow {
	sha256: string;
	room: string;
	mime: string;
	bytes: ArrayBuffer;
	/** 'local': taken here; 'remote': downloaded from the server. */
	origin: 'local' | 'remote';
	storedAt: string;
}

export interface ThumbRow {
	sha256: string;
	mime: string;
	bytes: ArrayBuffer;
}

export interface PhotoQueueRow {
	sha256: string;
	room: string;
	queuedAt: string;
	attempts: number;
	lastError?: string;
}

export interface SessionUser {
	id: string;
	name: string;
	role: Role;
	scope: string;
	username: string;
}

export interface DirectoryTown {
	id: string;
	name: string;
}
export interface DirectoryCommunity {
	id: string;
	name: string;
	townId: string;
}

export interface SessionRow {
	key: 'current';
	token: string;
	user: SessionUser;
	rooms: RoomGrant[];
	directory: { towns: DirectoryTown[]; communities: DirectoryCommunity[] };
	signedInAt: string;
	/** Set when the server refused the token: work goes on, sending waits for a new sign-in. */
	tokenRefusedAt?: string;
	/**
	 * Rooms a city role opened on demand (a community whose record it looked at), kept on this
	 * device and opened again at the next start (`roomsKeptAtStart`).
	 */
	opened?: string[];
	/** The server's PUBLIC_URL when it has one: the address printed on signs (`publicAddress`). */
	publicUrl?: string;
}

/**
 * The last answer the server gave to a question this device asked (the city's figures), kept for
 * offline use and shown with its time.
 */
export interface AnswerRow {
	/** The question: its API path with the query. */
	key: string;
	/** When the server answered: the answer was complete then. */
	asOf: string;
	value: unknown;
}

/**
 * A room's records as they were decoded when the document held exactly the room's stored updates
 * up to row `seq` (`rows` of them): shown at once on the next open, before the document itself is
 * applied (room-doc.ts). A copy that does not match the rows found then is not used.
 */
export interface DecodedRow {
	room: string;
	seq: number;
	rows: number;
	/**
	 * The records of each kind, as JSON: IndexedDB gives back one string far faster than the
	 * thousands of objects it holds (a five-year room: a few ms of JSON.parse against a third of
	 * a second of structured clone).
	 */
	json: string;
	/**
	 * The document's state vector and its deletions (an update of no items) at that moment: what
	 * the sync asks of a room whose stored state is not applied yet. Absent in copies kept before.
	 */
	stateVector?: Uint8Array;
	deletions?: Uint8Array;
	/**
	 * The app version that decoded it: another version's validators and field codecs may read the
	 * same rows otherwise, so its copy is not used (absent in copies kept before: not used either).
	 */
	version?: string;
}

export class KuaibanDb extends Dexie {
	updates!: EntityTable<UpdateRow, 'seq'>;
	outbox!: EntityTable<OutboxRow, 'id'>;
	rooms!: EntityTable<RoomRow, 'room'>;
	photos!: EntityTable<PhotoRow, 'sha256'>;
	thumbs!: EntityTable<ThumbRow, 'sha256'>;
	photoQueue!: EntityTable<PhotoQueueRow, 'sha256'>;
	session!: EntityTable<SessionRow, 'key'>;
	answers!: EntityTable<AnswerRow, 'key'>;
	decoded!: EntityTable<DecodedRow, 'room'>;

	constructor(name = databaseName, options?: ConstructorParameters<typeof Dexie>[1]) {
		super(name, options);
		this.version(1).stores({
			updates: '++seq, room',
			outbox: '++id, room',
			rooms: 'room',
			photos: 'sha256',
			thumbs: 'sha256',
			photoQueue: 'sha256, queuedAt',
			session: 'key'
		});
		// Version 2 adds the server's kept answers; nothing else changes.
		this.version(2).stores({ answers: 'key' });
		// Version 3 adds each room's records as last decoded, to show before the document opens.
		this.version(3).stores({ decoded: 'room' });
	}
}

/** Whether an error from IndexedDB means the disk (or the browser's share of it) is full. */
export function isQuotaError(error: unknown): boolean {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current; depth++) {
		const name = (current as { name?: unknown }).name;
		if (name === 'QuotaExceededError') return true;
		// Dexie wraps the cause of an aborted transaction as `inner` (DESIGN.md, known pitfalls).
		current = (current as { inner?: unknown }).inner ?? (current as { cause?: unknown }).cause;
	}
	return false;
}

/** Thrown by store commands when the device has no room left; nothing was half-saved. */
export class StorageFullError extends Error {
	constructor(cause: unknown) {
		super('The device storage is full', { cause });
		this.name = 'StorageFullError';
	}
}
