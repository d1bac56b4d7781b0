import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, login, synced } from './helpers/clients';
import { admin } from './helpers/admin-command';
import { makeFixtureApp } from './helpers/fixture-app';
import { seededDataDir } from './helpers/seeded-data-dir';
import { startServerProcess, waitFor } from './helpers/server-process';
import { tempDirFor } from './helpers/temp-dir';

const cleanup: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
	while (cleanup.length) await cleanup.pop()?.();
});

const tempDir = (prefix: string) => tempDirFor(cleanup, prefix);

/** The demo city's data folder, as a first start leaves it. */
async function demoDataDir(prefix: string) {
	const dir = await seededDataDir(prefix);
	cleanup.push(() => rm(dir, { recursive: true, force: true }));
	return dir;
}

describe('the admin command', () => {
	it('adds, lists and disables users and adds towns and communities while the server runs', async () => {
		const appDir = await makeFixtureApp();
		cleanup.push(() => rm(appDir, { recursive: true, force: true }));
		const dataDir = await demoDataDir('kuaiban-admin-');
		const server = await startServerProcess({ dataDir, staticDir: appDir });
		cleanup.push(() => server.stop('SIGKILL'));

		expect((await admin(dataDir, ['add-town', 'newtown', '新镇'])).code).toBe(0);
		expect(
			(await admin(dataDir, ['add-community', 'newc', '新社区', '--town', 'newtown'])).code
		).toBe(0);
		const added = await admin(
			dataDir,
			[
				'add-user',
				'new-worker',
				'--role',
				'worker',
				'--scope',
				'community:newc',
				'--password-stdin'
			],
			'a long secret\n'
		);
		expect(added.code).toBe(0);
		expect(added.out).not.toContain('a long secret');

		const token = await login(server.url, 'new-worker', 'a long secret');
		const c = connect(server.url, 'community:newc', token);
		cleanup.push(() => c.destroy());
		await synced(c);

		const listed = await admin(dataDir, ['list-users']);
		expect(listed.out).toMatch(/new-worker\s+worker\s+community:newc/);
		expect(listed.out).not.toMatch(/scrypt/);

		expect((await admin(dataDir, ['disable-user', 'new-worker'])).code).toBe(0);
		const me = await fetch(`${server.url}/api/me`, {
			headers: { authorization: `Bearer ${token}` }
		});
		expect(me.status).toBe(401);
		await expect(login(server.url, 'new-worker', 'a long secret')).rejects.toThrow(/401/);

		const bad = await admin(dataDir, ['add-user', 'x-y', '--role', 'worker', '--scope', 'city']);
		expect(bad.code).toBe(2);
		expect(bad.out).toContain('--scope does not fit');
		expect((await admin(dataDir, ['add-community', 'c9', '名', '--town', 'nowhere'])).code).toBe(2);
	});

	it('backs up while clients write, and a restored copy serves the same documents', async () => {
		const appDir = await makeFixtureApp();
		cleanup.push(() => rm(appDir, { recursive: true, force: true }));
		const dataDir = await demoDataDir('kuaiban-backup-');
		const server = await startServerProcess({ dataDir, staticDir: appDir });
		cleanup.push(() => server.stop('SIGKILL'));
		const token = await login(server.url, 'tanglian-1');
		const writer = connect(server.url, 'community:tanglian', token);
		cleanup.push(() => writer.destroy());
		await synced(writer);
		writer.doc.getMap('projects').set('p1', '车棚充电');
		await waitFor(() => (writer.provider.synced ? true : undefined));
		let n = 0;
		const writing = setInterval(() => writer.doc.getMap('inspections').set(`i${n++}`, n), 5);

		const backupDir = join(await tempDir('kuaiban-bk-'), 'copy');
		const backup = await admin(dataDir, ['backup', backupDir]);
		clearInterval(writing);
		expect(backup.code).toBe(0);

		const restoredDir = await tempDir('kuaiban-restored-');
		expect((await admin(restoredDir, ['restore', backupDir])).code).toBe(0);
		const restored = await startServerProcess({ dataDir: restoredDir, staticDir: appDir });
		cleanup.push(() => restored.stop('SIGKILL'));
		// The token secret came along: the old token still works against the restored copy.
		const reader = connect(restored.url, 'community:tanglian', token);
		cleanup.push(() => reader.destroy());
		await synced(reader);
		await waitFor(() => reader.doc.getMap('projects').get('p1'));
		expect(reader.doc.getMap('projects').get('p1')).toBe('车棚充电');

		const again = await admin(restoredDir, ['restore', backupDir]);
		expect(again.code).toBe(2);
		expect(again.out).toContain('not empty');
	});
});
