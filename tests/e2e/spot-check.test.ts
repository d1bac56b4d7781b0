import { readFile } from 'node:fs/promises';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousFindings } from './helpers/axe';
import {
	cameraJpeg,
	confirmStep,
	openSection,
	signIn,
	useTablets,
	waitSynced
} from './helpers/tablet';

/** Issue "town review…", item 5: the spot-check draw, repeatable from its seed. */

const tablets = useTablets(inject('baseURL'));

async function draw(page: Page, seed: string) {
	await page.getByLabel('Seed').fill(seed);
	await page.getByRole('button', { name: 'Draw sample' }).click();
	await confirmStep(page);
	const campaign = page.locator(`article.campaign[data-seed="${seed}"]`).first();
	await expect.poll(() => campaign.locator('li').count()).toBe(40);
	return campaign
		.locator('li')
		.evaluateAll((items) => items.map((li) => li.getAttribute('data-project')));
}

describe('the spot-check', () => {
	it('draws 40 of the demo city’s paid projects, and the same seed draws the same 40', async () => {
		const t = await tablets.tablet();
		await signIn(t.page, 'city-supervisor');
		await waitSynced(t.page, 60_000);
		await openSection(t.page, 'Supervision');
		await t.page.getByLabel('2018').check();
		await t.page.getByLabel('2019').check();
		expect(await t.page.getByLabel('Sample size').inputValue()).toBe('40');
		// 2018–2019 of the demo city: nearly every project paid in full.
		await expect
			.poll(() => t.page.getByText(/^Projects that can be picked: \d+$/).innerText())
			.toMatch(/: (\d{3})$/);

		const first = await draw(t.page, 'kuaiban-2020-08-03');
		expect(new Set(first).size).toBe(40);
		const other = await draw(t.page, 'another-seed');
		expect(other).not.toEqual(first);
		const again = await draw(t.page, 'kuaiban-2020-08-03');
		expect(again).toEqual(first);

		const campaign = t.page.locator('article.campaign[data-seed="kuaiban-2020-08-03"]').first();
		await campaign.getByRole('button', { name: 'Redraw with this seed' }).click();
		await expect
			.poll(() => campaign.getByRole('status').innerText())
			.toBe('The redraw gives the same sample');
		expect(await seriousFindings(t.page)).toEqual([]);
	});

	it('records a finding on a drawn project: it opens a rectification, closed with a photo', async () => {
		const t = await tablets.tablet();
		await signIn(t.page, 'city-supervisor');
		await waitSynced(t.page, 60_000);
		await openSection(t.page, 'Supervision');
		await t.page.getByLabel('2019').check();
		const [first] = await draw(t.page, 'findings-e2e');
		const campaign = t.page.locator('article.campaign[data-seed="findings-e2e"]').first();
		const summary = campaign.getByTestId('campaign-summary');
		expect(await summary.innerText()).toBe(
			'40 checked: 0 funds not disbursed, 0 low usage, 0 needs maintenance, 0 sign damaged or missing, 0 other; 0 rectifications done, 0 open'
		);

		const item = campaign.locator(`li[data-project="${first}"]`);
		await item.getByText('Record finding').click();
		// The label's name takes in the select's shown option ("Finding Choose…").
		await item
			.getByRole('combobox', { name: /^Finding\b/ })
			.selectOption({ label: 'Sign damaged or missing' });
		await item.getByLabel('What was found').fill('东门标识牌缺失');
		await item.getByLabel('Owner').fill('汤联社区居委会');
		await item.getByRole('button', { name: 'Save' }).click();
		await expect
			.poll(() => summary.innerText())
			.toMatch(/1 sign damaged or missing.*; 0 rectifications done, 1 open$/);
		const rectification = item.locator('li.rectification');
		await expect
			.poll(() => rectification.innerText())
			.toMatch(
				/标识牌损坏或缺失：东门标识牌缺失[\s\S]*Owner: 汤联社区居委会 · Due \d{4}-\d{2}-\d{2}/
			);
		expect(await seriousFindings(t.page)).toEqual([]);

		await rectification.getByLabel('What was done').fill('已补装标识牌');
		await rectification.getByLabel('Add photo').setInputFiles({
			name: 'sign.jpg',
			mimeType: 'image/jpeg',
			buffer: await cameraJpeg(t.page)
		});
		await rectification.locator('.previews img').waitFor();
		await rectification.getByRole('button', { name: 'Close rectification' }).click();
		await expect
			.poll(() => rectification.getByTestId('rectified').innerText())
			.toMatch(/^Rectified .*已补装标识牌/);
		await expect.poll(() => summary.innerText()).toMatch(/; 1 rectification done, 0 open$/);
		await waitSynced(t.page);
	});

	it('the monthly report shows each town and the city, and its CSV and XLSX exports hold the same numbers', async () => {
		const t = await tablets.tablet();
		await signIn(t.page, 'city-supervisor');
		await waitSynced(t.page, 60_000);
		await openSection(t.page, 'Supervision');
		await t.page.getByLabel('Month', { exact: true }).fill('2020-07');
		const table = t.page.getByTestId('monthly-report');
		await expect.poll(() => table.locator('tbody tr').count()).toBeGreaterThanOrEqual(10);
		const cells = await table
			.locator('tr')
			.evaluateAll((rows) =>
				rows.map((r) => [...r.children].map((c) => (c as HTMLElement).innerText))
			);
		// July 2020 of the demo city: its towns approved projects that month; the city's row last.
		const towns = cells.slice(1, -1);
		const city = cells[cells.length - 1]!;
		const produced = towns.reduce((sum, row) => sum + Number(row[2]), 0);
		expect(produced).toBeGreaterThan(0);
		expect(city[0]).toBe('City');
		expect(Number(city[2])).toBe(produced);
		const yuan = (row: string[]) => Math.round(Number(row[5]) * 100);
		expect(yuan(city)).toBe(towns.reduce((sum, row) => sum + yuan(row), 0));

		const [csvFile] = await Promise.all([
			t.page.waitForEvent('download'),
			t.page.getByRole('button', { name: 'Export CSV' }).click()
		]);
		expect(csvFile.suggestedFilename()).toBe('kuaiban-report-2020-07.csv');
		const text = await readFile((await csvFile.path())!, 'utf8');
		expect(text.charCodeAt(0)).toBe(0xfeff);
		const csv = text
			.slice(1)
			.trimEnd()
			.split('\r\n')
			.map((line) => line.split(','));
		expect(csv).toEqual(cells);

		// The XLSX holds the budgets as numbers Excel can sum, the same as the table's.
		const [xlsxFile] = await Promise.all([
			t.page.waitForEvent('download'),
			t.page.getByRole('button', { name: 'Export XLSX' }).click()
		]);
		expect(xlsxFile.suggestedFilename()).toBe('kuaiban-report-2020-07.xlsx');
		const parts = unzipSync(new Uint8Array(await readFile((await xlsxFile.path())!)));
		const sheet = strFromU8(parts['xl/worksheets/sheet1.xml']!);
		expect(sheet).toContain('Livelihood micro-projects: monthly report');
		const budgets = [...sheet.matchAll(/<c r="F(\d+)" s="\d+"><v>([^<]+)<\/v><\/c>/g)].map((m) =>
			Math.round(Number(m[2]) * 100)
		);
		expect(budgets).toEqual([...towns, city].map(yuan));
	});
});
