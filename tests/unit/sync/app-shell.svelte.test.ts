import { describe, expect, it } from 'vitest';
import { AppShell, nothingStored } from '$lib/sync/app-shell.svelte';
import type { Network } from '$lib/sync/network.svelte';

/**
 * Issue 14, item 12: a first visit's sign-in page does not load the data layer (most of the app's
 * JavaScript); a browser that holds the database opens it at once, since someone may be signed in
 * there with work not yet sent.
 */

type Databases = () => Promise<{ name?: string }[]>;

function fakeWindow(databases: Databases | undefined, onLine = true) {
	const events = new EventTarget();
	return Object.assign(events, {
		navigator: { onLine },
		indexedDB: databases ? ({ databases } as unknown as IDBFactory) : ({} as IDBFactory)
	}) as unknown as Window;
}

/** The data layer as the shell sees it: counts its loads and the workspaces it started. */
function fakeLayer(options: { fail?: number; session?: boolean; until?: Promise<void> } = {}) {
	const seen = {
		loads: 0,
		started: 0,
		stopped: 0,
		signIns: [] as string[],
		networks: [] as Network[]
	};
	let failures = options.fail ?? 0;
	class FakeWorkspace {
		phase: string = 'loading';
		failure: string | undefined;
		constructor(network: Network) {
			seen.networks.push(network);
		}
		async start() {
			seen.started++;
			this.phase = options.session ? 'ready' : 'signed-out';
		}
		async signIn(username: string) {
			seen.signIns.push(username);
			this.phase = 'ready';
		}
		stop() {
			seen.stopped++;
		}
	}
	const load = async () => {
		seen.loads++;
		await options.until;
		if (failures > 0) {
			failures--;
			throw new TypeError('Failed to fetch dynamically imported module');
		}
		return { Workspace: FakeWorkspace } as unknown as typeof import('$lib/sync/workspace.svelte');
	};
	return { seen, load };
}

describe('nothingStored', () => {
	it('is sure only when the browser lists its databases and ours is not among them', async () => {
		const idb = (databases: Databases) => ({ databases }) as unknown as IDBFactory;
		expect(
			await nothingStored(
				idb(async () => []),
				'kuaiban'
			)
		).toBe(true);
		expect(
			await nothingStored(
				idb(async () => [{ name: 'other' }]),
				'kuaiban'
			)
		).toBe(true);
		expect(
			await nothingStored(
				idb(async () => [{ name: 'kuaiban' }]),
				'kuaiban'
			)
		).toBe(false);
		// Unsure is "no": the database is opened and looked into.
		expect(await nothingStored({} as IDBFactory, 'kuaiban')).toBe(false);
		expect(await nothingStored(undefined, 'kuaiban')).toBe(false);
		const refusing = idb(() => Promise.reject(new DOMException('denied', 'SecurityError')));
		expect(await nothingStored(refusing, 'kuaiban')).toBe(false);
	});
});

describe('AppShell', () => {
	it('shows a first visit the sign-in form without loading the data layer', async () => {
		const { seen, load } = fakeLayer();
		const shell = new AppShell(load);
		expect(shell.phase).toBe('loading');
		await shell.start(fakeWindow(async () => []));
		expect(shell.phase).toBe('signed-out');
		expect(seen.loads).toBe(0);
		expect(shell.workspace).toBeUndefined();
	});

	it('loads the data layer once as the person starts to sign in, and signs in with it', async () => {
		const { seen, load } = fakeLayer();
		const shell = new AppShell(load);
		await shell.start(fakeWindow(async () => []));
		shell.prepare();
		shell.prepare();
		await shell.signIn('tanglian-1', 'demo');
		expect(seen.loads).toBe(1);
		expect(seen.started).toBe(1);
		expect(seen.signIns).toEqual(['tanglian-1']);
		expect(shell.phase).toBe('ready');
		// The workspace follows the shell's one network state, not a second one of its own.
		expect(seen.networks).toEqual([shell.network]);
	});

	it('opens the data at once where the database exists: someone may be signed in, offline', async () => {
		const { seen, load } = fakeLayer({ session: true });
		const shell = new AppShell(load);
		await shell.start(fakeWindow(async () => [{ name: 'kuaiban' }], false));
		expect(seen.loads).toBe(1);
		expect(shell.phase).toBe('ready');
		expect(shell.online).toBe(false);
	});

	it('opens the data at once where the browser cannot list its databases', async () => {
		const { seen, load } = fakeLayer({ session: true });
		const shell = new AppShell(load);
		await shell.start(fakeWindow(undefined));
		expect(seen.loads).toBe(1);
		expect(shell.phase).toBe('ready');
	});

	it('says the app did not load when its code does not come, and loads it again later', async () => {
		const { seen, load } = fakeLayer({ fail: 1, session: true });
		const shell = new AppShell(load);
		await shell.start(fakeWindow(async () => [{ name: 'kuaiban' }]));
		expect(shell.phase).toBe('failed');
		expect(shell.failure).toBe('not-loaded');

		// A first visit that lost the network as the person typed: signing in fails, then works.
		const first = fakeLayer({ fail: 1 });
		const fresh = new AppShell(first.load);
		await fresh.start(fakeWindow(async () => []));
		// Said as the sign-in form's "offline", not as a fault of the server.
		await expect(fresh.signIn('tanglian-1', 'demo')).rejects.toMatchObject({
			name: 'SignInError',
			reason: 'offline'
		});
		expect(fresh.phase).toBe('signed-out');
		await fresh.signIn('tanglian-1', 'demo');
		expect(first.seen.loads).toBe(2);
		expect(fresh.phase).toBe('ready');
		expect(seen.loads).toBe(1);
	});

	it('follows the network before anyone signs in', async () => {
		const { load } = fakeLayer();
		const shell = new AppShell(load);
		const win = fakeWindow(async () => []);
		await shell.start(win);
		expect(shell.online).toBe(true);
		win.dispatchEvent(new Event('offline'));
		expect(shell.online).toBe(false);
		win.dispatchEvent(new Event('online'));
		expect(shell.online).toBe(true);
		shell.stop();
		win.dispatchEvent(new Event('offline'));
		expect(shell.online).toBe(true);
	});

	it('does not sign in over a session another tab opened meanwhile', async () => {
		// This tab showed the form (no database then); another signed in before the data opened.
		const { seen, load } = fakeLayer({ session: true });
		const shell = new AppShell(load);
		await shell.start(fakeWindow(async () => []));
		expect(shell.phase).toBe('signed-out');
		await shell.signIn('other-user', 'demo');
		expect(seen.signIns).toEqual([]);
		expect(shell.phase).toBe('ready');
	});

	it('stops a workspace that finished opening after the app was closed', async () => {
		let release!: () => void;
		const until = new Promise<void>((done) => (release = done));
		const { seen, load } = fakeLayer({ session: true, until });
		const shell = new AppShell(load);
		const started = shell.start(fakeWindow(async () => [{ name: 'kuaiban' }]));
		await Promise.resolve();
		shell.stop();
		release();
		await started;
		expect([seen.started, seen.stopped]).toEqual([1, 1]);
		expect(shell.workspace).toBeUndefined();
	});
});
