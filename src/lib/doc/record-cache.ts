import type * as Y from 'yjs';
import type { RecordKind } from '../domain/index.ts';

/**
 * Decoded records kept per document and kind, so that reading a room again after a change decodes
 * only the records that changed (a supervisor's screen read every room on every change; a
 * five-year community room takes half a second to decode whole). Only documents that ask for it
 * keep a cache (`keepDecoded`: the app's rooms); the server decodes its documents once and lets
 * them go, and pays nothing on its relay path.
 *
 * A record is stale once anything inside its Y.Map changed (a deep observer on the kind's map
 * notes the record's id). A cache may also be filled from a copy of the records stored beside the
 * document's updates (`preloadDecoded`), before the document itself is applied: the list shows at
 * once, and the document's stored state, applied afterwards with `applyQuietly`, is what the copy
 * was taken from, so it marks nothing stale.
 */

export interface KindCache<T> {
	byId: Map<string, T>;
	/** Ids changed since they were decoded, or every record. */
	stale: Set<string> | 'all';
	/** The records in order, while nothing is stale. */
	list: T[] | undefined;
	/** Filled from a stored copy: the quiet application of the stored state keeps it. */
	preloaded: boolean;
}

const kept = new WeakMap<Y.Doc, Map<RecordKind, KindCache<unknown>>>();
const quiet = new WeakSet<Y.Doc>();

/** From now on the records read from `doc` are kept decoded until they change. */
export function keepDecoded(doc: Y.Doc): void {
	if (!kept.has(doc)) kept.set(doc, new Map());
}

/** The cache of a kind of `doc`, made (and observed) on first use; undefined when not kept. */
export function kindCache<T>(
	doc: Y.Doc,
	kind: RecordKind,
	map: Y.Map<Y.Map<unknown>>
): KindCache<T> | undefined {
	const kinds = kept.get(doc);
	if (!kinds) return undefined;
	let cache = kinds.get(kind) as KindCache<T> | undefined;
	if (cache) return cache;
	const made: KindCache<T> = { byId: new Map(), stale: 'all', list: undefined, preloaded: false };
	map.observeDeep((events) => {
		if (quiet.has(doc) && made.preloaded) return;
		if (made.stale === 'all') return;
		for (const event of events) {
			if (event.target === map) {
				for (const id of event.changes.keys.keys()) (made.stale as Set<string>).add(id);
			} else {
				const id = event.path[0];
				if (typeof id === 'string') made.stale.add(id);
			}
		}
		made.list = undefined;
	});
	kinds.set(kind, made);
	cache = made;
	return cache;
}

/** Fills a kind's cache from a stored copy of its records, before the document is applied. */
export function preloadDecoded<T extends { id: string }>(
	doc: Y.Doc,
	kind: RecordKind,
	map: Y.Map<Y.Map<unknown>>,
	records: readonly T[]
): void {
	const cache = kindCache<T>(doc, kind, map);
	if (!cache) return;
	cache.byId = new Map(records.map((r) => [r.id, r]));
	cache.stale = new Set();
	cache.list = [...records];
	cache.preloaded = true;
}

/**
 * Applies the stored state a preload was taken from: preloaded kinds stay as they are, every
 * other kind is decoded afresh at its next read.
 */
export function applyQuietly(doc: Y.Doc, apply: () => void): void {
	quiet.add(doc);
	try {
		apply();
	} finally {
		quiet.delete(doc);
		for (const cache of kept.get(doc)?.values() ?? []) {
			if (!cache.preloaded) {
				cache.stale = 'all';
				cache.list = undefined;
			}
			cache.preloaded = false;
		}
	}
}
