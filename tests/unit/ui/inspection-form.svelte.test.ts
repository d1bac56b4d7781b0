import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { ZHANGJIAGANG_2020 } from '$lib/domain';
import { createRecord, validRecords } from '$lib/doc/records';
import { StorageFullError } from '$lib/store/db';
import { LocalChange } from '$lib/store/room-doc';
import type { Workspace } from '$lib/sync/workspace.svelte';
import { InspectionForm } from '../../../src/routes/inspections/new/inspection-form.svelte';
import { context, newDevice, open } from '../store/helpers';
import { testRoom } from '../helpers/rooms';

/**
 * The site inspection form's state (issue 14, the code of the screens): the checklist of the
 * city's rules, an order for each failed item due by the rules' days, a rectification only for
 * what failed when saved, and nothing typed lost when saving is refused.
 */

async function tablet(options: { full?: boolean } = {}) {
	const home = testRoom(await open(newDevice()));
	const city = testRoom(await open(newDevice(), 'city'), 'read');
	createRecord(
		city.doc,
		'cityRules',
		{
			...ZHANGJIAGANG_2020,
			year: 2026,
			id: 'r',
			createdAt: '2026-01-01T00:00:00.000Z',
			createdBy: 'admin'
		},
		new LocalChange('setRules', 'admin'),
		{ id: 'admin', name: 'admin' },
		new Date('2026-01-01T00:00:00.000Z')
	);
	let added = 0;
	const workspace = {
		home,
		communityRooms: [{ room: home, name: '塘莲' }],
		townRoomOf: () => undefined,
		cityRoom: city,
		financeRoom: undefined,
		placeOf: () => ({ communityId: 'tanglian', townId: 'jingkai' }),
		now: () => new Date('2026-11-28T02:00:00.000Z'),
		commandContext: () => {
			if (options.full) throw new StorageFullError(new DOMException('full', 'QuotaExceededError'));
			return context(home.roomDoc);
		},
		photosAdded: () => added++
	} as unknown as Workspace;
	return { home, workspace, added: () => added };
}

describe('the site inspection form', () => {
	it('orders a rectification for each item that failed when saved, due by the rules', async () => {
		const { home, workspace, added } = await tablet();
		let form!: InspectionForm;
		const stop = $effect.root(() => {
			form = new InspectionForm(workspace, { locate: async () => undefined });
		});
		expect(form.items.length).toBeGreaterThan(2);
		const [first, second] = form.items as [string, string];
		form.results[first] = 'fail';
		form.chosen(first, 'fail');
		expect(form.orders[first]?.dueDate).toBe(form.defaultDue);
		form.orders[first]!.description = '标识牌掉了';
		// Chosen again: what was typed stays.
		form.chosen(first, 'fail');
		expect(form.orders[first]?.description).toBe('标识牌掉了');
		// Failed, then found fine after all: no rectification for it.
		form.results[second] = 'fail';
		form.chosen(second, 'fail');
		form.results[second] = 'pass';
		form.chosen(second, 'pass');
		form.note = '整体良好';

		expect(await form.save()).toBe(true);
		flushSync();
		const [inspection] = validRecords(home.doc, 'siteInspection');
		expect(inspection?.problemFound).toBe(true);
		expect(inspection?.checklist?.map((c) => c.result).slice(0, 2)).toEqual(['fail', 'pass']);
		expect(validRecords(home.doc, 'rectification').map((r) => [r.description, r.dueDate])).toEqual([
			['标识牌掉了', form.defaultDue]
		]);
		expect([form.error, form.busy, added()]).toEqual([undefined, false, 1]);
		stop();
	});

	it('keeps everything typed, with the reason, when the device refuses to store it', async () => {
		const { home, workspace, added } = await tablet({ full: true });
		let form!: InspectionForm;
		const stop = $effect.root(() => {
			form = new InspectionForm(workspace, { locate: async () => undefined });
		});
		form.note = '楼道灯坏了';
		form.results[form.items[0]!] = 'fail';
		form.chosen(form.items[0]!, 'fail');
		expect(await form.save()).toBe(false);
		expect(form.error).toBeTruthy();
		expect([form.note, form.results[form.items[0]!], form.busy, added()]).toEqual([
			'楼道灯坏了',
			'fail',
			false,
			0
		]);
		expect(validRecords(home.doc, 'siteInspection')).toEqual([]);
		stop();
	});
});
