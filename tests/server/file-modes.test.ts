import { chmod, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { admin } from './helpers/admin-command';
import { connect, login, synced } from './helpers/clients';
import { makeFixtureApp } from './helpers/fixture-app';
import { seededDataDir } from './helpers/seeded-data-dir';
import { startServerProcess, waitFor } from './helpers/server-process';

/** Residents' data and the token secret stay the server's own, whatever the folder's mode. */

const cleanup: (() => unknown)[] = [];
afterAll(async () => {
	while (cleanup.length) await cleanup.pop()?.();
});

async function loose(dir: string): Promise<string[]> {
	const found: string[] = [];
	for (const entry of await readdir(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		const mode = (await stat(path)).mode & 0o777;
		if (entry.isDirectory()) {
			if (mode !== 0o700) found.push(`${path} ${mode.toString(8)}`);
			found.push(...(await loose(path)));
		} else if (mode & 0o077) found.push(`${path} ${mode.toString(8)}`);
	}
	return found;
}

describe('the data folder', () => {
	it('holds only 0600 files and 0700 folders, even when opened 0755 with loose files in it', async () => {
		const appDir = await makeFixtureApp();
		const dataDir = await seededDataDir('kuaiban-modes-');
		cleanup.push(() => rm(appDir, { recursive: true, force: true }));
		cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
		// As an older server or a careless copy left it.
		await chmod(dataDir, 0o755);
		await chmod(join(dataDir, 'kuaiban.sqlite'), 0o644);
		await chmod(join(dataDir, 'token-secret'), 0o644);

		const server = await startServerProcess({ dataDir, staticDir: appDir });
		cleanup.push(() => server.stop('SIGKILL'));
		await waitFor(() =>
			server.output().includes('can be read by other users') ? true : undefined
		);
		const token = await login(server.url, 'daxin-1');
		const client = connect(server.url, 'community:daxin', token);
		cleanup.push(() => client.destroy());
		await synced(client);
		client.doc.getMap('suggestions').set('modes', 'an edit, so the WAL is written');
		const png = Buffer.from(
			'89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
				'1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
			'hex'
		);
		const sha = (await import('node:crypto')).createHash('sha256').update(png).digest('hex');
		const put = await fetch(`${server.url}/api/photos/community:daxin/${sha}`, {
			method: 'PUT',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' },
			body: png
		});
		expect([200, 201]).toContain(put.status);
		expect(await loose(dataDir)).toEqual([]);

		const backup = join(dataDir, '..', `${dataDir.split('/').pop()}-backup`);
		cleanup.push(() => rm(backup, { recursive: true, force: true }));
		expect((await admin(dataDir, ['backup', backup])).code).toBe(0);
		expect(await loose(backup)).toEqual([]);
		expect(await server.stop()).toBe(0);
		expect(await loose(dataDir)).toEqual([]);
	});
});
