import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqliteRoomStoreOptions } from '../../../sync-server/room-store';
import { Storage } from '../../../sync-server/storage';

/** A new folder under the system's temp folder, removed by the test's cleanup list. */
export async function tempDirFor(
	cleanup: (() => Promise<unknown> | void)[],
	prefix: string
): Promise<string> {
	const dir = await mkdtemp(join(tmpdir(), prefix));
	cleanup.push(() => rm(dir, { recursive: true, force: true }));
	return dir;
}

/** A Storage in a new temp folder (`rooms.journal`: the journal's file name in it), closed and removed by the test's cleanup list. */
export async function tempStorageFor(
	cleanup: (() => Promise<unknown> | void)[],
	prefix: string,
	rooms: SqliteRoomStoreOptions = {}
): Promise<Storage> {
	const dir = await tempDirFor(cleanup, prefix);
	const storage = new Storage(join(dir, 'db.sqlite'), {
		...rooms,
		journal: rooms.journal && join(dir, rooms.journal)
	});
	cleanup.push(() => storage.close());
	return storage;
}
