import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import type { PopulationEntry, SpotCheckCampaign } from '$lib/domain';
import { drawCampaign } from '$lib/store/spot-checks';
import type { Workspace } from '$lib/sync/workspace.svelte';
import { CampaignState } from '../../../src/routes/supervision/campaign-state.svelte';
import { context, newDevice, open } from '../store/helpers';
import { testRoom } from '../helpers/rooms';

/**
 * The spot-check campaign's screen state (issue 14, the code of the screens): what a supervisor
 * types about a sampled project outlives the campaign being read afresh on every change of the
 * city room, is cleared once recorded, and is kept with the reason when refused.
 */

const supervisor = { id: 'u-city-supervisor', name: '市民政局督查员' };
const population: PopulationEntry[] = Array.from({ length: 6 }, (_, i) => ({
	id: `p-${i + 1}`,
	stratum: i % 2 ? 'service|yangshe' : 'engineering|jingkai',
	room: i % 2 ? 'community:daxin' : 'community:tanglian'
}));

describe("a spot-check campaign's screen", () => {
	it('keeps a draft while the city room changes, records it, and keeps a refused one', async () => {
		const city = await open(newDevice(), 'city');
		const ctx = context(city, supervisor);
		const drawn = await drawCampaign(ctx, { years: [2019], size: 3, seed: 'seed', population });
		const room = testRoom(city);
		let added = 0;
		const workspace = {
			cityRoom: room,
			// The day the command's clock writes (helpers' fixedClock): the due day shown is the one kept.
			now: () => new Date('2026-11-28T02:00:30.000Z'),
			commandContext: () => ctx,
			photosAdded: () => added++
		} as unknown as Workspace;
		// The screen reads its campaign from the room, afresh after every change.
		const current = (): SpotCheckCampaign =>
			room.valid('spotCheckCampaign').find((c) => c.id === drawn.id)!;
		let screen!: CampaignState;
		const stop = $effect.root(() => {
			screen = new CampaignState(workspace, current);
		});
		const sampled = drawn.sample[0]!;
		const outside = population.find((e) => !drawn.sample.includes(e.id))!.id;
		expect([screen.canWrite, screen.summary.findings, screen.findingsOf[sampled]]).toEqual([
			true,
			0,
			undefined
		]);

		const draft = screen.draftOf(sampled);
		draft.open = true;
		draft.kind = 'low-usage';
		draft.note = '活动室白天锁门';
		await drawCampaign(ctx, { years: [2019], size: 2, seed: 'other', population });
		flushSync();
		expect(room.valid('spotCheckCampaign')).toHaveLength(2);
		expect(screen.draftOf(sampled)).toBe(draft);
		expect([draft.kind, draft.note]).toEqual(['low-usage', '活动室白天锁门']);

		await screen.save(sampled, draft);
		flushSync();
		expect(screen.findingsOf[sampled]?.map((f) => [f.kind, f.note])).toEqual([
			['low-usage', '活动室白天锁门']
		]);
		expect(screen.summary.findings).toBe(1);
		const rectification = screen.findingsOf[sampled]![0]!.rectification!;
		expect(screen.rectificationById.get(rectification.id)?.dueDate).toBe(screen.dueDate);
		expect([draft.kind, draft.note, draft.open, draft.error, added]).toEqual([
			'',
			'',
			false,
			undefined,
			1
		]);

		// A project the sample did not draw: refused, and what was typed stays with the reason.
		const refused = screen.draftOf(outside);
		refused.kind = 'not-disbursed';
		refused.note = '未拨付';
		await screen.save(outside, refused);
		expect(refused.error).toBeTruthy();
		expect([refused.kind, refused.note, refused.busy]).toEqual(['not-disbursed', '未拨付', false]);
		expect(screen.summary.findings).toBe(1);

		expect(screen.verified).toBeUndefined();
		screen.verify();
		expect(screen.verified).toBe(true);
		stop();
		await city.close();
	});
});
