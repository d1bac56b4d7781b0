import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { ZHANGJIAGANG_2020 } from '$lib/domain';
import { createRecord } from '$lib/doc/records';
import { createMeeting } from '$lib/store/meetings';
import { LocalChange } from '$lib/store/room-doc';
import { addSuggestion } from '$lib/store/suggestions';
import type { Room, Workspace } from '$lib/sync/workspace.svelte';
import { MeetingPage } from '../../../src/routes/meetings/[id]/meeting-page.svelte';
import { Confirmation } from '$lib/ui/confirm/confirmation.svelte';
import { context, newDevice, open, suggestionFields } from '../store/helpers';
import { testRoom } from '../helpers/rooms';

/**
 * A council meeting's page state (issue 14, the code of the screens): found in the community
 * rooms, its items' outcomes by the city's rules, a refused vote and a refused finalisation
 * explained, the minutes typed as one edit of this visit, and nothing finalised unconfirmed.
 */

async function meetingRoom() {
	const roomDoc = await open(newDevice());
	const ctx = context(roomDoc);
	const s1 = await addSuggestion(ctx, { ...suggestionFields, title: '货车夜间乱停' }, []);
	const meeting = await createMeeting(ctx, {
		date: '2020-11-28',
		place: '社区活动室',
		topic: '十一月议事会',
		names: ['高丽萍', '王建国'],
		headCount: 9,
		councilMembers: 15,
		agenda: [{ room: roomDoc.room, id: s1.id }]
	});
	const room = testRoom(roomDoc);
	// The city's rules of the year come with the city room, which a test may open later.
	const cityDoc = await open(newDevice(), 'city');
	createRecord(
		cityDoc.doc,
		'cityRules',
		{ ...ZHANGJIAGANG_2020, id: 'r', createdAt: '2020-01-01T00:00:00.000Z', createdBy: 'admin' },
		new LocalChange('setRules', 'admin'),
		{ id: 'admin', name: 'admin' },
		new Date('2020-01-01T00:00:00.000Z')
	);
	const kept = $state<{ city?: Room }>({ city: testRoom(cityDoc, 'read') });
	const viewing: (string | undefined)[] = [];
	const workspace = {
		communityRooms: [{ room, name: '塘莲' }],
		rooms: new Map([[room.name, room]]),
		townRoomOf: () => undefined,
		get cityRoom() {
			return kept.city;
		},
		financeRoom: undefined,
		placeOf: () => ({ communityId: 'tanglian', townId: 'jingkai' }),
		commandContext: () => ctx,
		viewing: (_room: Room, id: string | undefined) => viewing.push(id),
		photosAdded: () => undefined
	} as unknown as Workspace;
	return { roomDoc, room, meeting, s1, workspace, viewing, kept };
}

describe("a council meeting's page", () => {
	it('shows the meeting, explains a refused vote, and types the minutes as one edit', async () => {
		const { roomDoc, room, meeting, s1, workspace, viewing, kept } = await meetingRoom();
		const city = kept.city;
		kept.city = undefined;
		let page!: MeetingPage;
		const stop = $effect.root(() => {
			page = new MeetingPage(workspace, () => meeting.id);
		});
		flushSync();
		expect(page.meeting?.topic).toBe('十一月议事会');
		expect(page.suggestionTitle({ room: room.name, id: s1.id })).toBe('货车夜间乱停');
		expect(page.suggestionTitle({ room: 'community:other', id: 'x-1' })).toBe('x-1');
		expect([page.canWrite, page.locked]).toEqual([true, false]);
		expect(viewing).toEqual([meeting.id]);

		// No rules to count against (the city room not here yet): said, and nothing recorded.
		const item = meeting.agenda[0]!.id;
		await page.vote(item, { for: 7, against: 1, abstain: 1 });
		const noRules = page.error;
		expect(noRules).toMatch(/2020/);
		expect(page.outcomes[0]?.result).toBeUndefined();
		kept.city = city;
		flushSync();

		// More votes than people present: refused, with the reason, and nothing recorded.
		await page.vote(item, { for: 9, against: 1, abstain: 0 });
		expect(page.error).toBeTruthy();
		expect(page.error).not.toBe(noRules);
		expect(page.outcomes[0]?.result).toBeUndefined();
		await page.vote(item, { for: 7, against: 1, abstain: 1 });
		flushSync();
		expect(page.error).toBeUndefined();
		expect(page.outcomes[0]?.result?.outcome).toBe('passed');

		const origins = new Set<unknown>();
		roomDoc.doc.on('afterTransaction', (tr) => origins.add(tr.origin));
		page.type('第一行', 3);
		page.type('第一行\n第二行', 7);
		flushSync();
		expect(page.minutes?.toString()).toBe('第一行\n第二行');
		expect(origins.size).toBe(1);
		expect(page.history.length).toBeGreaterThan(0);

		stop();
		expect(viewing).toEqual([meeting.id, undefined]);
		await roomDoc.close();
	});

	it('finalises only when confirmed, and then locks the page', async () => {
		const { roomDoc, meeting, workspace } = await meetingRoom();
		let page!: MeetingPage;
		const stop = $effect.root(() => {
			page = new MeetingPage(workspace, () => meeting.id);
		});
		const answer = (confirmation: Confirmation, yes: boolean) =>
			queueMicrotask(() => confirmation.answer(yes));
		answer(page.confirmation, false);
		await page.finalise();
		flushSync();
		expect([page.locked, page.meeting?.finalisedAt]).toEqual([false, undefined]);
		answer(page.confirmation, true);
		await page.finalise();
		flushSync();
		expect(page.locked).toBe(true);
		expect(page.meeting?.finalisedAt).toBeTruthy();
		expect(page.matches).toBe(true);
		// Finalised is final: asked again, it is refused with the reason.
		answer(page.confirmation, true);
		await page.finalise();
		expect(page.error).toBeTruthy();
		stop();
		await roomDoc.close();
	});
});
