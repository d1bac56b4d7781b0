import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { KuaibanDb } from '$lib/store/db';
import { createRecord, readRecord } from '$lib/doc/records';
import { LocalChange, RoomDoc } from '$lib/store/room-doc';
import { MuxSocket } from '$lib/sync/mux-socket';
import { muxPath } from '$lib/sync/protocol';
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

/**
 * A tablet: its database (a new one, or the one it had) and its one socket; `room()` adds a
 * room's sync on that socket.
 */
function tablet(
	token: string,
	refused: number[] = [],
	db = new KuaibanDb(`dev-${Math.random()}`, { indexedDB, IDBKeyRange })
) {
	const sockets: WebSocket[] = [];
	const Counting = class extends WebSocket {
		constructor(address: string) {
			super(address);
			sockets.push(this);
		}
	};
	const socket = new MuxSocket({
		url: `${server.url.replace(/^http/, 'ws')}${muxPath}`,
		token,
		onRefused: (code) => refused.push(code),
		onStatus: () => undefined,
		WebSocketPolyfill: Counting as unknown as typeof globalThis.WebSocket
	});
	cleanup.push(() => socket.destroy());
	return {
		db,
		socket,
		sockets,
		async room(room: string, roomRefused: number[] = [], options: { defer?: boolean } = {}) {
			const roomDoc = await RoomDoc.open(db, room, { onPersistError: () => undefined, ...options });
			const sync = new RoomSync(roomDoc, 'write', socket, {
				onRefused: (code) => roomRefused.push(code),
				onStatus: () => undefined
			});
			cleanup.push(async () => {
				sync.destroy();
				await roomDoc.close();
			});
			return { roomDoc, sync };
		}
	};
}

async function device(room: string, token: string, refused: number[] = []) {
	const t = tablet(token, refused);
	return { ...t, ...(await t.room(room)) };
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
		const { roomDoc, sync, socket } = await device('community:tanglian', token);
		add(roomDoc, 'offline-1');
		add(roomDoc, 'offline-2');
		await roomDoc.flush();
		await waitFor(() => (sync.waitingRecords === 2 ? true : undefined));
		expect(sync.status).toBe('stopped');

		socket.connect();
		await waitFor(() => (sync.status === 'synced' ? true : undefined));
		expect(sync.waitingRecords).toBe(0);

		// A change made while connected is waiting until the server's answer covers it.
		add(roomDoc, 'online-1');
		await roomDoc.flush();
		await waitFor(() => (sync.waitingRecords === 1 ? true : undefined));
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
		const { db, roomDoc, sync, socket } = await device('community:tanglian', token);
		socket.connect();
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
		expect(sync.waitingRecords).toBe(1);
		expect(sync.status).toBe('syncing');
	});

	it('stops on a refused token and resumes with a new one', async () => {
		const refused: number[] = [];
		const { roomDoc, sync, socket } = await device('community:tanglian', 'not-a-token', refused);
		add(roomDoc, 'waited');
		socket.connect();
		await waitFor(() => refused[0]);
		expect(refused).toEqual([4401]);
		expect(socket.refused).toBe(true);
		expect(sync.status).toBe('stopped');

		socket.connect(await login(server.url, 'tanglian-2'));
		await waitFor(() => (sync.status === 'synced' ? true : undefined));
		expect(sync.waitingRecords).toBe(0);
	});

	it('keeps every room of a tablet on one socket, and a refused room does not stop the others', async () => {
		const t = tablet(await login(server.url, 'tanglian-1'));
		const own = await t.room('community:tanglian');
		const contacts = await t.room('contacts:tanglian');
		const refusedHere: number[] = [];
		const other = await t.room('community:daxin', refusedHere);
		const city = await t.room('city');
		add(own.roomDoc, 'on-one-socket');
		t.socket.connect();
		await waitFor(() =>
			[own, contacts, city].every((r) => r.sync.status === 'synced') ? true : undefined
		);
		expect(refusedHere).toEqual([4403]);
		expect(other.sync.refused).toBe(true);
		expect(other.sync.status).toBe('connecting');
		expect(t.sockets.length).toBe(1);

		// Cut and back: one new socket, every room synced again, nothing lost.
		t.socket.disconnect();
		expect(own.sync.status).toBe('stopped');
		add(own.roomDoc, 'while-cut');
		t.socket.connect();
		await waitFor(() =>
			own.sync.status === 'synced' && own.sync.waitingRecords === 0 ? true : undefined
		);
		expect(t.sockets.length).toBe(2);
		const fresh = connect(server.url, 'community:tanglian', await login(server.url, 'tanglian-2'));
		cleanup.push(() => fresh.destroy());
		await synced(fresh);
		for (const id of ['on-one-socket', 'while-cut']) {
			await waitFor(() => (readRecord(fresh.doc, 'suggestion', id) ? true : undefined));
		}
	});

	it('reopens a tablet without decoding a room the server has nothing new for, and applies news', async () => {
		// The finance room: every payment of the city, on every tablet (issue 14, item 12).
		const token = await login(server.url, 'tanglian-1');
		const t = tablet(token);
		const first = await t.room('finance');
		t.socket.connect();
		await waitFor(() => (first.sync.status === 'synced' ? true : undefined));
		const payments = first.roomDoc.doc.getMap('disbursement').size;
		expect(payments).toBeGreaterThan(100);
		// The records' copy (and the sync's state with it) is kept once writes settle.
		await waitFor(async () => ((await t.db.decoded.get('finance')) ? true : undefined));
		t.socket.disconnect();

		// The next morning: the same device, a new socket.
		const again = tablet(token, [], t.db);
		const reopened = await again.room('finance', [], { defer: true });
		expect(reopened.roomDoc.loaded).toBe(false);
		again.socket.connect();
		await waitFor(() => (reopened.sync.status === 'synced' ? true : undefined));
		expect(reopened.roomDoc.loaded).toBe(false);
		expect(reopened.roomDoc.doc.getMap('disbursement').size).toBe(0);

		// Finance pays a project meanwhile: the room is applied, and the payment is here.
		const finance = connect(server.url, 'finance', await login(server.url, 'city-finance'));
		cleanup.push(() => finance.destroy());
		await synced(finance);
		createRecord(
			finance.doc,
			'disbursement',
			{
				id: 'paid-while-open',
				createdAt: '2026-12-05T02:00:00.000Z',
				createdBy: 'city-finance',
				project: { room: 'community:tanglian', id: 'p1' },
				amountFen: 100_000,
				paidAt: '2026-12-05T02:00:00.000Z',
				by: 'city-finance'
			},
			new LocalChange('t', 'city-finance'),
			{ id: 'city-finance', name: '财务' },
			new Date()
		);
		await waitFor(() =>
			readRecord(reopened.roomDoc.doc, 'disbursement', 'paid-while-open') ? true : undefined
		);
		expect(reopened.roomDoc.loaded).toBe(true);
		expect(reopened.roomDoc.doc.getMap('disbursement').size).toBe(payments + 1);
	});
});
