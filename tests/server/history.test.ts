import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Suggestion } from '$lib/domain';
import { createRecord, updateRecord } from '$lib/doc/records';
import { makeSuggestion } from '../unit/domain/factories';
import { connect, login, synced, type Client } from './helpers/clients';
import { seededDataDir } from './helpers/seeded-data-dir';
import { startServerProcess, waitFor, type ServerProcess } from './helpers/server-process';

/**
 * A record's history comes from the server's own log: who sent each update (the account, never
 * what the device wrote), when, which fields, and the record as it stood after each change.
 */

let dir: string;
let server: ServerProcess;
const clients: Client[] = [];

beforeAll(async () => {
	dir = await seededDataDir('kuaiban-history-');
	server = await startServerProcess({ dataDir: dir });
});
afterAll(async () => {
	for (const c of clients) c.destroy();
	await server?.stop();
	await rm(dir, { recursive: true, force: true });
});

async function as(username: string) {
	const res = await fetch(`${server.url}/api/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ username, password: 'demo' })
	});
	const body = (await res.json()) as { token: string; user: { id: string; name: string } };
	return { token: body.token, user: body.user };
}

async function history(token: string | undefined, path: string) {
	const res = await fetch(`${server.url}/api/history/${path}`, {
		headers: token ? { authorization: `Bearer ${token}` } : {}
	});
	return { status: res.status, body: res.status === 200 ? await res.json() : undefined };
}

async function tablet(room: string, username: string): Promise<Client> {
	const client = connect(server.url, room, await login(server.url, username));
	clients.push(client);
	await synced(client);
	return client;
}

/** Waits until the server's history of the record has `n` entries. */
function entries(token: string, path: string, n: number) {
	return waitFor(async () => {
		const { body } = await history(token, path);
		return Array.isArray(body) && body.length >= n ? (body as unknown[]) : undefined;
	});
}

describe('GET /api/history/<room>/<kind>/<id>', () => {
	it('names the account that sent each change, whatever the device wrote, oldest first, with the record as of each', async () => {
		const one = await tablet('community:tanglian', 'tanglian-1');
		const two = await tablet('community:tanglian', 'tanglian-2');
		// The device claims the change is the supervisor's.
		const claimed = { id: 'city-supervisor', name: '市督查员' };
		createRecord(
			one.doc,
			'suggestion',
			makeSuggestion({ id: 'h-1', title: '原标题', createdBy: 'city-supervisor' }),
			{ seed: 'test' },
			claimed,
			new Date()
		);
		const reviewer = await as('jingkai-reviewer');
		await waitFor(() => (two.doc.getMap('suggestion').has('h-1') ? true : undefined));
		updateRecord(
			two.doc,
			'suggestion',
			'h-1',
			{ title: '改过的标题' },
			{ seed: 'test' },
			claimed,
			new Date()
		);
		const path = 'community:tanglian/suggestion/h-1';
		const list = (await entries(reviewer.token, path, 2)) as {
			at: string;
			by: { id: string; name: string; role: string };
			fields: string[];
		}[];
		const w1 = await as('tanglian-1');
		const w2 = await as('tanglian-2');
		expect(list.map((e) => e.by)).toEqual([
			{ id: w1.user.id, name: w1.user.name, role: 'worker' },
			{ id: w2.user.id, name: w2.user.name, role: 'worker' }
		]);
		expect(list[0]!.fields).toContain('title');
		expect(list[0]!.fields).toContain('status');
		expect(list[0]!.fields).not.toContain('_history');
		expect(list[1]!.fields).toEqual(['title']);
		expect(Date.parse(list[0]!.at)).toBeLessThanOrEqual(Date.parse(list[1]!.at));
		for (const e of list) expect(Object.keys(e).sort()).toEqual(['at', 'by', 'fields']);

		const first = await history(reviewer.token, `${path}?as-of=0`);
		expect(first.body.record).toMatchObject({ id: 'h-1', title: '原标题' });
		const second = await history(reviewer.token, `${path}?as-of=1`);
		expect(second.body.record).toMatchObject({ title: '改过的标题' });
		expect((await history(reviewer.token, `${path}?as-of=2`)).status).toBe(404);
		expect((await history(reviewer.token, `${path}?as-of=-1`)).status).toBe(404);
	});

	it("never shows a resident's contact an older app left on a suggestion", async () => {
		const old = await tablet('community:tanglian', 'tanglian-1');
		const suggestion = {
			...makeSuggestion({ id: 'h-old' }),
			residentName: '高丽萍',
			residentPhone: '13912340000'
		} as Suggestion;
		createRecord(
			old.doc,
			'suggestion',
			suggestion,
			{ seed: 'test' },
			{ id: 'x', name: 'x' },
			new Date()
		);
		const supervisor = await as('city-supervisor');
		const path = 'community:tanglian/suggestion/h-old';
		const [entry] = (await entries(supervisor.token, path, 1)) as { fields: string[] }[];
		expect(entry!.fields).not.toContain('residentPhone');
		const res = await fetch(`${server.url}/api/history/${path}?as-of=0`, {
			headers: { authorization: `Bearer ${supervisor.token}` }
		});
		const text = await res.text();
		expect(res.status).toBe(200);
		expect(text).toContain('h-old');
		expect(text).not.toMatch(/13912340000|高丽萍/);
	});

	it('answers only those who may read the room, and only for kinds the room holds', async () => {
		const path = 'community:tanglian/suggestion/h-1';
		expect((await history(undefined, path)).status).toBe(401);
		expect((await history('not-a-token', path)).status).toBe(401);
		const daxin = await as('daxin-1');
		expect((await history(daxin.token, path)).status).toBe(403);
		const reviewer = await as('jingkai-reviewer');
		expect((await history(reviewer.token, 'contacts:tanglian/residentContact/h-1')).status).toBe(
			403
		);
		expect((await history(reviewer.token, 'community:tanglian/nothing/h-1')).status).toBe(404);
		expect((await history(reviewer.token, 'nowhere/suggestion/h-1')).status).toBe(404);
		// A payment written into a community room is no payment: no history to show.
		expect((await history(reviewer.token, 'community:tanglian/disbursement/h-1')).body).toEqual([]);
		expect((await history(reviewer.token, 'community:tanglian/suggestion/unknown')).body).toEqual(
			[]
		);
	});

	it('shows the demo seed as the server, and a project of the demo city from its creation', async () => {
		const supervisor = await as('city-supervisor');
		const room = new Y.Doc();
		const client = connect(server.url, 'community:tanglian', supervisor.token, { doc: room });
		clients.push(client);
		await synced(client);
		const id = [...room.getMap('project').keys()][0]!;
		const { body } = await history(supervisor.token, `community:tanglian/project/${id}`);
		expect(body.length).toBeGreaterThan(0);
		expect(body[0].by).toEqual({ id: 'demo', name: 'demo', role: 'server' });
	});
});
