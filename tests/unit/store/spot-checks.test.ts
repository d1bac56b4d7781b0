import { describe, expect, it } from 'vitest';
import { DomainError, type PopulationEntry } from '$lib/domain';
import { closeRectification, RectificationRefusedError } from '$lib/store/inspections';
import { readRecord, readRecords } from '$lib/doc/records';
import { readPhotoMeta } from '$lib/store/photos';
import { LocalChange } from '$lib/store/room-doc';
import { drawCampaign, FindingRefusedError, recordFinding } from '$lib/store/spot-checks';
import { context, fakePhoto, newDevice, open } from './helpers';

const supervisor = { id: 'u-city-supervisor', name: '市民政局督查员' };
const population: PopulationEntry[] = Array.from({ length: 6 }, (_, i) => ({
	id: `p-${i + 1}`,
	stratum: i % 2 ? 'service|yangshe' : 'engineering|jingkai',
	room: i % 2 ? 'community:daxin' : 'community:tanglian'
}));

async function cityWithCampaign() {
	const db = newDevice();
	const city = await open(db, 'city');
	const ctx = context(city, supervisor);
	const campaign = await drawCampaign(ctx, { years: [2019], size: 3, seed: 'seed', population });
	const sampled = population.find((e) => e.id === campaign.sample[0])!;
	const outside = population.find((e) => !campaign.sample.includes(e.id))!;
	return { db, city, ctx, campaign, sampled, outside };
}

describe('spot-check findings', () => {
	it('write the finding and its rectification in one change of the city room', async () => {
		const { db, city, ctx, campaign, sampled } = await cityWithCampaign();
		const changes: string[] = [];
		city.doc.on('afterTransaction', (tr) => {
			if (tr.origin instanceof LocalChange) changes.push(tr.origin.command);
		});
		const photo = await fakePhoto('sign');
		const { finding, rectification } = await recordFinding(
			ctx,
			{
				campaign,
				project: { room: sampled.room, id: sampled.id },
				kind: 'sign-damaged',
				note: ' 东门标识牌倒伏 ',
				owner: ' 杨舍镇社会事业局 ',
				photos: [photo]
			},
			undefined
		);
		expect(changes).toEqual(['recordFinding']);

		expect(readRecord(city.doc, 'spotCheckFinding', finding.id)?.record).toMatchObject({
			campaign: { room: 'city', id: campaign.id },
			project: { room: sampled.room, id: sampled.id },
			kind: 'sign-damaged',
			note: '东门标识牌倒伏',
			rectification: { room: 'city', id: rectification.id },
			photos: [photo.sha256]
		});
		expect(readRecord(city.doc, 'rectification', rectification.id)?.record).toMatchObject({
			subject: { room: 'city', id: finding.id },
			description: '标识牌损坏或缺失：东门标识牌倒伏',
			owner: '杨舍镇社会事业局',
			orderedBy: supervisor.name,
			dueDate: '2026-12-28', // 30 days after 28 November (the test clock)
			photos: []
		});
		expect(readPhotoMeta(city.doc, photo.sha256)?.addedBy).toBe(supervisor.id);
		expect(await db.photoQueue.get(photo.sha256)).toMatchObject({ room: 'city' });
	});

	it('take the due date from the city’s rules', async () => {
		const { ctx, campaign, sampled } = await cityWithCampaign();
		const { rectification } = await recordFinding(
			ctx,
			{ campaign, project: sampled, kind: 'low-usage', note: '', photos: [] },
			{ rectificationDays: 10 }
		);
		expect(rectification).toMatchObject({ description: '使用率低', dueDate: '2026-12-08' });
		expect(rectification.owner).toBeUndefined();
	});

	it('are refused on a project outside the sample, and nothing is stored', async () => {
		const { db, city, ctx, campaign, outside, sampled } = await cityWithCampaign();
		const attempt = (project: { room: string; id: string }) =>
			recordFinding(ctx, { campaign, project, kind: 'other', note: '', photos: [] }, undefined);
		const photo = await fakePhoto('outside');
		const refusal = recordFinding(
			ctx,
			{ campaign, project: outside, kind: 'other', note: '看看', photos: [photo] },
			undefined
		);
		await expect(refusal).rejects.toBeInstanceOf(FindingRefusedError);
		await expect(refusal).rejects.toBeInstanceOf(DomainError);
		await expect(refusal).rejects.toMatchObject({ code: 'spotCheck.findingRefused' });
		// The right id in another community's room is not the sampled project either.
		await expect(attempt({ room: 'community:elsewhere', id: sampled.id })).rejects.toBeInstanceOf(
			FindingRefusedError
		);
		expect(readRecords(city.doc, 'spotCheckFinding')).toEqual([]);
		expect(readRecords(city.doc, 'rectification')).toEqual([]);
		expect(await db.photos.get(photo.sha256)).toBeUndefined();
	});

	it('are kept in the city room only', async () => {
		const { campaign, sampled } = await cityWithCampaign();
		const community = await open(newDevice(), 'community:tanglian');
		await expect(
			recordFinding(
				context(community, supervisor),
				{ campaign, project: sampled, kind: 'other', note: '', photos: [] },
				undefined
			)
		).rejects.toThrow(/city room/);
		expect(readRecords(community.doc, 'spotCheckFinding')).toEqual([]);
	});

	it('open a rectification the supervisor closes in the city room, only with a photo', async () => {
		const { city, ctx, campaign, sampled } = await cityWithCampaign();
		const { rectification } = await recordFinding(
			ctx,
			{ campaign, project: sampled, kind: 'needs-maintenance', note: '步道破损', photos: [] },
			undefined
		);
		await expect(closeRectification(ctx, rectification, '已修好', [])).rejects.toBeInstanceOf(
			RectificationRefusedError
		);
		expect(readRecord(city.doc, 'rectification', rectification.id)?.record?.done).toBeUndefined();

		const evidence = await fakePhoto('repaired');
		await closeRectification(ctx, rectification, '已修好', [evidence]);
		expect(readRecord(city.doc, 'rectification', rectification.id)?.record).toMatchObject({
			done: true,
			doneNote: '已修好',
			photos: [evidence.sha256]
		});
		expect(readPhotoMeta(city.doc, evidence.sha256)).toBeDefined();
	});
});
