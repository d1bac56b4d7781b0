import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { databasePath, journalPath } from '../../sync-server/data-dir';
import { Storage } from '../../sync-server/storage';
import { waitFor } from './helpers/server-process';
import { tempDirFor } from './helpers/temp-dir';

/**
 * The server folds the updates journal into SQLite in the storage worker, not on the thread that
 * relays edits. What must hold all the same: every update is in the journal or in SQLite at every
 * moment (a kill loses none), each shows once to load and history, a snapshot never reaches SQLite
 * before its updates, a fold SQLite refuses loses nothing, and a dead worker leaves the main thread
 * folding again.
 */

const root = resolve(import.meta.dirname, '../..');
const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
	while (cleanup.length) await cleanup.pop()?.();
});
const tempDir = (prefix: string) => tempDirFor(cleanup, prefix);

function openFolding(dir: string, errors: unknown[] = [], foldMs = 5, foldBytes = 4096) {
	const storage = new Storage(databasePath(dir), {
		journal: journalPath(dir),
		foldMs,
		foldBytes,
		onFoldError: (error) => errors.push(error)
	});
	const worker = storage.workInBackground(60_000);
	cleanup.push(() => storage.close());
	return { storage, worker };
}

/** Rows the main thread's connection has written since it opened (SQLite's count). */
const writesBy = (storage: Storage) =>
	storage.db.prepare('SELECT total_changes() AS n').pluck().get() as number;

/** The updates table as another process sees it. */
function storedIds(dir: string): number[] {
	const db = new Database(databasePath(dir), { readonly: true });
	try {
		return db.prepare('SELECT id FROM updates ORDER BY id').pluck().all() as number[];
	} finally {
		db.close();
	}
}

const update = (room: string, n: number) => ({
	room,
	data: Uint8Array.from([n % 256, (n >> 8) % 256]),
	author: 'daxin-1'
});

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('folding in the storage worker', () => {
	it('shows each update once at every moment, and the main thread writes none of them', async () => {
		const dir = await tempDir('kuaiban-fold-worker-');
		const { storage } = openFolding(dir);
		const before = writesBy(storage);
		const expected: Uint8Array[] = [];
		const ids: number[] = [];
		for (let round = 0; round < 60; round++) {
			const batch = [0, 1, 2].map((i) =>
				update(i === 2 ? 'city' : 'community:daxin', round * 3 + i)
			);
			ids.push(...storage.rooms.append(batch, '2026-12-02T10:00:00.000Z'));
			expected.push(batch[0]!.data, batch[1]!.data);
			// Whatever the worker has folded by now, and whatever it is folding.
			expect(storage.rooms.load('community:daxin').updates).toEqual(expected);
			const history = storage.rooms.history('community:daxin').map((h) => h.id);
			expect(history).toEqual([...history].sort((a, b) => b - a));
			expect(new Set(history).size).toBe(expected.length);
			if (round % 3 === 0) await sleep(4);
		}
		await waitFor(() => (storedIds(dir).length === ids.length ? true : undefined));
		expect(storedIds(dir)).toEqual(ids);
		// Cut down to what SQLite lacks once it passed the fold size (it took over 6 kB in all).
		expect((await stat(journalPath(dir))).size).toBeLessThan(4096 + 512);
		expect(storage.rooms.load('community:daxin').updates).toEqual(expected);
		expect(writesBy(storage)).toBe(before);
	});

	it('writes a snapshot only once the updates it holds are in SQLite', async () => {
		const dir = await tempDir('kuaiban-fold-snapshot-');
		const errors: unknown[] = [];
		// The rule, checked by SQLite itself: a snapshot past the last stored update is refused.
		const setup = new Storage(databasePath(dir));
		for (const event of ['INSERT', 'UPDATE']) {
			setup.db.exec(`CREATE TRIGGER snapshot_follows_updates_${event} BEFORE ${event} ON snapshots
				WHEN NEW.up_to > coalesce((SELECT max(id) FROM updates), 0)
				BEGIN SELECT RAISE(ABORT, 'snapshot before its updates'); END`);
		}
		setup.close();
		const { storage } = openFolding(dir, errors, 20);
		let last = 0;
		for (let n = 0; n < 5; n++) {
			[last] = storage.rooms.append([update('community:daxin', n)], 'now') as [number];
			storage.rooms.writeSnapshot('community:daxin', Uint8Array.from([n]), last, 'now');
			await sleep(n * 10);
		}
		const snapshotUpTo = () => {
			const db = new Database(databasePath(dir), { readonly: true });
			try {
				return db.prepare('SELECT up_to FROM snapshots').pluck().get() as number | undefined;
			} finally {
				db.close();
			}
		};
		await waitFor(() => (snapshotUpTo() === last ? true : undefined));
		expect(errors).toEqual([]);
		expect(storage.rooms.load('community:daxin')).toMatchObject({
			snapshotUpTo: last,
			updates: []
		});
	});

	it('keeps every update while SQLite refuses the worker, and folds them once it takes them', async () => {
		const dir = await tempDir('kuaiban-fold-refused-');
		const errors: unknown[] = [];
		const setup = new Storage(databasePath(dir));
		setup.db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON updates
			BEGIN SELECT RAISE(ABORT, 'disk full, say'); END`);
		setup.close();
		const { storage } = openFolding(dir, errors);
		const ids = [1, 2, 3].flatMap((n) => storage.rooms.append([update('city', n)], 'now'));
		await waitFor(() => (errors.length > 0 ? true : undefined));
		expect(String(errors[0])).toContain('disk full, say');
		expect(storage.rooms.load('city').updates).toHaveLength(3);
		ids.push(...storage.rooms.append([update('city', 4)], 'now'));
		expect((await stat(journalPath(dir))).size).toBeGreaterThan(0);

		storage.db.exec('DROP TRIGGER refuse');
		await waitFor(() => (storedIds(dir).length === 4 ? true : undefined), { timeoutMs: 5000 });
		expect(storedIds(dir)).toEqual(ids);
		expect(storage.rooms.load('city').updates).toEqual(
			[1, 2, 3, 4].map((n) => update('city', n).data)
		);
	});

	it('folds on the main thread again when the worker dies', async () => {
		const dir = await tempDir('kuaiban-fold-dead-');
		const errors: unknown[] = [];
		const { storage, worker } = openFolding(dir, errors, 10);
		const first = storage.rooms.append([update('city', 1)], 'now');
		await waitFor(() => (storedIds(dir).length === 1 ? true : undefined));
		expect(writesBy(storage)).toBe(0);
		await worker.terminate();
		await waitFor(() => (errors.length > 0 ? true : undefined));
		expect(String(errors[0])).toMatch(/storage worker stopped/);
		const ids = storage.rooms.append([update('city', 2), update('city', 3)], 'now');
		await waitFor(() => (storedIds(dir).length === 3 ? true : undefined));
		expect(storedIds(dir)).toEqual([...first, ...ids]);
		expect(writesBy(storage)).toBe(2);
	});

	it('loses nothing when the process is killed while the worker folds', async () => {
		const dir = await tempDir('kuaiban-fold-kill-');
		// The schema, and a slow disk: each row takes the worker a while, so that a fold is under
		// way most of the time and updates keep arriving while it is.
		const setup = new Storage(databasePath(dir));
		setup.db.exec(`CREATE TRIGGER slow AFTER INSERT ON updates BEGIN
			SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT x FROM c);
			END`);
		setup.close();
		// Appends batches every millisecond or so, folding every 2 ms in the worker and cutting the
		// journal down often, and says which ids each append returned; it is killed half-way.
		const script = `
			import { Storage } from './sync-server/storage.ts';
			const dir = ${JSON.stringify(dir)};
			const storage = new Storage(dir + '/kuaiban.sqlite', { journal: dir + '/updates.journal', foldMs: 2, foldBytes: 256 });
			storage.workInBackground(60000);
			let n = 0;
			const tick = () => {
				const rooms = ['community:daxin', 'community:xinhe', 'city'];
				const ids = storage.rooms.append(rooms.map((room) => ({ room, data: Uint8Array.from([n % 256]), author: 'a' })), 'now');
				n++;
				process.stdout.write(JSON.stringify(ids) + '\\n');
				setTimeout(tick, 1);
			};
			tick();
		`;
		const child = spawn(
			process.execPath,
			['--import', 'tsx', '--input-type=module', '-e', script],
			{
				cwd: root
			}
		);
		let out = '';
		child.stdout.on('data', (c: Buffer) => {
			out += c.toString();
			if (out.split('\n').length > 400) child.kill('SIGKILL');
		});
		let errors = '';
		child.stderr.on('data', (c: Buffer) => (errors += c.toString()));
		const signal = await new Promise((done) => child.on('exit', (_code, s) => done(s)));
		expect(signal, errors).toBe('SIGKILL');
		const said = out
			.split('\n')
			.filter((line) => line.endsWith(']'))
			.flatMap((line) => JSON.parse(line) as number[]);
		expect(said.length).toBeGreaterThan(900);
		// Some were folded by the worker, the rest are in the journal: all come back, once each.
		expect(storedIds(dir).length).toBeGreaterThan(0);
		const db = new Database(databasePath(dir));
		db.exec('DROP TRIGGER slow'); // the disk is quick again for the restart
		db.close();
		const storage = new Storage(databasePath(dir), { journal: journalPath(dir) });
		cleanup.push(() => storage.close());
		const stored = storedIds(dir);
		expect(stored.slice(0, said.length)).toEqual(said);
		expect(stored).toEqual(stored.map((_, i) => i + 1));
	});
});
