import * as Y from 'yjs';
import { recordsOf, copyRecord } from '../src/lib/store/records.ts';
import type { Logger } from './log.ts';
import type { Storage } from './storage.ts';

/**
 * Migrations of the rooms' records, run by the server on start, each once (the `data_migrations`
 * table says which ran, with what they found). A migration writes its changes as ordinary updates
 * of the rooms, by the author `migration`, so the log keeps them and every device receives them.
 * It runs before any room is opened, and is safe to run again after a crash: what it already
 * wrote is found and not written twice.
 */

/** The author of the updates a migration writes. */
export const MIGRATION_AUTHOR = 'migration';

export interface DroppedPayment {
	id: string;
	/** Who wrote it or changed it: not finance alone. */
	authors: string[];
	/** The record's fields as they stood, for whoever looks into it. */
	fields: Record<string, unknown>;
}

export interface PaymentsReport {
	moved: string[];
	dropped: DroppedPayment[];
}

export const PAYMENTS_TO_FINANCE = 'payments-to-finance';

/**
 * Payments were kept in the city room, which supervisors and the admin write too. They move to
 * the `finance` room: a payment every change of which came from a finance account (or from the
 * server's own demo seed) is copied there and removed from the city room; any other is left where
 * it is, never read again (the city room holds no payments, `RECORD_ROOMS`), and reported.
 * Who wrote each change is the server's own log, not what the record says.
 */
export function movePaymentsToFinance(storage: Storage, now: Date): PaymentsReport {
	const users = new Map(storage.listUsers().map((u) => [u.username, u.role]));
	const trusted = (author: string) =>
		users.get(author) === 'finance' || (author === 'demo' && !users.has('demo'));

	// Replay the city room's whole log (never deleted), noting who touched each payment.
	const city = new Y.Doc();
	const payments = recordsOf(city, 'disbursement');
	const authors = new Map<string, Set<string>>();
	let current = '';
	payments.observeDeep((events) => {
		for (const event of events) {
			const keys =
				event.target === payments ? [...event.changes.keys.keys()] : [String(event.path[0] ?? '')];
			for (const key of keys) {
				let set = authors.get(key);
				if (!set) authors.set(key, (set = new Set()));
				set.add(current);
			}
		}
	});
	for (const entry of storage.rooms.log('city')) {
		current = entry.author;
		Y.applyUpdate(city, entry.data);
	}

	const finance = new Y.Doc();
	for (const entry of storage.rooms.log('finance')) Y.applyUpdate(finance, entry.data);
	const financeBefore = Y.encodeStateVector(finance);
	const cityBefore = Y.encodeStateVector(city);

	const report: PaymentsReport = { moved: [], dropped: [] };
	const into = recordsOf(finance, 'disbursement');
	current = MIGRATION_AUTHOR;
	finance.transact(() => {
		city.transact(() => {
			for (const [id, value] of [...payments.entries()]) {
				const who = [...(authors.get(id) ?? [])];
				if (!(value instanceof Y.Map) || who.length === 0 || !who.every(trusted)) {
					const fields = value instanceof Y.Map ? value.toJSON() : { value };
					report.dropped.push({ id, authors: who, fields });
					continue;
				}
				if (!into.has(id)) into.set(id, copyRecord(value));
				payments.delete(id);
				report.moved.push(id);
			}
		});
	});

	if (report.moved.length > 0) {
		storage.rooms.append(
			[
				{ room: 'finance', data: Y.encodeStateAsUpdate(finance, financeBefore) },
				{ room: 'city', data: Y.encodeStateAsUpdate(city, cityBefore) }
			].map((u) => ({ ...u, author: MIGRATION_AUTHOR })),
			now.toISOString()
		);
	}
	return report;
}

/** Runs each migration that has not run on this data folder yet, logging what it found. */
export function migrateRecords(storage: Storage, log: Logger, now: Date): void {
	if (storage.dataMigrationDone(PAYMENTS_TO_FINANCE)) return;
	const report = movePaymentsToFinance(storage, now);
	for (const payment of report.dropped) {
		log.warn('a payment in the city room not written by finance alone: left out of the figures', {
			id: payment.id,
			authors: payment.authors,
			project: (payment.fields.project as { id?: unknown } | undefined)?.id,
			amountFen: payment.fields.amountFen
		});
	}
	if (report.moved.length > 0 || report.dropped.length > 0) {
		log.info('payments moved from the city room to the finance room', {
			moved: report.moved.length,
			dropped: report.dropped.length
		});
	}
	storage.recordDataMigration(PAYMENTS_TO_FINANCE, now.toISOString(), report);
}
