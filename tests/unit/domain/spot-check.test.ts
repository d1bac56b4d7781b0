import { describe, expect, it } from 'vitest';
import {
	findingProblems,
	findingRectification,
	rectificationDueDate,
	spotCheckPopulation,
	spotCheckSummary,
	type FindingKind,
	type Rectification,
	type SpotCheckFinding
} from '$lib/domain';
import { makeProject } from './factories';

const ref = (id: string) => ({ room: 'community:tanglian', id });
const project = (id: string, over: Parameters<typeof makeProject>[0]) => ({
	...makeProject({ id, ...over }),
	ref: ref(id)
});

describe('the spot-check population', () => {
	it('holds the projects of the chosen years recorded as paid in full, stratified by type and town', () => {
		const projects = [
			project('a', { status: 'disbursed', year: 2018 }),
			project('b', { status: 'closed', year: 2019, type: 'service', townId: 'yangshe' }),
			project('a2', { status: 'accepted', year: 2018 }),
			project('a3', { status: 'completed', year: 2019 }),
			project('c', { status: 'in_progress', year: 2019 }),
			project('d', { status: 'disbursed', year: 2020 }),
			project('e', { status: 'disbursed', year: 2018, archived: true })
		];
		expect(spotCheckPopulation(projects, [2018, 2019])).toEqual([
			{ id: 'a', stratum: 'engineering|jingkai', room: 'community:tanglian' },
			{ id: 'b', stratum: 'service|yangshe', room: 'community:tanglian' }
		]);
	});
});

describe('spot-check findings', () => {
	const sample = Array.from({ length: 40 }, (_, i) => `p${i + 1}`);
	const campaign = { id: 'c-1', sample };
	const finding = (
		id: string,
		project: string,
		kind: FindingKind,
		over: Partial<SpotCheckFinding> = {}
	): SpotCheckFinding => ({
		id,
		createdAt: '2020-09-01T02:00:00.000Z',
		createdBy: 'city-supervisor',
		campaign: { room: 'city', id: 'c-1' },
		project: ref(project),
		kind,
		note: '',
		rectification: { room: 'city', id: `r-${id}` },
		photos: [],
		...over
	});
	const rect = (findingId: string, over: Partial<Rectification> = {}): Rectification => ({
		id: `r-${findingId}`,
		createdAt: '2020-09-01T02:00:00.000Z',
		createdBy: 'city-supervisor',
		subject: { room: 'city', id: findingId },
		orderedBy: '市民政局',
		orderedAt: '2020-09-01T02:00:00.000Z',
		description: '整改',
		dueDate: '2020-10-01',
		photos: [],
		...over
	});
	// DOMAIN.md's 2020 campaign; p6 has two sign findings and p4 two kinds: projects are counted.
	const findings = [
		finding('f1', 'p1', 'not-disbursed'),
		finding('f2', 'p2', 'low-usage'),
		finding('f3', 'p3', 'low-usage'),
		finding('f4', 'p4', 'needs-maintenance'),
		finding('f5', 'p5', 'needs-maintenance'),
		finding('f6', 'p6', 'sign-damaged'),
		finding('f7', 'p6', 'sign-damaged'),
		finding('f8', 'p7', 'sign-damaged'),
		finding('f9', 'p4', 'sign-damaged'),
		// Not counted: archived, another campaign, a project outside the sample.
		finding('f10', 'p8', 'other', { archived: true }),
		finding('f11', 'p9', 'other', { campaign: { room: 'city', id: 'c-2' } }),
		finding('f12', 'outsider', 'other')
	];
	const closed = { done: true, doneAt: '2020-09-10T02:00:00.000Z' };
	const rectifications = findings.map((f) =>
		rect(f.id, f.id === 'f1' || f.id === 'f2' ? closed : {})
	);
	const now = '2020-09-20T02:00:00.000Z';

	it('count projects per category, rectifications done and open, in the city’s sentence', () => {
		const s = spotCheckSummary(campaign, findings, rectifications, now);
		expect(s.checked).toBe(40);
		expect(s.byKind).toEqual({
			'not-disbursed': 1,
			'low-usage': 2,
			'needs-maintenance': 2,
			'sign-damaged': 3,
			other: 0
		});
		expect(s.findings).toBe(9);
		expect(s.projectsWithFindings).toBe(7);
		expect(s.rectifications).toEqual({ done: 2, open: 7, overdue: 0 });
		expect(s.message.code).toBe('spotCheck.summary');
		expect(s.message.zh).toBe(
			'抽查 40 个项目：资金未拨付 1 个，使用率低 2 个，需维修 2 个，标识牌损坏或缺失 3 个，其他 0 个；整改已完成 2 项，未完成 7 项'
		);
		expect(s.message.en).toBe(
			'40 checked: 1 funds not disbursed, 2 low usage, 2 needs maintenance, 3 sign damaged or missing, 0 other; 2 rectifications done, 7 open'
		);
		expect(s.message.params).toMatchObject({ checked: 40, 'sign-damaged': 3, done: 2, open: 7 });
	});

	it('name the overdue rectifications, and ignore archived ones', () => {
		const late = rectifications.map((r) =>
			r.id === 'r-f3'
				? { ...r, dueDate: '2020-09-19' }
				: r.id === 'r-f4'
					? { ...r, archived: true }
					: r
		);
		const s = spotCheckSummary(campaign, findings, late, now);
		expect(s.rectifications).toEqual({ done: 2, open: 6, overdue: 1 });
		expect(s.message.zh).toMatch(/整改已完成 2 项，未完成 6 项（其中逾期 1 项）$/);
		expect(s.message.en).toMatch(/; 2 rectifications done, 6 open \(1 overdue\)$/);
	});

	it('say "0 other" and a single rectification properly when there is little to report', () => {
		const s = spotCheckSummary(campaign, [findings[0]!], [rect('f1', { done: true })], now);
		expect(s.message.en).toBe(
			'40 checked: 1 funds not disbursed, 0 low usage, 0 needs maintenance, 0 sign damaged or missing, 0 other; 1 rectification done, 0 open'
		);
		expect(spotCheckSummary({ id: 'c-2', sample }, findings, rectifications, now).byKind).toEqual({
			'not-disbursed': 0,
			'low-usage': 0,
			'needs-maintenance': 0,
			'sign-damaged': 0,
			other: 1
		});
	});

	it('are made only on the drawn projects of a campaign still open', () => {
		const drawn = {
			sample: ['p1'],
			population: [
				{ id: 'p1', stratum: 'engineering|jingkai', room: 'community:tanglian' },
				{ id: 'p2', stratum: 'engineering|jingkai', room: 'community:tanglian' }
			]
		};
		expect(findingProblems(drawn, ref('p1'))).toEqual([]);
		expect(findingProblems(drawn, ref('p2')).map((p) => p.code)).toEqual(['spotCheck.notInSample']);
		expect(
			findingProblems(drawn, { room: 'community:daxin', id: 'p1' }).map((p) => p.code)
		).toEqual(['spotCheck.notInSample']);
		expect(findingProblems({ ...drawn, archived: true }, ref('p1')).map((p) => p.code)).toEqual([
			'spotCheck.campaignArchived'
		]);
	});

	it('open a rectification named by category and note, due by the city’s rule', () => {
		const at = '2020-09-01T17:00:00.000Z'; // already 2 September in China
		expect(
			findingRectification({ kind: 'sign-damaged', note: ' 东门标识牌倒伏 ' }, at, undefined)
		).toEqual({ description: '标识牌损坏或缺失：东门标识牌倒伏', dueDate: '2020-10-02' });
		expect(
			findingRectification({ kind: 'low-usage', note: '' }, at, { rectificationDays: 10 })
		).toEqual({
			description: '使用率低',
			dueDate: rectificationDueDate(at, { rectificationDays: 10 })
		});
		expect(rectificationDueDate(at, { rectificationDays: 10 })).toBe('2020-09-12');
	});
});
