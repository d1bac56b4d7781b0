/**
 * The city of `npm run bench:city`: `communities` communities in `towns` towns (1,000 in 100 by
 * default, a city the size the issue "city scale" measured), given the demo city's records by the
 * demo generator itself (`demoData`, seeded: the same bytes on every run). The generator spreads
 * the demo's totals over whatever communities it is given: 60 communities with nine projects, the
 * rest but two with eight, 306 service projects, 43,296,700 yuan in all.
 */
import * as Y from 'yjs';
import { readRecords } from '../src/lib/doc/records.ts';
import type { DemoCity } from '../sync-server/demo-city.ts';
import { DEMO_FIGURES, demoData } from '../sync-server/demo-data.ts';

export const BENCH_PASSWORD = 'bench-city-password';
export const SUPERVISOR = 'bench-supervisor';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function benchCity(communities: number, towns: number): DemoCity {
	const townList = Array.from({ length: towns }, (_, i) => ({
		id: `t${pad(i + 1, 3)}`,
		name: `第${i + 1}街道`
	}));
	const communityList = Array.from({ length: communities }, (_, i) => ({
		id: `c${pad(i + 1, 4)}`,
		name: `第${i + 1}社区`,
		townId: townList[i % towns]!.id
	}));
	return {
		name: '基准市',
		towns: townList,
		communities: communityList,
		users: [
			{ username: SUPERVISOR, name: '督查员', role: 'supervisor', scope: 'city' },
			{
				username: `${communityList[0]!.id}-1`,
				name: '社区工作者',
				role: 'worker',
				scope: `community:${communityList[0]!.id}`
			}
		]
	};
}

/** The directory as `npm run admin -- import-org` reads it (UTF-8 with a BOM, CRLF, as Excel). */
export function orgCsv(city: DemoCity): string {
	const townName = new Map(city.towns.map((t) => [t.id, t.name]));
	const lines = ['town_id,town_name,community_id,community_name'];
	for (const c of city.communities) {
		lines.push(`${c.townId},${townName.get(c.townId)},${c.id},${c.name}`);
	}
	return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export interface BenchCityData {
	updates: { room: string; update: Uint8Array }[];
	/** The generator's own totals, counted from what it made (what the dashboard must show). */
	expected: {
		suggestions: number;
		projects: number;
		engineering: number;
		service: number;
		budgetFen: number;
		covered: number;
	};
}

/**
 * The generator's projects: nine for each of the first 60 covered communities, eight for the rest,
 * two communities left uncovered (sync-server/demo-data.ts).
 */
function projectCount(communities: number): number {
	const covered = Math.max(0, communities - 2);
	return Math.min(covered, 60) * 9 + Math.max(0, covered - 60) * 8;
}

export function benchCityData(city: DemoCity): BenchCityData {
	// The demo's budget per project (43,296,700 yuan over 924), so each stays a plausible one.
	const budgetFen = Math.round(
		(DEMO_FIGURES.budgetFen * projectCount(city.communities.length)) / DEMO_FIGURES.projects
	);
	const { updates } = demoData(city, budgetFen);
	let suggestions = 0;
	let projects = 0;
	let service = 0;
	const covered = new Set<string>();
	for (const { room, update } of updates) {
		if (!room.startsWith('community:')) continue;
		const doc = new Y.Doc();
		Y.applyUpdate(doc, update);
		suggestions += readRecords(doc, 'suggestion').length;
		for (const { record } of readRecords(doc, 'project')) {
			if (!record) continue;
			projects++;
			if (record.type === 'service') service++;
			covered.add(record.communityId);
		}
		doc.destroy();
	}
	return {
		updates,
		expected: {
			suggestions,
			projects,
			engineering: projects - service,
			service,
			budgetFen,
			covered: covered.size
		}
	};
}
