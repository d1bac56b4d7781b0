import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { MuxSocket } from '$lib/sync/mux-socket';
import {
	connectionMessageBurst,
	connectionMessagesPerSecond,
	muxJoinBurst,
	muxJoinsPerSecond
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
	send() {
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
