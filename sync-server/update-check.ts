import * as Y from 'yjs';

/**
 * Whether an update applies cleanly to a room's document: every change in it either continues
 * what the room holds or depends only on what the room holds or the update itself brings.
 *
 * Yjs keeps an update whose dependencies it lacks as "pending", waiting for them, and sends the
 * pending part on to every client that syncs afterwards. A server cannot wait like that: the
 * dependencies may never come (a broken or hostile client), the pending part is stored nowhere
 * with its author, and a delete of clocks a client has not written yet would silently remove that
 * client's next edits. So the room refuses such an update whole, before applying anything.
 */

export type UpdateProblem =
	'gap' | 'missing dependency' | 'depends on its own future' | 'deletes what does not exist';

const messages: Record<UpdateProblem, string> = {
	gap: 'the update skips changes the room does not hold',
	'missing dependency': 'the update depends on changes the room does not hold',
	'depends on its own future': 'the update refers to changes that come after it',
	'deletes what does not exist': 'the update deletes changes that do not exist'
};

export function describeUpdateProblem(problem: UpdateProblem): string {
	return messages[problem];
}

type Struct = ReturnType<typeof Y.decodeUpdate>['structs'][number];

/** The problem with `update` against `doc`, or undefined when it applies cleanly. Throws on bytes that are no update. */
export function updateProblem(doc: Y.Doc, update: Uint8Array): UpdateProblem | undefined {
	return checkUpdate(doc, update).problem;
}

/**
 * The problem with `update`, if any, and whether it repeats changes the room already holds
 * (`overlaps`): an update that does not is, byte for byte, what it adds to the room, and can be
 * stored and relayed as it came. Throws on bytes that are no update.
 */
export function checkUpdate(
	doc: Y.Doc,
	update: Uint8Array
): { problem: UpdateProblem | undefined; overlaps: boolean } {
	const problem = (p: UpdateProblem) => ({ problem: p, overlaps: false });
	let overlaps = false;
	const { structs, ds } = Y.decodeUpdate(update);
	// Per client, the clock up to which the room and the update together hold every change.
	const reach = new Map<number, number>();
	const held = (client: number) => reach.get(client) ?? Y.getState(doc.store, client);

	const ordered: Struct[] = [...structs].sort(
		(a, b) => a.id.client - b.id.client || a.id.clock - b.id.clock
	);
	for (const struct of ordered) {
		if (struct instanceof Y.Skip) return problem('gap');
		const client = struct.id.client;
		const have = held(client);
		if (struct.id.clock > have) return problem('gap');
		if (struct.id.clock < have) overlaps = true;
		reach.set(client, Math.max(have, struct.id.clock + struct.length));
	}

	for (const struct of structs) {
		if (!(struct instanceof Y.Item)) continue;
		const parent = struct.parent instanceof Y.ID ? struct.parent : null;
		for (const dependency of [struct.origin, struct.rightOrigin, parent]) {
			if (!dependency) continue;
			if (dependency.client === struct.id.client) {
				if (dependency.clock >= struct.id.clock) return problem('depends on its own future');
			} else if (dependency.clock >= held(dependency.client)) {
				return problem('missing dependency');
			}
		}
	}

	for (const [client, deletes] of ds.clients) {
		for (const { clock, len } of deletes) {
			if (clock + len > held(client)) return problem('deletes what does not exist');
		}
	}
	return { problem: undefined, overlaps };
}

/**
 * Whether a transaction changed the document: it added something or deleted something that was
 * not deleted (what Yjs itself asks before it emits an 'update'). Listening for this instead of
 * 'update' spares Yjs encoding every transaction into an update nobody reads.
 */
export function changedDocument(transaction: Y.Transaction): boolean {
	if (transaction.deleteSet.clients.size > 0) return true;
	for (const [client, clock] of transaction.afterState) {
		if (transaction.beforeState.get(client) !== clock) return true;
	}
	return false;
}

/** True when the document holds changes it could not integrate (see above). */
export function hasPending(doc: Y.Doc): boolean {
	return doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
}

/** Forgets what the document could not integrate; returns whether there was anything. */
export function dropPending(doc: Y.Doc): boolean {
	const had = hasPending(doc);
	doc.store.pendingStructs = null;
	doc.store.pendingDs = null;
	return had;
}
