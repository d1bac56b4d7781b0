import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { seriousFindings } from './helpers/axe';
import { openSection, signIn, useTablets, waitSynced } from './helpers/tablet';

/**
 * A city role's device does not download the city (issue "city scale"): it keeps the city's own
 * rooms and the communities the person opens. The supervisor drills from the dashboard to a town,
 * a community and one project, and the project opens.
 */
const tablets = useTablets(inject('baseURL'));

/** The rooms whose updates this device keeps in IndexedDB. */
function roomsOnDevice(page: Page): Promise<string[]> {
	return page.evaluate(
		() =>
			new Promise<string[]>((resolve, reject) => {
				const open = indexedDB.open('kuaiban');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const read = open.result.transaction('updates').objectStore('updates').getAll();
					read.onerror = () => reject(read.error);
					read.onsuccess = () => {
						const rows = read.result as { room: string }[];
						open.result.close();
						resolve([...new Set(rows.map((r) => r.room))].sort());
					};
				};
			})
	);
}

describe("a city role's device", () => {
	it('keeps only the city and the communities opened; drills from the dashboard to one project', async () => {
		const t = await tablets.tablet();
		const sockets: string[] = [];
		t.page.on('websocket', (ws) => sockets.push(new URL(ws.url()).pathname));
		await signIn(t.page, 'city-supervisor');
		await waitSynced(t.page, 30_000);
		expect(await roomsOnDevice(t.page)).toEqual(['city', 'finance']);

		// The home page: the overdue work by town, from the server, adding up to the dashboard's.
		const towns = t.page.getByTestId('overdue-by-town').locator('li');
		await expect.poll(() => towns.count()).toBeGreaterThan(0);
		const late = (await towns.allInnerTexts()).map((text) => {
			const [reviews, rectifications] = [/(\d+) late reviews?/, /(\d+) late rectifications?/].map(
				(re) => Number(re.exec(text)?.[1])
			);
			return { reviews: reviews!, rectifications: rectifications! };
		});
		await openSection(t.page, 'Dashboard');
		const sum = (key: 'reviews' | 'rectifications') => late.reduce((n, x) => n + x[key], 0);
		const overdue = t.page.locator('section[aria-labelledby="overdue-title"]');
		await expect
			.poll(() => overdue.innerText())
			.toMatch(
				new RegExp(`deadline: ${sum('reviews')}\\b[\\s\\S]*overdue: ${sum('rectifications')}\\b`)
			);
		// The inspections page lists the same late rectifications, city-wide, by town (it said
		// "no rectifications" on a device that keeps no community).
		await openSection(t.page, 'Inspections');
		const city = t.page.getByTestId('city-rectifications');
		await city.waitFor({ timeout: 30_000 });
		await expect
			.poll(() => city.getAttribute('data-overdue'), { timeout: 20_000 })
			.toBe(String(sum('rectifications')));
		expect(await t.page.locator('li[data-overdue="true"]').count()).toBe(sum('rectifications'));
		expect(await seriousFindings(t.page)).toEqual([]);
		await openSection(t.page, 'Dashboard');
		await t.page.getByRole('link', { name: '经开区' }).click();
		await t.page.waitForURL(/\/projects\?town=jingkai$/);
		const picker = t.page.getByLabel('Community', { exact: true });
		// The town's communities only (the search comes with its own file: waited for).
		await picker.waitFor();
		const offered = await picker.locator('option:not([disabled])').allInnerTexts();
		expect(offered).toContain('汤联社区');
		expect(offered).not.toContain('大新社区');
		await picker.selectOption({ label: '汤联社区' });
		const first = t.page.locator('ul.list li a').first();
		await first.waitFor({ timeout: 30_000 });
		const title = await first.innerText();
		await first.click();
		await expect.poll(() => t.page.locator('main h1').innerText()).toBe(title);
		await expect.poll(() => t.page.getByTestId('project-status').innerText()).not.toBe('');

		await waitSynced(t.page, 30_000);
		// The community and its town (whose decisions its projects take), nothing else.
		expect(await roomsOnDevice(t.page)).toEqual([
			'city',
			'community:tanglian',
			'finance',
			'town:jingkai'
		]);
		expect(sockets).toEqual(['/mux']);

		// After a reload the opened community is still kept (offline too).
		await t.page.reload();
		await waitSynced(t.page, 30_000);
		expect(await roomsOnDevice(t.page)).toContain('community:tanglian');
	});

	it("searches the whole city's projects on the server and opens one found in a community it does not keep", async () => {
		const t = await tablets.tablet();
		await signIn(t.page, 'city-supervisor');
		await waitSynced(t.page, 30_000);
		await openSection(t.page, 'Projects');
		await t.page.getByLabel('Search', { exact: true }).fill('自行车库 接电');
		const hit = t.page
			.getByTestId('city-list')
			.getByRole('link', { name: '府前新村自行车库安全接电' });
		await hit.waitFor({ timeout: 30_000 });
		expect(await t.page.getByTestId('city-list').innerText()).toContain('大新社区');
		await hit.click();
		await expect
			.poll(() => t.page.locator('main h1').innerText(), { timeout: 30_000 })
			.toBe('府前新村自行车库安全接电');
		await waitSynced(t.page, 30_000);
		expect(await roomsOnDevice(t.page)).toContain('community:daxin');
	});
});
