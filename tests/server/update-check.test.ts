import fc from 'fast-check';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { hasPending, updateProblem } from '../../sync-server/update-check';

/**
 * The room's check must never refuse what an honest client sends (its edits in order, or its
 * sync answer against the room's state vector), and must refuse what Yjs would keep pending.
 */

type Edit =
	| { kind: 'set'; key: string; value: number }
	| { kind: 'remove'; key: string }
	| { kind: 'insert'; at: number; text: string }
	| { kind: 'cut'; at: number; length: number }
	| { kind: 'push'; value: string }
	| { kind: 'nest'; key: string; value: string };

const edit: fc.Arbitrary<Edit> = fc.oneof(
	fc.record({ kind: fc.constant('set'), key: fc.constantFrom('a', 'b', 'c'), value: fc.nat(9) }),
	fc.record({ kind: fc.constant('remove'), key: fc.constantFrom('a', 'b', 'c') }),
	fc.record({ kind: fc.constant('insert'), at: fc.nat(20), text: fc.string({ maxLength: 4 }) }),
	fc.record({ kind: fc.constant('cut'), at: fc.nat(20), length: fc.integer({ min: 1, max: 3 }) }),
	fc.record({ kind: fc.constant('push'), value: fc.string({ maxLength: 3 }) }),
	fc.record({ kind: fc.constant('nest'), key: fc.constantFrom('x', 'y'), value: fc.string() })
) as fc.Arbitrary<Edit>;

function apply(doc: Y.Doc, e: Edit) {
	const text = doc.getText('minutes');
	switch (e.kind) {
		case 'set':
			return doc.getMap('fields').set(e.key, e.value);
		case 'remove':
			return doc.getMap('fields').delete(e.key);
		case 'insert':
			return text.insert(Math.min(e.at, text.length), e.text);
		case 'cut': {
			const at = Math.min(e.at, text.length);
			return text.delete(at, Math.min(e.length, text.length - at));
		}
		case 'push':
			return doc.getArray('log').push([e.value]);
		case 'nest': {
			const records = doc.getMap<Y.Map<string>>('records');
			let record = records.get('r');
			if (!record) {
				record = new Y.Map();
				records.set('r', record);
			}
			return record.set(e.key, e.value);
		}
	}
}

const step = fc.tuple(fc.nat(2), fc.oneof(edit, fc.constant('send' as const)));

describe('updateProblem', () => {
	it('never refuses an honest client: its edits in order, or its diff against the room', () => {
		fc.assert(
			fc.property(fc.array(step, { maxLength: 60 }), fc.boolean(), (steps, asDiff) => {
				const room = new Y.Doc();
				const clients = [0, 1, 2].map(() => new Y.Doc());
				const unsent = clients.map(() => [] as Uint8Array[]);
				clients.forEach((c, i) => c.on('update', (u: Uint8Array) => unsent[i]!.push(u)));
				for (const [who, action] of steps) {
					const client = clients[who]!;
					if (action !== 'send') {
						apply(client, action);
						continue;
					}
					const updates = asDiff
						? [Y.encodeStateAsUpdate(client, Y.encodeStateVector(room))]
						: unsent[who]!.splice(0);
					for (const update of updates) {
						expect(updateProblem(room, update)).toBeUndefined();
						Y.applyUpdate(room, update);
						expect(hasPending(room)).toBe(false);
					}
					// The client then hears what the room holds, as after a sync.
					Y.applyUpdate(client, Y.encodeStateAsUpdate(room, Y.encodeStateVector(client)));
					unsent[who]!.splice(0);
				}
			}),
			{ numRuns: 300 }
		);
	});

	it('refuses every update that Yjs would keep pending', () => {
		fc.assert(
			fc.property(fc.array(edit, { minLength: 2, maxLength: 20 }), fc.nat(), (edits, pick) => {
				const source = new Y.Doc();
				const updates: Uint8Array[] = [];
				source.on('update', (u: Uint8Array) => updates.push(u));
				for (const e of edits) apply(source, e);
				if (updates.length < 2) return;
				// Leave out one update and send the rest: whatever Yjs cannot integrate is refused.
				const left = pick % (updates.length - 1);
				const room = new Y.Doc();
				for (const [i, update] of updates.entries()) {
					if (i === left) continue;
					const probe = new Y.Doc();
					Y.applyUpdate(probe, Y.encodeStateAsUpdate(room));
					Y.applyUpdate(probe, update);
					const wouldPend = hasPending(probe);
					const problem = updateProblem(room, update);
					expect(problem !== undefined).toBe(wouldPend);
					if (!problem) Y.applyUpdate(room, update);
				}
				expect(hasPending(room)).toBe(false);
			}),
			{ numRuns: 300 }
		);
	});
});
