/**
 * The storage worker: a thread beside the server with its own SQLite connection, for the writes
 * that would otherwise stall every room's relay while they run.
 *
 * - WAL checkpoints: a checkpoint syncs the file to disk, which can take milliseconds to tens of
 *   them; run on the main thread (SQLite's automatic checkpoint runs inside whichever commit
 *   crosses the threshold) it would stall the relays for that long.
 * - Folding the updates journal into the `updates` table, and the snapshots that must follow the
 *   updates they hold (room-store.ts sends them in that order): a fold of a few hundred updates
 *   took 2 ms of the main thread five times a second, a tail on every edit that arrived meanwhile.
 *
 * The SQL comes from room-store.ts (workerData), so the tables are written in one place. Plain
 * JavaScript: Node 20 does not pass tsx's loader on to worker threads.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

/** @type {{ path: string, checkpointMs: number, insertSql: string, snapshotSql: string }} */
const { path, checkpointMs, insertSql, snapshotSql } = workerData;
const db = new Database(path);
db.pragma('busy_timeout = 5000');
const insert = db.prepare(insertSql);
const snapshot = db.prepare(snapshotSql);

const bytes = (data, start, end) => Buffer.from(data.buffer, data.byteOffset + start, end - start);

/**
 * One batch, in one transaction: `ids`, `rooms`, `authors`, `ats` per update, the updates' bytes
 * one after another in `data`, update i from `offsets[i]` to `offsets[i + 1]`.
 */
const fold = db.transaction((batch) => {
	const { ids, rooms, authors, ats, offsets, data } = batch;
	for (let i = 0; i < ids.length; i++) {
		insert.run(ids[i], rooms[i], bytes(data, offsets[i], offsets[i + 1]), authors[i], ats[i]);
	}
});

const reason = (error) => (error instanceof Error ? error.message : String(error));

const timer = setInterval(() => {
	try {
		db.pragma('wal_checkpoint(PASSIVE)');
	} catch (error) {
		parentPort?.postMessage({ type: 'checkpoint-failed', error: reason(error) });
	}
}, checkpointMs);

parentPort?.on('message', (message) => {
	if (message === 'stop') {
		clearInterval(timer);
		db.close();
		parentPort?.close();
		return;
	}
	const { type, generation } = message;
	if (type === 'fold') {
		try {
			fold(message);
			parentPort?.postMessage({ type: 'folded', generation, upTo: message.upTo });
		} catch (error) {
			parentPort?.postMessage({ type: 'fold-failed', generation, error: reason(error) });
		}
	} else if (type === 'snapshot') {
		const { room, data, upTo, at, replace } = message;
		try {
			snapshot.run(room, bytes(data, 0, data.byteLength), upTo, at, replace ? 1 : 0);
		} catch (error) {
			parentPort?.postMessage({ type: 'snapshot-failed', room, error: reason(error) });
		}
	}
});
