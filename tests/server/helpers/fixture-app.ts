import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** A tiny stand-in for the built app, so the server's tests do not need a build. */
export const fixtureFiles: Record<string, string> = {
	'index.html': '<!doctype html><title>shell</title><div id="app">shell</div>',
	'sw.js': 'self.addEventListener("install", () => {});',
	'manifest.webmanifest': '{"name":"快办"}',
	'_app/version.json': '{"version":"1"}',
	'_app/immutable/chunks/a1b2c3.js': `export const a = ${JSON.stringify('x'.repeat(2000))};`,
	'workbox-1a2b3c4d.js': 'self.workbox = {};',
	'icons/icon-192.png': '\x89PNG fake'
};

export async function makeFixtureApp(): Promise<string> {
	const dir = await mkdtemp(join(tmpdir(), 'kuaiban-app-'));
	for (const [path, content] of Object.entries(fixtureFiles)) {
		await mkdir(dirname(join(dir, path)), { recursive: true });
		await writeFile(join(dir, path), content);
	}
	await writeFile(
		join(dir, '_app/immutable/chunks/a1b2c3.js.gz'),
		gzipSync(fixtureFiles['_app/immutable/chunks/a1b2c3.js'] ?? '')
	);
	return dir;
}
