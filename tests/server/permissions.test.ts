import { useTestServer } from './helpers/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/lib/sync/protocol';
import { closedWith, connect, login, synced, type Client } from './helpers/clients';
import { waitFor } from './helpers/server-process';

const ctx = useTestServer();

/**
 * The room table of DESIGN.md through the real server: each role × each room kind, inside and
 * outside its scope, for reading and for writing. Written out here by hand, not derived from the
 * domain rule, so that a wrong rule fails.
 */
const rooms = [
	'community:tanglian',
	'community:daxin',
	'town:jingkai',
	'town:yangshe',
	'city',
	'contacts:tanglian',
	'finance'
];
// The one who may write each room: it watches what reaches the server.
const writers: Record<string, string> = {
	'community:tanglian': 'tanglian-2',
	'community:daxin': 'daxin-1',
	'town:jingkai': 'jingkai-reviewer',
	'town:yangshe': 'yangshe-reviewer',
	city: 'city-supervisor',
	'contacts:tanglian': 'tanglian-2',
	finance: 'city-finance'
};
const matrix: Record<string, string[]> = {
	//                  tanglian  daxin   jingkai  yangshe  city    contacts:tanglian  finance
	'tanglian-1': ['write', 'none', 'read', 'none', 'read', 'write', 'read'],
	'daxin-1': ['none', 'write', 'none', 'read', 'read', 'none', 'read'],
	'jingkai-reviewer': ['read', 'none', 'write', 'none', 'read', 'none', 'read'],
	'yangshe-reviewer': ['none', 'read', 'none', 'write', 'read', 'none', 'read'],
	'city-supervisor': ['read', 'read', 'read', 'read', 'write', 'none', 'read'],
	'city-finance': ['read', 'read', 'read', 'read', 'read', 'none', 'write'],
	admin: ['read', 'read', 'read', 'read', 'write', 'none', 'read']
};

const tokens = new Map<string, string>();
const observers = new Map<string, Client>();
const clients: Client[] = [];

beforeAll(async () => {
	for (const username of new Set([...Object.keys(matrix), ...Object.values(writers)])) {
		tokens.set(username, await login(ctx.url, username));
	}
	for (const room of rooms) {
		const observer = connect(ctx.url, room, tokens.get(writers[room] ?? '') ?? '');
		clients.push(observer);
		observers.set(room, observer);
		await synced(observer);
	}
});

afterAll(async () => {
	for (const c of clients) c.destroy();
});

const cases = Object.entries(matrix).flatMap(([username, row]) =>
	rooms.map((room, i) => [username, room, row[i] ?? 'none'] as const)
);

describe('the permission matrix over the websocket', () => {
	it.each(cases)('%s in %s: %s', async (username, room, expected) => {
		const c = connect(ctx.url, room, tokens.get(username) ?? '');
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
