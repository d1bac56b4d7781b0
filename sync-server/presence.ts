import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * A peer's awareness (presence: who is on which record) is relayed only for the awareness ids
 * that peer controls: one it introduced itself, or one another connection of the same account
 * held and this one changes (a tablet reconnecting before its old connection timed out). An entry
 * for an id another account holds is dropped, so nobody can overwrite or remove another person's
 * presence.
 */

export interface AwarenessEntry {
	clientId: number;
	clock: number;
	/** The state as sent: JSON text, `null` when the peer left. */
	state: string;
}

/** Reads an awareness update; throws on bytes that are none. */
export function readAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
	const decoder = decoding.createDecoder(update);
	const count = decoding.readVarUint(decoder);
	const entries: AwarenessEntry[] = [];
	for (let i = 0; i < count; i++) {
		const clientId = decoding.readVarUint(decoder);
		const clock = decoding.readVarUint(decoder);
		const state = decoding.readVarString(decoder);
		JSON.parse(state);
		entries.push({ clientId, clock, state });
	}
	return entries;
}

export function writeAwarenessUpdate(entries: readonly AwarenessEntry[]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, entries.length);
	for (const entry of entries) {
		encoding.writeVarUint(encoder, entry.clientId);
		encoding.writeVarUint(encoder, entry.clock);
		encoding.writeVarString(encoder, entry.state);
	}
	return encoding.toUint8Array(encoder);
}

/**
 * The entries `author` may send, given who holds which id in the room (`holder`), the clock the
 * room knows for each id (`knownClock`), and at most `maxIds` ids per connection (`own`: the ids
 * this connection holds already).
 *
 * An entry for an id the connection does not hold counts only when it is news: a stock client
 * sends back every presence it receives, with the clock it received, and such an echo neither
 * changes anything nor makes the id its sender's (else the other tablet of the same account would
 * lose its own id to the echo, and with it the cap on ids per connection).
 */
export function ownEntries(
	entries: readonly AwarenessEntry[],
	author: string,
	own: ReadonlySet<number>,
	holder: (clientId: number) => string | undefined,
	knownClock: (clientId: number) => number | undefined,
	maxIds: number
): AwarenessEntry[] {
	const kept: AwarenessEntry[] = [];
	let ids = own.size;
	for (const entry of entries) {
		if (own.has(entry.clientId)) {
			kept.push(entry);
			continue;
		}
		const known = knownClock(entry.clientId);
		if (known !== undefined && entry.clock <= known) continue;
		const heldBy = holder(entry.clientId);
		if (heldBy !== undefined && heldBy !== author) continue;
		if (ids >= maxIds) continue;
		ids++;
		kept.push(entry);
	}
	return kept;
}
