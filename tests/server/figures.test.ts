import { describe, expect, it } from 'vitest';
import { createRecord } from '$lib/doc/records';
import type { DashboardView, Suggestion } from '$lib/domain';
import { DEMO_FIGURES } from '../../sync-server/demo-data';
import { login } from './helpers/clients';
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
});
