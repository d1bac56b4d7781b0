import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { KuaibanDb } from '$lib/store/db';
import { createRecord, readRecord } from '$lib/doc/records';
import { LocalChange, RoomDoc } from '$lib/store/room-doc';
import { RoomSync } from '$lib/sync/room-sync';
import { connect, login, synced } from './helpers/clients';
import { waitFor } from './helpers/server-process';
import { useTestServer } from './helpers/test-server';

/**
 * The app's connection layer against the real server: the indicator's "synced" must mean that the
 * server holds every local change, which the app learns from the server's own sync step 1.
 */

const server = useTestServer();
const cleanup: (() => void | Promise<void>)[] = [];
afterEach(async () => {
	for (const fn of cleanup.splice(0)) await fn();
});

const suggestion = (id: string) => ({
	id,
	createdAt: '2026-11-28T02:00:00.000Z',
	createdBy: 'u',
	title: `建议 ${id}`,
	description: '',
	channel: 'door' as const,
	estate: '',
	building: '',
	category: '',
	urgent: false,
	photos: [],
	status: 'open' as const
});
const author = { id: 'u', name: 'U' };

async function device(room: string, token: string, refused: number[] = []) {
	const db = new KuaibanDb(`dev-${Math.random()}`, { indexedDB, IDBKeyRange });
	const roomDoc = await RoomDoc.open(db, room, { onPersistError: () => undefined });
	const sync = new RoomSync(roomDoc, 'write', {
		url: `${server.url.replace(/^http/, 'ws')}/sync`,
		token,
		onRefused: (code) => refused.push(code),
		onStatus: () => undefined,
		disableBc: true,
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket
	});
	cleanup.push(async () => {
		sync.destroy();
		await roomDoc.close();
	});
	return { db, roomDoc, sync };
}

function add(roomDoc: RoomDoc, id: string) {
	createRecord(
		roomDoc.doc,
		'suggestion',
		suggestion(id),
		new LocalChange('t', 'u'),
		author,
		new Date()
	);
}

describe('RoomSync against the server', () => {
	it('sends what was made offline and says synced only once the server holds it', async () => {
		const token = await login(server.url, 'tanglian-1');
		const { roomDoc, sync } = await device('community:tanglian', token);
		add(roomDoc, 'offline-1');
		add(roomDoc, 'offline-2');
		await roomDoc.flush();
		await waitFor(() => (sync.waitingChanges === 2 ? true : undefined));
		expect(sync.status).toBe('stopped');

		sync.start();
		await waitFor(() => (sync.status === 'synced' ? true : undefined));
		expect(sync.waitingChanges).toBe(0);

		// A change made while connected is waiting until the server's answer covers it.
		add(roomDoc, 'online-1');
		await roomDoc.flush();
		await waitFor(() => (sync.waitingChanges === 1 ? true : undefined));
		await waitFor(() => (sync.status === 'synced' ? true : undefined));

		// The server really holds all three: a fresh stock client receives them.
		const fresh = connect(server.url, 'community:tanglian', token);
		cleanup.push(() => fresh.destroy());
		await synced(fresh);
		for (const id of ['offline-1', 'offline-2', 'online-1']) {
			await waitFor(() => (readRecord(fresh.doc, 'suggestion', id) ? true : undefined));
		}
	});

	it('does not claim synced when the server drops the changes (a read-only room)', async () => {
		const token = await login(server.url, 'jingkai-reviewer');
		const { db, roomDoc, sync } = await device('community:tanglian', token);
		sync.start();
		await waitFor(() => (sync.status === 'synced' ? true : undefined));
		const before = (await db.rooms.get('community:tanglian'))?.serverSeenAt ?? '';

		// A bug or an old app writes in a room it may only read: the server drops the update.
		add(roomDoc, 'never-stored');
		await roomDoc.flush();
		// Wait for a server answer given after the change (the probe's), then look again.
		await waitFor(async () => {
			const seen = (await db.rooms.get('community:tanglian'))?.serverSeenAt ?? '';
			return seen > before ? true : undefined;
		});
		await new Promise((done) => setTimeout(done, 300));
		expect(sync.waitingChanges).toBe(1);
		expect(sync.status).toBe('syncing');
	});

	it('stops on a refused token and resumes with a new one', async () => {
		const refused: number[] = [];
		const { roomDoc, sync } = await device('community:tanglian', 'not-a-token', refused);
		add(roomDoc, 'waited');
		sync.start();
		await waitFor(() => refused[0]);
		expect(refused).toEqual([4401]);
		expect(sync.refused).toBe(true);
		expect(sync.status).toBe('stopped');

		sync.start(await login(server.url, 'tanglian-2'));
		await waitFor(() => (sync.status === 'synced' ? true : undefined));
		expect(sync.waitingChanges).toBe(0);
	});
});
