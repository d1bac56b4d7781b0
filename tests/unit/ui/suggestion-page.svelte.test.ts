import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { docRecords, validRecords } from '$lib/doc/records';
import { addSuggestion, readContact } from '$lib/store/suggestions';
import type { Room, Workspace } from '$lib/sync/workspace.svelte';
import { SuggestionPage } from '../../../src/routes/suggestions/[id]/suggestion-page.svelte';
import { context, newDevice, open } from '../store/helpers';
import { testRoom } from '../helpers/rooms';

/**
 * A suggestion's page state (issue 14, the code of the screens): the resident's contact only for
 * the community's own worker, an edit that writes the contact into the contacts room, and a city
 * role's device joining the community named in the address, once.
 */

const base = {
	description: '路口的灯坏了三天',
	channel: 'council' as const,
	estate: '一区',
	building: '3 幢',
	category: '',
	urgent: false
};

async function rooms() {
	const community = testRoom(await open(newDevice()));
	const contacts = testRoom(await open(newDevice(), 'contacts:tanglian'));
	const s = await addSuggestion(
		context(community.roomDoc),
		{ ...base, title: '路灯不亮', residentName: '李阿姨', residentPhone: '13800001234' },
		[],
		context(contacts.roomDoc)
	);
	return { community, contacts, s };
}

function workspaceOf(
	user: { role: string; scope: string },
	kept: { community?: Room; contacts?: Room },
	joined: string[] = []
) {
	const viewing: (string | undefined)[] = [];
	const workspace = {
		session: { user: { id: 'u1', name: '一号', username: 'u1', ...user } },
		get communityRooms() {
			return kept.community ? [{ room: kept.community, name: '塘莲' }] : [];
		},
		communityChoices: [{ id: 'tanglian', name: '塘莲', townId: 'jingkai' }],
		rooms: new Map(),
		readsCityFromServer: user.role !== 'worker',
		contactsRoomOf: () => kept.contacts,
		commandContext: (room: Room) => context(room.roomDoc),
		viewing: (_room: Room, id: string | undefined) => viewing.push(id),
		joinCommunity: async (id: string) => joined.push(id),
		photosAdded: () => undefined
	} as unknown as Workspace;
	return { workspace, viewing };
}

describe("a suggestion's page", () => {
	it("shows the resident's contact to the community's worker, and saves an edit of it where it is kept", async () => {
		const { community, contacts, s } = await rooms();
		const { workspace, viewing } = workspaceOf(
			{ role: 'worker', scope: 'community:tanglian' },
			{ community, contacts }
		);
		let page!: SuggestionPage;
		const stop = $effect.root(() => {
			page = new SuggestionPage(
				workspace,
				() => s.id,
				() => null
			);
		});
		flushSync();
		expect([page.found?.room, page.showContact, page.contact]).toEqual([
			community,
			true,
			{ residentName: '李阿姨', residentPhone: '13800001234' }
		]);
		expect(page.current.title).toBe('路灯不亮');
		expect(viewing).toEqual([s.id]);

		await page.save({ title: '3 号楼路灯不亮', residentPhone: '13900005678' }, []);
		flushSync();
		expect(page.current.title).toBe('3 号楼路灯不亮');
		expect(page.contact.residentPhone).toBe('13900005678');
		// The phone went to the contacts room, not into the suggestion that more people read.
		const [stored] = validRecords(community.doc, 'suggestion');
		expect(JSON.stringify(stored)).not.toContain('13900005678');
		expect(
			readContact(docRecords(contacts.doc), community.record('suggestion', s.id)!).residentPhone
		).toBe('13900005678');
		expect(viewing).toEqual([s.id]);
		stop();
		expect(viewing).toEqual([s.id, undefined]);
	});

	it('hides the contact from everyone else, and a city role joins the named community once', async () => {
		const { community, s } = await rooms();
		const kept = $state<{ community?: Room }>({});
		const joined: string[] = [];
		const { workspace } = workspaceOf({ role: 'supervisor', scope: 'city' }, kept, joined);
		let page!: SuggestionPage;
		const stop = $effect.root(() => {
			page = new SuggestionPage(
				workspace,
				() => s.id,
				() => 'tanglian'
			);
		});
		flushSync();
		expect([page.found, page.opening, page.community?.name]).toEqual([undefined, true, '塘莲']);
		expect(joined).toEqual(['tanglian']);
		kept.community = community;
		flushSync();
		expect(page.found?.room).toBe(community);
		expect([page.opening, page.showContact, page.contact.residentPhone]).toEqual([
			false,
			false,
			''
		]);
		expect(joined).toEqual(['tanglian']);
		stop();
	});
});
