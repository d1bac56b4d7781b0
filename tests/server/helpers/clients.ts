import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { waitFor } from './server-process';

/**
 * Stock y-websocket clients in Node, as an app tablet or a script would use them. BroadcastChannel
 * is off: clients in one process would otherwise sync with each other without the server.
 */
// Each stock provider adds a process 'exit' listener in Node; a test opens dozens of them.
process.setMaxListeners(200);

export interface Client {
	doc: Y.Doc;
	provider: WebsocketProvider;
	closes: { code: number; reason: string }[];
	messages: () => number;
	/** Whether these UTF-8 bytes were in any message the server sent this client. */
	received: (text: string) => boolean;
	destroy(): void;
}

export async function login(baseUrl: string, username: string, password = 'demo'): Promise<string> {
	const res = await fetch(`${baseUrl}/api/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ username, password })
	});
	if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
	return ((await res.json()) as { token: string }).token;
}

export function connect(
	baseUrl: string,
	room: string,
	token: string,
	{ doc = new Y.Doc(), connect: start = true } = {}
): Client {
	const closes: { code: number; reason: string }[] = [];
	let received = 0;
	const frames: Buffer[] = [];
	const CountingSocket = class extends WebSocket {
		constructor(address: string, protocols?: string | string[]) {
			super(address, protocols);
			this.on('message', (data: Buffer | ArrayBuffer) => {
				received++;
				frames.push(Buffer.from(data as ArrayBuffer));
			});
			this.on('close', (code, reason) => closes.push({ code, reason: reason.toString() }));
		}
	};
	const provider = new WebsocketProvider(`${baseUrl.replace(/^http/, 'ws')}/sync`, room, doc, {
		params: { token },
		WebSocketPolyfill: CountingSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		connect: start,
		maxBackoffTime: 500
	});
	return {
		doc,
		provider,
		closes,
		messages: () => received,
		received: (text) => frames.some((f) => f.includes(Buffer.from(text, 'utf8'))),
		destroy() {
			provider.destroy();
			doc.destroy();
		}
	};
}

export function synced(client: Client, timeoutMs = 10_000): Promise<true> {
	return waitFor(() => (client.provider.synced ? true : undefined), { timeoutMs });
}

export function closedWith(client: Client, timeoutMs = 10_000): Promise<number> {
	return waitFor(() => client.closes[0]?.code, { timeoutMs });
}

export function text(client: Client, key = 'notes'): string {
	return client.doc.getMap('suggestions').get(key) as string;
}
