import { describe, expect, inject, it } from 'vitest';
import { seriousFindings } from './helpers/axe';
import { indicator, openSection, signIn, useTablets, waitSynced } from './helpers/tablet';

/**
 * Issue "working day", item 3: unsent work does not look sent. What waits is counted as records,
 * marked "Unsent" where it shows, listed in the outbox, and a project submitted offline does not
 * say the town has it.
 */

const tablets = useTablets(inject('baseURL'));

describe('work still on the tablet', () => {
	it('is counted as records, marked Unsent, listed in the outbox, and submitted only once sent', async () => {
		const t = await tablets.tablet();
		await signIn(t.page, 'tanglian-2');
		await waitSynced(t.page);
		await t.page.waitForFunction(() => navigator.serviceWorker?.controller != null);
		await t.goOffline();

		// A project made and submitted offline: a save, an edit of a line, a submission.
		await openSection(t.page, 'Projects');
		await t.page.getByRole('link', { name: 'New project' }).click();
		await t.page.getByLabel('Title').fill('离线提交：楼道扶手');
		await t.page.getByRole('button', { name: 'Add line item' }).click();
		await t.page.getByLabel('Amount (yuan)').fill('8000');
		await t.page.getByRole('button', { name: 'Save' }).click();
		await t.page.getByRole('button', { name: 'Submit to town' }).click();
		await expect.poll(() => t.page.getByTestId('project-status').innerText()).toBe('Submitted');
		expect(await t.page.getByTestId('unsent').innerText()).toBe('Unsent');
		// Not "waiting for the town": the town has nothing yet, and no review clock runs.
		expect(await t.page.getByTestId('submitted-unsent').innerText()).toMatch(/not sent yet/);
		expect(await t.page.getByTestId('review-clock').count()).toBe(0);
		// Several changes of one record are one record waiting.
		await expect
			.poll(() => indicator(t.page).innerText())
			.toBe('Offline\n1 record, 0 photos waiting');

		await openSection(t.page, 'Projects');
		const row = t.page.locator('ul.list li', { hasText: '离线提交：楼道扶手' });
		await expect.poll(() => row.getByTestId('unsent').count()).toBe(1);
		expect(await t.page.locator('ul.list li').getByTestId('unsent').count()).toBe(1);

		// The indicator leads to the outbox, which names the record.
		await indicator(t.page).getByRole('link').click();
		await expect.poll(() => t.page.locator('main h1').innerText()).toBe('Outbox');
		const item = t.page.locator('li[data-kind="project"]');
		await expect.poll(() => item.innerText()).toMatch(/Project\s+离线提交：楼道扶手/);
		expect(await seriousFindings(t.page)).toEqual([]);

		// Online: sent, no longer marked, and the town's clock runs.
		await t.goOnline();
		await waitSynced(t.page);
		await expect
			.poll(() => t.page.getByTestId('outbox-summary').innerText())
			.toBe('Everything is sent.');
		await openSection(t.page, 'Projects');
		await row.waitFor();
		expect(await row.getByTestId('unsent').count()).toBe(0);
		await row.getByRole('link').click();
		await t.page.getByTestId('review-clock').waitFor();
		expect(await t.page.getByTestId('unsent').count()).toBe(0);
	});
});
