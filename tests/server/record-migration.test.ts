import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ZHANGJIAGANG_2020, type Disbursement, type Suggestion } from '$lib/domain';
import { createRecord, readRecords, updateRecord } from '$lib/doc/records';
import { databasePath } from '../../sync-server/data-dir';
import { createLogger } from '../../sync-server/log';
import {
	CONTACTS_TO_CONTACTS_ROOMS,
	migrateRecords,
	PAYMENTS_TO_FINANCE,
	type ContactsReport,
	type PaymentsReport
} from '../../sync-server/record-migrations';
import { Storage } from '../../sync-server/storage';
import { makeSuggestion } from '../unit/domain/factories';
import { connect, login, synced, type Client } from './helpers/clients';
import { seededDataDir } from './helpers/seeded-data-dir';
import { startServerProcess } from './helpers/server-process';

/**
 * Data folders of older versions kept payments in the city room, which supervisors and the admin
 * write too. The server moves them to the finance room on start, trusting its own log of who wrote
 * each change, not the record.
 */

const dirs: string[] = [];
afterAll(async () => {
	for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const at = '2026-11-20T02:00:00.000Z';
const payment = (id: string, by = 'city-finance'): Disbursement => ({
	id,
	createdAt: at,
	createdBy: by,
	project: { room: 'community:tanglian', id: 'p-1' },
	amountFen: 10_000_00,
	paidAt: at,
	by: 'city-finance'
});

/** Writes into a room's log as `author` would have, one update per call. */
function writer(storage: Storage, room: string) {
	const doc = new Y.Doc();
	for (const e of storage.rooms.log(room)) Y.applyUpdate(doc, e.data);
	return (author: string, write: (doc: Y.Doc) => void) => {
		const before = Y.encodeStateVector(doc);
		write(doc);
		storage.rooms.append([{ room, data: Y.encodeStateAsUpdate(doc, before), author }], at);
	};
}

function roomDoc(storage: Storage, room: string): Y.Doc {
	const doc = new Y.Doc();
	for (const e of storage.rooms.log(room)) Y.applyUpdate(doc, e.data);
	return doc;
}

/** A logger whose JSON lines are kept, as the server writes them. */
function recordingLog() {
	const lines: { msg: string; id?: string }[] = [];
	const log = createLogger({ write: (line) => lines.push(JSON.parse(line)) });
	return Object.assign(log, { lines });
}

describe('payments kept in the city room by an older version', () => {
	it('move to the finance room when finance alone wrote them; the rest are reported and left out', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'kuaiban-migrate-pay-'));
		dirs.push(dir);
		const storage = new Storage(join(dir, 'kuaiban.sqlite'));
		for (const [username, role] of [
			['city-finance', 'finance'],
			['city-supervisor', 'supervisor']
		] as const) {
			storage.addUser({
				id: username,
				username,
				name: username,
				role,
				scope: 'city',
				passwordHash: 'x',
				createdAt: at
			});
		}
		const write = writer(storage, 'city');
		const author = (id: string) => ({ id, name: id });
		const origin = { seed: 'test' };
		const now = new Date(at);
		write('city-finance', (doc) =>
			createRecord(doc, 'disbursement', payment('paid'), origin, author('city-finance'), now)
		);
		write('city-finance', (doc) =>
			updateRecord(doc, 'disbursement', 'paid', { note: '凭证 1' }, origin, author('x'), now)
		);
		// The supervisor's device writes a payment with finance's name on it.
		write('city-supervisor', (doc) =>
			createRecord(doc, 'disbursement', payment('forged'), origin, author('city-finance'), now)
		);
		// Finance's payment, then changed by a supervisor: no longer finance's alone.
		write('city-finance', (doc) =>
			createRecord(doc, 'disbursement', payment('changed'), origin, author('city-finance'), now)
		);
		write('city-supervisor', (doc) =>
			updateRecord(doc, 'disbursement', 'changed', { amountFen: 1 }, origin, author('x'), now)
		);
		// The server's own demo seed.
		write('demo', (doc) =>
			createRecord(doc, 'disbursement', payment('seeded'), origin, author('city-finance'), now)
		);
		write('city-supervisor', (doc) =>
			createRecord(
				doc,
				'cityRules',
				{ ...ZHANGJIAGANG_2020, id: 'rules', createdAt: at, createdBy: 'city-supervisor' },
				origin,
				author('city-supervisor'),
				now
			)
		);

		const log = recordingLog();
		migrateRecords(storage, log, now);

		const finance = roomDoc(storage, 'finance');
		const moved = readRecords(finance, 'disbursement');
		expect(moved.map((r) => r.id).sort()).toEqual(['paid', 'seeded']);
		expect(moved.find((r) => r.id === 'paid')!.record).toEqual({
			...payment('paid'),
			note: '凭证 1'
		});
		const city = roomDoc(storage, 'city');
		expect([...city.getMap('disbursement').keys()].sort()).toEqual(['changed', 'forged']);
		expect(readRecords(city, 'cityRules')).toHaveLength(1);

		const report = storage.dataMigrationReport(PAYMENTS_TO_FINANCE) as PaymentsReport;
		expect(report.moved.sort()).toEqual(['paid', 'seeded']);
		expect(
			report.dropped
				.map((d) => [d.id, d.authors.sort()])
				.sort((a, b) => String(a[0]).localeCompare(String(b[0])))
		).toEqual([
			['changed', ['city-finance', 'city-supervisor']],
			['forged', ['city-supervisor']]
		]);
		const warned = log.lines.filter((l) => /not written by finance alone/.test(l.msg));
		expect(warned.map((l) => l.id).sort()).toEqual(['changed', 'forged']);
		expect(JSON.stringify(log.lines)).not.toContain('凭证');

		// Once only; and again after a crash before it was marked done, nothing is written twice.
		const count = () => storage.rooms.log('finance').length + storage.rooms.log('city').length;
		const before = count();
		migrateRecords(storage, recordingLog(), now);
		expect(count()).toBe(before);
		storage.db.prepare('DELETE FROM data_migrations').run();
		migrateRecords(storage, recordingLog(), now);
		expect(count()).toBe(before);
		expect(readRecords(roomDoc(storage, 'finance'), 'disbursement')).toHaveLength(2);
		storage.close();
	});

	it('are moved by the server on start, and reach every device that way', async () => {
		const dir = await seededDataDir('kuaiban-migrate-start-');
		dirs.push(dir);
		const storage = new Storage(databasePath(dir));
		const write = writer(storage, 'city');
		const origin = { seed: 'test' };
		const author = { id: 'city-finance', name: '市财政局' };
		write('city-finance', (doc) =>
			createRecord(doc, 'disbursement', payment('old-paid'), origin, author, new Date(at))
		);
		write('city-supervisor', (doc) =>
			createRecord(doc, 'disbursement', payment('old-forged'), origin, author, new Date(at))
		);
		// As a folder of the version before: the migration has not run on it.
		storage.db.prepare('DELETE FROM data_migrations').run();
		storage.close();

		const server = await startServerProcess({ dataDir: dir });
		const clients: Client[] = [];
		try {
			const token = await login(server.url, 'tanglian-1');
			const finance = connect(server.url, 'finance', token);
			const city = connect(server.url, 'city', token);
			clients.push(finance, city);
			await Promise.all([synced(finance), synced(city)]);
			const paid = finance.doc.getMap('disbursement');
			expect(paid.has('old-paid')).toBe(true);
			expect(paid.has('old-forged')).toBe(false);
			// The demo's own payments were seeded there already and are untouched.
			expect(paid.size).toBeGreaterThan(100);
			expect(city.doc.getMap('disbursement').has('old-paid')).toBe(false);
			expect(server.output()).toMatch(/not written by finance alone.*old-forged/);
		} finally {
			for (const c of clients) c.destroy();
			await server.stop();
		}
	});
});

/** A suggestion as an older app wrote it: the resident's contact on the suggestion itself. */
const oldSuggestion = (id: string, contact: Record<string, string>) =>
	({ ...makeSuggestion({ id, createdAt: at }), ...contact }) as Suggestion;

const phone = '13912345678';

function bytesHold(bytes: Uint8Array | undefined, text: string): boolean {
	return !!bytes && Buffer.from(bytes).includes(Buffer.from(text, 'utf8'));
}

describe("residents' contacts kept on suggestions by an older version", () => {
	it('move to the contacts room, and neither the community room nor its snapshot holds them', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'kuaiban-migrate-contacts-'));
		dirs.push(dir);
		const storage = new Storage(join(dir, 'kuaiban.sqlite'));
		storage.upsertTown({ id: 'jingkai', name: '经开区' });
		storage.upsertCommunity({ id: 'tanglian', name: '汤联社区', townId: 'jingkai' });
		const room = 'community:tanglian';
		const write = writer(storage, room);
		const origin = { seed: 'test' };
		const now = new Date(at);
		const author = { id: 'tanglian-1', name: '汤联一号' };
		write('tanglian-1', (doc) => {
			createRecord(
				doc,
				'suggestion',
				oldSuggestion('s-1', { residentName: '高丽萍', residentPhone: phone }),
				origin,
				author,
				now
			);
			createRecord(doc, 'suggestion', oldSuggestion('s-2', {}), origin, author, now);
		});
		// A snapshot taken while the phone was still there, as a running server leaves one.
		const before = storage.rooms.load(room);
		storage.rooms.writeSnapshot(room, before.updates[0]!, before.lastUpdateId, at);
		expect(bytesHold(storage.rooms.load(room).snapshot, phone)).toBe(true);

		const log = recordingLog();
		migrateRecords(storage, log, now);

		const contacts = readRecords(roomDoc(storage, 'contacts:tanglian'), 'residentContact');
		expect(contacts.map((c) => c.record)).toEqual([
			{
				id: 's-1',
				createdAt: at,
				createdBy: 'migration',
				suggestion: { room, id: 's-1' },
				name: '高丽萍',
				phone
			}
		]);
		const community = roomDoc(storage, room);
		const s1 = readRecords(community, 'suggestion').find((s) => s.id === 's-1')!;
		expect(s1.issues).toEqual([]);
		expect(s1.raw).not.toHaveProperty('residentPhone');
		expect(s1.raw).not.toHaveProperty('residentName');
		// What a device is sent, and what the server keeps to send it: no phone in any byte.
		const stored = storage.rooms.load(room);
		expect(stored.updates).toEqual([]);
		expect(bytesHold(stored.snapshot, phone)).toBe(false);
		expect(bytesHold(stored.snapshot, '高丽萍')).toBe(false);
		expect(bytesHold(Y.encodeStateAsUpdate(community), phone)).toBe(false);
		// Nor does the report or the log say who the resident is.
		const report = storage.dataMigrationReport(CONTACTS_TO_CONTACTS_ROOMS) as ContactsReport;
		expect(report.moved).toEqual([{ room, suggestions: ['s-1'] }]);
		expect(JSON.stringify(report) + JSON.stringify(log.lines)).not.toMatch(/13912345678|高丽萍/);

		// Once; and again after a crash before it was marked done, nothing is kept twice.
		storage.db.prepare('DELETE FROM data_migrations').run();
		migrateRecords(storage, recordingLog(), now);
		expect(readRecords(roomDoc(storage, 'contacts:tanglian'), 'residentContact')).toHaveLength(1);
		storage.close();
	});

	it("never reach a reviewer's, a supervisor's or finance's stock client, in any room they open", async () => {
		const dir = await seededDataDir('kuaiban-migrate-contacts-start-');
		dirs.push(dir);
		const storage = new Storage(databasePath(dir));
		const write = writer(storage, 'community:tanglian');
		write('tanglian-1', (doc) =>
			createRecord(
				doc,
				'suggestion',
				oldSuggestion('s-old', { residentName: '高丽萍', residentPhone: phone }),
				{ seed: 'test' },
				{ id: 'tanglian-1', name: '汤联一号' },
				new Date(at)
			)
		);
		storage.db.prepare('DELETE FROM data_migrations').run();
		storage.close();

		const server = await startServerProcess({ dataDir: dir });
		const clients: Client[] = [];
		try {
			for (const username of ['jingkai-reviewer', 'city-supervisor', 'city-finance']) {
				const token = await login(server.url, username);
				const me = (await (
					await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })
				).json()) as { rooms: { room: string }[] };
				const rooms = me.rooms.map((r) => r.room);
				expect(rooms).toContain('community:tanglian');
				expect(rooms.some((r) => r.startsWith('contacts:'))).toBe(false);
				const opened = rooms.map((room) => connect(server.url, room, token));
				clients.push(...opened);
				await Promise.all(opened.map((c) => synced(c, 30_000)));
				const tanglian = opened[rooms.indexOf('community:tanglian')]!;
				expect(tanglian.doc.getMap('suggestion').has('s-old')).toBe(true);
				for (const [i, client] of opened.entries()) {
					expect(client.received(phone), `${username} in ${rooms[i]}`).toBe(false);
					expect(client.received('高丽萍'), `${username} in ${rooms[i]}`).toBe(false);
				}
				for (const c of opened) c.destroy();
			}
			// The community's own worker has it, in the contacts room.
			const worker = connect(
				server.url,
				'contacts:tanglian',
				await login(server.url, 'tanglian-1')
			);
			clients.push(worker);
			await synced(worker);
			const contact = worker.doc.getMap('residentContact').get('s-old') as Y.Map<unknown>;
			expect(contact.get('phone')).toBe(phone);
		} finally {
			for (const c of clients) c.destroy();
			await server.stop();
		}
	});
});
