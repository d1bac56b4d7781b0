import type * as Y from 'yjs';
import { isRecordKind, type RecordKind } from '../domain/index.ts';

/**
 * Which records a transaction changed, as `kind/id` keys: what "3 records waiting" counts and
 * what a list marks "Unsent". Read from the document's own structure, so every writer is covered:
 * a record is an entry of a top-level map named by its kind; a field, a sub-record (a budget
 * line, a vote) or its history is somewhere below that entry; the minutes of a meeting are a text
 * in the top-level `minutes` map, under the meeting's id. Other top-level maps (a photo's
 * metadata, say) are not records: their changes go with the record that made them.
 */

/** Top-level maps whose entries belong to a record of another kind. */
const belongsTo: Partial<Record<string, RecordKind>> = { minutes: 'councilMeeting' };

export function recordKey(kind: string, id: string): string {
	return `${kind}/${id}`;
}

/** A shared type of any kind (Yjs types them by their event). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as Yjs declares transaction.changed
type AnyType = Y.AbstractType<any>;

export function changedRecords(
	doc: Y.Doc,
	changed: ReadonlyMap<AnyType, ReadonlySet<string | null>>
): string[] {
	const topNames = new Map<AnyType, RecordKind>();
	for (const [name, type] of doc.share) {
		const kind = belongsTo[name] ?? (isRecordKind(name) ? name : undefined);
		if (kind) topNames.set(type, kind);
	}
	const keys = new Set<string>();
	for (const [type, subs] of changed) {
		const top = topNames.get(type);
		if (top !== undefined) {
			// An entry of a top-level map set or replaced: the record itself.
			for (const sub of subs) if (sub !== null) keys.add(recordKey(top, sub));
			continue;
		}
		// Up from a nested type to the entry of a top-level map it lies in.
		let inner: AnyType = type;
		for (let item = inner._item; item; item = inner._item) {
			const parent = item.parent as AnyType;
			const name = topNames.get(parent);
			if (name !== undefined) {
				if (item.parentSub !== null) keys.add(recordKey(name, item.parentSub));
				break;
			}
			inner = parent;
		}
	}
	return [...keys];
}
