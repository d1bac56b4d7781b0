import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, messageSync } from '../../src/lib/sync/protocol';
import { connect, login, synced, type Client } from './helpers/clients';
import { makeFixtureApp } from './helpers/fixture-app';
import { seededDataDir } from './helpers/seeded-data-dir';
import { startServerProcess, waitFor } from './helpers/server-process';
import { useTestServer } from './helpers/test-server';

/**
 * Updates that do not apply cleanly to a room (changes whose dependencies the room lacks, deletes
 * of clocks nobody wrote yet) are refused whole: nothing stored, relayed or kept pending.
 */

const ctx = useTestServer();
const room = 'community:daxin';
let token: string;
const cleanup: (() => unknown)[] = [];

beforeAll(async () => {
	token = await login(ctx.url, 'daxin-1');
});
afterAll(async () => {
	while (cleanup.length) await cleanup.pop()?.();
});

function updateFrame(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, messageSync);
	syncProtocol.writeUpdate(encoder, update);
	return encoding.toUint8Array(encoder);
}

function open(url: string, name = room, withToken = token): Promise<WebSocket> {
	const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/sync/${name}?token=${withToken}`);
	return new Promise((done, fail) => {
		ws.once('open', () => done(ws));
		ws.once('error', fail);
	});
}

/** The close code, or 'open' when the server left the connection open for `ms`. */
function closeWithin(ws: WebSocket, ms = 3000): Promise<number | 'open'> {
	return new Promise((done) => {
		const timer = setTimeout(() => {
			done('open');
			ws.terminate();
		}, ms);
		ws.once('close', (code) => {
			clearTimeout(timer);
			done(code);
		});
	});
}

function client(url: string, doc?: Y.Doc): Client {
	const c = connect(url, room, token, { doc });
	cleanup.push(() => c.destroy());
	return c;
}

/** Two updates of one client where the second continues the first. */
function chained(clientId: number, key: string) {
	const doc = new Y.Doc();
	doc.clientID = clientId;
	const updates: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => updates.push(u));
	doc.getMap('suggestions').set(`${key}-first`, 'one');
	doc.getMap('suggestions').set(`${key}-second`, 'two');
	return { first: updates[0]!, second: updates[1]! };
}

/** A delete of clocks 0..n of `victim`, made without ever sending what it deletes. */
function phantomDelete(victim: number): Uint8Array {
	const doc = new Y.Doc();
	doc.clientID = victim;
	const list = doc.getArray<string>('phantom');
	list.insert(0, ['x', 'x', 'x', 'x', 'x', 'x', 'x', 'x']);
	doc.getMap('suggestions').set('victim-note', 'will be deleted');
	let deletion: Uint8Array | undefined;
	doc.on('update', (u: Uint8Array) => (deletion = u));
	list.delete(0, 8);
	doc.getMap('suggestions').delete('victim-note');
	return deletion!;
}

function expectNoPending(doc: Y.Doc) {
	expect(doc.store.pendingStructs).toBeNull();
	expect(doc.store.pendingDs).toBeNull();
}

describe('an update with missing dependencies', () => {
	it('is refused with the bad-input code, and never reaches a client that syncs later', async () => {
		const { first, second } = chained(910_001, 'gap');
		const ws = await open(ctx.url);
		const closed = closeWithin(ws);
		ws.send(updateFrame(second));
		expect(await closed).toBe(CloseCode.badMessage);

		const later = client(ctx.url);
		await synced(later);
		expectNoPending(later.doc);
		expect(later.doc.getMap('suggestions').get('gap-second')).toBeUndefined();

		// The same changes in order are taken, from the same account.
		const honest = await open(ctx.url);
		const stillOpen = closeWithin(honest, 1500);
		honest.send(updateFrame(first));
		honest.send(updateFrame(second));
		await waitFor(() => later.doc.getMap('suggestions').get('gap-second'));
		expect(await stillOpen).toBe('open');
		expectNoPending(later.doc);
	});

	it("refuses a delete of another client's clocks that do not exist yet: its next edits survive", async () => {
		const victimId = 920_002;
		const ws = await open(ctx.url);
		const closed = closeWithin(ws);
		ws.send(updateFrame(phantomDelete(victimId)));
		expect(await closed).toBe(CloseCode.badMessage);

		const victimDoc = new Y.Doc();
		victimDoc.clientID = victimId;
		const victim = client(ctx.url, victimDoc);
		const observer = client(ctx.url);
		await Promise.all([synced(victim), synced(observer)]);
		victim.doc.getArray<string>('phantom').insert(0, ['kept']);
		victim.doc.getMap('suggestions').set('victim-note', 'typed by the victim');
		await waitFor(() => observer.doc.getMap('suggestions').get('victim-note'));
		expect(observer.doc.getArray('phantom').toArray()).toEqual(['kept']);
		expect(victim.doc.getMap('suggestions').get('victim-note')).toBe('typed by the victim');
		expectNoPending(observer.doc);
	});

	it('refuses a change whose origin is another client the room never saw', async () => {
		const other = new Y.Doc();
		other.clientID = 930_003;
		other.getArray<string>('list').insert(0, ['a']);
		const doc = new Y.Doc();
		doc.clientID = 930_004;
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
		const before = Y.encodeStateVector(doc);
		doc.getArray<string>('list').insert(1, ['b']);
		const ws = await open(ctx.url);
		const closed = closeWithin(ws);
		ws.send(updateFrame(Y.encodeStateAsUpdate(doc, before)));
		expect(await closed).toBe(CloseCode.badMessage);
	});
});

describe('a room that already holds pending junk', () => {
	it('is repaired when loaded: clients get no pending structures, and edits after it count', async () => {
		const appDir = await makeFixtureApp();
		const dataDir = await seededDataDir('kuaiban-pending-');
		cleanup.push(() => rm(appDir, { recursive: true, force: true }));
		cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
		const first = await startServerProcess({ dataDir, staticDir: appDir });
		cleanup.push(() => first.stop('SIGKILL'));
		expect(await first.stop()).toBe(0);

		// What an older server let in: a gap update and a phantom delete, in the log and a snapshot.
		const victimId = 940_005;
		const junk = [chained(940_006, 'junk').second, phantomDelete(victimId)];
		const db = new Database(join(dataDir, 'kuaiban.sqlite'));
		const at = new Date().toISOString();
		const insert = db.prepare('INSERT INTO updates (room, data, author, at) VALUES (?, ?, ?, ?)');
		for (const update of junk) insert.run(room, Buffer.from(update), 'daxin-1', at);
		const stored = new Y.Doc();
		for (const row of db
			.prepare('SELECT data FROM updates WHERE room = ? ORDER BY id')
			.all(room) as { data: Buffer }[]) {
			Y.applyUpdate(stored, row.data);
		}
		const upTo = (db.prepare('SELECT max(id) AS id FROM updates').get() as { id: number }).id;
		db.prepare(
			`INSERT INTO snapshots (room, data, up_to, at) VALUES (?, ?, ?, ?)
			 ON CONFLICT (room) DO UPDATE SET data = excluded.data, up_to = excluded.up_to`
		).run(room, Buffer.from(Y.encodeStateAsUpdate(stored)), upTo, at);
		db.close();

		const second = await startServerProcess({ dataDir, staticDir: appDir });
		cleanup.push(() => second.stop('SIGKILL'));
		const secondToken = await login(second.url, 'daxin-1');
		const fresh = connect(second.url, room, secondToken);
		cleanup.push(() => fresh.destroy());
		await synced(fresh);
		expectNoPending(fresh.doc);
		expect(fresh.doc.getMap('suggestions').get('junk-second')).toBeUndefined();

		const victimDoc = new Y.Doc();
		victimDoc.clientID = victimId;
		const victim = connect(second.url, room, secondToken, { doc: victimDoc });
		cleanup.push(() => victim.destroy());
		await synced(victim);
		victim.doc.getMap('suggestions').set('victim-note', 'after the repair');
		await waitFor(() => fresh.doc.getMap('suggestions').get('victim-note'));
		await waitFor(() => (second.output().includes('room repaired') ? true : undefined));

		// The repaired snapshot holds no pending part either.
		expect(await second.stop()).toBe(0);
		const check = new Database(join(dataDir, 'kuaiban.sqlite'), { readonly: true });
		const snapshot = check.prepare('SELECT data FROM snapshots WHERE room = ?').get(room) as {
			data: Buffer;
		};
		check.close();
		const reloaded = new Y.Doc();
		Y.applyUpdate(reloaded, snapshot.data);
		expectNoPending(reloaded);
		expect(reloaded.getMap('suggestions').get('victim-note')).toBe('after the repair');
	}, 90_000);
});
