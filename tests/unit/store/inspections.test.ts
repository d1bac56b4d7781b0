import { describe, expect, it } from 'vitest';
import { rectificationsOrderedOn, reportsOn } from '$lib/domain';
import {
	closeRectification,
	closeRectificationOnReport,
	recordInspection,
	RectificationRefusedError,
	reportRectificationFixed
} from '$lib/store/inspections';
import { readRecord, readRecords } from '$lib/doc/records';
import { context, fakePhoto, newDevice, open, room } from './helpers';

describe('site inspections', () => {
	it('open a rectification for a failed item, which closes only with an evidence photo', async () => {
		const tablet = await open(newDevice());
		const ctx = context(tablet);
		const { inspection, rectifications } = await recordInspection(
			ctx,
			{
				kind: 'progress',
				project: { room, id: 'p-1' },
				note: '例行巡查',
				checklist: [
					{ item: 'sign', result: 'fail', note: '标识牌掉落' },
					{ item: 'in-use', result: 'pass' },
					{ item: 'safety', result: 'na' }
				],
				orders: { sign: { description: '重新安装标识牌', owner: '物业公司' } }
			},
			[await fakePhoto('site')],
			undefined
		);
		expect(readRecord(tablet.doc, 'siteInspection', inspection.id)?.record).toMatchObject({
			problemFound: true,
			checklist: [{ item: 'sign', result: 'fail' }, { item: 'in-use' }, { item: 'safety' }]
		});
		expect(rectifications).toHaveLength(1);
		const rect = readRecords(tablet.doc, 'rectification')[0]!.record!;
		expect(rect).toMatchObject({
			subject: { room, id: inspection.id },
			description: '重新安装标识牌',
			owner: '物业公司',
			dueDate: '2026-12-28' // 30 days after 28 November (the test clock)
		});

		await expect(closeRectification(ctx, rect, '已装好', [])).rejects.toBeInstanceOf(
			RectificationRefusedError
		);
		expect(readRecord(tablet.doc, 'rectification', rect.id)?.record?.done).toBeUndefined();
		const evidence = await fakePhoto('fixed');
		await closeRectification(ctx, rect, '已装好', [evidence]);
		expect(readRecord(tablet.doc, 'rectification', rect.id)?.record).toMatchObject({
			done: true,
			doneNote: '已装好',
			photos: [evidence.sha256]
		});
	});
});

describe("a rectification the town orders on a community's project", () => {
	it('is read by the community, reported fixed from its room with a photo, and closed by the town on it', async () => {
		const town = await open(newDevice(), 'town:jingkai');
		const community = await open(newDevice());
		const townCtx = context(town, { id: 'jingkai-reviewer', name: '经开区审核' });
		await recordInspection(
			townCtx,
			{
				kind: 'quarterly',
				project: { room, id: 'p-1' },
				note: '季度检查',
				checklist: [{ item: 'sign', result: 'fail', note: '标识牌缺失' }],
				orders: { sign: { description: '补装标识牌', owner: '汤联社区' } }
			},
			[],
			undefined
		);
		// Another community's order is not this community's.
		await recordInspection(
			townCtx,
			{
				kind: 'quarterly',
				project: { room: 'community:sanxing', id: 'p-9' },
				note: '',
				checklist: [{ item: 'safety', result: 'fail' }],
				orders: {}
			},
			[],
			undefined
		);
		const valid = <T>(list: { record?: T }[]) => list.flatMap((r) => (r.record ? [r.record] : []));
		const ordered = rectificationsOrderedOn(
			room,
			valid(readRecords(town.doc, 'siteInspection')),
			valid(readRecords(town.doc, 'rectification'))
		);
		expect(ordered.map((r) => r.description)).toEqual(['补装标识牌']);
		const rect = { ...ordered[0]!, room: 'town:jingkai' };

		const ctx = context(community);
		await expect(reportRectificationFixed(ctx, rect, '已补装', [])).rejects.toBeInstanceOf(
			RectificationRefusedError
		);
		const photo = await fakePhoto('fixed sign');
		const report = await reportRectificationFixed(ctx, rect, '已补装', [photo]);
		expect(await community.db.photoQueue.get(photo.sha256)).toBeDefined();
		const reports = reportsOn(rect.id, valid(readRecords(community.doc, 'rectificationReport')));
		expect(reports).toEqual([report]);

		await closeRectificationOnReport(townCtx, rect, { ...report, room }, '');
		const closed = readRecord(town.doc, 'rectification', rect.id)!;
		expect(closed.issues).toEqual([]);
		expect(closed.record).toMatchObject({
			done: true,
			doneNote: '已补装',
			closedOnReport: { room, id: report.id }
		});
		// Closed is closed: neither a second report nor a second closing.
		await expect(
			reportRectificationFixed(ctx, closed.record! as typeof rect, 'x', [photo])
		).rejects.toBeInstanceOf(RectificationRefusedError);
		await expect(
			closeRectificationOnReport(townCtx, closed.record!, { ...report, room }, '')
		).rejects.toBeInstanceOf(RectificationRefusedError);
	});
});
