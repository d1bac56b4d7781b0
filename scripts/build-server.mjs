// `npm run build` (after the app): the sync server as one JavaScript file, dist/server.mjs, so
// production runs plain Node with no TypeScript loader. Packages stay in node_modules (better-sqlite3
// is native); the storage worker is copied beside the bundle, where storage.ts looks for it.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';

await mkdir('dist', { recursive: true });
await build({
	entryPoints: ['sync-server/main.ts'],
	outfile: 'dist/server.mjs',
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	packages: 'external',
	sourcemap: true,
	logLevel: 'warning'
});
await copyFile('sync-server/storage-worker.mjs', 'dist/storage-worker.mjs');
console.log('sync server built: dist/server.mjs');
