import { describe, expect, it } from 'vitest';
import { createRecord, readRecords } from '$lib/doc/records';
import {
	type ProjectList,
	type SuggestionList,
	shanghaiMonth,
	type DashboardView,
	type Disbursement,
	type MoneyView,
	type MonthlyView,
	type ProjectsView,
	type RectificationsView,
	type SpotCheckView,
	type Suggestion
} from '$lib/domain';
import { DEMO_FIGURES } from '../../sync-server/demo-data';
import { connect, login, synced } from './helpers/clients';
import { recordAt, testDecision, testProject, writeAs } from './helpers/records';
import { waitFor } from './helpers/server-process';
import { useTestServer } from './helpers/test-server';

/**
 * `GET /api/figures/dashboard`: the city's figures from the server's read models, complete over
 * every room the caller may read, current within moments of each stored update, and never moved by
 * what a device claims.
 */
const env = useTestServer();

interface Answer {
	asOf: string;
	rooms: number;
	view: DashboardView;
}

async function ask<V>(question: string, token: string, query = ''): Promise<V> {
	const res = await fetch(`${env.url}/api/figures/${question}${query}`, {
		headers: { authorization: `Bearer ${token}` }
	});
	expect(res.status, `${question}${query}`).toBe(200);
	return ((await res.json()) as { view: V }).view;
}

async function dashboard(token: string, query = ''): Promise<Answer> {
	const res = await fetch(`${env.url}/api/figures/dashboard${query}`, {
		headers: { authorization: `Bearer ${token}` }
	});
	expect(res.status).toBe(200);
	return (await res.json()) as Answer;
}

function suggestion(id: string): Suggestion {
	return {
		id,
		createdAt: recordAt,
		createdBy: 'tanglian-1',
		title: `建议 ${id}`,
		description: '',
		channel: 'door',
		estate: '',
		building: '',
		category: 'other',
		urgent: false,
		photos: [],
		status: 'open'
	};
}

describe('the dashboard from the server', () => {
	it('gives a supervisor the whole demo city, exactly the figures the city reported', async () => {
		const token = await login(env.url, 'city-supervisor');
		const before = Date.now();
		const answer = await dashboard(token);
		expect(Date.parse(answer.asOf)).toBeGreaterThanOrEqual(before - 1000);
		// The city, finance, every town and every community.
		const directory = (await (
			await fetch(`${env.url}/api/directory`, { headers: { authorization: `Bearer ${token}` } })
		).json()) as { towns: unknown[]; communities: unknown[] };
		expect(answer.rooms).toBe(2 + directory.towns.length + directory.communities.length);
		expect(answer.view.year).toBeNull();
		expect(answer.view.figures).toEqual({
			suggestionsCollected: 1448,
			projectsProduced: 924,
			byType: { engineering: 618, service: 306 },
			budgetFen: DEMO_FIGURES.budgetFen,
			budgetWan: '4,329.67万元',
			communitiesCovered: { covered: 108, total: 110, percent: 98 }
		});
		expect(answer.view.communitiesWithoutProject).toHaveLength(2);
		expect(answer.view.towns.reduce((sum, t) => sum + t.projects, 0)).toBe(924);
	});

	it('splits the same projects over the years, each counted once', async () => {
		const token = await login(env.url, 'city-finance');
		const all = await dashboard(token);
		expect(all.view.years.length).toBeGreaterThan(1);
		let produced = 0;
		let budget = 0;
		for (const year of all.view.years) {
			const one = await dashboard(token, `?year=${year}`);
			expect(one.view.year).toBe(year);
			produced += one.view.figures.projectsProduced;
			budget += one.view.figures.budgetFen;
		}
		expect(produced).toBe(all.view.figures.projectsProduced);
		expect(budget).toBe(all.view.figures.budgetFen);
	});

	it('answers a worker and a reviewer over their own rooms only', async () => {
		const worker = await dashboard(await login(env.url, 'tanglian-1'));
		// The community, its town, the city and finance: never a contacts room, never another one.
		expect(worker.rooms).toBe(4);
		expect(worker.view.figures.communitiesCovered.total).toBe(1);
		const reviewer = await dashboard(await login(env.url, 'jingkai-reviewer'));
		const city = await dashboard(await login(env.url, 'city-supervisor'));
		expect(reviewer.view.towns.map((t) => t.townId)).toEqual(['jingkai']);
		expect(reviewer.view.figures.projectsProduced).toBe(
			city.view.towns.find((t) => t.townId === 'jingkai')?.projects
		);
		expect(worker.view.figures.suggestionsCollected).toBeLessThan(
			reviewer.view.figures.suggestionsCollected
		);
	});

	it('counts a stored suggestion at once, and nothing a device forges', async () => {
		const token = await login(env.url, 'city-supervisor');
		const before = (await dashboard(token)).view;
		const tablet = await writeAs(env.url, 'community:tanglian', 'tanglian-1', (doc, origin, by) => {
			createRecord(doc, 'suggestion', suggestion('figures-s1'), origin, by, new Date(recordAt));
			// A worker writing what only its town may: an approved project, and the town's own
			// approval written into the community room. Neither counts.
			createRecord(doc, 'project', testProject('figures-p1'), origin, by, new Date(recordAt));
			createRecord(
				doc,
				'reviewDecision',
				testDecision('figures-d1', 'figures-p1', 'approve', recordAt),
				origin,
				by,
				new Date(recordAt)
			);
		});
		try {
			const after = await waitFor(
				async () => {
					const view = (await dashboard(token)).view;
					return view.figures.suggestionsCollected > before.figures.suggestionsCollected
						? view
						: undefined;
				},
				{ timeoutMs: 5000 }
			);
			expect(after.figures.suggestionsCollected).toBe(before.figures.suggestionsCollected + 1);
			expect(after.figures.projectsProduced).toBe(before.figures.projectsProduced);
			expect(after.figures.budgetFen).toBe(before.figures.budgetFen);
			// Submitted: waiting for its town, whatever its record says.
			const submitted = (v: DashboardView) => v.funnel.find((f) => f.step === 'submitted');
			expect(submitted(after)?.count).toBe((submitted(before)?.count ?? 0) + 1);
			const completed = (v: DashboardView) => v.funnel.find((f) => f.step === 'completed');
			expect(completed(after)?.count).toBe(completed(before)?.count);
		} finally {
			tablet.destroy();
		}
	});

	it('refuses a bad year, and anyone not signed in', async () => {
		const token = await login(env.url, 'city-supervisor');
		for (const year of ['abc', '20240', '1850', '', '2024;drop']) {
			const res = await fetch(`${env.url}/api/figures/dashboard?year=${encodeURIComponent(year)}`, {
				headers: { authorization: `Bearer ${token}` }
			});
			expect(res.status, year).toBe(400);
			expect(((await res.json()) as { message: string }).message).toMatch(/年份/);
		}
		expect((await fetch(`${env.url}/api/figures/dashboard`)).status).toBe(401);
		const forged = await fetch(`${env.url}/api/figures/dashboard`, {
			headers: { authorization: `Bearer ${token}x` }
		});
		expect(forged.status).toBe(401);
		// The server is still answering.
		expect((await dashboard(token)).view.figures.suggestionsCollected).toBeGreaterThan(0);
	});

	it('refuses every malformed question of the other figures with a message, and stays up', async () => {
		const token = await login(env.url, 'city-supervisor');
		const bad = [
			'money?by=street',
			'money?year=99',
			'money?by=town&by=year',
			'monthly',
			'monthly?month=2020-13',
			'monthly?month=2020-9',
			'monthly?month=2020-09&month=2020-10',
			'spot-check?years=2018,,2019',
			'spot-check?years=2018,2018',
			`spot-check?years=${Array.from({ length: 60 }, (_, i) => 1950 + i).join(',')}`
		];
		for (const question of bad) {
			const res = await fetch(`${env.url}/api/figures/${question}`, {
				headers: { authorization: `Bearer ${token}` }
			});
			expect(res.status, question).toBe(400);
			expect(((await res.json()) as { message: string }).message, question).toMatch(
				/[\u4e00-\u9fff]/
			);
		}
		for (const question of ['money', 'monthly?month=2020-09', 'spot-check?years=2018']) {
			expect((await fetch(`${env.url}/api/figures/${question}`)).status, question).toBe(401);
		}
		expect((await ask<MoneyView>('money', token)).rows.length).toBeGreaterThan(0);
	});
});

describe('the money, the monthly report and the spot-check from the server', () => {
	it("holds the same money however it is grouped, and approves exactly the dashboard's budget", async () => {
		const token = await login(env.url, 'city-finance');
		const figures = (await dashboard(token)).view.figures;
		const totals = [];
		for (const by of ['town', 'community', 'year']) {
			const view = await ask<MoneyView>('money', token, `?by=${by}`);
			expect(view.by).toBe(by);
			const sum = (f: (r: (typeof view.rows)[number]) => number) =>
				view.rows.reduce((s, r) => s + f(r), 0);
			expect(sum((r) => r.approvedFen)).toBe(view.total.approvedFen);
			expect(sum((r) => r.paidFen)).toBe(view.total.paidFen);
			totals.push(view.total);
		}
		expect(totals[1]).toEqual(totals[0]);
		expect(totals[2]).toEqual(totals[0]);
		expect(totals[0]?.approvedFen).toBe(figures.budgetFen);
		expect(totals[0]?.projects).toBe(figures.projectsProduced);
		// The waiting list is whole in its count, named in its first entries.
		const view = await ask<MoneyView>('money', token);
		expect(view.waiting.count).toBeGreaterThanOrEqual(view.waiting.first.length);
		for (const w of view.waiting.first) expect(w.owedFen).toBeGreaterThan(0);
	});

	it("counts finance's payment within moments, and never a payment the city room claims", async () => {
		const token = await login(env.url, 'city-finance');
		const before = await ask<MoneyView>('money', token);
		const owed = before.waiting.first[0];
		expect(owed, 'the demo city has an accepted project waiting for payment').toBeDefined();
		if (!owed) return;
		const payment = (id: string, by: string): Disbursement => ({
			id,
			createdAt: recordAt,
			createdBy: by,
			project: { room: owed.room, id: owed.id },
			amountFen: 100,
			paidAt: new Date().toISOString(),
			by
		});
		// A supervisor may write the city room, not payments: what it writes there is not money.
		const forged = await writeAs(env.url, 'city', 'city-supervisor', (doc, origin, by) => {
			createRecord(
				doc,
				'disbursement',
				payment('forged-pay', 'city-supervisor'),
				origin,
				by,
				new Date()
			);
		});
		// Stored before finance pays (the server relays only what it stored: a second client of the
		// city room has it), so the figure below has seen it.
		const reader = connect(env.url, 'city', await login(env.url, 'city-supervisor'));
		await synced(reader);
		await waitFor(async () =>
			readRecords(reader.doc, 'disbursement').some((r) => r.id === 'forged-pay') ? true : undefined
		);
		reader.destroy();
		const paid = await writeAs(env.url, 'finance', 'city-finance', (doc, origin, by) => {
			createRecord(
				doc,
				'disbursement',
				payment('real-pay', 'city-finance'),
				origin,
				by,
				new Date()
			);
		});
		try {
			const after = await waitFor(
				async () => {
					const view = await ask<MoneyView>('money', token);
					return view.total.paidFen !== before.total.paidFen ? view : undefined;
				},
				{ timeoutMs: 5000 }
			);
			expect(after.total.paidFen).toBe(before.total.paidFen + 100);
			expect(after.waiting.first.find((w) => w.id === owed.id)?.owedFen).toBe(owed.owedFen - 100);
		} finally {
			forged.destroy();
			paid.destroy();
		}
	});

	it("reports every town each month, with this month's residents' ratings in it", async () => {
		const token = await login(env.url, 'city-supervisor');
		const towns = (
			(await (
				await fetch(`${env.url}/api/directory`, { headers: { authorization: `Bearer ${token}` } })
			).json()) as { towns: { id: string }[] }
		).towns.map((t) => t.id);
		const september = await ask<MonthlyView>('monthly', token, '?month=2020-09');
		expect(september.month).toBe('2020-09');
		expect(september.rows.map((r) => r.townId)).toEqual(towns);
		expect(september.rows.every((r) => r.ratings !== undefined)).toBe(true);

		// A resident rates a paid project on its public page: this month's report counts it.
		const month = shanghaiMonth(new Date().toISOString());
		const { population } = await ask<SpotCheckView>('spot-check', token, '?years=2018');
		const rated = population[0];
		expect(rated).toBeDefined();
		if (!rated) return;
		const community = rated.room.slice('community:'.length);
		const town = rated.stratum.split('|')[1];
		const count = (v: MonthlyView) => v.rows.find((r) => r.townId === town)?.ratings?.count ?? 0;
		const before = await ask<MonthlyView>('monthly', token, `?month=${month}`);
		const res = await fetch(`${env.url}/p/${community}/${rated.id}/rating`, {
			method: 'POST',
			redirect: 'manual',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ score: '4', comment: '' }).toString()
		});
		expect(res.status).toBe(303);
		const after = await ask<MonthlyView>('monthly', token, `?month=${month}`);
		expect(count(after)).toBe(count(before) + 1);
	});

	it("lists the city's open rectifications, overdue first, as many overdue as the dashboard counts", async () => {
		const token = await login(env.url, 'city-supervisor');
		const [view, board] = await Promise.all([
			ask<RectificationsView>('rectifications', token),
			dashboard(token)
		]);
		expect(view.overdue).toBe(board.view.overdueRectifications);
		expect(view.overdue).toBeGreaterThan(0);
		expect(view.open).toBeGreaterThanOrEqual(view.overdue);
		expect(view.byTown.reduce((n, t) => n + t.overdue, 0)).toBe(view.overdue);
		const lateByTown = (list: { townId: string; late: number }[]) =>
			Object.fromEntries(list.filter((t) => t.late > 0).map((t) => [t.townId, t.late]));
		expect(lateByTown(view.byTown.map((t) => ({ townId: t.townId, late: t.overdue })))).toEqual(
			lateByTown(
				board.view.overdueByTown.map((t) => ({ townId: t.townId, late: t.rectifications }))
			)
		);
		const firsts = view.first.map((r) => r.overdue);
		expect(firsts.slice(0, view.overdue).every(Boolean)).toBe(true);
		expect(firsts.slice(view.overdue).some(Boolean)).toBe(false);
		// A reviewer's answer holds its own town's only.
		const town = await ask<RectificationsView>(
			'rectifications',
			await login(env.url, 'jingkai-reviewer')
		);
		expect(new Set(town.first.map((r) => r.townId))).toEqual(
			new Set(town.first.length ? ['jingkai'] : [])
		);
	});

	it("draws the spot-check's population from paid projects of the chosen years, all towns in its strata", async () => {
		const token = await login(env.url, 'city-supervisor');
		const one = await ask<SpotCheckView>('spot-check', token, '?years=2018');
		const two = await ask<SpotCheckView>('spot-check', token, '?years=2019,2018');
		const none = await ask<SpotCheckView>('spot-check', token, '?years=');
		expect(two.chosen).toEqual([2018, 2019]);
		expect(two.years).toEqual([...two.years].sort((a, b) => a - b));
		expect(two.years).toEqual(expect.arrayContaining([2018, 2019]));
		expect(none.population).toEqual([]);
		expect(one.population.length).toBeGreaterThan(0);
		expect(two.population.length).toBeGreaterThan(one.population.length);
		const ids = new Set(two.population.map((e) => e.id));
		for (const e of one.population) expect(ids.has(e.id)).toBe(true);
		expect(new Set(two.population.map((e) => e.stratum.split('|')[1])).size).toBeGreaterThan(1);
		// A reviewer's population is its own town's.
		const reviewer = await ask<SpotCheckView>(
			'spot-check',
			await login(env.url, 'jingkai-reviewer'),
			'?years=2018,2019'
		);
		expect(reviewer.population.every((e) => e.stratum.endsWith('|jingkai'))).toBe(true);
		expect(reviewer.population.length).toBeGreaterThan(0);
	});

	it("finds projects by id where the caller may read them, so a city role's device can open their room", async () => {
		const supervisor = await login(env.url, 'city-supervisor');
		const { population } = await ask<SpotCheckView>('spot-check', supervisor, '?years=2018,2019');
		const jingkai = population.find((e) => e.stratum.endsWith('|jingkai'));
		const other = population.find((e) => !e.stratum.endsWith('|jingkai'));
		expect(jingkai && other).toBeTruthy();
		if (!jingkai || !other) return;
		const ids = `?ids=${jingkai.id},${other.id},no-such-project`;
		const found = await ask<ProjectsView>('projects', supervisor, ids);
		expect(found.projects.map((p) => [p.id, p.room]).sort()).toEqual(
			[
				[jingkai.id, jingkai.room],
				[other.id, other.room]
			].sort()
		);
		expect(found.projects.every((p) => p.title.length > 0 && p.budgetFen > 0)).toBe(true);
		// A reviewer finds its own town's only; a worker of another community none of them.
		const reviewer = await ask<ProjectsView>(
			'projects',
			await login(env.url, 'jingkai-reviewer'),
			ids
		);
		expect(reviewer.projects.map((p) => p.id)).toEqual([jingkai.id]);
		const worker = await ask<ProjectsView>('projects', await login(env.url, 'daxin-1'), ids);
		expect(worker.projects.filter((p) => p.communityId !== 'daxin')).toEqual([]);
		// Too many ids, or one that is no id, is refused.
		for (const query of [
			`?ids=${Array.from({ length: 81 }, (_, i) => `p${i}`).join(',')}`,
			'?ids=a%20b',
			'?ids=a,,b'
		]) {
			const res = await fetch(`${env.url}/api/figures/projects${query}`, {
				headers: { authorization: `Bearer ${supervisor}` }
			});
			expect(res.status, query).toBe(400);
		}
	});

	it('lists the projects of the whole city by words, filters and sort, a page at a time', async () => {
		const supervisor = await login(env.url, 'city-supervisor');
		// The article's bicycle garages, in 大新社区 of 杨舍镇: by its words, and by its place.
		const words = await ask<ProjectList>(
			'project-list',
			supervisor,
			`?q=${encodeURIComponent('自行车库 接电')}`
		);
		expect(words.rows.map((p) => p.title)).toContain('府前新村自行车库安全接电');
		expect(words.total).toBe(words.rows.length);
		const garage = words.rows.find((p) => p.title === '府前新村自行车库安全接电')!;
		expect(garage.room).toBe('community:daxin');
		const place = await ask<ProjectList>(
			'project-list',
			supervisor,
			`?q=${encodeURIComponent('杨舍镇 大新社区 自行车库')}`
		);
		expect(place.rows.map((p) => p.id)).toContain(garage.id);
		// Only where the caller may read: 经开区's reviewer finds nothing of 杨舍镇.
		const reviewer = await ask<ProjectList>(
			'project-list',
			await login(env.url, 'jingkai-reviewer'),
			`?q=${encodeURIComponent('自行车库 接电')}`
		);
		expect(reviewer.rows.filter((p) => p.townId !== 'jingkai')).toEqual([]);
		// Every project of a year, by pages: the pages add up to the count, none twice, and the
		// count and money are the dashboard's.
		const all = await ask<ProjectList>('project-list', supervisor, '?year=2019&limit=100');
		expect(all.total).toBeGreaterThan(100);
		const seen = new Set<string>();
		for (let offset = 0; offset < all.total; offset += 100) {
			const page = await ask<ProjectList>(
				'project-list',
				supervisor,
				`?year=2019&limit=100&offset=${offset}`
			);
			for (const p of page.rows) {
				expect(p.year).toBe(2019);
				seen.add(p.id);
			}
		}
		expect(seen.size).toBe(all.total);
		const figures2019 = (await dashboard(supervisor, '?year=2019')).view.figures;
		expect(all.total).toBe(figures2019.projectsProduced);
		// An export takes the whole list at once; a page does not.
		const whole = await ask<ProjectList>(
			'project-list',
			supervisor,
			'?year=2019&export=1&limit=20000'
		);
		expect(whole.rows.map((p) => p.id).sort()).toEqual([...seen].sort());
		// Filters narrow: a town, a status, the reviews past their working days (the dashboard's).
		const town = await ask<ProjectList>('project-list', supervisor, '?town=yangshe&limit=5');
		expect(town.rows.every((p) => p.townId === 'yangshe')).toBe(true);
		const closed = await ask<ProjectList>('project-list', supervisor, '?status=closed&limit=5');
		expect(closed.rows.every((p) => p.status === 'closed')).toBe(true);
		const late = await ask<ProjectList>('project-list', supervisor, '?overdue=1');
		expect(late.total).toBe((await dashboard(supervisor)).view.overdueReviews);
		expect(late.rows.every((p) => p.overdue && p.status === 'submitted')).toBe(true);
		for (const bad of [
			'?status=done',
			'?limit=500',
			'?export=yes',
			'?offset=-1',
			'?sort=random',
			`?q=${'字'.repeat(101)}`,
			'?town=Y%20S',
			'?q=a&q=b'
		]) {
			const res = await fetch(`${env.url}/api/figures/project-list${bad}`, {
				headers: { authorization: `Bearer ${supervisor}` }
			});
			expect(res.status, bad).toBe(400);
			expect(((await res.json()) as { message: string }).message).toMatch(/ \/ /);
		}
	});

	it("lists the city's suggestions, by place and words, never a resident's contact", async () => {
		const supervisor = await login(env.url, 'city-supervisor');
		const all = await ask<SuggestionList>('suggestion-list', supervisor, '?export=1&limit=20000');
		expect(all.total).toBe((await dashboard(supervisor)).view.figures.suggestionsCollected);
		expect(all.rows.length).toBe(all.total);
		const daxin = await ask<SuggestionList>('suggestion-list', supervisor, '?community=daxin');
		expect(daxin.total).toBeGreaterThan(0);
		expect(daxin.rows.every((s) => s.room === 'community:daxin' && s.townId === 'yangshe')).toBe(
			true
		);
		const text = JSON.stringify(all);
		expect(text).not.toMatch(/resident(Name|Phone)|"phone"|"name"|contact/i);
		const reviewer = await ask<SuggestionList>(
			'suggestion-list',
			await login(env.url, 'yangshe-reviewer'),
			'?limit=100'
		);
		expect(reviewer.rows.every((s) => s.townId === 'yangshe')).toBe(true);
		const res = await fetch(`${env.url}/api/figures/suggestion-list?status=done`, {
			headers: { authorization: `Bearer ${supervisor}` }
		});
		expect(res.status).toBe(400);
	});

	it('lets a user export a few times in a row, then asks them to wait; pages and other users go on', async () => {
		// The costliest question (the whole city's list) cannot be asked in a loop by one account.
		const finance = await login(env.url, 'city-finance');
		const exportOnce = () =>
			fetch(`${env.url}/api/figures/project-list?export=1&limit=20000`, {
				headers: { authorization: `Bearer ${finance}` }
			});
		const statuses: number[] = [];
		let refused: Response | undefined;
		for (let i = 0; i < 8; i++) {
			const res = await exportOnce();
			statuses.push(res.status);
			if (res.status === 429) refused ??= res;
			else await res.arrayBuffer();
		}
		expect(statuses.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
		expect(statuses.slice(6)).toEqual([429, 429]);
		expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		const body = (await refused!.json()) as { error: string; message: string };
		expect(body.error).toBe('too_many_requests');
		expect(body.message).toMatch(/导出太频繁.*Too many exports/);
		// A page of the same list, and another user's export, are answered.
		expect((await ask<ProjectList>('project-list', finance, '?limit=5')).rows).toHaveLength(5);
		const reviewer = await login(env.url, 'jingkai-reviewer');
		expect(
			(await ask<ProjectList>('project-list', reviewer, '?export=1&limit=20000')).total
		).toBeGreaterThan(0);
	});
});
