import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Storage, migrations } from '../../sync-server/storage';

/** A data folder of an older server opens with every update, author and id as it was. */

const dirs: string[] = [];
afterAll(async () => {
	for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('the updates log without AUTOINCREMENT', () => {
	it('keeps every row and id of an older database, and goes on counting after the last id', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'kuaiban-migrate-'));
		dirs.push(dir);
		const path = join(dir, 'kuaiban.sqlite');
		const old = new Database(path);
		for (const step of migrations.slice(0, 3)) old.exec(step);
		old.pragma('user_version = 3');
		const insert = old.prepare('INSERT INTO updates (room, data, author, at) VALUES (?, ?, ?, ?)');
		for (let i = 0; i < 5; i++) insert.run('community:daxin', Buffer.from([i]), `w${i}`, `t${i}`);
		old.prepare('DELETE FROM updates WHERE id = 3').run(); // a hole, as a gap in ids would be
		old.close();

		const storage = new Storage(path);
		const table = storage.db
			.prepare("SELECT sql FROM sqlite_master WHERE name = 'updates'")
			.get() as { sql: string };
		expect(table.sql).not.toMatch(/AUTOINCREMENT/i);
		const rows = storage.db
			.prepare('SELECT id, room, author, at, hex(data) AS data FROM updates ORDER BY id')
			.all();
		expect(rows).toEqual(
			[1, 2, 4, 5].map((id) => ({
				id,
				room: 'community:daxin',
				author: `w${id - 1}`,
				at: `t${id - 1}`,
				data: (id - 1).toString(16).padStart(2, '0').toUpperCase()
			}))
		);
		expect(
			storage.rooms.append([{ room: 'city', data: Uint8Array.from([9]), author: 'admin' }], 'now')
		).toEqual([6]);
		expect(storage.rooms.load('community:daxin').updates).toHaveLength(4);
		storage.close();
	});
});
