import { databaseName } from '$lib/store/db-name';
import { Network } from './network.svelte';
import { SignInError } from './sign-in-error';
import type { Workspace, WorkspaceFailure, WorkspacePhase } from './workspace.svelte';

/**
 * What the app is before the data layer is loaded: the network state, and the workspace once it
 * is open. On a browser that holds nothing of the app (a first visit) the sign-in page shows
 * without loading the data layer (Dexie, Yjs, the domain, the sync: most of the app's
 * JavaScript); it loads when the person starts to sign in. A browser that holds the database opens
 * the workspace at once, since someone may be signed in there, offline for days.
 */

/** Why the shell itself could not open the workspace: its code did not load (a first visit offline). */
export type ShellFailure = WorkspaceFailure | 'not-loaded';

/**
 * Whether this browser certainly holds no database of the app. Unsure (an old browser without
 * `indexedDB.databases`, or an error) is "no": the caller then opens the database and looks.
 */
export async function nothingStored(idb: IDBFactory | undefined, name: string): Promise<boolean> {
	if (typeof idb?.databases !== 'function') return false;
	try {
		const databases = await idb.databases();
		return !databases.some((d) => d.name === name);
	} catch {
		return false;
	}
}

export class AppShell {
	readonly network = new Network();
	workspace = $state.raw<Workspace>();
	#phase = $state<'loading' | 'signed-out' | 'failed'>('loading');
	#failure = $state<ShellFailure>();
	#opening: Promise<Workspace> | undefined;
	#win: Window | undefined;
	#stopNetwork: (() => void) | undefined;
	#stopped = false;
	readonly #load: () => Promise<typeof import('./workspace.svelte')>;

	/** `load` brings the data layer's code (a test gives its own). */
	constructor(load = () => import('./workspace.svelte')) {
		this.#load = load;
	}

	get phase(): WorkspacePhase {
		return this.workspace?.phase ?? this.#phase;
	}

	get failure(): ShellFailure | undefined {
		return this.workspace?.failure ?? this.#failure;
	}

	get online(): boolean {
		return this.network.online;
	}

	async start(win: Window): Promise<void> {
		this.#win = win;
		this.#stopNetwork = this.network.watch(win);
		if (await nothingStored(win.indexedDB, databaseName)) {
			this.#phase = 'signed-out';
			return;
		}
		await this.open().catch((error: unknown) => {
			console.error(error);
			this.#failure = 'not-loaded';
			this.#phase = 'failed';
		});
	}

	/**
	 * Loads the data layer and opens the device's data, once; the workspace is shown when it has
	 * found out whether someone is signed in (a sign-in form stays up meanwhile).
	 */
	open(): Promise<Workspace> {
		const win = this.#win;
		if (!win) return Promise.reject(new Error('The app has not started'));
		this.#opening ??= (async () => {
			const { Workspace } = await this.#load();
			const workspace = new Workspace(this.network);
			await workspace.start(win);
			// The app was closed meanwhile: this workspace is not shown, and its sync stops.
			if (this.#stopped) workspace.stop();
			else this.workspace = workspace;
			return workspace;
		})().catch((error: unknown) => {
			// The code did not arrive (offline on a first visit): the next attempt loads it again.
			this.#opening = undefined;
			throw error;
		});
		return this.#opening;
	}

	/** The person started to sign in: the data layer loads while they type. */
	prepare(): void {
		void this.open().catch((error: unknown) => console.error(error));
	}

	/**
	 * First sign-in on this device. Where the opened data shows someone signed in already (in
	 * another tab, meanwhile), that session stays: signing in over it would send its unsent work
	 * under another name.
	 */
	async signIn(username: string, password: string): Promise<void> {
		const workspace = await this.open().catch((error: unknown) => {
			console.error(error);
			// The data layer's code did not come: the network went.
			throw new SignInError('offline');
		});
		if (workspace.phase !== 'signed-out') return;
		await workspace.signIn(username, password);
	}

	stop(): void {
		this.#stopped = true;
		this.#stopNetwork?.();
		this.workspace?.stop();
	}
}
