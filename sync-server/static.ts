import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { Logger } from './log.ts';

/**
 * Serves the built app (SvelteKit's static adapter output) with the caching an offline-first app
 * needs: the shell and the service worker are always revalidated, so a new version is seen at the
 * next check; files with a content hash in their name are cached for a year.
 */

const types: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.webmanifest': 'application/manifest+json; charset=utf-8',
	'.map': 'application/json; charset=utf-8',
	'.txt': 'text/plain; charset=utf-8',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.jpg': 'image/jpeg',
	'.jpeg': 'image/jpeg',
	'.webp': 'image/webp',
	'.ico': 'image/x-icon',
	'.woff2': 'font/woff2',
	'.woff': 'font/woff'
};

const compressible = new Set([
	'.html',
	'.js',
	'.mjs',
	'.css',
	'.json',
	'.webmanifest',
	'.svg',
	'.txt',
	'.map'
]);

export const immutableCache = 'public, max-age=31536000, immutable';
export const revalidate = 'no-cache';

/**
 * `_app/immutable/` and Workbox's runtime (`workbox-<hash>.js`) carry a content hash in their
 * names, so they never change under a URL. Everything else may change at the next release and
 * is revalidated: the service worker, not the HTTP cache, is what keeps the app offline.
 */
export function cacheControlFor(relativePath: string): string {
	if (relativePath.startsWith('_app/immutable/')) return immutableCache;
	if (/^workbox-[0-9a-f]{8,}\.js$/.test(relativePath)) return immutableCache;
	return revalidate;
}

/** Paths that never fall back to the app shell: a missing asset must be a 404, never HTML. */
function isAppRoute(pathname: string): boolean {
	if (pathname.startsWith('/api/') || pathname === '/api' || pathname.startsWith('/sync/')) {
		return false;
	}
	const last = pathname.slice(pathname.lastIndexOf('/') + 1);
	return extname(last) === '';
}

/**
 * The content security policy of an HTML page: scripts only from the app's origin plus the page's
 * own inline scripts by hash (SvelteKit's bootstrap script), nothing from elsewhere; connections
 * to the same origin (the API and the sync websocket); photos from the device (blob:, data:).
 * Inline styles stay allowed: Svelte sets style attributes, and they cannot run code.
 */
export function contentSecurityPolicy(html: string): string {
	const hashes = [...html.matchAll(/<script(?:\s[^>]*)?>([\s\S]*?)<\/script>/gi)]
		.filter((m) => !/\ssrc=/i.test(m[0].slice(0, m[0].indexOf('>'))) && (m[1] ?? '').trim() !== '')
		.map(
			(m) =>
				`'sha256-${createHash('sha256')
					.update(m[1] ?? '')
					.digest('base64')}'`
		);
	return [
		"default-src 'self'",
		`script-src 'self' ${hashes.join(' ')}`.trim(),
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data: blob:",
		"font-src 'self' data:",
		"connect-src 'self'",
		"worker-src 'self'",
		"manifest-src 'self'",
		"object-src 'none'",
		"base-uri 'self'",
		"form-action 'self'",
		"frame-ancestors 'none'"
	].join('; ');
}

export interface StaticSite {
	/** Whether the app is built (index.html exists). */
	readonly built: boolean;
	handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void>;
}

interface FoundFile {
	path: string;
	relative: string;
	size: number;
	mtimeMs: number;
}

async function findFile(root: string, relative: string): Promise<FoundFile | undefined> {
	const path = join(root, relative);
	try {
		const info = await stat(path);
		if (!info.isFile()) return undefined;
		return { path, relative, size: info.size, mtimeMs: info.mtimeMs };
	} catch {
		return undefined;
	}
}

/** Turns a URL path into a path inside the root, or undefined for anything that tries to leave. */
export function safeRelativePath(pathname: string): string | undefined {
	let decoded: string;
	try {
		decoded = decodeURIComponent(pathname);
	} catch {
		return undefined;
	}
	if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
	// No `..` and no dotfiles at all, before normalising: a path that tries is refused, not clamped.
	if (decoded.split('/').some((part) => part.startsWith('.'))) return undefined;
	return normalize(decoded).replace(/^\/+/, '');
}

function plain(res: ServerResponse, status: number, text: string) {
	res.writeHead(status, {
		'Content-Type': 'text/plain; charset=utf-8',
		'Cache-Control': 'no-store'
	});
	res.end(text);
}

export async function createStaticSite(root: string, log: Logger): Promise<StaticSite> {
	const shell = await findFile(root, 'index.html');
	if (!shell) log.warn('app not built: index.html missing', { staticDir: root });
	const rootWithSep = root.endsWith(sep) ? root : root + sep;
	const isInside = (path: string) => path === root || path.startsWith(rootWithSep);
	// One policy per version of a page: a rebuild while the server runs gets its new hashes.
	const policies = new Map<string, string>();
	async function policyFor(file: FoundFile, etag: string): Promise<string> {
		const key = `${file.relative} ${etag}`;
		let policy = policies.get(key);
		if (!policy) {
			policy = contentSecurityPolicy(await readFile(file.path, 'utf8'));
			policies.set(key, policy);
		}
		return policy;
	}

	async function send(req: IncomingMessage, res: ServerResponse, file: FoundFile, cache: string) {
		const ext = extname(file.relative);
		const etag = `W/"${file.size.toString(16)}-${Math.floor(file.mtimeMs).toString(16)}"`;
		const headers: Record<string, string | number> = {
			'Content-Type': types[ext] ?? 'application/octet-stream',
			'Cache-Control': cache,
			ETag: etag
		};
		if (compressible.has(ext)) headers.Vary = 'Accept-Encoding';
		if (ext === '.html') headers['Content-Security-Policy'] = await policyFor(file, etag);
		if (req.headers['if-none-match'] === etag) {
			res.writeHead(304, headers);
			res.end();
			return;
		}
		let body = file;
		if (compressible.has(ext)) {
			const accepted = String(req.headers['accept-encoding'] ?? '');
			for (const [encoding, suffix] of [
				['br', '.br'],
				['gzip', '.gz']
			] as const) {
				if (!new RegExp(`\\b${encoding}\\b`).test(accepted)) continue;
				const packed = await findFile(root, file.relative + suffix);
				// Only a variant made from this version of the file: one older than the file (the file
				// was changed in place after the build) would serve what the file no longer says.
				if (packed && packed.mtimeMs >= file.mtimeMs) {
					headers['Content-Encoding'] = encoding;
					body = packed;
					break;
				}
			}
		}
		headers['Content-Length'] = body.size;
		res.writeHead(200, headers);
		if (req.method === 'HEAD') {
			res.end();
			return;
		}
		const stream = createReadStream(body.path);
		stream.on('error', (error) => {
			log.error('static read failed', { path: body.relative, error });
			res.destroy(error);
		});
		stream.pipe(res);
	}

	return {
		built: shell !== undefined,
		async handle(req, res, pathname) {
			if (req.method !== 'GET' && req.method !== 'HEAD') {
				res.setHeader('Allow', 'GET, HEAD');
				plain(res, 405, 'Method not allowed');
				return;
			}
			const relative = safeRelativePath(pathname);
			// Defence in depth: safeRelativePath already refuses `..`; the joined path must agree.
			if (relative === undefined || !isInside(join(root, relative))) {
				plain(res, 400, 'Bad path');
				return;
			}
			const wanted = relative === '' || relative.endsWith('/') ? `${relative}index.html` : relative;
			const file = await findFile(root, wanted);
			if (file) {
				await send(req, res, file, cacheControlFor(file.relative));
				return;
			}
			if (!isAppRoute(pathname)) {
				plain(res, 404, 'Not found');
				return;
			}
			// A deep link (`/projects/abc`): the single-page app's shell renders the route.
			const fallback = await findFile(root, 'index.html');
			if (!fallback) {
				plain(res, 503, 'App not built: run npm run build');
				return;
			}
			await send(req, res, fallback, revalidate);
		}
	};
}
