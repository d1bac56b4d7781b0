import { useTestServer } from './helpers/test-server';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fixtureFiles } from './helpers/fixture-app';

const ctx = useTestServer();

/** A raw request, so that paths are sent exactly as written (fetch would normalise them). */
function raw(
	path: string,
	options: { method?: string; headers?: Record<string, string> } = {}
): Promise<{
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}> {
	return new Promise((done, fail) => {
		const req = request(
			{
				host: '127.0.0.1',
				port: ctx.server.port,
				path,
				method: options.method ?? 'GET',
				headers: options.headers
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () =>
					done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) })
				);
			}
		);
		req.on('error', fail);
		req.end();
	});
}

describe('the API', () => {
	it('answers GET /api/health with {"ok":true}, uncached', async () => {
		const res = await fetch(`${ctx.url}/api/health`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		expect(res.headers.get('cache-control')).toBe('no-store');
		expect(await res.text()).toBe('{"ok":true}');
	});

	it('answers an unknown API path with a JSON 404, never the app shell', async () => {
		const res = await fetch(`${ctx.url}/api/nothing/here`);
		expect(res.status).toBe(404);
		expect(await res.json()).toEqual({ error: 'not_found' });
	});

	it('answers a wrong method on a known path with 405', async () => {
		const res = await fetch(`${ctx.url}/api/health`, { method: 'POST' });
		expect(res.status).toBe(405);
	});

	it('sends the security headers on every answer', async () => {
		for (const path of ['/api/health', '/', '/_app/immutable/chunks/a1b2c3.js', '/missing.js']) {
			const res = await fetch(`${ctx.url}${path}`);
			expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
			expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
		}
	});
});

describe('the built app', () => {
	it('serves index.html and sw.js with no-cache so a new version is seen', async () => {
		for (const path of [
			'/',
			'/index.html',
			'/sw.js',
			'/manifest.webmanifest',
			'/_app/version.json'
		]) {
			const res = await fetch(`${ctx.url}${path}`);
			expect(res.status, path).toBe(200);
			expect(res.headers.get('cache-control'), path).toBe('no-cache');
		}
		expect((await fetch(`${ctx.url}/sw.js`)).headers.get('content-type')).toMatch(
			/^text\/javascript/
		);
		expect((await fetch(`${ctx.url}/manifest.webmanifest`)).headers.get('content-type')).toMatch(
			/^application\/manifest\+json/
		);
	});

	it('serves hashed assets as immutable for a year', async () => {
		for (const path of ['/_app/immutable/chunks/a1b2c3.js', '/workbox-1a2b3c4d.js']) {
			const res = await fetch(`${ctx.url}${path}`, {
				headers: { 'accept-encoding': 'identity' }
			});
			expect(res.status, path).toBe(200);
			expect(res.headers.get('cache-control'), path).toBe('public, max-age=31536000, immutable');
		}
	});

	it('answers a deep link with the app shell (the SPA fallback), not cached', async () => {
		const res = await fetch(`${ctx.url}/projects/abc/edit`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^text\/html/);
		expect(res.headers.get('cache-control')).toBe('no-cache');
		expect(await res.text()).toBe(fixtureFiles['index.html']);
	});

	it('answers a missing asset with a 404, never HTML that a cache would keep as code', async () => {
		for (const path of ['/_app/immutable/chunks/gone.js', '/missing.css', '/icons/none.png']) {
			const res = await raw(path);
			expect(res.status, path).toBe(404);
			expect(String(res.headers['content-type']), path).not.toMatch(/html/);
		}
	});

	it('never leaves the app folder', async () => {
		for (const path of [
			'/../package.json',
			'/%2e%2e/package.json',
			'/_app/%2e%2e/%2e%2e/package.json',
			'/..%2fpackage.json',
			'/..%5cpackage.json',
			'/index.html%00.js',
			'/.hidden.json'
		]) {
			const res = await raw(path);
			expect(res.body.toString('utf8'), path).not.toMatch(/"name": "kuaiban"/);
			expect([200, 400, 404], path).toContain(res.status);
			if (res.status === 200) expect(res.body.toString('utf8')).toBe(fixtureFiles['index.html']);
		}
	});

	it('answers HEAD with headers and no body', async () => {
		const res = await raw('/sw.js', { method: 'HEAD' });
		expect(res.status).toBe(200);
		expect(Number(res.headers['content-length'])).toBe(
			Buffer.byteLength(fixtureFiles['sw.js'] ?? '')
		);
		expect(res.body.length).toBe(0);
	});

	it('answers 304 when the ETag still matches', async () => {
		const first = await raw('/sw.js');
		const etag = String(first.headers.etag);
		expect(etag).toMatch(/^W\/"/);
		const again = await raw('/sw.js', { headers: { 'if-none-match': etag } });
		expect(again.status).toBe(304);
		expect(again.body.length).toBe(0);
	});

	it('sends the precompressed file when the client accepts gzip', async () => {
		const res = await raw('/_app/immutable/chunks/a1b2c3.js', {
			headers: { 'accept-encoding': 'gzip, deflate' }
		});
		expect(res.status).toBe(200);
		expect(res.headers['content-encoding']).toBe('gzip');
		expect(res.headers.vary).toBe('Accept-Encoding');
		expect(gunzipSync(res.body).toString('utf8')).toBe(
			fixtureFiles['_app/immutable/chunks/a1b2c3.js']
		);
		const plain = await raw('/_app/immutable/chunks/a1b2c3.js');
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(plain.body.toString('utf8')).toBe(fixtureFiles['_app/immutable/chunks/a1b2c3.js']);
	});

	it('refuses to change the app', async () => {
		const res = await raw('/index.html', { method: 'PUT' });
		expect(res.status).toBe(405);
	});

	it('refuses websocket upgrades outside /sync/', async () => {
		const res = await raw('/elsewhere', {
			headers: { connection: 'Upgrade', upgrade: 'websocket' }
		});
		expect(res.status).toBe(404);
	});
});
