import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/lib/sync/protocol';
import { closedWith, connect, login, synced, type Client } from './helpers/clients';
import { makeFixtureApp } from './helpers/fixture-app';
import { startServerProcess, waitFor, type ServerProcess } from './helpers/server-process';

/**
 * The room table of DESIGN.md through the real server: each role × each room kind, inside and
 * outside its scope, for reading and for writing. Written out here by hand, not derived from the
 * domain rule, so that a wrong rule fails.
 */
const rooms = ['community:tanglian', 'community:daxin', 'town:jingkai', 'town:yangshe', 'city'];
// The one who may write each room: it watches what reaches the server.
const writers: Record<string, string> = {
	'community:tanglian': 'tanglian-2',
	'community:daxin': 'daxin-1',
	'town:jingkai': 'jingkai-reviewer',
	'town:yangshe': 'yangshe-reviewer',
	city: 'city-supervisor'
};
const matrix: Record<string, string[]> = {
	//                  tanglian  daxin   jingkai  yangshe  city
	'tanglian-1': ['write', 'none', 'read', 'none', 'read'],
	'jingkai-reviewer': ['read', 'none', 'write', 'none', 'read'],
	'yangshe-reviewer': ['none', 'read', 'none', 'write', 'read'],
	'city-supervisor': ['read', 'read', 'read', 'read', 'write'],
	'city-finance': ['read', 'read', 'read', 'read', 'write'],
	admin: ['read', 'read', 'read', 'read', 'write']
};

let server: ServerProcess;
let dataDir: string;
let appDir: string;
const tokens = new Map<string, string>();
const observers = new Map<string, Client>();
const clients: Client[] = [];

beforeAll(async () => {
	appDir = await makeFixtureApp();
	dataDir = await mkdtemp(join(tmpdir(), 'kuaiban-perm-'));
	server = await startServerProcess({ dataDir, staticDir: appDir });
	for (const username of new Set([...Object.keys(matrix), ...Object.values(writers)])) {
		tokens.set(username, await login(server.url, username));
	}
	for (const room of rooms) {
		const observer = connect(server.url, room, tokens.get(writers[room] ?? '') ?? '');
		clients.push(observer);
		observers.set(room, observer);
		await synced(observer);
	}
});

afterAll(async () => {
	for (const c of clients) c.destroy();
	await server?.stop();
	await rm(dataDir, { recursive: true, force: true });
	await rm(appDir, { recursive: true, force: true });
});

const cases = Object.entries(matrix).flatMap(([username, row]) =>
	rooms.map((room, i) => [username, room, row[i] ?? 'none'] as const)
);

describe('the permission matrix over the websocket', () => {
	it.each(cases)('%s in %s: %s', async (username, room, expected) => {
		const c = connect(server.url, room, tokens.get(username) ?? '');
		clients.push(c);
		if (expected === 'none') {
			expect(await closedWith(c)).toBe(CloseCode.forbidden);
			expect(c.messages()).toBe(0);
			c.provider.disconnect();
			return;
		}
		await synced(c);
		const observer = observers.get(room);
		if (!observer) throw new Error(`no observer for ${room}`);
		const key = `${username}@${room}`;
		c.doc.getMap('probes').set(key, 'written');
		// Awareness travels on the same connection after the edit: once the observer sees it, the
		// server has handled the edit, and either relayed it or dropped it.
		c.provider.awareness.setLocalStateField('probe', key);
		await waitFor(() =>
			[...observer.provider.awareness.getStates().values()].some((s) => s.probe === key)
				? true
				: undefined
		);
		expect(observer.doc.getMap('probes').get(key)).toBe(
			expected === 'write' ? 'written' : undefined
		);
		c.provider.disconnect();
	});
});
