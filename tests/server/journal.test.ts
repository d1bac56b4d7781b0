import { spawn } from 'node:child_process';
import { readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { databasePath, journalPath } from '../../sync-server/data-dir';
import { decodeEntries, encodeEntries, type JournalEntry } from '../../sync-server/journal';
import { Storage } from '../../sync-server/storage';
import { admin } from './helpers/admin-command';
import { tempDirFor } from './helpers/temp-dir';

const root = resolve(import.meta.dirname, '../..');
const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
	while (cleanup.length) await cleanup.pop()?.();
});

const tempDir = (prefix: string) => tempDirFor(cleanup, prefix);

/** A Storage as the server opens it: with the journal, folding only when told to. */
function open(dir: string, foldMs = 3_600_000): Storage {
	return new Storage(databasePath(dir), { journal: journalPath(dir), foldMs });
}

const entry = (id: number, text: string): JournalEntry => ({
	id,
	room: 'community:大新',
	author: 'daxin-1',
	at: '2026-12-02T10:00:00.000Z',
	data: new TextEncoder().encode(text)
});

const updatesIn = (storage: Storage) =>
	storage.db.prepare('SELECT id, author, hex(data) AS data FROM updates ORDER BY id').all() as {
		id: number;
		author: string;
		data: string;
	}[];

describe('the journal format', () => {
	const entries = [entry(7, '一'), entry(8, 'two'), entry(9, '三号')];
	const bytes = encodeEntries(entries).bytes;

	it('reads back what it wrote', () => {
		expect(decodeEntries(bytes)).toEqual(entries);
	});

	it('keeps ids past 32 bits, and each entry its own time, room and author', () => {
		const big = 2 ** 40 + 5;
		const mixed: JournalEntry[] = [
			{ ...entry(big, 'x'), author: '李四' },
			{ ...entry(big + 1, 'y'), at: '2026-12-02T10:00:00.001Z', room: 'town:xixiang' },
			{ ...entry(big + 2, '') }
		];
		expect(decodeEntries(encodeEntries(mixed).bytes)).toEqual(mixed);
		expect(() => encodeEntries([entry(2 ** 48, 'x')])).toThrow(RangeError);
	});

	it('reads back the whole records before a torn end, whatever the cut', () => {
		const whole = [
			0,
			...entries.map((_, i) => encodeEntries(entries.slice(0, i + 1)).bytes.length)
		];
		for (let cut = 0; cut < bytes.length; cut++) {
			const kept = whole.filter((end) => end <= cut).length - 1;
			expect(decodeEntries(bytes.subarray(0, cut))).toEqual(entries.slice(0, kept));
		}
	});

	it('stops at a damaged record, and at an id that does not follow', () => {
		const first = encodeEntries(entries.slice(0, 1)).bytes.length;
		const damaged = Buffer.from(bytes);
		damaged[first + 12] = (damaged[first + 12] ?? 0) ^ 0xff; // inside the second record
		expect(decodeEntries(damaged)).toEqual(entries.slice(0, 1));
		const skipping = encodeEntries([entry(1, 'a'), entry(3, 'c')]).bytes;
		expect(decodeEntries(skipping)).toEqual([entry(1, 'a')]);
		expect(decodeEntries(Buffer.alloc(100))).toEqual([]);
	});
});

describe('a store with the journal', () => {
	it('loses nothing when the process is killed before folding, and gives the same ids again', async () => {
		const dir = await tempDir('kuaiban-journal-kill-');
		open(dir).close(); // the schema
		// A process that appends three batches and is killed with SIGKILL, never folding.
		const script = `
			import { Storage } from './sync-server/storage.ts';
			const dir = ${JSON.stringify(dir)};
			const storage = new Storage(dir + '/kuaiban.sqlite', { journal: dir + '/updates.journal', foldMs: 3600000 });
			const ids = [];
			for (let i = 0; i < 3; i++) {
				ids.push(...storage.rooms.append([
					{ room: 'community:daxin', data: Uint8Array.from([i, 1]), author: 'daxin-1' },
					{ room: 'community:xinhe', data: Uint8Array.from([i, 2]), author: 'xinhe-1' }
				], '2026-12-02T10:00:00.000Z'));
			}
			process.stdout.write(JSON.stringify(ids) + '\\n', () => process.kill(process.pid, 'SIGKILL'));
		`;
		const child = spawn(
			process.execPath,
			['--import', 'tsx', '--input-type=module', '-e', script],
			{
				cwd: root
			}
		);
		let out = '';
		child.stdout.on('data', (c: Buffer) => (out += c.toString()));
		child.stderr.on('data', (c: Buffer) => (out += c.toString()));
		const signal = await new Promise((done) => child.on('exit', (_code, s) => done(s)));
		expect(signal, out).toBe('SIGKILL');
		const ids = JSON.parse(out) as number[];
		expect(ids).toHaveLength(6);

		// Nothing is in the database yet: it is all in the journal.
		const before = new Storage(databasePath(dir));
		expect(updatesIn(before)).toEqual([]);
		before.close();

		const storage = open(dir);
		cleanup.push(() => storage.close());
		expect(updatesIn(storage).map((u) => u.id)).toEqual(ids);
		expect(storage.rooms.load('community:daxin').updates).toEqual(
			[0, 1, 2].map((i) => Uint8Array.from([i, 1]))
		);
		expect((await stat(journalPath(dir))).size).toBe(0); // folded
		const [next] = storage.rooms.append(
			[{ room: 'community:daxin', data: Uint8Array.from([9]), author: 'daxin-1' }],
			'now'
		);
		expect(next).toBe(Math.max(...ids) + 1);
	});

	it('folds records that both the database and the journal hold only once (killed between the two)', async () => {
		const dir = await tempDir('kuaiban-journal-twice-');
		const first = open(dir);
		const ids = first.rooms.append(
			[1, 2, 3].map((n) => ({ room: 'city', data: Uint8Array.from([n]), author: 'admin' })),
			'now'
		);
		const journal = await readFile(journalPath(dir));
		expect(journal.length).toBeGreaterThan(0);
		first.close(); // folds and empties the journal
		await writeFile(journalPath(dir), journal); // as if killed before the journal was emptied
		const again = open(dir);
		cleanup.push(() => again.close());
		expect(updatesIn(again).map((u) => u.id)).toEqual(ids);
		expect(again.rooms.history('city')).toHaveLength(3);
	});

	it('drops a torn last record, and what is appended after it survives the next kill', async () => {
		const dir = await tempDir('kuaiban-journal-torn-');
		const first = open(dir);
		first.rooms.append([{ room: 'city', data: Uint8Array.from([1]), author: 'admin' }], 'now');
		first.rooms.append(
			[{ room: 'city', data: Uint8Array.from([2, 2, 2]), author: 'admin' }],
			'now'
		);
		// Not closed: the process dies in the middle of writing the second record.
		const size = (await stat(journalPath(dir))).size;
		await truncate(journalPath(dir), size - 2);
		const second = open(dir);
		expect(second.rooms.load('city').updates).toEqual([Uint8Array.from([1])]);
		const [id] = second.rooms.append(
			[{ room: 'city', data: Uint8Array.from([3]), author: 'admin' }],
			'now'
		);
		expect(id).toBe(2); // the torn record's id was never given out as stored
		// Killed again before folding: the new record is whole in the journal, not after garbage.
		const third = open(dir);
		cleanup.push(() => third.close());
		expect(third.rooms.load('city').updates).toEqual([Uint8Array.from([1]), Uint8Array.from([3])]);
	});

	it('shows what waits in the journal to load and history, and a snapshot folds it first', async () => {
		const dir = await tempDir('kuaiban-journal-wait-');
		const storage = open(dir);
		cleanup.push(() => storage.close());
		const [a, b] = storage.rooms.append(
			[
				{ room: 'community:daxin', data: Uint8Array.from([1]), author: 'daxin-1' },
				{ room: 'community:daxin', data: Uint8Array.from([2]), author: 'daxin-2' }
			],
			'2026-12-02T10:00:00.000Z'
		);
		expect(updatesIn(storage)).toEqual([]);
		expect(storage.rooms.history('community:daxin').map((h) => [h.id, h.author])).toEqual([
			[b, 'daxin-2'],
			[a, 'daxin-1']
		]);
		storage.rooms.writeSnapshot('community:daxin', Uint8Array.from([1, 2]), b!, 'now');
		expect(updatesIn(storage).map((u) => u.id)).toEqual([a, b]);
		expect(storage.rooms.load('community:daxin')).toMatchObject({ snapshotUpTo: b, updates: [] });
	});

	it('folds batches of any length whole and in order', async () => {
		const dir = await tempDir('kuaiban-journal-many-');
		const storage = open(dir);
		cleanup.push(() => storage.close());
		for (const count of [1, 63, 64, 65, 200]) {
			const batch = Array.from({ length: count }, (_, i) => ({
				room: `community:r${count}`,
				data: Uint8Array.from([count % 256, i % 256]),
				author: `u${i % 3}`
			}));
			storage.rooms.append(batch, `2026-12-02T10:00:${String(count % 60).padStart(2, '0')}.000Z`);
		}
		storage.rooms.fold();
		const stored = updatesIn(storage);
		expect(stored).toHaveLength(1 + 63 + 64 + 65 + 200);
		expect(stored.map((u) => u.id)).toEqual(stored.map((_, i) => i + 1));
		const last = stored.slice(-200);
		expect(last.map((u) => u.data)).toEqual(
			last.map((_, i) =>
				Buffer.from([200, i % 256])
					.toString('hex')
					.toUpperCase()
			)
		);
		expect(last.map((u) => u.author)).toEqual(last.map((_, i) => `u${i % 3}`));
	});

	it('is part of a backup taken while the server runs, and a restore never keeps a stale one', async () => {
		const dir = await tempDir('kuaiban-journal-backup-');
		const running = open(dir); // the server: one update folded, one still in the journal
		const update = (n: number) => ({
			room: 'community:daxin',
			data: Uint8Array.from([n]),
			author: 'daxin-1'
		});
		running.rooms.append([update(1)], 'now');
		running.rooms.fold();
		running.rooms.append([update(2)], 'now');
		const backupDir = join(await tempDir('kuaiban-journal-bk-'), 'copy');
		const backup = await admin(dir, ['backup', backupDir]);
		expect(backup.code, backup.out).toBe(0);
		running.close();

		/** A folder whose journal holds updates of another database (its server was killed). */
		async function staleFolder(): Promise<string> {
			const target = await tempDir('kuaiban-journal-restored-');
			const other = open(target);
			other.rooms.append(
				Array.from({ length: 5 }, () => ({
					room: 'city',
					data: Uint8Array.from([6]),
					author: 'x'
				})),
				'now'
			);
			other.db.close();
			expect((await stat(journalPath(target))).size).toBeGreaterThan(0);
			return target;
		}
		async function restoreInto(target: string): Promise<Storage> {
			const restore = await admin(target, ['restore', backupDir, '--force']);
			expect(restore.code, restore.out).toBe(0);
			const restored = open(target);
			cleanup.push(() => restored.close());
			expect(restored.rooms.load('city').updates).toEqual([]);
			return restored;
		}

		const restored = await restoreInto(await staleFolder());
		expect(restored.rooms.load('community:daxin').updates).toEqual(
			[1, 2].map((n) => update(n).data)
		);

		// A backup without a journal (an older server's): the stale journal is removed all the same.
		await rm(join(backupDir, 'updates.journal'));
		const older = await restoreInto(await staleFolder());
		expect(older.rooms.load('community:daxin').updates).toEqual([update(1).data]);
	});

	it('keeps taking updates while SQLite refuses them, loses none, and refuses once too many wait', async () => {
		const dir = await tempDir('kuaiban-journal-refused-');
		const errors: unknown[] = [];
		const storage = new Storage(databasePath(dir), {
			journal: journalPath(dir),
			foldMs: 3_600_000,
			foldBytes: 4,
			onFoldError: (error) => errors.push(error)
		});
		storage.db.close(); // every fold fails from now on
		const update = (n: number) => ({
			room: 'city',
			data: Uint8Array.from([n, n]),
			author: 'admin'
		});
		const ids = [1, 2].map((n) => storage.rooms.append([update(n)], 'now')[0]);
		expect(errors).toHaveLength(1); // the first fold failed; the next waits for its retry
		for (let n = 3; n <= 32; n++) ids.push(storage.rooms.append([update(n)], 'now')[0]);
		expect(errors).toHaveLength(1);
		// 64 bytes wait, 16 times the fold size: the store refuses, and Rooms tells the sender.
		expect(() => storage.rooms.append([update(33)], 'now')).toThrow(/wait in the journal/);
		storage.close();

		const again = open(dir);
		cleanup.push(() => again.close());
		expect(updatesIn(again).map((u) => u.id)).toEqual(ids);
	});
});
