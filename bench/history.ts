/**
 * `npm run bench:history`: how long the server takes to answer a record's history
 * (`GET /api/history/…`) for a community room of five years, replayed from its log: the first
 * question (the whole log replayed) and the next ones (the replay kept, nothing new to apply).
 * The room: 300 suggestions, 150 projects, 60 meetings, 800 inspections, each made in its own
 * update and changed `EDITS` times more, as devices send them. Prints a Markdown table.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { createRecord, updateRecord } from '../src/lib/doc/records.ts';
import { recordHistory } from '../sync-server/history.ts';
import { Storage } from '../sync-server/storage.ts';
import { makeSuggestion } from '../tests/unit/domain/factories.ts';

const EDITS = Number(process.env.EDITS ?? 8);
const RECORDS = Number(process.env.RECORDS ?? 1310);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function main() {
	const dir = await mkdtemp(join(tmpdir(), 'kuaiban-bench-history-'));
	try {
		const storage = new Storage(join(dir, 'kuaiban.sqlite'));
		const room = 'community:bench';
		const doc = new Y.Doc();
		const author = { id: 'w', name: 'w' };
		const origin = { seed: 'bench' };
		const at = new Date('2021-01-04T02:00:00.000Z');
		let updates = 0;
		// What a device sends: each transaction's own update (not the whole delete set each time).
		let sent: Uint8Array | undefined;
		doc.on('update', (update: Uint8Array) => (sent = update));
		const write = (change: () => void) => {
			change();
			storage.rooms.append([{ room, data: sent!, author: 'bench-1' }], at.toISOString());
			updates++;
		};
		// Every record a suggestion: the replay's cost is per update and per field, not per kind.
		for (let i = 0; i < RECORDS; i++) {
			const id = `s-${i}`;
			write(() =>
				createRecord(
					doc,
					'suggestion',
					makeSuggestion({ id, title: `建议 ${i}` }),
					origin,
					author,
					at
				)
			);
		}
		for (let e = 0; e < EDITS; e++) {
			for (let i = 0; i < RECORDS; i++) {
				write(() =>
					updateRecord(
						doc,
						'suggestion',
						`s-${i}`,
						{ description: `第 ${e} 次修改 ${i}` },
						origin,
						author,
						at
					)
				);
			}
		}
		const bytes = Y.encodeStateAsUpdate(doc).byteLength;

		const rows: string[] = [];
		for (let round = 0; round < ROUNDS; round++) {
			const history = recordHistory(storage);
			let t = performance.now();
			const first = history.changes(room, 'suggestion', `s-${Math.min(7, RECORDS - 1)}`);
			const cold = performance.now() - t;
			t = performance.now();
			for (let i = 0; i < 100; i++) history.changes(room, 'suggestion', `s-${i % RECORDS}`);
			const warm = (performance.now() - t) / 100;
			if (first.length !== EDITS + 1) throw new Error(`expected ${EDITS + 1} changes`);
			rows.push(`| ${round + 1} | ${cold.toFixed(0)} | ${warm.toFixed(2)} |`);
		}
		storage.close();
		console.log(
			`Room: ${RECORDS} records, ${updates} updates in the log, ${(bytes / 1024).toFixed(0)} KB of state.\n`
		);
		console.log('| round | first answer (ms, whole log replayed) | next answers (ms each) |');
		console.log('| --- | --- | --- |');
		for (const row of rows) console.log(row);
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}

await main();
