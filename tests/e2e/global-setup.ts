import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureChromium } from './helpers/chromium';
import { startServerProcess } from '../server/helpers/server-process';

declare module 'vitest' {
	export interface ProvidedContext {
		baseURL: string;
	}
}

/**
 * The e2e project drives the real thing: the app built as `npm start` builds it, served by the
 * real server on a free port with an empty data folder, in Debian's Chromium.
 */
export default async function setup(project: TestProject) {
	ensureChromium();
	if (process.env.KUAIBAN_E2E_SKIP_BUILD !== '1') {
		console.log('[e2e] building the app…');
		execFileSync(
			process.execPath,
			['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'],
			// Vitest sets NODE_ENV=test, which would make Vite build the development variant.
			{ stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } }
		);
	}
	const dataDir = await mkdtemp(join(tmpdir(), 'kuaiban-e2e-'));
	const server = await startServerProcess({ dataDir, staticDir: 'build' });
	project.provide('baseURL', server.url);
	return async () => {
		await server.stop();
		await rm(dataDir, { recursive: true, force: true });
	};
}
