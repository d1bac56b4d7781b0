import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import * as Y from 'yjs';
import { shanghaiMonth } from '$lib/domain';
import { demoCity } from '../../sync-server/demo-city';
import { demoDataUpdates } from '../../sync-server/demo-data';
import { seriousFindings } from './helpers/axe';
import { confirmStep, openSection, signIn, useTablets, waitSynced } from './helpers/tablet';

/**
 * Issue "town review…", items 3, 8 and 9: the money after completion — the town accepts, finance
 * pays, the city closes — and a resident's rating reaching the monthly report.
 */

const tablets = useTablets(inject('baseURL'));

/** The id of a demo project, found by its title in its community's seeded room. */
function demoProject(community: string, title: string): string {
	const seeded = demoDataUpdates(demoCity()).find((u) => u.room === `community:${community}`)!;
	const doc = new Y.Doc();
	Y.applyUpdate(doc, seeded.update);
	for (const [id, record] of doc.getMap<Y.Map<unknown>>('project')) {
		if (record.get('title') === title) return id;
	}
	throw new Error(`no demo project ${title}`);
}

const status = (page: Page) => page.getByTestId('project-status').innerText();
const yuan = (text: string) => Number(text.replace(/[^\d.]/g, ''));

async function openProject(page: Page, id: string, expected: string) {
	await page.goto(`/projects/${id}`);
	await expect.poll(() => status(page), { timeout: 30_000 }).toBe(expected);
}

async function moneyTotals(page: Page) {
	await openSection(page, 'Money');
	// The server's answer, not the one this device kept from an earlier visit.
	await page.locator('[data-testid="as-of"][data-state="current"]').waitFor();
	const total = page.getByTestId('money-total');
	await total.waitFor();
	const cells = await total.locator('td').allInnerTexts();
	return { approved: yuan(cells[1]!), paid: yuan(cells[2]!), due: yuan(cells[4]!) };
}

describe('the money after completion', () => {
	it('the town accepts, finance pays in two parts (and withdraws a wrong entry), the city closes; the Money screen follows', async () => {
		// The article's bicycle garages in daxin: completed in 2020, waiting for the town.
		const id = demoProject('daxin', '府前新村自行车库安全接电');

		const reviewer = await tablets.tablet();
		await signIn(reviewer.page, 'yangshe-reviewer');
		await waitSynced(reviewer.page, 60_000);
		await openProject(reviewer.page, id, 'Completed');
		await reviewer.page.getByRole('button', { name: 'Accept' }).click();
		await expect.poll(() => status(reviewer.page)).toBe('Accepted');
		await waitSynced(reviewer.page);

		const finance = await tablets.tablet();
		await signIn(finance.page, 'city-finance');
		await waitSynced(finance.page, 60_000);
		// Finance's home page: the accepted projects waiting for payment, the longest waiting first,
		// each with what is owed; the one just accepted among them.
		const inbox = finance.page.getByTestId('inbox');
		await inbox.waitFor();
		await expect
			.poll(() => inbox.locator('li').first().innerText())
			.toMatch(/^To pay\s+\S+\s+\S+\s+¥[\d,.]+ owed$/);
		const waitingBefore = Number(await inbox.getAttribute('data-count'));
		expect(waitingBefore).toBeGreaterThan(0);
		const before = await moneyTotals(finance.page);
		await expect
			.poll(() => finance.page.locator('ul.waiting li', { hasText: '府前新村' }).count())
			.toBe(1);
		expect(await seriousFindings(finance.page)).toEqual([]);

		await openProject(finance.page, id, 'Accepted');
		const budget = yuan(await finance.page.getByTestId('project-total').innerText());
		// More than the budget is refused, with what is left.
		await finance.page.getByLabel('Amount paid (yuan)').fill(String(budget + 1));
		await finance.page.getByRole('button', { name: 'Record payment' }).click();
		await expect.poll(() => finance.page.getByRole('alert').innerText()).toMatch(/budget/);
		// A first part, then the rest: paid in full.
		await finance.page.getByLabel('Amount paid (yuan)').fill('10000');
		await finance.page.getByRole('button', { name: 'Record payment' }).click();
		await confirmStep(finance.page);
		await expect
			.poll(() => finance.page.getByTestId('project-paid').innerText())
			.toMatch(/^Paid ¥?10,000\.00 of/);
		expect(await status(finance.page)).toBe('Accepted');
		// The form empties once the payment is stored: then the rest.
		const amount = finance.page.getByLabel('Amount paid (yuan)');
		await expect.poll(() => amount.inputValue()).toBe('');
		await amount.fill((budget - 10_000).toFixed(2));
		await finance.page.getByRole('button', { name: 'Record payment' }).click();
		await confirmStep(finance.page);
		await expect.poll(() => status(finance.page)).toBe('Disbursed');
		expect(await finance.page.getByLabel('Amount paid (yuan)').count()).toBe(0);
		// The second was entered by mistake: withdrawn with a reason, the project is owed again.
		const rows = finance.page.locator('section[aria-labelledby="payments-title"] tbody tr');
		await rows.nth(1).getByRole('button', { name: 'Withdraw' }).click();
		await rows.nth(1).getByLabel(/^Why/).fill('金额录错');
		await rows.nth(1).getByRole('button', { name: 'Withdraw payment' }).click();
		await expect.poll(() => status(finance.page)).toBe('Accepted');
		expect(await rows.nth(1).innerText()).toMatch(/Withdrawn: 金额录错/);
		await amount.fill((budget - 10_000).toFixed(2));
		await finance.page.getByRole('button', { name: 'Record payment' }).click();
		await confirmStep(finance.page);
		await expect.poll(() => status(finance.page)).toBe('Disbursed');
		await waitSynced(finance.page);

		const after = await moneyTotals(finance.page);
		expect(after.approved).toBe(before.approved);
		expect(Math.round((after.paid - before.paid) * 100)).toBe(Math.round(budget * 100));
		expect(Math.round((before.due - after.due) * 100)).toBe(Math.round(budget * 100));
		expect(await finance.page.locator('ul.waiting li', { hasText: '府前新村' }).count()).toBe(0);
		// Paid in full: one fewer waits on finance's home page.
		await finance.page.goto('/');
		await expect
			.poll(async () => Number(await inbox.getAttribute('data-count')))
			.toBe(waitingBefore - 1);

		const supervisor = await tablets.tablet();
		await signIn(supervisor.page, 'city-supervisor');
		await waitSynced(supervisor.page, 60_000);
		await openProject(supervisor.page, id, 'Disbursed');
		await supervisor.page.getByRole('button', { name: 'Close' }).click();
		await confirmStep(supervisor.page);
		await expect.poll(() => status(supervisor.page)).toBe('Closed');
		await waitSynced(supervisor.page);
		// The town sees the file closed.
		await openProject(reviewer.page, id, 'Closed');
	});
});

describe("residents' ratings", () => {
	/** The cells of a town's row in the monthly report: [town, …, ratings, average]. */
	async function reportRow(page: Page, month: string, town: string) {
		await openSection(page, 'Dashboard');
		await openSection(page, 'Supervision');
		await page.getByLabel('Month', { exact: true }).fill(month);
		// The server's answer for that month, not one this device kept from an earlier visit.
		await page
			.locator(
				'section[aria-labelledby="report-title"] [data-testid="as-of"][data-state="current"]'
			)
			.waitFor();
		const row = page.getByTestId('monthly-report').locator('tbody tr', { hasText: town });
		// The ratings come from the server: wait until they are in (not "—").
		await expect.poll(() => row.locator('td').last().innerText()).not.toBe('');
		await expect
			.poll(async () => (await row.locator('td').allInnerTexts()).at(-2))
			.toMatch(/^\d+$/);
		return row.locator('td').allInnerTexts();
	}

	it('a rating posted on a public page shows in the report; a second from the device is refused', async () => {
		const id = demoProject('tanglian', '塘市花苑货车停放整治');
		const month = shanghaiMonth(new Date().toISOString());

		const supervisor = await tablets.tablet();
		await signIn(supervisor.page, 'city-supervisor');
		await waitSynced(supervisor.page, 60_000);
		const before = await reportRow(supervisor.page, month, '经开区');
		const count = Number(before.at(-2));

		// A resident's phone: no sign-in, the QR code's page.
		const phone = await tablets.tablet();
		await phone.page.goto(`/p/tanglian/${id}`);
		await phone.page.getByLabel('5 分').check();
		await phone.page.getByLabel(/您的意见/).fill('货车不再乱停了，谢谢！');
		await phone.page.getByRole('button', { name: '提交评价' }).click();
		await phone.page.getByText('谢谢您的评价！').waitFor();
		expect(await phone.page.getByRole('button', { name: '提交评价' }).count()).toBe(0);
		// The same device posting again (the form is gone; a crafted request) is refused.
		const again = await phone.page.request.post(`/p/tanglian/${id}/rating`, {
			form: { score: '1', comment: '再来一次' },
			maxRedirects: 0
		});
		expect(again.status()).toBe(409);

		const after = await reportRow(supervisor.page, month, '经开区');
		expect(Number(after.at(-2))).toBe(count + 1);
		expect(Number(after.at(-1))).toBeGreaterThan(0);
		if (count === 0) expect(after.at(-1)).toBe('5');

		// And on the project's own page in the app.
		await supervisor.page.goto(`/projects/${id}`);
		await expect
			.poll(() => supervisor.page.getByTestId('project-rating').innerText(), { timeout: 30_000 })
			.toMatch(/^Residents' rating: [\d.]+ \/ 5 \([1-9]\d* ratings\)$/);
	});
});
