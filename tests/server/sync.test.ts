import { useTestServer } from './helpers/test-server';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, messageSync } from '../../src/lib/sync/protocol';
import { closedWith, connect, login, synced, type Client } from './helpers/clients';
import { waitFor } from './helpers/server-process';

const ctx = useTestServer();

const open: Client[] = [];

afterEach(() => {
	while (open.length) open.pop()?.destroy();
});

function client(room: string, token: string, options?: { connect?: boolean }): Client {
	const c = connect(ctx.url, room, token, options);
	open.push(c);
	return c;
}

/** A suggestion record as the app writes it: a Y.Map of fields in the `suggestions` map. */
function record(c: Client, id: string): Y.Map<unknown> {
	const records = c.doc.getMap<Y.Map<unknown>>('suggestions');
	let map = records.get(id);
	if (!map) {
		map = new Y.Map();
		records.set(id, map);
	}
	return map;
}

function fields(c: Client, id: string): Record<string, unknown> | undefined {
	return c.doc.getMap<Y.Map<unknown>>('suggestions').get(id)?.toJSON();
}

describe('y-websocket sync', () => {
	it('two stock clients of one community converge through the server', async () => {
		const token1 = await login(ctx.url, 'tanglian-1');
		const token2 = await login(ctx.url, 'tanglian-2');
		const a = client('community:tanglian', token1);
		const b = client('community:tanglian', token2);
		await Promise.all([synced(a), synced(b)]);
		record(a, 's1').set('title', '河道护栏缺失');
		await waitFor(() => fields(b, 's1')?.title);
		record(b, 's1').set('estate', '汤联新村');
		await waitFor(() => fields(a, 's1')?.estate);
		expect(fields(a, 's1')).toEqual({ title: '河道护栏缺失', estate: '汤联新村' });
		expect(fields(b, 's1')).toEqual(fields(a, 's1'));
	});

	it('three clients converge after each edited the same record offline', async () => {
		const tokens = await Promise.all(
			['daxin-1', 'daxin-1', 'daxin-1'].map((u) => login(ctx.url, u))
		);
		const clients = tokens.map((t) => client('community:daxin', t));
		await Promise.all(clients.map((c) => synced(c)));
		record(clients[0]!, 'garage').set('title', '车棚充电');
		await waitFor(() => (clients.every((c) => fields(c, 'garage')) ? true : undefined));

		for (const c of clients) c.provider.disconnect();
		record(clients[0]!, 'garage').set('title', '53 个车棚充电');
		record(clients[1]!, 'garage').set('building', '12 幢');
		record(clients[2]!, 'garage').set('urgent', true);
		for (const c of clients) c.provider.connect();

		const expected = { title: '53 个车棚充电', building: '12 幢', urgent: true };
		for (const c of clients) {
			await waitFor(() => (Object.keys(fields(c, 'garage') ?? {}).length === 3 ? true : undefined));
			expect(fields(c, 'garage')).toEqual(expected);
		}
		const states = clients.map((c) => Buffer.from(Y.encodeStateVector(c.doc)).toString('hex'));
		expect(new Set(states).size).toBe(1);
	});

	it("answers a client's sync step 1 with step 2 and then its own step 1", async () => {
		const token = await login(ctx.url, 'tanglian-1');
		const writer = client('community:tanglian', token);
		await synced(writer);
		record(writer, 'sv').set('title', 'x');
		await waitFor(() => (writer.provider.synced ? true : undefined));

		// A raw socket, to see exactly which messages answer a step 1.
		const ws = new WebSocket(
			`${ctx.url.replace(/^http/, 'ws')}/sync/community:tanglian?token=${token}`
		);
		const received: number[][] = [];
		ws.on('message', (data: Buffer) => {
			const decoder = decoding.createDecoder(new Uint8Array(data));
			const type = decoding.readVarUint(decoder);
			received.push(type === messageSync ? [type, decoding.readVarUint(decoder)] : [type]);
		});
		await new Promise((done) => ws.once('open', done));
		// On connect the server sends its own step 1 first.
		await waitFor(() => (received.length >= 1 ? true : undefined));
		expect(received[0]).toEqual([messageSync, syncProtocol.messageYjsSyncStep1]);
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, messageSync);
		syncProtocol.writeSyncStep1(encoder, new Y.Doc());
		ws.send(encoding.toUint8Array(encoder));
		await waitFor(() => (received.length >= 3 ? true : undefined));
		ws.close();
		expect(received.slice(1, 3)).toEqual([
			[messageSync, syncProtocol.messageYjsSyncStep2],
			[messageSync, syncProtocol.messageYjsSyncStep1]
		]);
	});
});

describe('the room table at the upgrade', () => {
	it('refuses a missing, bad or forged token before any document data', async () => {
		for (const token of ['', 'nonsense', 'e30.AAAA', (await login(ctx.url, 'tanglian-1')) + 'x']) {
			const c = client('community:tanglian', token);
			expect(await closedWith(c)).toBe(CloseCode.unauthorized);
			expect(c.messages()).toBe(0);
			c.provider.disconnect();
		}
	});

	it('refuses a room the user may not read, and an unknown room', async () => {
		const token = await login(ctx.url, 'tanglian-1');
		const other = client('community:daxin', token);
		expect(await closedWith(other)).toBe(CloseCode.forbidden);
		expect(other.messages()).toBe(0);
		const townElsewhere = client('town:yangshe', token);
		expect(await closedWith(townElsewhere)).toBe(CloseCode.forbidden);
		const nowhere = client('street:x', token);
		expect(await closedWith(nowhere)).toBe(CloseCode.unknownRoom);
		for (const c of [other, townElsewhere, nowhere]) c.provider.disconnect();
	});

	it('lets a reader read but drops what it sends to change the room', async () => {
		const writerToken = await login(ctx.url, 'tanglian-1');
		const readerToken = await login(ctx.url, 'jingkai-reviewer');
		const writer = client('community:tanglian', writerToken);
		const reader = client('community:tanglian', readerToken);
		await Promise.all([synced(writer), synced(reader)]);

		record(writer, 'ro').set('title', 'from the worker');
		await waitFor(() => fields(reader, 'ro')?.title);
		record(reader, 'ro').set('title', 'changed by the reviewer');
		record(reader, 'ro2').set('title', 'made by the reviewer');
		// A marker from the writer after the reader's edits: once it arrives, the reader's would have too.
		record(writer, 'marker').set('n', 1);
		await waitFor(() => fields(reader, 'marker'));
		const fresh = client('community:tanglian', writerToken);
		await synced(fresh);
		await waitFor(() => fields(fresh, 'marker'));
		expect(fields(writer, 'ro')?.title).toBe('from the worker');
		expect(fields(fresh, 'ro')?.title).toBe('from the worker');
		expect(fields(writer, 'ro2')).toBeUndefined();
		expect(fields(fresh, 'ro2')).toBeUndefined();
		// The reader keeps its own local edit (a CRDT cannot be told no), but nobody else sees it.
		expect(reader.closes).toEqual([]);
	});
});

describe('the HTTP API', () => {
	it('signs in with one message for unknown users and wrong passwords', async () => {
		const post = (body: unknown) =>
			fetch(`${ctx.url}/api/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body)
			});
		const ok = await post({ username: 'daxin-1', password: 'demo' });
		expect(ok.status).toBe(200);
		const body = (await ok.json()) as { token: string; user: Record<string, unknown> };
		expect(body.user).toMatchObject({ id: 'daxin-1', role: 'worker', scope: 'community:daxin' });
		expect(typeof body.user.name).toBe('string');
		expect(body.token.length).toBeGreaterThan(20);

		const wrong = await post({ username: 'yangshe-reviewer', password: 'nope' });
		const unknown = await post({ username: 'nobody-here', password: 'demo' });
		expect(wrong.status).toBe(401);
		expect(unknown.status).toBe(401);
		expect(await wrong.json()).toEqual(await unknown.json());
		expect((await post('not an object')).status).toBe(400);
		expect((await fetch(`${ctx.url}/api/login`, { method: 'POST', body: '{' })).status).toBe(400);
	});

	it('refuses at once, with Retry-After, further failures for one user past the free tries', async () => {
		const attempt = () =>
			fetch(`${ctx.url}/api/login`, {
				method: 'POST',
				body: JSON.stringify({ username: 'leyu-reviewer', password: 'wrong' })
			});
		const statuses: number[] = [];
		for (let i = 0; i < 3; i++) statuses.push((await attempt()).status);
		expect(statuses).toEqual([401, 401, 401]);
		const refused = await attempt();
		expect(refused.status).toBe(429);
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
	});

	it('tells a user who it is and which rooms it may open', async () => {
		const token = await login(ctx.url, 'jingkai-reviewer');
		const res = await fetch(`${ctx.url}/api/me`, {
			headers: { authorization: `Bearer ${token}` }
		});
		expect(res.status).toBe(200);
		const me = (await res.json()) as {
			user: { id: string };
			rooms: { room: string; access: string }[];
		};
		expect(me.user.id).toBe('jingkai-reviewer');
		expect(me.rooms).toContainEqual({ room: 'town:jingkai', access: 'write' });
		expect(me.rooms).toContainEqual({ room: 'community:tanglian', access: 'read' });
		expect(me.rooms).toContainEqual({ room: 'city', access: 'read' });
		expect(me.rooms.some((r) => r.room === 'community:daxin')).toBe(false);
		expect((await fetch(`${ctx.url}/api/me`)).status).toBe(401);
		expect(
			(await fetch(`${ctx.url}/api/me`, { headers: { authorization: 'Bearer x.y' } })).status
		).toBe(401);
	});

	it('shows each user its part of the directory', async () => {
		const get = async (username: string) => {
			const token = await login(ctx.url, username);
			const res = await fetch(`${ctx.url}/api/directory`, {
				headers: { authorization: `Bearer ${token}` }
			});
			return (await res.json()) as { towns: { id: string }[]; communities: { id: string }[] };
		};
		const worker = await get('tanglian-1');
		expect(worker.communities.map((c) => c.id)).toEqual(['tanglian']);
		expect(worker.towns.map((t) => t.id)).toEqual(['jingkai']);
		const reviewer = await get('yangshe-reviewer');
		expect(reviewer.towns.map((t) => t.id)).toEqual(['yangshe']);
		expect(reviewer.communities.map((c) => c.id)).toContain('daxin');
		expect(reviewer.communities.map((c) => c.id)).not.toContain('tanglian');
		const city = await get('city-supervisor');
		expect(city.communities.length).toBeGreaterThan(100);
	});
});
