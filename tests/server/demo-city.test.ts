import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { rulesForYear } from '$lib/domain';
import { readRecords, validRecords } from '$lib/doc/records';
import { demoCity } from '../../sync-server/demo-city';
import { demoRulesUpdate } from '../../sync-server/demo-rules';

describe('the demo city', () => {
	const city = demoCity();

	it('is a whole city: about ten towns, over a hundred communities, unique ids', () => {
		expect(city.towns.length).toBeGreaterThanOrEqual(10);
		expect(city.communities.length).toBeGreaterThan(100);
		const ids = [...city.towns, ...city.communities].map((x) => x.id);
		expect(new Set(ids).size).toBe(ids.length);
		const towns = new Set(city.towns.map((t) => t.id));
		for (const community of city.communities) expect(towns.has(community.townId)).toBe(true);
		const usernames = city.users.map((u) => u.username);
		expect(new Set(usernames).size).toBe(usernames.length);
	});

	it('has the users of DESIGN.md with their roles and scopes', () => {
		const byName = new Map(city.users.map((u) => [u.username, u]));
		expect(byName.get('tanglian-1')).toMatchObject({ role: 'worker', scope: 'community:tanglian' });
		expect(city.communities.find((c) => c.id === 'tanglian')?.townId).toBe('jingkai');
		expect(city.communities.find((c) => c.id === 'daxin')?.townId).toBe('yangshe');
		expect(byName.get('tanglian-2')?.scope).toEqual(byName.get('tanglian-1')?.scope);
		expect(byName.get('daxin-1')).toMatchObject({ role: 'worker', scope: 'community:daxin' });
		expect(byName.get('jingkai-reviewer')).toMatchObject({
			role: 'reviewer',
			scope: 'town:jingkai'
		});
		expect(byName.get('yangshe-reviewer')).toMatchObject({
			role: 'reviewer',
			scope: 'town:yangshe'
		});
		expect(byName.get('city-supervisor')).toMatchObject({ role: 'supervisor', scope: 'city' });
		expect(byName.get('city-finance')?.role).toBe('finance');
		expect(byName.get('admin')?.role).toBe('admin');
		expect(city.communities.find((c) => c.id === 'tanglian')?.name).toBe('汤联社区');
		expect(city.towns.find((t) => t.id === 'jingkai')?.name).toBe('经开区');
		expect(city.communities.find((c) => c.id === 'daxin')?.name).toBe('大新社区');
		expect(city.towns.find((t) => t.id === 'yangshe')?.name).toBe('杨舍镇');
	});

	it('gives every community a worker and every town a reviewer', () => {
		const usernames = new Set(city.users.map((u) => u.username));
		for (const c of city.communities) expect(usernames.has(`${c.id}-1`), c.id).toBe(true);
		for (const t of city.towns) expect(usernames.has(`${t.id}-reviewer`), t.id).toBe(true);
	});
});

describe("the demo city's rules", () => {
	it('are valid city-rules records for every year from 2018, in the city room', () => {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, demoRulesUpdate(new Date('2026-11-28T02:00:00.000Z')));
		// Read as the app reads them, through the records codec.
		const stored = readRecords(doc, 'cityRules');
		for (const r of stored) expect(r.issues).toEqual([]);
		const years = stored.flatMap((r) => (r.record ? [r.record.year] : []));
		expect(years.sort()).toEqual([2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026]);
		const rules2026 = rulesForYear(validRecords(doc, 'cityRules'), 2026);
		expect(rules2026).toMatchObject({ projectCapFen: 100_000_00, communityYearCapFen: 165_000_00 });
	});
});
