import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { ZHANGJIAGANG_2020 } from '$lib/domain';
import { createRecord } from '$lib/doc/records';
import { LocalChange } from '$lib/store/room-doc';
import { addSuggestion } from '$lib/store/suggestions';
import { cityRecords, communityProjects } from '$lib/sync/project-view';
import type { Workspace } from '$lib/sync/workspace.svelte';
import { context, newDevice, open, suggestionFields } from '../store/helpers';
import { testRoom } from '../helpers/rooms';

/**
 * What the screens read across rooms (a community's projects with the town's, the city's and
 * finance's records applied; the city's records of every room kept) is read through each room's
 * queries: a screen deriving it sees a change in any of them.
 */

const admin = { id: 'admin', name: 'admin' };
describe('reads across rooms', () => {
	it('rerun on a change in the city room as in the community room', async () => {
		const community = testRoom(await open(newDevice()));
		const city = testRoom(await open(newDevice(), 'city'), 'read');
		const workspace = {
			townRoomOf: () => undefined,
			cityRoom: city,
			financeRoom: undefined,
			placeOf: () => ({ communityId: 'tanglian', townId: 'jingkai' }),
			rooms: new Map([
				[community.name, community],
				[city.name, city]
			]),
			session: { directory: { towns: [], communities: [{ id: 'tanglian', townId: 'jingkai' }] } }
		} as unknown as Workspace;
		let seen!: () => [number, number, number];
		const stop = $effect.root(() => {
			const rules = $derived(communityProjects(workspace, community).rules.length);
			const cityRules = $derived(cityRecords(workspace).rules.length);
			const suggestions = $derived(cityRecords(workspace).suggestions.length);
			seen = () => [rules, cityRules, suggestions];
		});
		expect(seen()).toEqual([0, 0, 0]);

		createRecord(
			city.doc,
			'cityRules',
			{ ...ZHANGJIAGANG_2020, id: 'r', createdAt: '2020-01-01T00:00:00.000Z', createdBy: 'admin' },
			new LocalChange('setRules', 'admin'),
			admin,
			new Date('2020-01-01T00:00:00.000Z')
		);
		flushSync();
		expect(seen()).toEqual([1, 1, 0]);

		await addSuggestion(context(community.roomDoc), { ...suggestionFields, title: '路灯不亮' }, []);
		flushSync();
		expect(seen()).toEqual([1, 1, 1]);
		stop();
	});
});
