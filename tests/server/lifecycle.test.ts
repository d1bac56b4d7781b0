import { Agent, request } from 'node:http';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Storage } from '../../sync-server/storage';
import { makeFixtureApp } from './helpers/fixture-app';
import { seededDataDir } from './helpers/seeded-data-dir';
import {
	exitOf,
	spawnServer,
	startServerProcess,
	type ServerProcess
} from './helpers/server-process';
import { tempDirFor } from './helpers/temp-dir';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
	while (cleanup.length) await cleanup.pop()?.();
});

const tempDir = (prefix: string) => tempDirFor(cleanup, prefix);

/** The demo city's data folder as a first start leaves it, for the tests not about seeding. */
async function demoDataDir(prefix: string): Promise<string> {
	const dir = await seededDataDir(prefix);
	cleanup.push(() => rm(dir, { recursive: true, force: true }));
	return dir;
}

async function start(dataDir: string, env?: Record<string, string>): Promise<ServerProcess> {
	const appDir = await makeFixtureApp();
	cleanup.push(() => rm(appDir, { recursive: true, force: true }));
	const server = await startServerProcess({ dataDir, staticDir: appDir, env });
	cleanup.push(() => server.stop('SIGKILL'));
	return server;
}

describe('first start', () => {
	it('seeds the demo city into an empty data folder and prints the URL and logins', async () => {
		const dataDir = await tempDir('kuaiban-seed-');
		const server = await start(dataDir);
		await server.stop();
		const storage = new Storage(join(dataDir, 'kuaiban.sqlite'));
		try {
			const usernames = storage.listUsers().map((u) => u.username);
			expect(usernames).toEqual(
				expect.arrayContaining(['tanglian-1', 'tanglian-2', 'daxin-1', 'admin', 'city-finance'])
			);
			expect(storage.communities().length).toBeGreaterThan(100);
			// Demo passwords are hashed like any other, never stored as written.
			expect(storage.findUserByUsername('admin')?.passwordHash).toMatch(/^scrypt\$/);
		} finally {
			storage.close();
		}
		expect(server.output()).toContain(`http://localhost:${server.port}/`);
		expect(server.output()).toContain('tanglian-1');
		expect(server.output()).toContain('"demo"');
		expect(server.output()).toMatch(/"msg":"demo city seeded"/);
	});

	it('does not seed again over existing data', async () => {
		// A folder a first start seeded and was stopped in.
		const dataDir = await demoDataDir('kuaiban-reseed-');
		const again = await start(dataDir);
		expect(again.output()).not.toMatch(/demo city seeded/);
		expect(again.output()).toContain('tanglian-1'); // the demo users are still there
	});

	it('never seeds demo users in production, and refuses to start with them', async () => {
		const dataDir = await tempDir('kuaiban-prod-');
		const server = await start(dataDir, { NODE_ENV: 'production' });
		await server.stop();
		expect(server.output()).not.toContain('tanglian-1');
		const storage = new Storage(join(dataDir, 'kuaiban.sqlite'));
		expect(storage.listUsers()).toEqual([]);
		storage.close();
		const { mode } = await stat(join(dataDir, 'token-secret'));
		expect(mode & 0o777).toBe(0o600);

		const demoDir = await demoDataDir('kuaiban-prod-demo-');
		const { child, output } = spawnServer({ dataDir: demoDir, env: { NODE_ENV: 'production' } });
		cleanup.push(async () => child.kill('SIGKILL'));
		expect(await exitOf(child)).toBe(1);
		expect(output()).toContain('refuses to start with demo users');
	});

	it('refuses a bad PORT with a clear message and exit code 1', async () => {
		const dataDir = await tempDir('kuaiban-badport-');
		const { child, output } = spawnServer({ dataDir, env: { PORT: 'eighty' } });
		cleanup.push(async () => child.kill('SIGKILL'));
		expect(await exitOf(child)).toBe(1);
		expect(output()).toContain('PORT must be a number');
	});
});

describe('stopping', () => {
	it('stops promptly on SIGTERM with exit code 0, even with a keep-alive connection open', async () => {
		const dataDir = await demoDataDir('kuaiban-stop-');
		const server = await start(dataDir);
		const agent = new Agent({ keepAlive: true });
		cleanup.push(async () => agent.destroy());
		await new Promise<void>((done, fail) => {
			request({ host: '127.0.0.1', port: server.port, path: '/api/health', agent }, (res) => {
				res.resume();
				res.on('end', () => done());
			})
				.on('error', fail)
				.end();
		});
		expect(await server.stop('SIGTERM')).toBe(0);
		// The idle keep-alive socket was ended at once, not cut when the grace period ran out.
		expect(server.output()).not.toMatch(/cutting connections/);
		expect(server.output()).toMatch(/"msg":"stopped"/);
	});
});

describe('logs', () => {
	it('never print a token from a URL', async () => {
		const dataDir = await demoDataDir('kuaiban-logs-');
		const server = await start(dataDir);
		await fetch(`${server.url}/api/health?token=secret123`);
		await fetch(`${server.url}/sync/community:x?token=secret456`, {
			headers: { connection: 'Upgrade', upgrade: 'websocket' }
		}).catch(() => undefined);
		await server.stop();
		expect(server.output()).not.toContain('secret123');
		expect(server.output()).not.toContain('secret456');
	});
});
