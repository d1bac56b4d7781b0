import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { editSuggestion, addSuggestion } from '$lib/store/suggestions';
import { RoomDoc } from '$lib/store/room-doc';
import type { Room } from '$lib/sync/workspace.svelte';
import { context, exchange, newDevice, open, suggestionFields } from '../store/helpers';
import { testRoom } from '../helpers/rooms';

/**
 * A screen reads a room through its queries, and they rerun on every change of the document,
 * a local command or another tablet's update alike: no screen reads a change counter by hand.
 */

/** What a list and a record page derive from the room, as screens do. */
function screenOf(room: Room) {
	const shown = $state({ id: '' });
	const titles = $derived(room.valid('suggestion').map((s) => s.title));
	const stored = $derived(room.records('suggestion').length);
	const title = $derived(room.record('suggestion', shown.id)?.record?.title);
	const changes = $derived(room.history('suggestion', shown.id).length);
	const size = $derived(room.read((doc) => doc.getMap('suggestion').size));
	return {
		shown,
		get titles() {
			return titles;
		},
		get stored() {
			return stored;
		},
		get title() {
			return title;
		},
		get changes() {
			return changes;
		},
		get size() {
			return size;
		}
	};
}

describe("a room's queries", () => {
	it('rerun on a local change and on an update from another tablet', async () => {
		const a = await open(newDevice());
		const b = await open(newDevice());
		const room = testRoom(a);
		let screen!: ReturnType<typeof screenOf>;
		const stop = $effect.root(() => {
			screen = screenOf(room);
		});
		// Every query is read before each change, so that each must rerun to see it (a derived
		// read for the first time after a change would compute afresh anyway).
		const seen = () => [screen.titles, screen.stored, screen.size, screen.title, screen.changes];
		expect(seen()).toEqual([[], 0, 0, undefined, 0]);

		// The record page shows its id before the record exists here (a link from another tablet).
		const id = 'tanglian-s-1';
		screen.shown.id = id;
		flushSync();
		expect(seen()).toEqual([[], 0, 0, undefined, 0]);
		const s = await addSuggestion(
			{ ...context(a), newId: () => id },
			{ ...suggestionFields, title: '路灯不亮' },
			[]
		);
		flushSync();
		expect(seen()).toEqual([['路灯不亮'], 1, 1, '路灯不亮', 1]);

		exchange(a.doc, b.doc);
		await editSuggestion(context(b, { id: 'w2', name: 'W2' }), s.id, {
			...suggestionFields,
			title: '3 号楼路灯不亮'
		});
		exchange(a.doc, b.doc);
		flushSync();
		expect(seen()).toEqual([['3 号楼路灯不亮'], 1, 1, '3 号楼路灯不亮', 2]);
		stop();
	});

	it('answer from the decoded copy, and a reader of the document gets it whole', async () => {
		const db = newDevice();
		const first = await open(db);
		const added = await addSuggestion(
			context(first),
			{ ...suggestionFields, title: '路灯不亮' },
			[]
		);
		await first.flush();
		await new Promise((done) => setTimeout(done, 2600));
		await first.close();
		const second = await RoomDoc.open(db, first.room, { defer: true });
		expect(second.loaded).toBe(false);
		const room = testRoom(second);
		let screen!: ReturnType<typeof screenOf>;
		const stop = $effect.root(() => {
			screen = screenOf(room);
		});
		// The records come from the copy: the stored state is not applied for them. The list's
		// link opens the record's page, which finds it there too.
		expect(screen.titles).toEqual(['路灯不亮']);
		screen.shown.id = added.id;
		expect(screen.title).toBe('路灯不亮');
		expect(second.loaded).toBe(false);
		// A reader of the document itself (a text, the city's rules) never sees it empty.
		expect(screen.size).toBe(1);
		expect(second.loaded).toBe(true);
		flushSync();
		expect([screen.titles, screen.size]).toEqual([['路灯不亮'], 1]);
		stop();
		await second.close();
	}, 15_000);
});
