import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, login, synced, type Client } from './helpers/clients';
import { makeFixtureApp } from './helpers/fixture-app';
import { seededDataDir } from './helpers/seeded-data-dir';
import { startServerProcess, waitFor } from './helpers/server-process';

const cleanup: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
	while (cleanup.length) await cleanup.pop()?.();
});

describe("a read-only client's edit", () => {
	it('is neither relayed nor stored: it is absent after a restart too', async () => {
		const appDir = await makeFixtureApp();
		const dataDir = await seededDataDir('kuaiban-ro-');
		cleanup.push(() => rm(appDir, { recursive: true, force: true }));
		cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
		const first = await startServerProcess({ dataDir, staticDir: appDir });
		cleanup.push(() => first.stop('SIGKILL'));
		const clients: Client[] = [];
		cleanup.push(() => clients.forEach((c) => c.destroy()));

		const writer = connect(first.url, 'town:jingkai', await login(first.url, 'jingkai-reviewer'));
		const reader = connect(first.url, 'town:jingkai', await login(first.url, 'tanglian-1'));
		clients.push(writer, reader);
		await Promise.all([synced(writer), synced(reader)]);
		writer.doc.getMap('reviews').set('r1', 'approve');
		await waitFor(() => reader.doc.getMap('reviews').get('r1'));
		reader.doc.getMap('reviews').set('r1', 'forged by a worker');
		reader.doc.getMap('reviews').set('r2', 'approve');
		reader.provider.awareness.setLocalStateField('done', true);
		await waitFor(() =>
			[...writer.provider.awareness.getStates().values()].some((s) => s.done) ? true : undefined
		);
		expect(await first.stop('SIGTERM')).toBe(0);

		const second = await startServerProcess({ dataDir, staticDir: appDir });
		cleanup.push(() => second.stop('SIGKILL'));
		const city = connect(second.url, 'town:jingkai', await login(second.url, 'city-supervisor'));
		clients.push(city);
		await synced(city);
		await waitFor(() => city.doc.getMap('reviews').get('r1'));
		expect(city.doc.getMap('reviews').toJSON()).toEqual({ r1: 'approve' });
	});
});
