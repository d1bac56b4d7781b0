import { untrack } from 'svelte';
import { version } from '$app/environment';
import { SvelteMap } from 'svelte/reactivity';
import {
	isCityRole,
	parseRoom,
	roomsKeptAtStart,
	type Actor,
	type FigureAnswer,
	type ProjectsView,
	type RecordKind,
	type RecordKinds,
	type RoomGrant
} from '$lib/domain';
import { KuaibanDb, type SessionRow } from '$lib/store/db';
import { databaseName } from '$lib/store/db-name';
import type { CommandContext } from '$lib/store/commands';
import { askPersistentStorage } from '$lib/store/photos';
import { recordsWaiting, RoomDoc } from '$lib/store/room-doc';
import { recordKey } from '$lib/doc/changed-records';
import {
	readHistory,
	readRecord,
	readRecords,
	validRecords,
	type HistoryEntry,
	type StoredRecord
} from '$lib/doc/records';
import { CloseCode } from './protocol';
import type { Network } from './network.svelte';
import { PhotoLibrary } from './photo-library';
import { PhotoUploader, type UploadProgress } from './photo-upload';
import { MuxSocket } from './mux-socket';
import { muxPath } from './protocol';
import { RoomSync } from './room-sync';
import { ServerAnswers } from './server-answers';
import { communityName, homeRoom, sessionRooms, signIn } from './session';
import { SignInError } from './sign-in-error';

/**
 * The signed-in person's workspace: the session, one document per room (opened from IndexedDB
 * before any screen reads it), one websocket for all of them, the photo queue, and the one indicator
 * that sums them up. Screens get it from the Svelte context and call its commands.
 */

export type WorkspacePhase = 'loading' | 'signed-out' | 'ready' | 'failed';
export type Indicator = 'connecting' | 'offline' | 'syncing' | 'synced';
export type WorkspaceFailure = 'newer-version' | 'no-storage';

/**
 * One room as screens see it: its records, read by queries that a `$derived` or an effect reruns
 * whenever the document changes (so a screen cannot forget to), whether they may write, and who
 * else is here.
 */
export class Room {
	/**
	 * Bumped on every change of the document: what the queries below read, so that their callers
	 * rerun. Screens use the queries, not this.
	 */
	version = $state(0);
	/** Bumped when who-is-here changes. */
	presence = $state(0);
	/**
	 * The device holds the room's records: it had them stored, or the server gave them since it
	 * was opened. A room joined a moment ago is empty until then, which is not "no records".
	 */
	complete = $state(false);

	constructor(
		readonly roomDoc: RoomDoc,
		readonly access: 'read' | 'write',
		readonly sync: RoomSync
	) {
		// These events can fire inside an effect (one that sets presence, say): the counters are
		// bumped untracked, or that effect would depend on the counter it bumps and loop.
		// Every transaction that changed something, a load from the device's storage too (which
		// has no 'update' event: room-doc.ts).
		roomDoc.doc.on('afterTransaction', (transaction) => {
			if (transaction.changed.size > 0 || transaction.deleteSet.clients.size > 0) {
				untrack(() => this.version++);
			}
		});
		sync.awareness.on('change', () => untrack(() => this.presence++));
	}

	get name(): string {
		return this.roomDoc.room;
	}

	/**
	 * The whole document: its stored state applied first if a decoded copy still stood in for it
	 * (RoomDoc.open's `defer`). The record queries below are answered by the copy meanwhile.
	 */
	get doc() {
		this.roomDoc.applyStored();
		return this.roomDoc.doc;
	}

	/** The records of a kind as stored, valid or not (a list shows what it cannot read too). */
	records<K extends RecordKind>(kind: K): StoredRecord<K>[] {
		void this.version;
		return readRecords(this.roomDoc.doc, kind);
	}

	/** The valid records of a kind. */
	valid<K extends RecordKind>(kind: K): RecordKinds[K][] {
		void this.version;
		return validRecords(this.roomDoc.doc, kind);
	}

	/** One record as stored, if the room holds it. */
	record<K extends RecordKind>(kind: K, id: string): StoredRecord<K> | undefined {
		void this.version;
		return readRecord(this.roomDoc.doc, kind, id);
	}

	/** A record's own list of changes, as the devices wrote it (not in the copy: the document). */
	history(kind: RecordKind, id: string): HistoryEntry[] {
		const doc = this.doc;
		void this.version;
		return readHistory(doc, kind, id);
	}

	/** Anything else read from the document (a store's reader), rerun on every change. */
	read<T>(reader: (doc: Room['doc']) => T): T {
		const doc = this.doc;
		void this.version;
		return reader(doc);
	}

	/** Who else has this room open on the given record now (names), for "also here". */
	viewersOf(recordId: string): string[] {
		void this.presence;
		const awareness = this.sync.awareness;
		const names: string[] = [];
		for (const [client, state] of awareness.getStates()) {
			if (client === awareness.clientID) continue;
			const s = state as { user?: { name?: string }; record?: string };
			if (s.record === recordId && s.user?.name) names.push(s.user.name);
		}
		return names;
	}
}

export interface WorkspaceOptions {
	dbName?: string;
	now?: () => Date;
	newId?: () => string;
}

export interface PendingSummary {
	records: number;
	photos: number;
}

/** The longest the rooms a person writes wait for an idle moment after opening. */
const idleApplyTimeoutMs = 2000;

/** Resolves after the next frame is painted (at once where there are no frames). */
function afterFirstPaint(win: Window): Promise<void> {
	return new Promise<void>((done) =>
		typeof win.requestAnimationFrame === 'function'
			? win.requestAnimationFrame(() => setTimeout(done, 0))
			: setTimeout(done, 0)
	);
}

export class Workspace {
	phase = $state<WorkspacePhase>('loading');
	failure = $state<WorkspaceFailure>();
	session = $state.raw<SessionRow>();
	/** The server refused the token: work goes on, sending waits for a new sign-in. */
	needsSignIn = $state(false);
	uploads = $state.raw<UploadProgress>({ waiting: 0, refused: [] });
	persisted = $state(false);
	#tick = $state(0);

	rooms = new SvelteMap<string, Room>();
	photos!: PhotoLibrary;
	/** What this device asks the server (the city's figures), with the last answers kept. */
	answers!: ServerAnswers;
	#db!: KuaibanDb;
	#uploader!: PhotoUploader;
	#socket: MuxSocket | undefined;
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- joins in flight: no screen reads it
	readonly #joining = new Map<string, Promise<Room | undefined>>();
	#stopWatching: (() => void) | undefined;
	readonly now: () => Date;
	readonly #newId: () => string;
	readonly #dbName: string;
	readonly #network: Network;

	/** `network` is the app's one (the shell's), already followed; the workspace acts on its changes. */
	constructor(network: Network, options: WorkspaceOptions = {}) {
		this.#network = network;
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a clock: each Date is read once
		this.now = options.now ?? (() => new Date());
		this.#newId = options.newId ?? (() => crypto.randomUUID());
		this.#dbName = options.dbName ?? databaseName;
	}

	/**
	 * Whether the browser says there is a network: what screens read, the sync refines it per
	 * room.
	 */
	get online(): boolean {
		return this.#network.online;
	}

	get db(): KuaibanDb {
		return this.#db;
	}

	/** Opens the device's data and, if someone signed in before, their rooms. */
	async start(win: Window): Promise<void> {
		this.#watchNetwork();
		// Marks for bench/client.ts: how long the documents take to open from IndexedDB.
		performance.mark('kuaiban:store-open');
		try {
			await this.#openDb();
			const session = await this.#db.session.get('current');
			if (!session) {
				this.phase = 'signed-out';
				return;
			}
			await this.#openRooms(session, { defer: true });
			performance.mark('kuaiban:rooms-ready');
			this.needsSignIn = session.tokenRefusedAt !== undefined;
			this.phase = 'ready';
			// The screens show the rooms' decoded copies; a room's document is applied when something
			// needs it (RoomDoc.applyStored). The sync starts after the first paint (unless the person
			// signed out meanwhile: then the socket is another one, or none).
			const socket = this.#socket;
			void afterFirstPaint(win).then(() => {
				if (this.online && !this.needsSignIn && this.#socket === socket) this.#connect();
				this.#applyWritableWhenIdle(win, socket);
			});
			void askPersistentStorage().then((p) => (this.persisted = p));
		} catch (error) {
			console.error(error);
			this.failure =
				(error as { name?: string }).name === 'VersionError' ? 'newer-version' : 'no-storage';
			this.phase = 'failed';
		}
	}

	async #openDb() {
		this.#db = new KuaibanDb(this.#dbName);
		await this.#db.open();
		this.photos = new PhotoLibrary(this.#db, () => this.session?.token);
		this.answers = new ServerAnswers({
			db: this.#db,
			token: () => (this.needsSignIn ? undefined : this.session?.token),
			onUnauthorized: () => void this.#tokenRefused()
		});
		this.#uploader = new PhotoUploader({
			db: this.#db,
			token: () => (this.needsSignIn ? undefined : this.session?.token),
			onProgress: (progress) => {
				this.uploads = progress;
			},
			onUnauthorized: () => void this.#tokenRefused()
		});
		await this.#uploader.report();
	}

	/**
	 * The rooms this person writes, applied one at a time at the first idle moments after opening
	 * (within two seconds): a form's first save then does not wait for a room's stored state (a
	 * five-year community room: ~200 ms on this machine, a pause at "Save" on a tablet). Rooms only
	 * read (every payment of the city, on a worker's tablet) wait until something needs them.
	 */
	#applyWritableWhenIdle(win: Window, socket: MuxSocket | undefined) {
		const waiting = [...this.rooms.values()].filter(
			(room) => room.access === 'write' && !room.roomDoc.loaded
		);
		const next = () => {
			// Not for a session that ended meanwhile (its socket is another one, or none).
			if (this.#socket !== socket) return;
			const room = waiting.shift();
			if (!room) return;
			if (this.rooms.get(room.name) === room) room.roomDoc.applyStored();
			whenIdle();
		};
		const whenIdle = () =>
			typeof win.requestIdleCallback === 'function'
				? win.requestIdleCallback(next, { timeout: idleApplyTimeoutMs })
				: setTimeout(next, 0);
		if (waiting.length > 0) whenIdle();
	}

	async #openRooms(session: SessionRow, options: { defer?: boolean } = {}) {
		this.session = session;
		const url = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${muxPath}`;
		const onStatus = () => untrack(() => this.#tick++);
		this.#socket?.destroy();
		this.#joining.clear();
		const socket = new MuxSocket({
			url,
			token: session.token,
			onRefused: (code) => {
				if (code === CloseCode.unauthorized) void this.#tokenRefused();
			},
			onStatus
		});
		this.#socket = socket;
		// All rooms at once: IndexedDB reads overlap, and the screens wait for the last anyway.
		const grants = roomsKeptAtStart(session.user.role, sessionRooms(session), session.opened);
		const docs = await Promise.all(
			grants.map((g) => RoomDoc.open(this.#db, g.room, { ...options, copyVersion: version }))
		);
		grants.forEach((grant, i) => this.#addRoom(grant, docs[i]!, session, socket));
	}

	#addRoom(grant: RoomGrant, roomDoc: RoomDoc, session: SessionRow, socket: MuxSocket) {
		const onStatus = () => untrack(() => this.#tick++);
		const sync = new RoomSync(roomDoc, grant.access, socket, {
			onRefused: () => onStatus(),
			onStatus,
			onSynced: () =>
				untrack(() => {
					const synced = this.rooms.get(grant.room);
					if (synced) synced.complete = true;
				})
		});
		sync.awareness.setLocalStateField('user', { id: session.user.id, name: session.user.name });
		const room = new Room(roomDoc, grant.access, sync);
		room.complete = roomDoc.storedAtOpen;
		this.rooms.set(grant.room, room);
	}

	/**
	 * Opens a room this person may read but the device does not keep yet (a city role looking at
	 * one community), joins it on the one socket, and keeps it from now on (`opened`, so that it
	 * is there offline after a restart). The room's records are on screen once it has synced.
	 * Undefined when the person may not read it.
	 */
	join(name: string): Promise<Room | undefined> {
		const existing = this.rooms.get(name);
		if (existing) return Promise.resolve(existing);
		const session = this.session;
		const socket = this.#socket;
		const grant = session && sessionRooms(session).find((g) => g.room === name);
		if (!session || !socket || !grant) return Promise.resolve(undefined);
		let joining = this.#joining.get(name);
		if (!joining) {
			joining = (async () => {
				const roomDoc = await RoomDoc.open(this.#db, name, { copyVersion: version });
				if (this.session?.user.id !== session.user.id || this.#socket !== socket) {
					await roomDoc.close();
					return undefined;
				}
				this.#addRoom(grant, roomDoc, this.session, socket);
				const opened = this.session.opened ?? [];
				if (!opened.includes(name)) {
					const next = { ...this.session, opened: [...opened, name] };
					this.session = next;
					await this.#db.session.put(next);
				}
				return this.rooms.get(name);
			})().finally(() => this.#joining.delete(name));
			this.#joining.set(name, joining);
		}
		return joining;
	}

	/** A community's room and its town's (whose decisions its projects take), joined if need be. */
	async joinCommunity(communityId: string): Promise<Room | undefined> {
		const townId = this.session?.directory.communities.find((c) => c.id === communityId)?.townId;
		const [room] = await Promise.all([
			this.join(`community:${communityId}`),
			townId ? this.join(`town:${townId}`) : undefined
		]);
		return room;
	}

	/** A city role: the city's figures and lists come from the server, communities on demand. */
	get readsCityFromServer(): boolean {
		const role = this.session?.user.role;
		return role !== undefined && isCityRole(role);
	}

	/**
	 * For a city role: asks the server which community holds a project (the device keeps only the
	 * communities opened so far) and joins that room. Undefined when the server knows of none this
	 * person may read; throws AskError when the server cannot be asked.
	 */
	async joinProjectRoom(projectId: string): Promise<Room | undefined> {
		const path = `/api/figures/projects?ids=${encodeURIComponent(projectId)}`;
		const answer = await this.answers.ask<FigureAnswer<ProjectsView>>(path);
		const found = answer.value.view.projects.find((p) => p.id === projectId);
		return found ? this.joinCommunity(found.communityId) : undefined;
	}

	/**
	 * The communities this person may look at, own community first, then by town: for a city role
	 * every community of the city (joined when chosen), otherwise those whose rooms it keeps.
	 */
	get communityChoices(): { id: string; name: string; townId: string | undefined }[] {
		const session = this.session;
		if (!session) return [];
		if (!this.readsCityFromServer) {
			return this.communityRooms.map(({ room, name }) => ({
				id: room.name.slice('community:'.length),
				name,
				townId: this.placeOf(room).townId
			}));
		}
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup made and read at once
		const readable = new Set(sessionRooms(session).map((g) => g.room));
		return session.directory.communities
			.filter((c) => readable.has(`community:${c.id}`))
			.map((c) => ({ id: c.id, name: c.name, townId: c.townId }));
	}

	/**
	 * `communityChoices` by town, in the directory's order, each town with at least one; only
	 * `townId`'s when given (a list narrowed to a town, the dashboard's link to one).
	 */
	communityGroups(townId?: string) {
		const choices = this.communityChoices;
		return (this.session?.directory.towns ?? [])
			.filter((town) => townId === undefined || town.id === townId)
			.map((town) => ({ town, communities: choices.filter((c) => c.townId === town.id) }))
			.filter((g) => g.communities.length > 0);
	}

	#connect() {
		this.#socket?.connect();
		this.#uploader.kick();
	}

	#watchNetwork() {
		this.#stopWatching = this.#network.subscribe((online) => {
			if (!online) {
				// A socket can hang for a long time after the network went; start afresh when it is
				// back.
				this.#socket?.disconnect();
				this.#uploader.pause();
				return;
			}
			if (this.phase !== 'ready' || this.needsSignIn) return;
			// The socket was closed when the network went: connecting again is at once, with no
			// backoff left to wait out.
			this.#socket?.connect();
			this.#uploader.kick();
		});
	}

	async #tokenRefused() {
		if (this.needsSignIn) return;
		this.needsSignIn = true;
		this.#socket?.disconnect();
		this.#uploader.pause();
		const session = this.session;
		if (session) {
			await this.#db.session.put({ ...session, tokenRefusedAt: this.now().toISOString() });
		}
	}

	/**
	 * The indicator: "Offline", "Syncing" or "Synced" (DESIGN.md), honest about the server; and
	 * "Connecting" after a load while the network is up but the first attempt has not ended (it
	 * said "Offline" for that moment on every reload).
	 */
	get indicator(): Indicator {
		void this.#tick;
		if (!this.online || this.needsSignIn) return 'offline';
		const socket = this.#socket;
		if (!socket?.settled && this.phase !== 'failed') return 'connecting';
		const rooms = [...this.rooms.values()];
		if (rooms.length === 0 || !socket?.connected) return 'offline';
		const allSynced = rooms.every((r) => r.sync.status === 'synced');
		return allSynced && this.uploads.waiting === 0 ? 'synced' : 'syncing';
	}

	/**
	 * Grows with every change of any room's document and every change of what waits to be sent:
	 * a screen that asks the server reads it to ask again once this device's changes are there.
	 */
	get activity(): number {
		let sum = this.#tick;
		for (const room of this.rooms.values()) sum += room.version;
		return sum;
	}

	/** Records with changes not yet on the server, over every room (each record once). */
	get waitingRecords(): number {
		void this.#tick;
		let sum = 0;
		for (const room of this.rooms.values()) sum += room.sync.waitingRecords;
		return sum;
	}

	/** Whether the record has changes this device made that the server does not hold yet. */
	isUnsent(room: Room | undefined, kind: RecordKind, id: string): boolean {
		void this.#tick;
		return room?.sync.unsent.has(recordKey(kind, id)) ?? false;
	}

	get waitingPhotos(): number {
		return this.uploads.waiting;
	}

	/** First sign-in on this device. */
	async signIn(username: string, password: string): Promise<void> {
		const session = await signIn(fetch, username, password, this.now());
		await this.#db.session.put(session);
		await this.#openRooms(session);
		this.needsSignIn = false;
		this.phase = 'ready';
		if (this.online) this.#connect();
		void askPersistentStorage().then((p) => (this.persisted = p));
	}

	/**
	 * Signs the same person in again after the server refused the token, then sends what waited.
	 * Another person must sign out first: the waiting changes carry the first person's name.
	 */
	async signInAgain(password: string): Promise<void> {
		const current = this.session;
		if (!current) throw new SignInError('credentials');
		const fresh = await signIn(fetch, current.user.username, password, this.now());
		if (fresh.user.id !== current.user.id) throw new SignInError('other-user');
		const session: SessionRow = {
			...fresh,
			signedInAt: current.signedInAt,
			opened: current.opened
		};
		await this.#db.session.put(session);
		this.session = session;
		this.needsSignIn = false;
		this.#socket?.connect(session.token);
		this.#uploader.kick();
	}

	/** What signing out would delete. */
	async pending(): Promise<PendingSummary> {
		for (const room of this.rooms.values()) await room.roomDoc.flush().catch(() => undefined);
		// Every room's outbox, open now or not: what signing out would lose.
		const [rows, photos] = await Promise.all([
			this.#db.outbox.toArray(),
			this.#db.photoQueue.count()
		]);
		return { records: recordsWaiting(rows), photos };
	}

	/** Removes everything of this person from the device. The screen confirms first. */
	async signOut(): Promise<void> {
		for (const room of this.rooms.values()) {
			room.sync.destroy();
			await room.roomDoc.close();
		}
		this.rooms.clear();
		this.#socket?.destroy();
		this.#socket = undefined;
		this.#uploader.pause();
		this.#db.close();
		await this.#db.delete();
		this.session = undefined;
		this.needsSignIn = false;
		await this.#openDb();
		this.phase = 'signed-out';
	}

	/** The room a worker writes in (its community). */
	get home(): Room | undefined {
		const session = this.session;
		if (!session) return undefined;
		const grant = homeRoom(session);
		return grant ? this.rooms.get(grant.room) : undefined;
	}

	/** The community rooms this person can open, with their names, own community first. */
	get communityRooms(): { room: Room; name: string }[] {
		const session = this.session;
		if (!session) return [];
		const out: { room: Room; name: string }[] = [];
		for (const room of this.rooms.values()) {
			if (!room.name.startsWith('community:')) continue;
			const id = room.name.slice('community:'.length);
			out.push({ room, name: communityName(session, id) });
		}
		return out.sort(
			(a, b) => Number(b.room.access === 'write') - Number(a.room.access === 'write')
		);
	}

	/** Where a community room's projects are: its community and, by the directory, its town. */
	placeOf(room: Room): { communityId: string; townId: string | undefined } {
		const communityId = room.name.slice('community:'.length);
		const townId = this.session?.directory.communities.find((c) => c.id === communityId)?.townId;
		return { communityId, townId };
	}

	/**
	 * A community room's contacts room (residents' names and phones), when this person keeps it:
	 * the community's own workers alone.
	 */
	contactsRoomOf(room: Room): Room | undefined {
		return this.rooms.get(`contacts:${this.placeOf(room).communityId}`);
	}

	/** The town room of a community room (its reviewers' decisions), when this person may read it. */
	townRoomOf(room: Room): Room | undefined {
		const { townId } = this.placeOf(room);
		return townId ? this.rooms.get(`town:${townId}`) : undefined;
	}

	get cityRoom(): Room | undefined {
		return this.rooms.get('city');
	}

	/** Finance's payments (read by everyone signed in, written by finance). */
	get financeRoom(): Room | undefined {
		return this.rooms.get('finance');
	}

	/** The signed-in person as the workflow sees them. */
	get actor(): Actor | undefined {
		const user = this.session?.user;
		if (!user) return undefined;
		const scope = parseRoom(user.scope);
		if (scope?.kind === 'community') {
			const townId = this.session?.directory.communities.find((c) => c.id === scope.id)?.townId;
			return { id: user.id, role: user.role, scope: { communityId: scope.id, townId } };
		}
		if (scope?.kind === 'town')
			return { id: user.id, role: user.role, scope: { townId: scope.id } };
		return { id: user.id, role: user.role, scope: {} };
	}

	/** What a store command needs to act in a room the person may write. */
	commandContext(room: Room): CommandContext {
		const session = this.session;
		if (!session || room.access !== 'write') throw new Error(`No write access to ${room.name}`);
		// A command writes on the whole document, never on one a decoded copy still stands in for.
		room.roomDoc.applyStored();
		return {
			roomDoc: room.roomDoc,
			author: { id: session.user.id, name: session.user.name },
			now: this.now,
			newId: this.#newId
		};
	}

	/** After photos were stored: send them when possible. */
	photosAdded(): void {
		void this.#uploader.report();
		if (this.online && !this.needsSignIn) this.#uploader.kick();
	}

	/** Tells the others in the room which record this person has open (or none). */
	viewing(room: Room, recordId: string | undefined): void {
		room.sync.awareness.setLocalStateField('record', recordId ?? null);
	}

	stop(): void {
		this.#stopWatching?.();
		for (const room of this.rooms.values()) room.sync.destroy();
		this.#socket?.destroy();
	}
}
