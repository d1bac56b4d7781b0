import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousFindings } from './helpers/axe';
import { openSection, signIn, useTablets, waitSynced } from './helpers/tablet';

/** Issue "town review…", item 5: the spot-check draw, repeatable from its seed. */

const tablets = useTablets(inject('baseURL'));

async function draw(page: Page, seed: string) {
	await page.getByLabel('Seed').fill(seed);
	await page.getByRole('button', { name: 'Draw sample' }).click();
	const campaign = page.locator(`article.campaign[data-seed="${seed}"]`).first();
	await expect.poll(() => campaign.locator('li').count()).toBe(40);
	return campaign
		.locator('li')
		.evaluateAll((items) => items.map((li) => li.getAttribute('data-project')));
}

describe('the spot-check', () => {
	it('draws 40 of the demo city’s finished projects, and the same seed draws the same 40', async () => {
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

	it('the monthly report shows each town, and its CSV export holds the same numbers', async () => {
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
		// July 2020 of the demo city: its towns approved projects that month.
		const produced = cells.slice(1).reduce((sum, row) => sum + Number(row[2]), 0);
		expect(produced).toBeGreaterThan(0);

		const [download] = await Promise.all([
			t.page.waitForEvent('download'),
			t.page.getByRole('button', { name: 'Export CSV' }).click()
		]);
		expect(download.suggestedFilename()).toBe('kuaiban-report-2020-07.csv');
		const text = await readFile((await download.path())!, 'utf8');
		expect(text.charCodeAt(0)).toBe(0xfeff);
		const csv = text
			.slice(1)
			.trimEnd()
			.split('\r\n')
			.map((line) => line.split(','));
		expect(csv).toEqual(cells);
	});
});
