import * as Y from 'yjs';
import { readRecord, recordsOf } from '../src/lib/doc/records.ts';
import {
	LEGACY_CONTACT_FIELDS,
	parseRoom,
	RECORD_ROOMS,
	roomAccess,
	roomHolds,
	type RecordKind
} from '../src/lib/domain/index.ts';
import { sendJson, type ApiRoute } from './api.ts';
import { bearer, type AuthContext } from './auth-routes.ts';
import { userFromToken } from './auth.ts';
import { LruMap } from './lru-map.ts';
import type { LoggedUpdate } from './room-store.ts';
import type { Storage } from './storage.ts';

/**
 * A record's history from the server's own log (DESIGN.md, "Server contract"):
 * `GET /api/history/<room>/<kind>/<id>` → `[{ at, by: { id, name, role }, fields }]`, oldest first.
 * Who made each change is the account that sent the update, never what the device wrote in the
 * record's `_history`. With `?as-of=<n>` the answer is the n-th change (from 0) with the record as
 * it stood right after it, so that a supervisor sees what was approved and what changed since.
 *
 * The history is computed by replaying the room's log through the records codec, once per room:
 * the replay is kept (a few rooms, least recently asked dropped first) and only the updates stored
 * since are applied on the next question. Residents' contacts an older app kept on suggestions are
 * never part of a record shown here.
 */

export interface HistoryAuthor {
	id: string;
	name: string;
	/** The account's role; `server` for the server's own writes (demo seed, migrations). */
	role: string;
}

export interface RecordChange {
	at: string;
	by: HistoryAuthor;
	fields: string[];
}

interface KeptChange {
	at: string;
	author: string;
	fields: string[];
	/** The record right after the change, as JSON (kept small: one string per change). */
	record: string;
}

interface RoomReplay {
	doc: Y.Doc;
	upTo: number;
	changes: Map<string, KeptChange[]>;
}

export interface HistorySource {
	log(room: string, afterId: number): LoggedUpdate[];
	author(username: string): HistoryAuthor | undefined;
}

const kinds = Object.keys(RECORD_ROOMS) as RecordKind[];
const hidden: ReadonlySet<string> = new Set(Object.keys(LEGACY_CONTACT_FIELDS));

export class RecordHistory {
	readonly #replays: LruMap<string, RoomReplay>;

	constructor(
		readonly source: HistorySource,
		rooms = 16
	) {
		this.#replays = new LruMap(rooms);
	}

	/** The changes of one record, oldest first; [] for a record the log never saw. */
	changes(room: string, kind: RecordKind, id: string): (RecordChange & { record: unknown })[] {
		const replay = this.#caughtUp(room);
		const authors = new Map<string, HistoryAuthor>();
		const by = (author: string) => {
			let found = authors.get(author);
			if (!found) {
				found = this.source.author(author) ?? { id: author, name: author, role: 'server' };
				authors.set(author, found);
			}
			return found;
		};
		return (replay.changes.get(`${kind}/${id}`) ?? []).map((c) => ({
			at: c.at,
			by: by(c.author),
			fields: c.fields,
			get record() {
				return JSON.parse(c.record) as unknown;
			}
		}));
	}

	#caughtUp(room: string): RoomReplay {
		let replay = this.#replays.get(room);
		if (!replay) {
			replay = { doc: new Y.Doc({ gc: true }), upTo: 0, changes: new Map() };
			this.#replays.set(room, replay);
		}
		const updates = this.source.log(room, replay.upTo);
		if (updates.length > 0) apply(replay, updates);
		return replay;
	}
}

/** Applies each update in turn, noting which fields of which records it changed. */
function apply(replay: RoomReplay, updates: readonly LoggedUpdate[]) {
	const { doc } = replay;
	let touched = new Map<string, { kind: RecordKind; id: string; fields: Set<string> }>();
	const note = (kind: RecordKind, id: string, fields: Iterable<string>) => {
		const key = `${kind}/${id}`;
		let entry = touched.get(key);
		if (!entry) touched.set(key, (entry = { kind, id, fields: new Set() }));
		for (const field of fields) {
			if (!field.startsWith('_') && !hidden.has(field)) entry.fields.add(field);
		}
	};
	const observers = kinds.map((kind) => {
		const records = recordsOf(doc, kind);
		const observer = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
			for (const event of events) {
				if (event.target === records) {
					// A record made (or replaced) whole: every field it holds.
					for (const id of event.changes.keys.keys()) {
						const map = records.get(id);
						note(kind, id, map instanceof Y.Map ? map.keys() : []);
					}
					continue;
				}
				const id = String(event.path[0] ?? '');
				const field = event.path[1];
				note(kind, id, field === undefined ? event.changes.keys.keys() : [String(field)]);
			}
		};
		records.observeDeep(observer);
		return () => records.unobserveDeep(observer);
	});
	try {
		for (const update of updates) {
			touched = new Map();
			try {
				Y.applyUpdate(doc, update.data);
			} catch {
				// The server stored only updates it could apply; one it cannot is skipped here too.
			}
			replay.upTo = update.id;
			for (const [key, { kind, id, fields }] of touched) {
				if (fields.size === 0) continue;
				const raw = { ...(readRecord(doc, kind, id)?.raw ?? {}) };
				for (const field of hidden) delete raw[field];
				let list = replay.changes.get(key);
				if (!list) replay.changes.set(key, (list = []));
				list.push({
					at: update.at,
					author: update.author,
					fields: [...fields].sort(),
					record: JSON.stringify(raw)
				});
			}
		}
	} finally {
		for (const stop of observers) stop();
	}
}

/** The history of the rooms kept in `storage`, its authors named by the accounts table. */
export function recordHistory(storage: Storage): RecordHistory {
	return new RecordHistory({
		log: (room, afterId) => storage.rooms.log(room, afterId),
		author(username) {
			const user = storage.findUserByUsername(username);
			return user && { id: user.id, name: user.name, role: user.role };
		}
	});
}

const idPattern = /^[A-Za-z0-9_-]{1,128}$/;

export function historyRoutes({ auth, history }: { auth: AuthContext; history: RecordHistory }) {
	const route: ApiRoute = {
		method: 'GET',
		path: '/api/history/:room/:kind/:id',
		handler(req, res, params) {
			const user = userFromToken(auth, bearer(req));
			if (!user) return sendJson(res, 401, { error: 'unauthorized' });
			const room = params.room ?? '';
			const kind = params.kind as RecordKind;
			const id = params.id ?? '';
			if (!parseRoom(room) || !kinds.includes(kind) || !idPattern.test(id)) {
				return sendJson(res, 404, { error: 'not_found' });
			}
			if (roomAccess(user, room, auth.org()) === 'none') {
				return sendJson(res, 403, { error: 'forbidden' });
			}
			// A kind the room does not hold counts for nothing there: it has no history to show.
			const changes = roomHolds(room, kind) ? history.changes(room, kind, id) : [];
			const asOf = new URL(req.url ?? '/', 'http://x').searchParams.get('as-of');
			if (asOf !== null) {
				const change = /^\d{1,9}$/.test(asOf) ? changes[Number(asOf)] : undefined;
				if (!change) return sendJson(res, 404, { error: 'not_found' });
				const { at, by, fields, record } = change;
				return sendJson(res, 200, { at, by, fields, record });
			}
			sendJson(
				res,
				200,
				changes.map(({ at, by, fields }) => ({ at, by, fields }))
			);
		}
	};
	return [route];
}
