import { describe, expect, it } from 'vitest';
import {
	closeRectification,
	recordInspection,
	RectificationRefusedError
} from '$lib/store/inspections';
import { readRecord, readRecords } from '$lib/store/records';
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
