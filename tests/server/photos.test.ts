import { useTestServer } from './helpers/test-server';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoCity } from '../../sync-server/demo-city';
import { demoData } from '../../sync-server/demo-data';
import { sniffPhotoType } from '../../sync-server/photos';
import { login } from './helpers/clients';

const ctx = useTestServer({ PHOTO_MAX_MB: '1' });

let worker: string;
let reviewer: string;
let otherWorker: string;

beforeAll(async () => {
	worker = await login(ctx.url, 'tanglian-1');
	reviewer = await login(ctx.url, 'jingkai-reviewer');
	otherWorker = await login(ctx.url, 'daxin-1');
});

const jpeg = Buffer.concat([
	Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
	Buffer.from('a photo of a railing')
]);
const png = Buffer.concat([
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
	Buffer.from('sign-in sheet')
]);
const webp = Buffer.concat([
	Buffer.from('RIFF'),
	Buffer.from([1, 0, 0, 0]),
	Buffer.from('WEBPVP8 ')
]);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function put(room: string, hash: string, body: Buffer, token?: string) {
	return fetch(`${ctx.url}/api/photos/${room}/${hash}`, {
		method: 'PUT',
		headers: token ? { authorization: `Bearer ${token}` } : {},
		body: new Uint8Array(body)
	});
}

function get(room: string, hash: string, token?: string) {
	return fetch(`${ctx.url}/api/photos/${room}/${hash}`, {
		headers: token ? { authorization: `Bearer ${token}` } : {}
	});
}

describe('photos', () => {
	it('knows JPEG, PNG and WebP by their first bytes only', () => {
		expect(sniffPhotoType(jpeg)).toBe('image/jpeg');
		expect(sniffPhotoType(png)).toBe('image/png');
		expect(sniffPhotoType(webp)).toBe('image/webp');
		expect(sniffPhotoType(Buffer.from('<svg xmlns=…>'))).toBeUndefined();
		expect(sniffPhotoType(Buffer.from('GIF89a'))).toBeUndefined();
		expect(sniffPhotoType(Buffer.alloc(0))).toBeUndefined();
	});

	it('stores a photo once (201, then 200 on a retry) and serves it to readers', async () => {
		const first = await put('community:tanglian', sha(jpeg), jpeg, worker);
		expect(first.status).toBe(201);
		const retry = await put('community:tanglian', sha(jpeg), jpeg, worker);
		expect(retry.status).toBe(200);
		expect((await put('community:tanglian', sha(png), png, worker)).status).toBe(201);
		expect((await put('community:tanglian', sha(webp), webp, worker)).status).toBe(201);

		for (const token of [worker, reviewer]) {
			const res = await get('community:tanglian', sha(jpeg), token);
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toBe('image/jpeg');
			expect(Buffer.from(await res.arrayBuffer()).equals(jpeg)).toBe(true);
		}
		const pngRes = await get('community:tanglian', sha(png), worker);
		expect(pngRes.headers.get('content-type')).toBe('image/png');
		// Stored under the data folder, one file per photo, no temporary files left behind (beside
		// the demo city's own photos of the room).
		const files = await readdir(join(ctx.dataDir, 'photos', 'community', 'tanglian'));
		const demo = demoData(demoCity())
			.photos.filter((p) => p.room === 'community:tanglian')
			.map((p) => `${p.sha256}.png`);
		expect(files.sort()).toEqual(
			[`${sha(jpeg)}.jpg`, `${sha(png)}.png`, `${sha(webp)}.webp`, ...demo].sort()
		);
	});

	it('refuses a body whose SHA-256 differs (400), a type that is not a photo (415), too large (413)', async () => {
		const wrong = await put('community:tanglian', sha(png), jpeg, worker);
		expect(wrong.status).toBe(400);
		const html = Buffer.from('<html><script>alert(1)</script></html>');
		expect((await put('community:tanglian', sha(html), html, worker)).status).toBe(415);
		const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(1024 * 1024 + 10)]);
		expect((await put('community:tanglian', sha(big), big, worker)).status).toBe(413);
		expect((await get('community:tanglian', sha(html), worker)).status).toBe(404);
		expect((await get('community:tanglian', sha(big), worker)).status).toBe(404);
	});

	it('follows the room rights: no token 401, no write right or no read right 403', async () => {
		expect((await put('community:tanglian', sha(jpeg), jpeg)).status).toBe(401);
		expect((await put('community:tanglian', sha(jpeg), jpeg, reviewer)).status).toBe(403);
		expect((await put('community:tanglian', sha(jpeg), jpeg, otherWorker)).status).toBe(403);
		expect((await get('community:tanglian', sha(jpeg))).status).toBe(401);
		expect((await get('community:tanglian', sha(jpeg), otherWorker)).status).toBe(403);
		expect((await get('community:tanglian', 'not-a-hash', worker)).status).toBe(404);
		expect((await get('street:x', sha(jpeg), worker)).status).toBe(404);
	});
});
