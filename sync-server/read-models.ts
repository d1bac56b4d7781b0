import type * as Y from 'yjs';
import { roomRecords } from '../src/lib/doc/room-records.ts';
import { docRecords } from '../src/lib/doc/records.ts';
import { assembleCity, type CityRecords, type RoomRecords } from '../src/lib/domain/index.ts';
import type { Org } from './directory.ts';
import type { Logger } from './log.ts';
import { docOf, type RoomStore } from './room-store.ts';

/**
 * The server's read models (issue "city scale"): each room's valid records, decoded with the
 * shared codec (`roomRecords`) and kept in memory as plain data, so that the city's figures are
 * answered from the server without a device downloading every community, and without the server
 * keeping every room's document loaded.
 *
 * A stored update marks its room stale (a set insertion on the hot path, nothing more); the room
 * is decoded again when a question next needs it: from its live document when the room is loaded,
 * otherwise from storage into a document that is dropped at once. Nothing a client says about
 * itself is taken: the figures come from `assembleCity` and the domain's rules, as on a device.
 */

export interface ReadModelSource {
	store: Pick<RoomStore, 'load'>;
	/** The live document of a room that is in memory (a connection holds it), if it is. */
	loaded(room: string): Y.Doc | undefined;
}

/** Every room the org has that the figures read (contacts rooms never are). */
export function figureRooms(org: Pick<Org, 'towns' | 'communities'>): string[] {
	return [
		'city',
		'finance',
		...org.towns().map((id) => `town:${id}`),
		...org.communities().map((id) => `community:${id}`)
	];
}

/** Room sets whose assembled records are kept: the city's, and a few towns' or communities'. */
const maxAssemblies = 8;

/** A map used as a cache, most recently set last: the oldest entries go past `size`. */
function dropOldest(map: Map<string, unknown>, size: number): void {
	for (const key of map.keys()) {
		if (map.size <= size) return;
		map.delete(key);
	}
}

interface Answer {
	generation: number;
	org: Org;
	day: string;
	value: unknown;
}

export class ReadModels {
	readonly #records = new Map<string, RoomRecords>();
	readonly #stale = new Set<string>();
	readonly #answers = new Map<string, Answer>();
	readonly #assembled = new Map<string, { generation: number; org: Org; records: CityRecords }>();
	#generation = 0;
	#warming: Promise<void> | undefined;
	#stopped = false;

	constructor(
		readonly source: ReadModelSource,
		readonly log?: Logger,
		/** How many answers are kept (one per scope and period asked for). */
		readonly maxAnswers = 64
	) {}

	/** A room's stored state changed: what was decoded of it is out of date. */
	changed(room: string): void {
		this.#stale.add(room);
		this.#generation++;
	}

	/** At shutdown, before storage closes: the background decoding stops. */
	stop(): void {
		this.#stopped = true;
	}

	/** Rooms decoded and current. */
	get size(): number {
		return this.#records.size - this.#stale.size;
	}

	/** The room's records, decoded again if it changed since. */
	records(room: string): RoomRecords {
		const kept = this.#records.get(room);
		if (kept && !this.#stale.has(room)) return kept;
		const fresh = this.#decode(room);
		this.#records.set(room, fresh);
		this.#stale.delete(room);
		return fresh;
	}

	#decode(room: string): RoomRecords {
		const live = this.source.loaded(room);
		if (live) return roomRecords(docRecords(live), room);
		const doc = docOf(this.source.store.load(room));
		try {
			return roomRecords(docRecords(doc), room);
		} finally {
			doc.destroy();
		}
	}

	/**
	 * The city's records over `rooms`, as `assembleCity` puts them together; the last few
	 * assemblies are kept while no room changed and the org is the same object, since a thousand
	 * communities take longer to put together than any question takes to answer from them.
	 */
	city(rooms: readonly string[], org: Org): CityRecords {
		const key = rooms.join(' ');
		const kept = this.#assembled.get(key);
		if (kept && kept.generation === this.#generation && kept.org === org) return kept.records;
		const generation = this.#generation;
		const decoded = new Map<string, RoomRecords>();
		for (const room of rooms) decoded.set(room, this.records(room));
		const records = assembleCity(decoded, (id) => org.townOfCommunity(id));
		this.#assembled.delete(key);
		this.#assembled.set(key, { generation, org, records });
		dropOldest(this.#assembled, maxAssemblies);
		return records;
	}

	/**
	 * `compute`'s answer for `key`, kept while no room changed, the org is the same object and the
	 * day (in China: overdue counts change with it) is the same.
	 */
	answer<T>(key: string, org: Org, day: string, compute: () => T): T {
		const kept = this.#answers.get(key);
		if (kept && kept.generation === this.#generation && kept.org === org && kept.day === day) {
			// Most recently used last.
			this.#answers.delete(key);
			this.#answers.set(key, kept);
			return kept.value as T;
		}
		const generation = this.#generation;
		const value = compute();
		this.#answers.delete(key);
		this.#answers.set(key, { generation, org, day, value });
		dropOldest(this.#answers, this.maxAnswers);
		return value;
	}

	/**
	 * Resolves once the background decoding after a start is done (at once when none runs): a
	 * question waits for it rather than decoding every room left in one go on the thread that
	 * relays everyone's edits (two seconds at a thousand communities).
	 */
	warmed(): Promise<void> {
		return this.#warming ?? Promise.resolve();
	}

	/**
	 * Decodes `rooms` in the background, one per turn of the event loop, so that the first
	 * question after a start does not wait for the whole city. Resolves when all are in.
	 */
	warm(rooms: readonly string[]): Promise<void> {
		this.#warming ??= (async () => {
			const started = performance.now();
			for (const room of rooms) {
				await new Promise((done) => setImmediate(done));
				if (this.#stopped) return;
				try {
					this.records(room);
				} catch (error) {
					this.log?.warn('read model: decoding a room failed', { room, error });
				}
			}
			this.log?.info('read models ready', {
				rooms: rooms.length,
				ms: Math.round(performance.now() - started)
			});
		})();
		return this.#warming;
	}
}
