import { readFile } from 'node:fs/promises';
import { strFromU8, unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { seriousFindings } from './helpers/axe';
import { openSection, signIn, useTablets, waitSynced } from './helpers/tablet';

/**
 * Finding things across a town or the city (issue 14, item 7): a town's and the city's roles see
 * every project and suggestion of their scope in one list, grouped by town and community, with
 * words, filters, order, pages and an export of what the list shows. The city's lists are the
 * server's; a town's is found on its reviewer's tablet, offline too.
 */
const baseURL = inject('baseURL');
const tablets = useTablets(baseURL);

async function token(username: string): Promise<string> {
	const res = await fetch(`${baseURL}/api/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ username, password: 'demo' })
	});
	return ((await res.json()) as { token: string }).token;
}

/** How many the server counts for the same question, asked directly. */
async function serverTotal(username: string, question: string): Promise<number> {
	const res = await fetch(`${baseURL}/api/figures/${question}`, {
		headers: { authorization: `Bearer ${await token(username)}` }
	});
	return ((await res.json()) as { view: { total: number } }).view.total;
}

const count = (page: Page) => page.getByTestId('list-count');

/** The total the list says, once it says one for the list's current question. */
async function shownTotal(page: Page): Promise<number> {
	await count(page).waitFor({ timeout: 30_000 });
	return Number(await count(page).getAttribute('data-total'));
}

describe('the lists of the town and the city', () => {
	it("lists a town's projects on its reviewer's tablet, searched and filtered offline too", async () => {
		const t = await tablets.tablet();
		await signIn(t.page, 'jingkai-reviewer');
		await waitSynced(t.page, 30_000);
		await openSection(t.page, 'Projects');
		const all = await serverTotal('jingkai-reviewer', 'project-list');
		expect(all).toBeGreaterThan(50);
		await expect.poll(() => shownTotal(t.page), { timeout: 30_000 }).toBe(all);
		// Grouped by community, one heading each, the first page of 50.
		const list = t.page.getByTestId('city-list');
		expect(await list.locator('li:not(.heading)').count()).toBe(50);
		expect(await list.locator('li.heading').count()).toBeGreaterThan(0);
		expect(await t.page.getByText('1–50 shown').count()).toBe(1);
		await t.page.getByRole('button', { name: 'Next page' }).click();
		await expect.poll(() => t.page.getByText(`51–${Math.min(100, all)} shown`).count()).toBe(1);
		expect(new URL(t.page.url()).searchParams.get('offset')).toBe('50');

		// Offline, the same list by words and by the reviews past their working days.
		await t.goOffline();
		const late = await serverTotal('jingkai-reviewer', 'project-list?overdue=1');
		await t.page.getByLabel('Overdue reviews only').check();
		await expect.poll(() => shownTotal(t.page)).toBe(late);
		await t.page.getByLabel('Overdue reviews only').uncheck();
		const words = '汤联社区';
		await t.page.getByLabel('Search', { exact: true }).fill(words);
		const expected = await serverTotal(
			'jingkai-reviewer',
			`project-list?q=${encodeURIComponent(words)}`
		);
		expect(expected).toBeGreaterThan(0);
		expect(expected).toBeLessThan(all);
		await expect.poll(() => shownTotal(t.page), { timeout: 10_000 }).toBe(expected);
		expect(new URL(t.page.url()).searchParams.get('q')).toBe(words);
		expect(await seriousFindings(t.page)).toEqual([]);
	});

	it("does not load the town's search nor the workbook writer on a worker's tablet", async () => {
		// Issue 14, item 12: a worker opens one community's lists; what only a town or the city
		// uses (the search across communities, the XLSX writer and its ZIP library) stays behind.
		const t = await tablets.tablet();
		const scripts: Promise<string>[] = [];
		t.page.on('response', (response) => {
			if (response.request().resourceType() === 'script') scripts.push(response.text());
		});
		await signIn(t.page, 'tanglian-1');
		for (const section of ['Suggestions', 'Projects']) {
			await openSection(t.page, section);
			await t.page.locator('main h1').waitFor();
		}
		await t.page.waitForLoadState('networkidle');
		const code = await Promise.all(scripts);
		expect(code.length).toBeGreaterThan(3);
		// The writer's MIME type and the lists' row count are in those modules only.
		expect(code.filter((c) => c.includes('spreadsheetml.sheet'))).toEqual([]);
		expect(code.filter((c) => c.includes('list-count'))).toEqual([]);
	});

	it("lists the city's projects from the server: filters kept in the address, pages, the export of every match", async () => {
		const t = await tablets.tablet();
		await signIn(t.page, 'city-supervisor');
		await waitSynced(t.page, 30_000);
		await openSection(t.page, 'Projects');
		await expect
			.poll(() => shownTotal(t.page), { timeout: 30_000 })
			.toBe(await serverTotal('city-supervisor', 'project-list'));
		await t.page.getByLabel('Year').selectOption('2019');
		await t.page.getByLabel('Town', { exact: true }).selectOption({ label: '杨舍镇' });
		await t.page.getByLabel('Sort by').selectOption({ label: 'Largest budget first' });
		const total = await serverTotal('city-supervisor', 'project-list?year=2019&town=yangshe');
		await expect.poll(() => shownTotal(t.page)).toBe(total);
		expect(total).toBeGreaterThan(10);
		// Sorted by budget: no heading, each row names its place.
		const list = t.page.getByTestId('city-list');
		expect(await list.locator('li.heading').count()).toBe(0);
		const first = list.locator('li a').first();
		const title = await first.innerText();
		expect(await list.locator('li').first().innerText()).toContain('杨舍镇');

		// Every match in the export, with the budgets as numbers adding up to the screen's total.
		const [csvFile] = await Promise.all([
			t.page.waitForEvent('download'),
			t.page.getByRole('button', { name: 'Export CSV' }).click()
		]);
		const csv = (await readFile((await csvFile.path())!, 'utf8')).trimEnd().split('\r\n');
		expect(csv).toHaveLength(total + 2);
		expect(csv[1]).toContain(title);
		const [xlsxFile] = await Promise.all([
			t.page.waitForEvent('download'),
			t.page.getByRole('button', { name: 'Export XLSX' }).click()
		]);
		const sheet = strFromU8(
			unzipSync(new Uint8Array(await readFile((await xlsxFile.path())!)))[
				'xl/worksheets/sheet1.xml'
			]!
		);
		const budgets = [...sheet.matchAll(/<c r="H(\d+)" s="\d+"><v>([^<]+)<\/v><\/c>/g)].map((m) =>
			Math.round(Number(m[2]) * 100)
		);
		expect(budgets).toHaveLength(total + 1);
		expect(budgets.at(-1)).toBe(budgets.slice(0, -1).reduce((a, b) => a + b, 0));

		// Into a project and back: the list is as it was.
		await first.click();
		await expect.poll(() => t.page.locator('main h1').innerText(), { timeout: 30_000 }).toBe(title);
		await t.page.goBack();
		await expect.poll(() => shownTotal(t.page), { timeout: 30_000 }).toBe(total);
		expect(await t.page.getByLabel('Year').inputValue()).toBe('2019');
		expect(await t.page.getByLabel('Sort by').inputValue()).toBe('budget');
		expect(await seriousFindings(t.page)).toEqual([]);

		// The menu's Projects on the filtered list opens the whole list, not the filtered one.
		await openSection(t.page, 'Projects');
		await expect
			.poll(() => shownTotal(t.page), { timeout: 30_000 })
			.toBe(await serverTotal('city-supervisor', 'project-list'));
		expect(new URL(t.page.url()).search).toBe('');
		expect(await t.page.getByLabel('Year').inputValue()).toBe('');
	});

	it("lists the city's suggestions and opens one of a community the device does not keep", async () => {
		const t = await tablets.tablet();
		await signIn(t.page, 'city-supervisor');
		await waitSynced(t.page, 30_000);
		await openSection(t.page, 'Projects');
		await t.page.getByRole('link', { name: /Residents' suggestions/ }).click();
		await expect
			.poll(() => shownTotal(t.page), { timeout: 30_000 })
			.toBe(await serverTotal('city-supervisor', 'suggestion-list'));
		await t.page.getByLabel('Search', { exact: true }).fill('府前新村');
		const expected = await serverTotal(
			'city-supervisor',
			`suggestion-list?q=${encodeURIComponent('府前新村')}`
		);
		expect(expected).toBeGreaterThan(0);
		await expect.poll(() => shownTotal(t.page), { timeout: 10_000 }).toBe(expected);
		const hit = t.page.getByTestId('city-list').locator('li a').first();
		const title = await hit.innerText();
		await hit.click();
		await expect.poll(() => t.page.locator('main h1').innerText(), { timeout: 30_000 }).toBe(title);
		expect(await seriousFindings(t.page)).toEqual([]);
	});
});
