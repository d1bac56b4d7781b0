import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createApiRouter, healthRoute, sendJson, type ApiRoute } from './api.ts';
import type { ServerConfig } from './config.ts';
import type { Logger } from './log.ts';
import { redactText } from './log.ts';
import { createStaticSite } from './static.ts';
import { muxPath } from '../src/lib/sync/protocol.ts';

/**
 * The transport: one HTTP server for the app, the API and the websocket upgrades. What a room
 * is, who may open it and how it is stored are the business of the hooks given here (the sync
 * server's rooms), not of this module.
 */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface ServerOptions {
	config: ServerConfig;
	log: Logger;
	routes?: readonly ApiRoute[];
	/** Pages the server renders itself (the public project pages); false: not one of them. */
	pages?: (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean>;
	/** Websocket upgrades on `/sync/*`; without it they are refused with 503. */
	onUpgrade?: UpgradeHandler;
	/** Called during close(), after new connections stop and before sockets are destroyed. */
	onClose?: () => Promise<void>;
}

export interface RunningServer {
	url: string;
	port: number;
	close(): Promise<void>;
}

/** Headers on every answer. The CSP joins them with the sync (it must allow the websocket). */
export const securityHeaders: Readonly<Record<string, string>> = {
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'no-referrer',
	'X-Frame-Options': 'DENY'
};

const closeGraceMs = 5000;

function refuseUpgrade(socket: Duplex, status: string) {
	socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
	const { config, log } = options;
	const site = await createStaticSite(config.staticDir, log);
	const api = createApiRouter([healthRoute(), ...(options.routes ?? [])]);
	const sockets = new Set<Socket>();
	const busy = new WeakSet<Socket>();
	let closing = false;

	async function handle(req: IncomingMessage, res: ServerResponse) {
		for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
		let pathname: string;
		try {
			pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
		} catch {
			sendJson(res, 400, { error: 'bad_url' });
			return;
		}
		if (closing) res.setHeader('Connection', 'close');
		if (pathname === '/api' || pathname.startsWith('/api/')) {
			await api.handle(req, res, pathname);
		} else if (options.pages && (await options.pages(req, res, pathname))) {
			return;
		} else {
			await site.handle(req, res, pathname);
		}
	}

	const server = createServer((req, res) => {
		const socket = req.socket;
		busy.add(socket);
		res.on('finish', () => {
			busy.delete(socket);
			if (closing) socket.end();
		});
		handle(req, res).catch((error: unknown) => {
			log.error('request failed', { method: req.method, url: redactText(req.url ?? ''), error });
			if (!res.headersSent) sendJson(res, 500, { error: 'internal' });
			else res.destroy();
		});
	});

	// Longer than the usual proxy idle timeout (60 s), so the proxy, not we, closes idle sockets.
	server.keepAliveTimeout = 65_000;

	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});

	server.on('upgrade', (req, socket, head) => {
		// A socket error after the upgrade began (a reset) must not become an unhandled 'error'.
		socket.on('error', (error) => log.debug('upgrade socket error', { error: error.message }));
		try {
			const pathname = (req.url ?? '/').split('?')[0] ?? '/';
			if (closing) return refuseUpgrade(socket, '503 Service Unavailable');
			if (!pathname.startsWith('/sync/') && pathname !== muxPath)
				return refuseUpgrade(socket, '404 Not Found');
			if (!options.onUpgrade) return refuseUpgrade(socket, '503 Service Unavailable');
			options.onUpgrade(req, socket, head);
		} catch (error) {
			// One request's failure is its own: refuse it, say so, and keep serving everyone else.
			log.error('upgrade failed', { url: redactText(req.url ?? ''), error });
			if (socket.writable) refuseUpgrade(socket, '400 Bad Request');
			else socket.destroy();
		}
	});

	server.on('clientError', (error, socket) => {
		log.warn('bad request', { error: error.message });
		if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(config.port, config.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	const url = `http://localhost:${port}/`;

	let closed: Promise<void> | undefined;
	function close(): Promise<void> {
		closed ??= (async () => {
			closing = true;
			const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
			// Node's close() also ends idle keep-alive connections; busy ones finish their request and
			// are ended after it (see 'finish' above).
			await options.onClose?.();
			const timer = setTimeout(() => {
				log.warn('stop: cutting connections that did not finish', { connections: sockets.size });
				for (const socket of sockets) socket.destroy();
			}, closeGraceMs);
			await stopped;
			clearTimeout(timer);
		})();
		return closed;
	}

	return { url, port, close };
}
