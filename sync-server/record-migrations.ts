import * as Y from 'yjs';
import { LEGACY_CONTACT_FIELDS, type ResidentContact } from '../src/lib/domain/index.ts';
import { copyRecord, createRecord, recordsOf } from '../src/lib/doc/records.ts';
import type { Logger } from './log.ts';
import { docOf } from './room-store.ts';
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

export const CONTACTS_TO_CONTACTS_ROOMS = 'contacts-to-contacts-rooms';

export interface ContactsReport {
	/** The suggestions whose contact moved, by community room (never the contacts themselves). */
	moved: { room: string; suggestions: string[] }[];
}

function loadDoc(storage: Storage, room: string): { doc: Y.Doc; lastUpdateId: number } {
	const stored = storage.rooms.load(room);
	return { doc: docOf(stored), lastUpdateId: stored.lastUpdateId };
}

/**
 * Residents' names and phone numbers were kept on the suggestions, in the community room that the
 * town's reviewers and every city account read. Each moves to the community's `contacts:<id>`
 * room (a `residentContact` under the suggestion's id) and is removed from the suggestion; the
 * community room's snapshot is then written again, so that neither it nor any sync answer holds
 * them (the server's documents collect what was removed). The update log keeps what was sent, as
 * it keeps everything; it leaves the server only through the history, which names fields only.
 */
export function moveContactsToContactsRooms(storage: Storage, now: Date): ContactsReport {
	const report: ContactsReport = { moved: [] };
	const at = now.toISOString();
	const origin = { seed: MIGRATION_AUTHOR };
	const author = { id: MIGRATION_AUTHOR, name: MIGRATION_AUTHOR };
	for (const { id: communityId } of storage.communities()) {
		const room = `community:${communityId}`;
		const community = loadDoc(storage, room);
		const found = [...recordsOf(community.doc, 'suggestion').entries()].filter(
			([, value]) =>
				value instanceof Y.Map && Object.keys(LEGACY_CONTACT_FIELDS).some((k) => value.has(k))
		);
		if (found.length === 0) continue;

		const contactsRoom = `contacts:${communityId}`;
		const contacts = loadDoc(storage, contactsRoom);
		const contactsBefore = Y.encodeStateVector(contacts.doc);
		const communityBefore = Y.encodeStateVector(community.doc);
		const kept = recordsOf(contacts.doc, 'residentContact');
		for (const [id, suggestion] of found) {
			if (kept.has(id)) continue; // moved before a crash: the suggestion still to be cleared
			const fields: Record<string, string> = {};
			for (const [from, to] of Object.entries(LEGACY_CONTACT_FIELDS)) {
				const value = suggestion.get(from);
				if (typeof value === 'string' && value.trim()) fields[to] = value.trim();
			}
			const createdAt = suggestion.get('createdAt');
			const contact: ResidentContact = {
				id,
				createdAt: typeof createdAt === 'string' ? createdAt : at,
				createdBy: MIGRATION_AUTHOR,
				suggestion: { room, id },
				...fields
			};
			createRecord(contacts.doc, 'residentContact', contact, origin, author, now);
		}
		community.doc.transact(() => {
			for (const [, suggestion] of found) {
				for (const key of Object.keys(LEGACY_CONTACT_FIELDS)) suggestion.delete(key);
			}
		});

		// The contacts first: a crash before the second write leaves them kept, and the next run
		// clears the suggestions.
		const ids = storage.rooms.append(
			[
				{ room: contactsRoom, data: Y.encodeStateAsUpdate(contacts.doc, contactsBefore) },
				{ room, data: Y.encodeStateAsUpdate(community.doc, communityBefore) }
			].map((u) => ({ ...u, author: MIGRATION_AUTHOR })),
			at
		);
		storage.rooms.writeSnapshot(room, Y.encodeStateAsUpdate(community.doc), ids[1]!, at, true);
		report.moved.push({ room, suggestions: found.map(([id]) => id) });
	}
	return report;
}

/** Runs each migration that has not run on this data folder yet, logging what it found. */
export function migrateRecords(storage: Storage, log: Logger, now: Date): void {
	if (!storage.dataMigrationDone(CONTACTS_TO_CONTACTS_ROOMS)) {
		const report = moveContactsToContactsRooms(storage, now);
		const moved = report.moved.reduce((sum, r) => sum + r.suggestions.length, 0);
		if (moved > 0) {
			log.info("residents' contacts moved from the community rooms to their contacts rooms", {
				suggestions: moved,
				communities: report.moved.length
			});
		}
		storage.recordDataMigration(CONTACTS_TO_CONTACTS_ROOMS, now.toISOString(), report);
	}
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
