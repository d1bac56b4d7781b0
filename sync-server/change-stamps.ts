import * as Y from 'yjs';
import { changedDocument } from './update-check.ts';

/**
 * Short strings that change whenever what they stamp changes: for caching what the server
 * renders from documents. A Y.Doc's stamp is `<serial>.<changes>`: the serial tells this document
 * object from any other (a room unloaded and loaded again is a new Y.Doc, with a new serial, so a
 * cache keyed by stamps never serves what the old object said), and the count goes up with each
 * of its transactions that change it. The state vector would be no stamp: a transaction that only deletes
 * leaves it as it was. Any other object (the org, replaced when the database changes) keeps its
 * serial, so its stamp changes when it is replaced.
 *
 * Stamps are kept in a WeakMap: a stamped document that is dropped is not held in memory.
 */
export class ChangeStamps {
	readonly #stamps = new WeakMap<object, { serial: number; changes: number }>();
	#serial = 0;

	of(target: object): string {
		let stamp = this.#stamps.get(target);
		if (!stamp) {
			const fresh = { serial: ++this.#serial, changes: 0 };
			if (target instanceof Y.Doc) {
				target.on('afterTransactionCleanup', (transaction: Y.Transaction) => {
					if (changedDocument(transaction)) fresh.changes++;
				});
			}
			this.#stamps.set(target, fresh);
			stamp = fresh;
		}
		return `${stamp.serial}.${stamp.changes}`;
	}
}
