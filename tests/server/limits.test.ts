import { readFile } from 'node:fs/promises';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { WebSocket } from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { CloseCode, messageAwareness, messageSync } from '../../src/lib/sync/protocol';
import { writeAwarenessUpdate } from '../../sync-server/presence';
import { connect, login, synced, type Client } from './helpers/clients';
import { waitFor } from './helpers/server-process';
import { useTestServer } from './helpers/test-server';

/**
 * Budgets one device cannot get round: bytes per connection, stored bytes per user and day, a
 * send buffer for a peer that does not read, and presence only for one's own awareness ids.
 * The limits are set low here (the settings of docs/operations.md) so that the tests stay small.
 */

const mb = 1024 * 1024;
const ctx = useTestServer({
	SEND_BUFFER_MB: '4',
	CONNECTION_MB_PER_MINUTE: '16',
	USER_DAILY_MB: '24'
});
const cleanup: (() => unknown)[] = [];
afterAll(async () => {
	while (cleanup.length) await cleanup.pop()?.();
});

function open(room: string, token: string): Promise<WebSocket> {
	const ws = new WebSocket(`${ctx.url.replace(/^http/, 'ws')}/sync/${room}?token=${token}`);
	cleanup.push(() => ws.terminate());
	return new Promise((done, fail) => {
		ws.once('open', () => done(ws));
		ws.once('error', fail);
	});
}

function closeWithin(ws: WebSocket, ms = 5000): Promise<number | 'open'> {
	if (ws.readyState === WebSocket.CLOSED) return Promise.resolve(-1);
	return new Promise((done) => {
		const timer = setTimeout(() => done('open'), ms);
		ws.once('close', (code) => {
			clearTimeout(timer);
			done(code);
		});
	});
}

function frame(type: number, write: (encoder: encoding.Encoder) => void): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, type);
	write(encoder);
	return encoding.toUint8Array(encoder);
}

/** A writer's doc whose every `blob()` call stores `bytes` more under one key (the old value is gc'd). */
function blobWriter(bytes: number) {
	const doc = new Y.Doc();
	let n = 0;
	return {
		next(): Uint8Array {
			const before = Y.encodeStateVector(doc);
			doc.getMap('suggestions').set('blob', `${n++}`.padEnd(bytes, 'x'));
			return frame(messageSync, (e) =>
				syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(doc, before))
			);
		}
	};
}

function sendAll(ws: WebSocket, frames: Uint8Array[]): Promise<void> {
	return new Promise((done) => {
		let left = frames.length;
		for (const f of frames) ws.send(f, () => --left === 0 && done());
	});
}

async function rssMb(): Promise<number> {
	const status = await readFile(`/proc/${ctx.server.child.pid}/status`, 'utf8');
	return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
}

describe('per-connection and per-user budgets', () => {
	it('closes a connection that sends more bytes than its budget (4429)', async () => {
		const ws = await open('community:dongdian', await login(ctx.url, 'dongdian-1'));
		const closed = closeWithin(ws, 15_000);
		const writer = blobWriter(2 * mb);
		for (let i = 0; i < 10 && ws.readyState === WebSocket.OPEN; i++) {
			await sendAll(ws, [writer.next()]);
		}
		expect(await closed).toBe(CloseCode.flood);
	}, 30_000);

	it('stops a user at the daily stored-bytes quota, on every connection (4507)', async () => {
		const token = await login(ctx.url, 'huachang-1');
		const writer = blobWriter(2 * mb);
		let code: number | 'open' = 'open';
		let stored = 0;
		// Each connection stays within its own byte budget; the quota counts the user's total.
		for (let round = 0; round < 4 && code === 'open'; round++) {
			const ws = await open('community:huachang', token);
			const closed = closeWithin(ws, 3000);
			for (let i = 0; i < 6 && ws.readyState === WebSocket.OPEN; i++) {
				await sendAll(ws, [writer.next()]);
				stored++;
			}
			code = await closed;
		}
		expect(code).toBe(CloseCode.overQuota);
		expect(stored).toBeGreaterThanOrEqual(12);
		expect(stored).toBeLessThanOrEqual(14);
		// Another user of the same community is not held back.
		const other = await open('community:huachang', await login(ctx.url, 'city-supervisor'));
		expect(await closeWithin(other, 500)).toBe('open');
	}, 60_000);

	it('answers repeated requests for the whole room from a budget too (4429)', async () => {
		const writer = await open('community:nanhuan', await login(ctx.url, 'nanhuan-1'));
		await sendAll(writer, [blobWriter(0.6 * mb).next()]);
		const reader = await open('community:nanhuan', await login(ctx.url, 'city-supervisor'));
		const closed = closeWithin(reader, 15_000);
		const askAll = frame(messageSync, (e) => {
			encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1);
			encoding.writeVarUint8Array(e, Y.encodeStateVector(new Y.Doc()));
		});
		// Each answer read before the next request: a fast reader, not a slow one.
		let answers = 0;
		reader.on('message', () => answers++);
		for (let i = 0; i < 30 && reader.readyState === WebSocket.OPEN; i++) {
			const before = answers;
			await sendAll(reader, [askAll]);
			await waitFor(() =>
				answers >= before + 2 || reader.readyState !== WebSocket.OPEN ? true : undefined
			);
		}
		expect(await closed).toBe(CloseCode.flood);
	}, 30_000);
});

describe('a peer that never reads', () => {
	it('is closed once its send buffer passes the limit, and its memory is given back', async () => {
		const writerToken = await login(ctx.url, 'chengxi-1');
		const writer = await open('community:chengxi', writerToken);
		const blobs = blobWriter(300 * 1024);
		await sendAll(writer, [blobs.next()]);
		const baseline = await rssMb();

		const readers = await Promise.all(
			[0, 1, 2].map(async () => {
				const ws = await open('community:chengxi', await login(ctx.url, 'city-supervisor'));
				(ws as unknown as { _socket: { pause(): void } })._socket.pause();
				return ws;
			})
		);
		for (let i = 0; i < 40; i++) await sendAll(writer, [blobs.next()]);
		await waitFor(
			() =>
				ctx.server.output().split('slow reader: closing connection').length > 3 ? true : undefined,
			{ timeoutMs: 10_000 }
		);
		for (const ws of readers) ws.terminate();
		expect(await closeWithin(writer, 200)).toBe('open');
		// Within 10 MB of the baseline once they are gone (the room itself holds one blob).
		const settled = await waitFor(
			async () => {
				const rss = await rssMb();
				return rss <= baseline + 10 ? rss : undefined;
			},
			{ timeoutMs: 20_000, intervalMs: 500 }
		);
		expect(settled).toBeLessThanOrEqual(baseline + 10);
	}, 60_000);
});

describe('presence', () => {
	const clients: Client[] = [];
	afterAll(() => clients.forEach((c) => c.destroy()));

	async function peer(username: string) {
		const c = connect(ctx.url, 'town:jingkai', await login(ctx.url, username));
		clients.push(c);
		await synced(c);
		return c;
	}

	function awarenessFrame(clientId: number, clock: number, state: unknown) {
		return frame(messageAwareness, (e) =>
			encoding.writeVarUint8Array(
				e,
				writeAwarenessUpdate([{ clientId, clock, state: JSON.stringify(state) }])
			)
		);
	}

	it('a read-only peer is seen, but cannot overwrite or remove another peer', async () => {
		const victim = await peer('jingkai-reviewer');
		const observer = await peer('city-supervisor');
		const reader = await peer('tanglian-1');
		victim.provider.awareness.setLocalStateField('user', 'the reviewer');
		reader.provider.awareness.setLocalStateField('user', 'a worker looking');
		const stateOf = (c: Client, id: number) => c.provider.awareness.getStates().get(id);
		await waitFor(() => stateOf(observer, reader.doc.clientID));
		await waitFor(() => stateOf(observer, victim.doc.clientID));

		const attacker = await open('town:jingkai', await login(ctx.url, 'tanglian-2'));
		attacker.send(awarenessFrame(victim.doc.clientID, 10_000, { user: 'forged' }));
		attacker.send(awarenessFrame(victim.doc.clientID, 10_001, null));
		// A marker sent after the forgeries: once it arrives, they would have too.
		attacker.send(awarenessFrame(777_000_001, 1, { user: 'marker' }));
		await waitFor(() => stateOf(observer, 777_000_001));
		expect(stateOf(observer, victim.doc.clientID)).toEqual({ user: 'the reviewer' });
		expect(stateOf(observer, reader.doc.clientID)).toEqual({ user: 'a worker looking' });
	});

	it("a tablet sending back another tablet's presence (same account) does not take it over", async () => {
		const observer = await peer('jingkai-reviewer');
		const first = await peer('tanglian-2');
		const second = await peer('tanglian-2');
		first.provider.awareness.setLocalStateField('user', 'first tablet');
		second.provider.awareness.setLocalStateField('user', 'second tablet');
		const stateOf = (id: number) => observer.provider.awareness.getStates().get(id);
		await waitFor(() => stateOf(first.doc.clientID) && stateOf(second.doc.clientID));
		// The stock client sends every presence it receives back: the second tablet has echoed
		// the first one's. When the second goes, the first is still there.
		await waitFor(() => second.provider.awareness.getStates().get(first.doc.clientID));
		await new Promise((done) => setTimeout(done, 200));
		second.provider.destroy();
		await waitFor(() => (stateOf(second.doc.clientID) ? undefined : true));
		await new Promise((done) => setTimeout(done, 200));
		expect(stateOf(first.doc.clientID)).toEqual({ user: 'first tablet' });
	});

	it('refuses presence over the size cap (4413), and holds a peer to a few ids', async () => {
		const observer = await peer('jingkai-reviewer');
		const attacker = await open('town:jingkai', await login(ctx.url, 'tanglian-1'));
		for (let id = 0; id < 20; id++) attacker.send(awarenessFrame(888_000_000 + id, 1, { id }));
		attacker.send(awarenessFrame(889_000_000, 1, { user: 'marker' }));
		await waitFor(() => observer.provider.awareness.getStates().get(888_000_000));
		await new Promise((done) => setTimeout(done, 300));
		const forged = [...observer.provider.awareness.getStates().keys()].filter(
			(id) => id >= 888_000_000 && id < 890_000_000
		);
		expect(forged.length).toBeLessThanOrEqual(4);

		// Every state the observer is given from here on (the attacker's ids go when it is closed).
		const seen: string[] = [];
		observer.provider.awareness.on('change', () =>
			seen.push(JSON.stringify(observer.provider.awareness.getStates().get(888_000_000) ?? null))
		);
		const closed = closeWithin(attacker);
		attacker.send(awarenessFrame(888_000_000, 2, { blob: 'x'.repeat(200 * 1024) }));
		expect(await closed).toBe(CloseCode.tooLarge);
		await new Promise((done) => setTimeout(done, 200));
		expect(seen.filter((state) => state.includes('xxxx'))).toEqual([]);
	});
});
