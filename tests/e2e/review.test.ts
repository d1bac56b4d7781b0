import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousFindings } from './helpers/axe';
import { openSection, signIn, useTablets, waitSynced } from './helpers/tablet';

/** Issue "town review…", item 1: the town's queue and its decisions, seen by the community. */

const tablets = useTablets(inject('baseURL'));

async function submitProject(page: Page, title: string, yuan: string) {
	await openSection(page, 'Projects');
	await page.getByRole('link', { name: 'New project' }).click();
	await page.getByLabel('Title').fill(title);
	await page.getByRole('button', { name: 'Add line item' }).click();
	await page.getByLabel('Amount (yuan)').fill(yuan);
	await page.getByRole('button', { name: 'Save' }).click();
	await page.getByRole('button', { name: 'Submit to town' }).click();
	await expect.poll(() => page.getByTestId('project-status').innerText()).toBe('Submitted');
}

const status = (page: Page) => page.getByTestId('project-status').innerText();

describe("the town's review", () => {
	it('approves one project and returns another from the queue; the community sees both', async () => {
		const worker = await tablets.tablet();
		await signIn(worker.page, 'tanglian-2');
		await submitProject(worker.page, '审核队列：垃圾分类亭', '20000');
		await submitProject(worker.page, '审核队列：儿童滑梯', '15000');
		await waitSynced(worker.page);

		const reviewer = await tablets.tablet();
		await signIn(reviewer.page, 'jingkai-reviewer');
		await waitSynced(reviewer.page);
		await openSection(reviewer.page, 'Review');
		const item = (title: string) => reviewer.page.locator('ol.queue li', { hasText: title });
		await item('垃圾分类亭').waitFor();
		await expect.poll(() => item('儿童滑梯').innerText()).toMatch(/working days elapsed/);
		expect(await seriousFindings(reviewer.page)).toEqual([]);

		await item('垃圾分类亭').getByRole('link', { name: 'Open and review' }).click();
		await reviewer.page.getByRole('button', { name: 'Approve' }).click();
		await expect.poll(() => status(reviewer.page)).toBe('Approved');

		await openSection(reviewer.page, 'Review');
		await item('儿童滑梯').getByRole('link', { name: 'Open and review' }).click();
		// Returning needs a comment: the button comes with it.
		expect(await reviewer.page.getByRole('button', { name: 'Return' }).count()).toBe(0);
		await reviewer.page.getByLabel('Comment').fill('请补充预算明细');
		await reviewer.page.getByRole('button', { name: 'Return' }).click();
		await expect.poll(() => status(reviewer.page)).toBe('Returned');
		await openSection(reviewer.page, 'Review');
		await expect
			.poll(() => reviewer.page.locator('ol.queue li', { hasText: '审核队列' }).count())
			.toBe(0);
		await waitSynced(reviewer.page);

		// The community's tablet sees both decisions.
		await openSection(worker.page, 'Projects');
		const row = (title: string) => worker.page.locator('ul.list li', { hasText: title });
		await expect.poll(() => row('垃圾分类亭').innerText(), { timeout: 20_000 }).toMatch(/Approved/);
		await expect.poll(() => row('儿童滑梯').innerText()).toMatch(/Returned/);
		await row('儿童滑梯').getByRole('link').click();
		await expect
			.poll(() => worker.page.getByTestId('decision').innerText())
			.toMatch(/请补充预算明细/);
		// Returned to the community: it can be changed and resubmitted.
		await worker.page.getByRole('button', { name: 'Edit' }).waitFor();
		await worker.page.getByRole('button', { name: 'Resubmit to town' }).waitFor();
	});
});
