import { rm } from 'node:fs/promises';
import * as Y from 'yjs';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, login, synced, type Client } from './helpers/clients';
import { makeFixtureApp } from './helpers/fixture-app';
import { seededDataDir } from './helpers/seeded-data-dir';
import { startServerProcess, waitFor } from './helpers/server-process';

const cleanup: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
	while (cleanup.length) await cleanup.pop()?.();
});

/**
 * Every update is stored before it is relayed, so whatever a client has received from the server
 * survives the server being killed outright.
 */
describe('a server killed with SIGKILL while three clients write', () => {
	it('keeps every edit any client had received, and the clients converge after a restart', async () => {
		const appDir = await makeFixtureApp();
		const dataDir = await seededDataDir('kuaiban-kill-');
		cleanup.push(() => rm(appDir, { recursive: true, force: true }));
		cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
		const first = await startServerProcess({ dataDir, staticDir: appDir });
		cleanup.push(() => first.stop('SIGKILL'));
		const token = await login(first.url, 'tanglian-1');

		const clients: Client[] = [0, 1, 2].map(() => connect(first.url, 'community:tanglian', token));
		cleanup.push(() => clients.forEach((c) => c.destroy()));
		await Promise.all(clients.map((c) => synced(c)));

		// Each client writes its own keys; an observer counts what it received through the server.
		const observer = connect(first.url, 'community:tanglian', token);
		cleanup.push(() => observer.destroy());
		await synced(observer);
		let round = 0;
		const writing = setInterval(() => {
			round++;
			clients.forEach((c, i) => c.doc.getMap('inspections').set(`c${i}-${round}`, round));
		}, 5);
		await waitFor(() => (observer.doc.getMap('inspections').size >= 150 ? true : undefined), {
			timeoutMs: 20_000
		});
		first.child.kill('SIGKILL');
		await first.exited;
		clearInterval(writing);
		const received = observer.doc.getMap('inspections').toJSON();
		expect(Object.keys(received).length).toBeGreaterThanOrEqual(150);

		const second = await startServerProcess({ dataDir, staticDir: appDir });
		cleanup.push(() => second.stop('SIGKILL'));
		// A fresh client sees everything the observer had received before the kill.
		const fresh = connect(second.url, 'community:tanglian', await login(second.url, 'tanglian-2'));
		cleanup.push(() => fresh.destroy());
		await synced(fresh);
		const recovered = fresh.doc.getMap('inspections').toJSON();
		for (const [key, value] of Object.entries(received)) expect(recovered[key], key).toBe(value);

		// The old clients reconnect on their own (same token: the secret is in the data folder).
		for (const c of [...clients, observer]) {
			c.provider.disconnect();
			c.provider.serverUrl = `${second.url.replace(/^http/, 'ws')}/sync`;
			c.provider.connect();
		}
		const all = [...clients, observer, fresh];
		await waitFor(
			() => {
				const vectors = all.map((c) => Buffer.from(Y.encodeStateVector(c.doc)).toString('hex'));
				return all.every((c) => c.provider.synced) && new Set(vectors).size === 1
					? true
					: undefined;
			},
			{ timeoutMs: 20_000 }
		);
		const reference = fresh.doc.getMap('inspections').toJSON();
		for (const c of all) expect(c.doc.getMap('inspections').toJSON()).toEqual(reference);
		// Nothing a client wrote before the kill was lost: each client's last round is there.
		for (let i = 0; i < 3; i++) {
			const own = Object.keys(clients[i]!.doc.getMap('inspections').toJSON()).filter((k) =>
				k.startsWith(`c${i}-`)
			);
			for (const key of own) expect(fresh.doc.getMap('inspections').has(key), key).toBe(true);
		}
	});
});
