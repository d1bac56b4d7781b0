import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousFindings } from './helpers/axe';
import { confirmStep, openSection, signIn, useTablets, waitSynced } from './helpers/tablet';

/**
 * Issue "town review…", item 1: the town's queue and its decisions, seen by the community; issue
 * "working day", items 4–6: every decision offered, the comment asked for, approval confirmed,
 * and the reviewer told that no council stands behind a project.
 */

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
		// The reviewer's home page: what waits, with the working days left, most urgent first.
		const inbox = reviewer.page.getByTestId('inbox');
		await expect
			.poll(() => inbox.locator('li[data-kind="review"]', { hasText: '垃圾分类亭' }).innerText())
			.toMatch(/^To review\s+审核队列：垃圾分类亭\s+汤联社区\s*\d+ working days? left$/);
		expect(await seriousFindings(reviewer.page)).toEqual([]);
		await openSection(reviewer.page, 'Review');
		const item = (title: string) => reviewer.page.locator('ol.queue li', { hasText: title });
		await item('垃圾分类亭').waitFor();
		await expect.poll(() => item('儿童滑梯').innerText()).toMatch(/working days elapsed/);
		expect(await seriousFindings(reviewer.page)).toEqual([]);

		// Made without residents' suggestion or council vote: the card says so.
		await expect
			.poll(() => item('垃圾分类亭').getByTestId('deliberation-warnings').innerText())
			.toMatch(/linked to no residents' suggestion/);

		await item('垃圾分类亭').getByRole('link', { name: 'Open and review' }).click();
		// The page shows what the card showed, keeps Review current and leads back to the queue.
		await expect
			.poll(() => reviewer.page.getByTestId('deliberation-warnings').innerText())
			.toMatch(/linked to no residents' suggestion/);
		await expect
			.poll(() => reviewer.page.getByTestId('allowance').innerText())
			.toMatch(/^Left for the community in \d{4} besides this project: /);
		const nav = reviewer.page.getByRole('navigation', { name: 'Main navigation' });
		expect(await nav.getByRole('link', { name: 'Review' }).getAttribute('aria-current')).toBe(
			'page'
		);
		expect(await nav.getByRole('link', { name: 'Projects' }).getAttribute('aria-current')).toBe(
			null
		);
		// Approving is permanent: it asks, and "Cancel" leaves the project as it was.
		await reviewer.page.getByRole('button', { name: 'Approve' }).click();
		await expect
			.poll(() => reviewer.page.getByRole('dialog').innerText())
			.toMatch(/cannot be withdrawn/);
		expect(await seriousFindings(reviewer.page)).toEqual([]);
		await confirmStep(reviewer.page, 'Cancel');
		expect(await status(reviewer.page)).toBe('Submitted');
		await reviewer.page.getByRole('button', { name: 'Approve' }).click();
		await confirmStep(reviewer.page);
		await expect.poll(() => status(reviewer.page)).toBe('Approved');
		await reviewer.page.getByRole('link', { name: 'Back to the review queue' }).click();

		await item('儿童滑梯').getByRole('link', { name: 'Open and review' }).click();
		// All three decisions are offered; Return without a comment asks for one and does nothing.
		for (const name of ['Approve', 'Return', 'Reject']) {
			await reviewer.page.getByRole('button', { name }).waitFor();
		}
		await reviewer.page.getByRole('button', { name: 'Return' }).click();
		await expect
			.poll(() => reviewer.page.getByRole('alert').first().innerText())
			.toMatch(/Write the reason for “Return” in Comment first/);
		expect(
			await reviewer.page.getByLabel('Comment').evaluate((e) => e === document.activeElement)
		).toBe(true);
		expect(await status(reviewer.page)).toBe('Submitted');
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
		// And it waits for the worker on the home page.
		await worker.page.goto('/');
		const returned = worker.page.getByTestId('inbox').locator('li[data-kind="returned"]');
		await expect.poll(() => returned.innerText()).toMatch(/^Returned\s+审核队列：儿童滑梯$/);
		await returned.getByRole('link').click();
		await expect.poll(() => status(worker.page)).toBe('Returned');
	});
});
