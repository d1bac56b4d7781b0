import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ZHANGJIAGANG_2020, type Disbursement } from '$lib/domain';
import { createRecord, readRecords, updateRecord } from '$lib/store/records';
import { databasePath } from '../../sync-server/data-dir';
import { createLogger } from '../../sync-server/log';
import {
	migrateRecords,
	PAYMENTS_TO_FINANCE,
	type PaymentsReport
} from '../../sync-server/record-migrations';
import { Storage } from '../../sync-server/storage';
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
