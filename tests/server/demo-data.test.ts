import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	cityFigures,
	findCapBreaches,
	projectAsSeen,
	ZHANGJIAGANG_2020,
	type Project,
	type ReviewDecision,
	type Suggestion
} from '$lib/domain';
import { readRecords } from '$lib/store/records';
import { demoCity } from '../../sync-server/demo-city';
import { DEMO_FIGURES, demoDataUpdates } from '../../sync-server/demo-data';

/** DESIGN.md "Demo city": the seeded records reproduce the city's reported figures. */

const city = demoCity();
const updates = demoDataUpdates(city);
const docs = new Map(
	updates.map(({ room, update }) => {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, update);
		return [room, doc] as const;
	})
);

function all<K extends 'suggestion' | 'project' | 'reviewDecision'>(kind: K) {
	const out = [];
	for (const doc of docs.values()) {
		for (const stored of readRecords(doc, kind)) {
			expect(stored.issues, `${kind} ${stored.id}`).toEqual([]);
			out.push(stored.record!);
		}
	}
	return out;
}

const suggestions = all('suggestion') as Suggestion[];
const decisions = all('reviewDecision') as ReviewDecision[];
const projects = (all('project') as Project[]).map((p) => projectAsSeen(p, decisions));

describe('the demo data set', () => {
	it('holds the same records on every run', () => {
		// The bytes differ (each run's Y.Doc has its own client id); the records do not.
		const content = (list: typeof updates) =>
			list.map(({ room, update }) => {
				const doc = new Y.Doc();
				Y.applyUpdate(doc, update);
				const kinds = ['suggestion', 'project', 'reviewDecision'];
				return [room, kinds.map((kind) => doc.getMap(kind).toJSON())];
			});
		const first = content(updates);
		expect(JSON.stringify(first).length).toBeGreaterThan(500_000);
		expect(content(demoDataUpdates(demoCity()))).toEqual(first);
	});

	it('shows exactly the figures the city reported', () => {
		const figures = cityFigures({ suggestions, projects, communities: city.communities });
		expect(figures).toEqual({
			suggestionsCollected: 1448,
			projectsProduced: 924,
			byType: { engineering: 618, service: 306 },
			budgetFen: DEMO_FIGURES.budgetFen,
			budgetWan: '4,329.67万元',
			communitiesCovered: { covered: 108, total: 110, percent: 98 }
		});
	});

	it('keeps every budget under the caps and every date in the order of the workflow', () => {
		expect(findCapBreaches(projects, ZHANGJIAGANG_2020)).toEqual([]);
		for (const p of projects) {
			const steps = [p.submittedAt, p.decidedAt, p.startedAt, p.completedAt].filter(Boolean);
			expect([...steps].sort(), p.id).toEqual(steps);
			expect(p.decidedAt, p.id).toBeDefined();
			const suggestion = suggestions.find((s) => s.id === p.suggestions[0]?.id);
			expect(suggestion?.status).toBe('adopted');
			expect(suggestion!.createdAt <= p.submittedAt!).toBe(true);
		}
	});

	it("holds the article's two stories", () => {
		const trucks = projects.find((p) => p.title === '塘市花苑货车停放整治');
		expect(trucks).toMatchObject({ communityId: 'tanglian', year: 2020, status: 'completed' });
		const garages = projects.find((p) => p.title === '府前新村自行车库安全接电');
		expect(garages).toMatchObject({ communityId: 'daxin', status: 'completed' });
		const days = (p: Project) =>
			(Date.parse(p.completedAt!) -
				Date.parse(suggestions.find((s) => s.id === p.suggestions[0]!.id)!.createdAt)) /
			86_400_000;
		expect(days(trucks!)).toBeGreaterThanOrEqual(40);
		expect(days(trucks!)).toBeLessThan(50);
		expect(
			days(garages!) -
				(Date.parse(garages!.submittedAt!) -
					Date.parse(suggestions.find((s) => s.id === garages!.suggestions[0]!.id)!.createdAt)) /
					86_400_000
		).toBe(18);
	});
});
