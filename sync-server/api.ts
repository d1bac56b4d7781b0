import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The HTTP API under `/api/`. Routes are a small table, so the auth, directory and photo routes
 * of the sync server join it as entries; the transport knows nothing of them.
 */
export type ApiHandler = (
	req: IncomingMessage,
	res: ServerResponse,
	params: Record<string, string>
) => void | Promise<void>;

export interface ApiRoute {
	method: 'GET' | 'POST' | 'PUT' | 'DELETE';
	/** A path like `/api/photos/:room/:sha256`; each `:name` matches one URL segment. */
	path: string;
	handler: ApiHandler;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': Buffer.byteLength(text),
		'Cache-Control': 'no-store'
	});
	res.end(text);
}

export class BodyTooLargeError extends Error {
	override name = 'BodyTooLargeError';
}

/** Reads a request body up to a limit; past it the request is refused, not buffered. */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
	const declared = Number(req.headers['content-length'] ?? NaN);
	if (Number.isFinite(declared) && declared > limitBytes) throw new BodyTooLargeError();
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		const buffer = chunk as Buffer;
		size += buffer.length;
		if (size > limitBytes) throw new BodyTooLargeError();
		chunks.push(buffer);
	}
	return Buffer.concat(chunks);
}

function match(pattern: string, pathname: string): Record<string, string> | undefined {
	const want = pattern.split('/');
	const got = pathname.split('/');
	if (want.length !== got.length) return undefined;
	const params: Record<string, string> = {};
	for (let i = 0; i < want.length; i++) {
		const part = want[i] ?? '';
		const value = got[i] ?? '';
		if (part.startsWith(':')) {
			if (value === '') return undefined;
			try {
				params[part.slice(1)] = decodeURIComponent(value);
			} catch {
				return undefined;
			}
		} else if (part !== value) return undefined;
	}
	return params;
}

export function healthRoute(): ApiRoute {
	return {
		method: 'GET',
		path: '/api/health',
		handler: (_req, res) => sendJson(res, 200, { ok: true })
	};
}

export interface ApiRouter {
	handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void>;
}

export function createApiRouter(routes: readonly ApiRoute[]): ApiRouter {
	return {
		async handle(req, res, pathname) {
			let pathMatched = false;
			for (const route of routes) {
				const params = match(route.path, pathname);
				if (!params) continue;
				pathMatched = true;
				if (route.method !== req.method && !(route.method === 'GET' && req.method === 'HEAD')) {
					continue;
				}
				await route.handler(req, res, params);
				return;
			}
			if (pathMatched) sendJson(res, 405, { error: 'method_not_allowed' });
			else sendJson(res, 404, { error: 'not_found' });
		}
	};
}
