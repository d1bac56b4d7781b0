/**
 * A worker thread that checkpoints the SQLite WAL into the database file. A checkpoint syncs the
 * file to disk, which can take milliseconds to tens of them; run on the main thread (SQLite's
 * automatic checkpoint runs inside whichever commit crosses the threshold) it would stall every
 * room's relay for that long. Here it runs beside the server on its own connection.
 *
 * Plain JavaScript: Node 20 does not pass tsx's loader on to worker threads.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

/** @type {{ path: string, intervalMs: number }} */
const { path, intervalMs } = workerData;
const db = new Database(path);
db.pragma('busy_timeout = 5000');

const timer = setInterval(() => {
	try {
		db.pragma('wal_checkpoint(PASSIVE)');
	} catch (error) {
		parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
	}
}, intervalMs);

parentPort?.on('message', (message) => {
	if (message === 'stop') {
		clearInterval(timer);
		db.close();
		parentPort?.close();
	}
});
