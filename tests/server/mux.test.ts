import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { CloseCode, muxControl, muxJoin } from '../../src/lib/sync/protocol';
import { connect, login, synced, type Client } from './helpers/clients';
import { admin } from './helpers/admin-command';
import { MuxTestClient } from './helpers/mux-client';
import { waitFor } from './helpers/server-process';
import { useTestServer } from './helpers/test-server';

/**
 * One websocket for many rooms (`/mux`): each room's right checked when it is joined, each room
 * shut on its own with the close code of protocol.ts, and the rooms the same documents as the
 * stock clients of `/sync/<room>` see.
 */

const server = useTestServer();
const cleanup: (() => void)[] = [];
afterEach(() => {
	for (const fn of cleanup.splice(0)) fn();
});

async function mux(username: string) {
	const client = new MuxTestClient(server.url, await login(server.url, username));
	cleanup.push(() => client.close());
	await client.opened;
	return client;
}

async function stock(username: string, room: string): Promise<Client> {
	const client = connect(server.url, room, await login(server.url, username));
	cleanup.push(() => client.destroy());
	await synced(client);
	return client;
}

const until = <T>(check: () => T | undefined) => waitFor(check, { timeoutMs: 10_000 });
const notes = (doc: Y.Doc | undefined) => doc?.getMap('suggestions').get('notes');
const stateOf = (doc: Y.Doc) => Buffer.from(Y.encodeStateVector(doc)).toString('hex');

describe('the multiplexed connection', () => {
	it('syncs many rooms on one socket, both ways, with what stock clients see', async () => {
		const supervisor = await mux('city-supervisor');
		const rooms = ['community:tanglian', 'community:daxin', 'town:jingkai', 'city', 'finance'];
		await supervisor.joinAll(rooms);

		// The same documents as a stock client of each room loads.
		for (const room of ['community:tanglian', 'city']) {
			const other = await stock(room === 'city' ? 'admin' : 'tanglian-1', room);
			expect(stateOf(supervisor.docs.get(room)!)).toBe(stateOf(other.doc));
		}

		// A worker on one socket for its rooms writes; the stock client and the supervisor see it.
		const worker = await mux('tanglian-2');
		worker.join('community:tanglian');
		worker.join('contacts:tanglian');
		await until(() => (worker.synced.has('contacts:tanglian') ? true : undefined));
		const watcher = await stock('tanglian-1', 'community:tanglian');
		worker.docs.get('community:tanglian')!.getMap('suggestions').set('notes', 'from one socket');
		await until(() => (notes(watcher.doc) === 'from one socket' ? true : undefined));
		await until(() =>
			notes(supervisor.docs.get('community:tanglian')) === 'from one socket' ? true : undefined
		);
		// Only that room's frames carried it: the supervisor's other rooms got nothing meanwhile.
		watcher.doc.getMap('suggestions').set('notes', 'and back');
		await until(() =>
			notes(worker.docs.get('community:tanglian')) === 'and back' ? true : undefined
		);
	});

	it('refuses a room the user may not read, and an unknown one, before any of its data, and goes on', async () => {
		const worker = await mux('tanglian-1');
		worker.join('community:daxin');
		worker.join('contacts:daxin');
		worker.join('nowhere:x');
		worker.join('community:tanglian');
		await until(() => (worker.synced.has('community:tanglian') ? true : undefined));
		expect(worker.shut.get('community:daxin')?.code).toBe(CloseCode.forbidden);
		expect(worker.shut.get('contacts:daxin')?.code).toBe(CloseCode.forbidden);
		expect(worker.shut.get('nowhere:x')?.code).toBe(CloseCode.unknownRoom);
		// No frame of a refused room held anything but the refusal.
		for (const frame of worker.frames.filter((f) => f.room !== 'community:tanglian')) {
			expect(frame.bytes).toBeLessThan(40);
		}
		expect(worker.closed).toBeUndefined();
	});

	it('never applies what a read-only room is sent', async () => {
		const reviewer = await mux('jingkai-reviewer');
		await reviewer.joinAll(['community:tanglian', 'town:jingkai']);
		const watcher = await stock('tanglian-1', 'community:tanglian');
		reviewer.docs.get('community:tanglian')!.getMap('suggestions').set('notes', 'forged');
		// Its own room it writes: that arrives, and the forged one, sent before it, never did.
		reviewer.docs.get('town:jingkai')!.getMap('reviews').set('probe', 'written');
		const townWatcher = await stock('jingkai-reviewer', 'town:jingkai');
		await until(() =>
			townWatcher.doc.getMap('reviews').get('probe') === 'written' ? true : undefined
		);
		expect(notes(watcher.doc)).not.toBe('forged');
		const fresh = await stock('tanglian-2', 'community:tanglian');
		expect(notes(fresh.doc)).not.toBe('forged');
	});

	it('shuts only the room a bad update was sent to', async () => {
		const worker = await mux('tanglian-2');
		await worker.joinAll(['community:tanglian', 'contacts:tanglian']);
		// A sync update whose payload is not a Yjs update.
		worker.send('contacts:tanglian', new Uint8Array([0, 2, 3, 0xff, 0xff, 0xff]));
		await until(() => worker.shut.get('contacts:tanglian'));
		expect(worker.shut.get('contacts:tanglian')!.code).toBe(CloseCode.badMessage);
		const watcher = await stock('tanglian-1', 'community:tanglian');
		worker.docs.get('community:tanglian')!.getMap('suggestions').set('notes', 'still here');
		await until(() => (notes(watcher.doc) === 'still here' ? true : undefined));
		// And it may join the room again.
		worker.join('contacts:tanglian');
		await until(() => (worker.synced.has('contacts:tanglian') ? true : undefined));
		expect(worker.closed).toBeUndefined();
	});

	it('refuses a bad token at the upgrade and closes a socket whose frames name no room', async () => {
		const refused = new MuxTestClient(server.url, 'not-a-token');
		cleanup.push(() => refused.close());
		await until(() => refused.closed);
		expect(refused.closed!.code).toBe(CloseCode.unauthorized);
		expect(refused.frames).toEqual([]);

		const worker = await mux('tanglian-1');
		worker.ws.send(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
		await until(() => worker.closed);
		expect(worker.closed!.code).toBe(CloseCode.badMessage);
		// The server goes on serving everyone else.
		await stock('tanglian-1', 'community:tanglian');
	});

	it('leaves a room on request, takes a second join as one, and closes every room of a disabled account', async () => {
		const worker = await mux('tanglian-2');
		await worker.joinAll(['community:tanglian', 'contacts:tanglian']);
		worker.leave('community:tanglian');
		const watcher = await stock('tanglian-1', 'community:tanglian');
		// Our own leave is in before this write: nothing of it reaches the left room.
		const before = worker.frames.length;
		watcher.doc.getMap('suggestions').set('notes', 'after the leave');
		await new Promise((r) => setTimeout(r, 300));
		expect(worker.frames.slice(before).filter((f) => f.room === 'community:tanglian')).toEqual([]);

		// Joined twice: still one peer, so one copy of each relayed update.
		worker.join('community:tanglian');
		worker.ws.send(muxControl('community:tanglian', muxJoin));
		await until(() =>
			notes(worker.docs.get('community:tanglian')) === 'after the leave' ? true : undefined
		);
		const mark = worker.frames.length;
		watcher.doc.getMap('suggestions').set('notes', 'once');
		await until(() => (notes(worker.docs.get('community:tanglian')) === 'once' ? true : undefined));
		await new Promise((r) => setTimeout(r, 200));
		const relayed = worker.frames.slice(mark).filter((f) => f.room === 'community:tanglian');
		expect(relayed.length).toBe(1);

		expect((await admin(server.dataDir, ['disable-user', 'tanglian-2'])).code).toBe(0);
		await until(() => worker.closed);
		expect(worker.closed!.code).toBe(CloseCode.unauthorized);
		expect(worker.ws.readyState).not.toBe(WebSocket.OPEN);
	});
});
