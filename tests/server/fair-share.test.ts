import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { WebSocket } from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { messageSync } from '../../src/lib/sync/protocol';
import { connect, login, synced, type Client } from './helpers/clients';
import { waitFor } from './helpers/server-process';
import { useTestServer } from './helpers/test-server';

/**
 * One user's heavy work does not stall everyone else's rooms. Each user has a share of the
 * server's main thread (USER_WORK_MS_PER_SECOND, set low here): past it, what their connections
 * send waits, in order, while other users' messages are handled, and nothing is dropped.
 */

const ctx = useTestServer({ USER_WORK_MS_PER_SECOND: '5' });
const clients: Client[] = [];
const sockets: WebSocket[] = [];
afterAll(() => {
	clients.forEach((c) => c.destroy());
	sockets.forEach((ws) => ws.terminate());
});

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, messageSync);
	write(encoder);
	return encoding.toUint8Array(encoder);
}

describe("a user's share of the server", () => {
	it('serves another room while one user floods it with costly requests, and drops none of them', async () => {
		// A room made heavy: 100,000 entries, so that every diff against it walks them all.
		const builder = connect(ctx.url, 'community:tanglian', await login(ctx.url, 'tanglian-2'));
		clients.push(builder);
		await synced(builder);
		builder.doc.transact(() => {
			const map = builder.doc.getMap('load');
			for (let i = 0; i < 100_000; i++) map.set(`k${i}`, i);
		});
		const heavyClock = Y.getState(builder.doc.store, builder.doc.clientID);

		// The flooder, on a raw socket: it waits until the server holds the heavy room.
		const token = await login(ctx.url, 'tanglian-1');
		const flooder = new WebSocket(
			`${ctx.url.replace(/^http/, 'ws')}/sync/community:tanglian?token=${token}`
		);
		sockets.push(flooder);
		let stateVector: Uint8Array | undefined;
		let answers = 0;
		flooder.on('message', (raw: Buffer) => {
			const decoder = decoding.createDecoder(new Uint8Array(raw));
			if (decoding.readVarUint(decoder) !== messageSync) return;
			const type = decoding.readVarUint(decoder);
			if (type === syncProtocol.messageYjsSyncStep1)
				stateVector = decoding.readVarUint8Array(decoder);
			if (type === syncProtocol.messageYjsSyncStep2) answers++;
		});
		await new Promise((done) => flooder.once('open', done));
		await waitFor(
			async () => {
				if (!stateVector) return undefined;
				const held = Y.decodeStateVector(stateVector).get(builder.doc.clientID) ?? 0;
				if (held >= heavyClock) return true;
				// Ask again: the server's state vector comes with each answer.
				stateVector = undefined;
				flooder.send(
					frame((e) => {
						encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1);
						encoding.writeVarUint8Array(e, Y.encodeStateVector(builder.doc));
					})
				);
				return undefined;
			},
			{ timeoutMs: 30_000, intervalMs: 300 }
		);
		const full = stateVector!;
		answers = 0;

		// Another user's room, with someone watching it.
		const writer = connect(ctx.url, 'community:daxin', await login(ctx.url, 'daxin-1'));
		const watcher = connect(ctx.url, 'community:daxin', await login(ctx.url, 'city-supervisor'));
		clients.push(writer, watcher);
		await Promise.all([synced(writer), synced(watcher)]);

		// 1,000 requests that each cost a walk of the heavy room, sent at once.
		const requests = 1000;
		const request = frame((e) => {
			encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1);
			encoding.writeVarUint8Array(e, full);
		});
		for (let i = 0; i < requests; i++) flooder.send(request);
		await new Promise((done) => setTimeout(done, 30));

		let answeredWhenSeen = -1;
		watcher.doc.getMap('suggestions').observe(() => {
			if (answeredWhenSeen < 0) answeredWhenSeen = answers;
		});
		writer.doc.getMap('suggestions').set('s-fair', { title: '路灯不亮' });
		await waitFor(() => (answeredWhenSeen >= 0 ? true : undefined), { timeoutMs: 60_000 });
		// The edit went round while most of the flood still waited for its turn.
		expect(answeredWhenSeen).toBeLessThan(requests / 4);

		// The flooder is held back, not cut off: its requests go on being answered, in order.
		const before = answers;
		await waitFor(() => (answers > before ? true : undefined), { timeoutMs: 10_000 });
		expect(flooder.readyState).toBe(WebSocket.OPEN);
		expect(ctx.server.output()).toContain('busy: holding a connection back');
	}, 90_000);
});
