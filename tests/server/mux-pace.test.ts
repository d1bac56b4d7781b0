import { afterEach, describe, expect, it, vi } from 'vitest';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { MuxSocket } from '$lib/sync/mux-socket';
import {
	connectionMessageBurst,
	connectionMessagesPerSecond,
	messageSync,
	muxFrame,
	muxJoin,
	muxJoinBurst,
	muxJoinsPerSecond,
	muxPrefix,
	readMuxFrame
} from '$lib/sync/protocol';
import { TokenBucket } from '../../sync-server/budgets';

/**
 * A device with many rooms (a town of many communities, a city role that opened many) joins them
 * within the message budget the server gives a connection: joined all at once, a reconnect of a
 * thousand rooms was closed as a flood, and so was the next one, for ever.
 */

/** A socket that opens when told and records when each frame was sent, in the fake clock. */
class FakeSocket {
	static readonly OPEN = 1;
	static last: FakeSocket | undefined;
	readyState = 0;
	binaryType = '';
	sent: number[] = [];
	onopen: (() => void) | null = null;
	onclose: ((event: { code: number }) => void) | null = null;
	onmessage: ((event: unknown) => void) | null = null;
	onerror: (() => void) | null = null;
	constructor(readonly url: string) {
		FakeSocket.last = this;
	}
	send(_frame?: Uint8Array) {
		this.sent.push(Date.now());
	}
	close() {
		this.readyState = 3;
	}
	open() {
		this.readyState = FakeSocket.OPEN;
		this.onopen?.();
	}
}

afterEach(() => vi.useRealTimers());

/** A device's one socket over `FakeSocket`, in a fake clock. */
function fakeSocket(): MuxSocket {
	vi.useFakeTimers({ now: Date.parse('2026-12-01T00:00:00Z') });
	return new MuxSocket({
		url: 'ws://127.0.0.1/mux',
		token: 't',
		onRefused: () => {},
		onStatus: () => {},
		WebSocketPolyfill: FakeSocket as unknown as typeof WebSocket
	});
}

describe('joining many rooms on one socket', () => {
	it('stays within the server’s budget for a connection, and joins every room', async () => {
		const socket = fakeSocket();
		const rooms = 1500;
		const channels = Array.from({ length: rooms }, (_, i) =>
			socket.channel(`community:c${i}`, new Y.Doc())
		);
		socket.connect();
		const ws = FakeSocket.last!;
		ws.open();
		// What the server would do with each frame as it came.
		const bucket = new TokenBucket(connectionMessageBurst, connectionMessagesPerSecond, Date.now());
		let checked = 0;
		const check = () => {
			for (; checked < ws.sent.length; checked++) {
				expect(bucket.take(1, ws.sent[checked]), `frame ${checked}`).toBe(true);
			}
		};
		check();
		expect(channels.filter((c) => c.joined).length).toBe(muxJoinBurst);
		const seconds = Math.ceil((rooms - muxJoinBurst) / muxJoinsPerSecond) + 1;
		for (let s = 0; s < seconds * 10; s++) {
			await vi.advanceTimersByTimeAsync(100);
			check();
		}
		expect(channels.every((c) => c.joined)).toBe(true);
		socket.destroy();
	});

	it('joins a room added while connected at once, when the budget allows', async () => {
		const socket = fakeSocket();
		socket.connect();
		FakeSocket.last!.open();
		const channel = socket.channel('community:tanglian', new Y.Doc());
		expect(channel.joined).toBe(true);
		socket.destroy();
	});
});

/**
 * A socket that answers as the server does (sync.ts): a join with the room's state vector (sync
 * step 1), a client's step 1 with step 2 and the state vector again; and the client answers each
 * of those step 1s with a step 2 of its own. A join is five frames from the device, not the three
 * the pace was counted for: 400 joins at once and 100 a second were the server's whole budget
 * (2,000 frames, 500 a second), with nothing to spare for a server that reads a busy connection a
 * little late (a user's share of work used up, a large room loading). This server reads what came
 * every 100 ms. Over the budget, bench:city's socket was closed as a flood, rejoined its rooms in a
 * burst over the budget again, was closed again, and never reached the rooms last in its list.
 */
class ServerLikeSocket extends FakeSocket {
	static sockets: ServerLikeSocket[] = [];
	static readonly readEveryMs = 100;
	/** When the server read each frame. */
	read: number[] = [];
	constructor(url: string) {
		super(url);
		ServerLikeSocket.sockets.push(this);
	}
	override send(frame?: Uint8Array) {
		super.send();
		const every = ServerLikeSocket.readEveryMs;
		const readAt = (Math.floor(Date.now() / every) + 1) * every;
		this.read.push(readAt);
		const { room, message } = readMuxFrame(frame!);
		const stepOne = () => {
			const e = encoding.createEncoder();
			encoding.writeVarUint(e, messageSync);
			syncProtocol.writeSyncStep1(e, serverDoc);
			return encoding.toUint8Array(e);
		};
		const answers: Uint8Array[] = [];
		if (message.byteLength === 1 && message[0] === muxJoin) answers.push(stepOne());
		else if (message[0] === messageSync && message[1] === syncProtocol.messageYjsSyncStep1) {
			const e = encoding.createEncoder();
			encoding.writeVarUint(e, messageSync);
			syncProtocol.writeSyncStep2(e, serverDoc);
			answers.push(encoding.toUint8Array(e), stepOne());
		}
		if (answers.length === 0) return;
		setTimeout(
			() => {
				if (this.readyState !== FakeSocket.OPEN) return;
				for (const answer of answers) {
					const data = muxFrame(muxPrefix(room), answer);
					this.onmessage?.({
						data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)
					});
				}
			},
			readAt - Date.now() + 1
		);
	}
	/** The connection drops (a restart, a lost network): the client reconnects. */
	drop(code: number) {
		this.readyState = 3;
		this.onclose?.({ code });
	}
}
const serverDoc = new Y.Doc();
serverDoc.getMap('suggestions').set('notes', 'a room with something in it');

describe('reconnecting', () => {
	it('slows down when the server closes each connection soon after it opens', async () => {
		const socket = fakeSocket();
		socket.channel('community:c1', new Y.Doc());
		let opened = 0;
		let flooding = true;
		let seen: FakeSocket | undefined;
		/** Opens each new socket; while flooding, the server closes it 50 ms later (4429). */
		const serve = () => {
			const ws = FakeSocket.last!;
			if (ws === seen) return;
			seen = ws;
			ws.open();
			opened++;
			if (!flooding) return;
			setTimeout(() => {
				ws.readyState = 3;
				ws.onclose?.({ code: 4429 });
			}, 50);
		};
		const run = async (ms: number) => {
			for (let t = 0; t < ms; t += 10) {
				await vi.advanceTimersByTimeAsync(10);
				serve();
			}
		};
		socket.connect();
		serve();
		await run(10_000);
		// 100, 200, 400 ms… up to a few seconds: a handful of tries in ten seconds, not a hundred.
		expect(opened).toBeGreaterThan(3);
		expect(opened).toBeLessThan(10);

		// A connection that stays up forgets the backoff: its drop is retried at once.
		flooding = false;
		await run(6000);
		const steady = FakeSocket.last!;
		expect(steady.readyState).toBe(FakeSocket.OPEN);
		await run(11_000);
		steady.readyState = 3;
		steady.onclose?.({ code: 1006 });
		await vi.advanceTimersByTimeAsync(150);
		expect(FakeSocket.last).not.toBe(steady);
		socket.destroy();
	});
});

describe('joining many rooms on one socket, answered as the server answers', () => {
	it('stays within the budget with every frame a join brings, loading rooms as bench:city does and rejoining them after a drop', async () => {
		vi.useFakeTimers({ now: Date.parse('2026-12-01T00:00:00Z') });
		ServerLikeSocket.sockets = [];
		const socket = new MuxSocket({
			url: 'ws://127.0.0.1/mux',
			token: 't',
			onRefused: () => {},
			onStatus: () => {},
			WebSocketPolyfill: ServerLikeSocket as unknown as typeof WebSocket
		});
		socket.connect();
		let ws = ServerLikeSocket.sockets.at(-1)!;
		ws.open();
		// The server's budget for the connection, taken as it reads each frame.
		let bucket = new TokenBucket(connectionMessageBurst, connectionMessagesPerSecond, Date.now());
		let checked = 0;
		let overBudget = 0;
		const check = () => {
			for (; checked < ws.read.length && ws.read[checked]! <= Date.now(); checked++) {
				if (!bucket.take(1, ws.read[checked])) overBudget++;
			}
		};
		const tick = async (ms: number) => {
			for (let t = 0; t < ms; t += 10) {
				await vi.advanceTimersByTimeAsync(10);
				check();
			}
		};
		// bench:city's loadEveryRoom: 25 rooms at a time, each batch once the last is synced.
		const rooms = 1377;
		const channels: ReturnType<MuxSocket['channel']>[] = [];
		for (let i = 0; i < rooms; i += 25) {
			const batch = Array.from({ length: Math.min(25, rooms - i) }, (_, j) =>
				socket.channel(`community:c${i + j}`, new Y.Doc())
			);
			channels.push(...batch);
			for (let waited = 0; !batch.every((c) => c.synced) && waited < 60_000; waited += 10) {
				await tick(10);
			}
		}
		await tick(1000);
		expect(channels.filter((c) => c.synced).length).toBe(rooms);
		expect.soft(overBudget, 'frames over the budget while loading').toBe(0);

		// The socket drops; the next one rejoins every room, within a fresh budget, and syncs each.
		ws.drop(1006);
		await vi.advanceTimersByTimeAsync(200);
		ws = ServerLikeSocket.sockets.at(-1)!;
		ws.open();
		bucket = new TokenBucket(connectionMessageBurst, connectionMessagesPerSecond, Date.now());
		checked = 0;
		overBudget = 0;
		for (let waited = 0; !channels.every((c) => c.synced) && waited < 120_000; waited += 100) {
			await tick(100);
		}
		await tick(1000);
		expect(overBudget, 'frames over the budget while rejoining').toBe(0);
		expect(channels.every((c) => c.synced)).toBe(true);
		socket.destroy();
	}, 120_000);
});
