import { describe, expect, it } from 'vitest';
import { findCapBreaches, projectBudgetFen } from '$lib/domain/budget';
import { PROJECT_STATUSES, type Project, type ProjectStatus } from '$lib/domain/records';
import {
	byTown,
	cityFigures,
	communitiesWithoutProject,
	forYear,
	monthlyProgress,
	workflowFunnel,
	percentRounded,
	type CommunityEntry
} from '$lib/domain/report';
import { ZHANGJIAGANG_2020 } from '$lib/domain/rules';
import { budget, makeProject, makeSuggestion } from './factories';

/**
 * A city like the one DOMAIN.md reports on (to September 2020): 10 towns, 128 communities of which
 * 126 have projects; 924 projects (618 engineering, 306 service) of 2018–2020 with budgets adding up
 * to exactly 43,296,700 yuan, every one within the 2020 caps; plus the noise a real data set has —
 * drafts, proposals under review, returned and rejected ones, archived records — that must not count.
 */
function reportedCity() {
	const communities: CommunityEntry[] = Array.from({ length: 128 }, (_, i) => ({
		id: `c${String(i).padStart(3, '0')}`,
		townId: `t${i % 10}`
	}));
	const covered = communities.slice(0, 126);
	const produced: ProjectStatus[] = [
		'approved',
		'in_progress',
		'completed',
		'accepted',
		'disbursed',
		'closed'
	];

	// 924 = 126 × 7 + 42: the first 42 communities have 8 projects, the others 7, over three years.
	const slots: { community: CommunityEntry; year: number }[] = [];
	covered.forEach((community, c) => {
		const years =
			c < 42
				? [2018, 2018, 2018, 2019, 2019, 2019, 2020, 2020]
				: [2018, 2018, 2019, 2019, 2019, 2020, 2020];
		for (const year of years) slots.push({ community, year });
	});

	const target = 43_296_700_00;
	const raw = slots.map((_, i) => 46_000_00 + ((i * 3_719) % 1_717_00));
	const rawSum = raw.reduce((a, b) => a + b, 0);
	const each = Math.floor((target - rawSum) / raw.length);
	const rest = target - rawSum - each * raw.length;
	const amounts = raw.map((fen, i) => fen + each + (i < rest ? 1 : 0));

	const projects: Project[] = slots.map(({ community, year }, i) =>
		makeProject({
			id: `p${i}`,
			communityId: community.id,
			townId: community.townId,
			year,
			// Every third project is a service one, up to 306 of them; the rest are engineering.
			type: i % 3 === 2 && i < 918 ? 'service' : 'engineering',
			budget: budget(amounts[i]! - 1_000_00, 1_000_00),
			status: produced[i % produced.length]!,
			submittedAt: '2020-01-02T02:00:00.000Z',
			decidedAt: '2020-01-06T02:00:00.000Z'
		})
	);
	const noise: Project[] = [
		...(['draft', 'submitted', 'returned', 'rejected'] as const).map((status, i) =>
			makeProject({
				id: `n${i}`,
				communityId: 'c126',
				townId: 't6',
				status,
				type: 'goods',
				budget: budget(50_000_00)
			})
		),
		makeProject({
			id: 'n-rejected',
			communityId: 'c127',
			townId: 't7',
			status: 'rejected',
			budget: budget(50_000_00)
		}),
		makeProject({
			id: 'n-archived',
			communityId: 'c127',
			townId: 't7',
			status: 'approved',
			archived: true,
			budget: budget(50_000_00)
		})
	];

	const suggestions = [
		...Array.from({ length: 1_448 }, (_, i) => makeSuggestion({ id: `s${i}` })),
		...Array.from({ length: 12 }, (_, i) => makeSuggestion({ id: `dup${i}`, archived: true }))
	];
	return { communities, projects: [...projects, ...noise], suggestions };
}

describe('city figures (DOMAIN.md, "The numbers the city reports")', () => {
	const city = reportedCity();

	it('builds a data set that keeps the programme rules', () => {
		expect(
			city.projects.filter(
				(p) => p.status !== 'draft' && projectBudgetFen(p) > ZHANGJIAGANG_2020.projectCapFen
			)
		).toEqual([]);
		expect(findCapBreaches(city.projects, ZHANGJIAGANG_2020)).toEqual([]);
	});

	it('reproduces the reported figures exactly', () => {
		const figures = cityFigures(city);
		expect(figures).toEqual({
			suggestionsCollected: 1_448,
			projectsProduced: 924,
			byType: { engineering: 618, service: 306 },
			budgetFen: 43_296_700_00,
			budgetWan: '4,329.67万元',
			communitiesCovered: { covered: 126, total: 128, percent: 98 }
		});
	});

	it('counts a type the rules add even before any project has it', () => {
		expect(
			cityFigures({ ...city, projectTypes: ['engineering', 'service', 'goods'] }).byType
		).toEqual({
			engineering: 618,
			service: 306,
			goods: 0
		});
	});

	it('changes when a community gains its first project', () => {
		const extra = makeProject({
			id: 'x',
			communityId: 'c127',
			townId: 't7',
			status: 'approved',
			budget: budget(1_00)
		});
		const figures = cityFigures({ ...city, projects: [...city.projects, extra] });
		expect(figures.communitiesCovered).toEqual({ covered: 127, total: 128, percent: 99 });
		expect(figures.budgetFen).toBe(43_296_701_00);
	});
});

describe('percentRounded', () => {
	it('rounds half up to a whole percent', () => {
		expect(percentRounded(126, 128)).toBe(98);
		expect(percentRounded(1, 200)).toBe(1);
		expect(percentRounded(199, 200)).toBe(100);
		expect(percentRounded(1, 3)).toBe(33);
		expect(percentRounded(2, 3)).toBe(67);
		expect(percentRounded(0, 0)).toBe(0);
	});
});

describe('monthly progress per town', () => {
	const p = (id: string, townId: string, status: ProjectStatus, extra: Partial<Project> = {}) =>
		makeProject({ id, townId, status, ...extra });

	it('counts each town’s projects by status and the month’s steps in China time', () => {
		const projects = [
			// Submitted 30 Sep 23:30 in China: a September step, although it is 15:30 UTC.
			p('a', 'jingkai', 'submitted', { submittedAt: '2020-09-30T15:30:00.000Z' }),
			// Approved at 00:30 on 1 October in China: an October step.
			p('b', 'jingkai', 'approved', {
				submittedAt: '2020-09-21T01:00:00.000Z',
				decidedAt: '2020-09-30T16:30:00.000Z'
			}),
			p('c', 'jingkai', 'returned', {
				submittedAt: '2020-09-01T01:00:00.000Z',
				decidedAt: '2020-09-03T01:00:00.000Z'
			}),
			p('d', 'yangshe', 'disbursed', {
				submittedAt: '2020-06-01T01:00:00.000Z',
				decidedAt: '2020-06-05T01:00:00.000Z',
				completedAt: '2020-09-10T01:00:00.000Z',
				disbursedAt: '2020-09-25T01:00:00.000Z'
			}),
			p('e', 'yangshe', 'draft', { archived: true }),
			p('f', 'leyu', 'draft')
		];
		const september = monthlyProgress(projects, ['yangshe', 'jingkai', 'fenghuang'], '2020-09');
		expect(september.map((t) => t.townId)).toEqual(['yangshe', 'jingkai', 'fenghuang', 'leyu']);
		const [yangshe, jingkai, fenghuang] = september;
		expect(jingkai?.total).toBe(3);
		expect(jingkai?.byStatus).toMatchObject({ submitted: 1, approved: 1, returned: 1, draft: 0 });
		expect(Object.keys(jingkai?.byStatus ?? {})).toEqual([...PROJECT_STATUSES]);
		expect(jingkai?.inMonth).toEqual({ submitted: 3, approved: 0, completed: 0, disbursed: 0 });
		expect(yangshe?.total).toBe(1);
		expect(yangshe?.inMonth).toEqual({ submitted: 0, approved: 0, completed: 1, disbursed: 1 });
		expect(fenghuang?.total).toBe(0);
		const october = monthlyProgress(projects, ['jingkai'], '2020-10');
		expect(october[0]?.inMonth).toEqual({ submitted: 0, approved: 1, completed: 0, disbursed: 0 });
	});

	it('refuses a month that is not YYYY-MM', () => {
		expect(() => monthlyProgress([], [], '2020-9')).toThrow(/YYYY-MM/);
	});
});

describe("the dashboard's views", () => {
	const p = (
		id: string,
		status: ProjectStatus,
		year = 2020,
		townId = 'jingkai',
		communityId = 'tanglian'
	) =>
		makeProject({
			id,
			status,
			year,
			townId,
			communityId,
			submittedAt: '2020-03-02T02:00:00.000Z',
			decidedAt: '2020-03-05T02:00:00.000Z'
		});
	const projects = [
		p('a', 'completed'),
		p('b', 'approved', 2019),
		p('c', 'submitted'),
		p('d', 'draft'),
		p('e', 'closed', 2020, 'yangshe', 'daxin')
	];
	const suggestions = [
		makeSuggestion({ id: 's1', status: 'adopted', createdAt: '2019-12-31T17:00:00.000Z' }), // 2020 in China
		makeSuggestion({ id: 's2', status: 'open', createdAt: '2019-06-01T02:00:00.000Z' }),
		makeSuggestion({ id: 's3', status: 'adopted', archived: true })
	];

	it('filter by programme year, suggestions by their day in China', () => {
		const y2020 = forYear({ suggestions, projects }, 2020);
		// Archived ones are kept here; the figures leave them out.
		expect(y2020.suggestions.map((s) => s.id)).toEqual(['s1', 's3']);
		expect(y2020.projects.map((x) => x.id)).toEqual(['a', 'c', 'd', 'e']);
		expect(forYear({ suggestions, projects }, undefined).projects).toHaveLength(5);
	});

	it('count each step of the workflow', () => {
		expect(workflowFunnel(suggestions, projects)).toEqual([
			{ step: 'collected', count: 2 },
			{ step: 'adopted', count: 1 },
			{ step: 'submitted', count: 4 },
			{ step: 'produced', count: 3 },
			{ step: 'completed', count: 2 }
		]);
	});

	it('sum produced projects per town and list communities with none', () => {
		expect(byTown(projects, [{ id: 'jingkai' }, { id: 'yangshe' }, { id: 'x' }])).toEqual([
			{ townId: 'jingkai', projects: 2, budgetFen: 60_000_00 },
			{ townId: 'yangshe', projects: 1, budgetFen: 30_000_00 },
			{ townId: 'x', projects: 0, budgetFen: 0 }
		]);
		const communities = [
			{ id: 'tanglian', townId: 'jingkai' },
			{ id: 'daxin', townId: 'yangshe' },
			{ id: 'empty', townId: 'x' }
		];
		expect(communitiesWithoutProject(projects, communities).map((c) => c.id)).toEqual(['empty']);
	});
});
