import { describe, expect, it } from 'vitest';
import {
	assembleCity,
	dashboardView,
	rectificationsView,
	ZHANGJIAGANG_2020,
	type Rectification,
	type RoomRecords
} from '$lib/domain';
import { makeProject } from './factories';

const rectification = (id: string, subjectRoom: string, over: Partial<Rectification> = {}) =>
	({
		id,
		createdAt: '2020-06-01T02:00:00.000Z',
		createdBy: 'x',
		subject: { room: subjectRoom, id: 'p' },
		orderedBy: 'x',
		orderedAt: '2020-06-01T02:00:00.000Z',
		description: id,
		dueDate: '2020-06-15',
		photos: [],
		...over
	}) satisfies Rectification;

describe("the dashboard's overdue work by town", () => {
	it('counts late reviews and rectifications in the town they belong to, wherever ordered', () => {
		const rules = {
			...ZHANGJIAGANG_2020,
			id: 'r',
			createdAt: '2020-01-01T00:00:00.000Z',
			createdBy: 'admin'
		};
		const rooms = new Map<string, RoomRecords>([
			['city', { cityRules: [rules], rectification: [rectification('spot', 'community:daxin')] }],
			['town:jingkai', { rectification: [rectification('quarterly', 'community:tanglian')] }],
			[
				'community:tanglian',
				{
					project: [
						makeProject({
							id: 'late',
							status: 'submitted',
							submittedAt: '2020-06-01T02:00:00.000Z'
						})
					],
					rectification: [
						rectification('own', 'community:tanglian'),
						rectification('done', 'community:tanglian', { done: true })
					]
				}
			],
			['community:daxin', {}]
		]);
		const townOf = (id: string) => ({ tanglian: 'jingkai', daxin: 'yangshe' })[id];
		const records = assembleCity(rooms, townOf);
		const view = dashboardView(
			records,
			{
				towns: [{ id: 'jingkai' }, { id: 'yangshe' }],
				communities: [
					{ id: 'tanglian', townId: 'jingkai' },
					{ id: 'daxin', townId: 'yangshe' }
				]
			},
			undefined,
			'2020-07-02T02:00:00.000Z'
		);
		expect(view.overdueReviews).toBe(1);
		expect(view.overdueRectifications).toBe(3);
		expect(view.overdueByTown).toEqual([
			{ townId: 'jingkai', reviews: 1, rectifications: 2 },
			{ townId: 'yangshe', reviews: 0, rectifications: 1 }
		]);

		// The same rectifications as the city's list: open ones only, late first, by town.
		const list = rectificationsView(records, '2020-07-02T02:00:00.000Z');
		expect(list).toMatchObject({ open: 3, overdue: 3 });
		expect(list.byTown).toEqual([
			{ townId: 'jingkai', open: 2, overdue: 2 },
			{ townId: 'yangshe', open: 1, overdue: 1 }
		]);
		expect(list.first.map((r) => [r.id, r.room, r.townId])).toEqual([
			['own', 'community:tanglian', 'jingkai'],
			['quarterly', 'town:jingkai', 'jingkai'],
			['spot', 'city', 'yangshe']
		]);
		// Before the due day nothing is late.
		expect(rectificationsView(records, '2020-06-10T02:00:00.000Z').overdue).toBe(0);
	});
});
