import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A tablet's network cable: a loopback TCP forwarder between one browser context and the server.
 * Playwright's `context.setOffline(true)` stops new requests but leaves an open websocket
 * connected (DESIGN.md, known pitfalls); unplugging this closes every connection for real and
 * refuses new ones until it is plugged in again.
 */
export class NetworkCable {
	#sockets = new Set<Socket>();
	#plugged = true;

	private constructor(
		private readonly server: Server,
		readonly port: number,
		/** Where the cable leads; a test may move it to a restarted server. */
		public target: string
	) {}

	static async to(target: string): Promise<NetworkCable> {
		const ref: { cable?: NetworkCable } = {};
		const server = createServer((client) => {
			const cable = ref.cable;
			if (!cable?.plugged) {
				client.destroy();
				return;
			}
			const { hostname, port } = new URL(cable.target);
			const upstream = connect(Number(port), hostname);
			cable.#track(client);
			cable.#track(upstream);
			client.pipe(upstream);
			upstream.pipe(client);
			const end = () => {
				client.destroy();
				upstream.destroy();
			};
			client.on('error', end);
			upstream.on('error', end);
			client.on('close', end);
			upstream.on('close', end);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const address = server.address();
		if (!address || typeof address === 'string') throw new Error('no port');
		ref.cable = new NetworkCable(server, address.port, target);
		return ref.cable;
	}

	get plugged(): boolean {
		return this.#plugged;
	}

	/** The origin the tablet uses for the app, the API and the websocket. */
	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	#track(socket: Socket) {
		this.#sockets.add(socket);
		socket.on('close', () => this.#sockets.delete(socket));
	}

	unplug(): void {
		this.#plugged = false;
		for (const socket of this.#sockets) socket.destroy();
		this.#sockets.clear();
	}

	plug(): void {
		this.#plugged = true;
	}

	async close(): Promise<void> {
		this.unplug();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}
