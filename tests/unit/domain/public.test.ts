import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	PROJECT_STATUSES,
	isPublicProject,
	publicPhotos,
	publicProjectUrl,
	publicProjectView
} from '$lib/domain';
import { PHOTO, makeProject } from './factories';

const approved = makeProject({
	status: 'in_progress',
	submittedAt: '2020-03-02T02:00:00.000Z',
	decidedAt: '2020-03-05T02:00:00.000Z',
	startedAt: '2020-03-09T02:00:00.000Z',
	progress: [{ id: 'u', at: '2020-04-01T02:00:00.000Z', by: 'w', note: '一半', photos: [PHOTO] }]
});

const allowed = [
	'id',
	'communityId',
	'townId',
	'year',
	'title',
	'type',
	'summary',
	'status',
	'budgetFen',
	'budget',
	'dates',
	'progress',
	'completion'
];

describe('the public view of a project', () => {
	it('is given only once the town approved it, and never for an archived project', () => {
		for (const status of PROJECT_STATUSES) {
			const expected = !['draft', 'submitted', 'returned', 'rejected'].includes(status);
			expect(isPublicProject(makeProject({ status })), status).toBe(expected);
		}
		expect(isPublicProject({ ...approved, archived: true })).toBe(false);
		expect(publicProjectView(makeProject({ status: 'submitted' }))).toBeUndefined();
	});

	it('shows title, status, budget, dates and progress, and only those photos', () => {
		const view = publicProjectView(approved)!;
		expect(view).toMatchObject({
			title: approved.title,
			status: 'in_progress',
			budgetFen: 30_000_00,
			dates: { decidedAt: '2020-03-05T02:00:00.000Z', startedAt: '2020-03-09T02:00:00.000Z' }
		});
		expect(view.progress).toEqual([
			{ at: '2020-04-01T02:00:00.000Z', note: '一半', photos: [PHOTO] }
		]);
		expect([...publicPhotos(view)]).toEqual([PHOTO]);
	});

	it('never carries a field outside its allow-list, whatever a project holds', () => {
		fc.assert(
			fc.property(
				fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.string()),
				(extra) => {
					const project = {
						...extra,
						...approved,
						residentPhone: '13800001234',
						createdBy: 'tanglian-1'
					};
					const view = publicProjectView(project)!;
					expect(Object.keys(view).every((k) => allowed.includes(k))).toBe(true);
					const text = JSON.stringify(view);
					expect(text).not.toContain('13800001234');
					expect(text).not.toContain('tanglian-1');
					expect(text).not.toContain('s-1'); // the suggestion it came from
				}
			)
		);
	});
});

describe('the address printed on a sign', () => {
	it('is under the public address, whatever slashes it ends with, ids escaped', () => {
		expect(publicProjectUrl('https://kuaiban.zjg.gov.cn', 'tanglian', 'p-1')).toBe(
			'https://kuaiban.zjg.gov.cn/p/tanglian/p-1'
		);
		expect(publicProjectUrl('https://gov.example.cn/kuaiban//', 'tanglian', 'p-1')).toBe(
			'https://gov.example.cn/kuaiban/p/tanglian/p-1'
		);
		expect(publicProjectUrl('http://127.0.0.1:8791', 'a/b', 'x?y')).toBe(
			'http://127.0.0.1:8791/p/a%2Fb/x%3Fy'
		);
	});
});
