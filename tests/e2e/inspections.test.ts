import { describe, expect, inject, it } from 'vitest';
import { seriousFindings } from './helpers/axe';
import {
	cameraJpeg,
	indicator,
	openSection,
	signIn,
	useTablets,
	waitSynced
} from './helpers/tablet';

/** Issue "town review…", item 2: an offline site inspection and its rectification. */

const tablets = useTablets(inject('baseURL'));

describe('a site inspection', () => {
	it('with a failed sign item opens a rectification, which closes only with a photo', async () => {
		const t = await tablets.tablet();
		const page = t.page;
		await signIn(page, 'tanglian-1');
		await waitSynced(page);
		await page.waitForFunction(() => navigator.serviceWorker?.controller != null);
		await t.goOffline();

		await openSection(page, 'Inspections');
		await page.getByRole('link', { name: 'New inspection' }).click();
		const sign = page.getByRole('group', { name: 'Project sign present and intact' });
		await sign.getByLabel('Fail').check();
		await sign.getByLabel('What was found').fill('标识牌被风吹落');
		await sign.getByLabel('What is to be done').fill('重新安装标识牌');
		await sign.getByLabel('Owner').fill('物业公司');
		await page.getByRole('group', { name: 'Facility in use' }).getByLabel('Pass').check();
		await page.getByLabel('Inspection note').fill('十一月巡查');
		await page.getByRole('button', { name: 'Save inspection' }).click();

		const rectification = page.locator('li.rectification', { hasText: '重新安装标识牌' });
		await expect
			.poll(() => rectification.innerText())
			.toMatch(/Owner: 物业公司 · Due \d{4}-\d{2}-\d{2}/);
		expect(await page.locator('li.inspection').first().innerText()).toMatch(
			/Problem found[\s\S]*Project sign present and intact: Fail/
		);
		expect(await seriousFindings(page)).toEqual([]);

		// No photo, no closing.
		await rectification.getByLabel('What was done').fill('已重新安装');
		await rectification.getByRole('button', { name: 'Close rectification' }).click();
		await expect.poll(() => rectification.getByRole('alert').innerText()).toMatch(/photo/);

		await rectification.getByLabel('Add photo').setInputFiles({
			name: 'fixed.jpg',
			mimeType: 'image/jpeg',
			buffer: await cameraJpeg(page)
		});
		await rectification.locator('.previews img').waitFor();
		await rectification.getByRole('button', { name: 'Close rectification' }).click();
		await expect
			.poll(() => rectification.getByTestId('rectified').innerText())
			.toMatch(/^Rectified .*已重新安装/);
		await expect
			.poll(() => indicator(page).innerText())
			.toMatch(/^Offline\n\d+ records?, 1 photo waiting/);

		await t.goOnline();
		await waitSynced(page);
	});

	it("ordered by the town on a community's project: the community reports it fixed, the town confirms", async () => {
		const reviewer = await tablets.tablet();
		await signIn(reviewer.page, 'jingkai-reviewer');
		await waitSynced(reviewer.page);
		await openSection(reviewer.page, 'Inspections');
		await reviewer.page.getByRole('link', { name: 'New inspection' }).click();
		await reviewer.page.getByLabel('Kind').selectOption({ label: 'Quarterly check' });
		await reviewer.page
			.getByRole('combobox', { name: /^Project\b/ })
			.selectOption({ label: '塘市花苑货车停放整治 · 汤联社区' });
		const sign = reviewer.page.getByRole('group', { name: 'Project sign present and intact' });
		await sign.getByLabel('Fail').check();
		await sign.getByLabel('What was found').fill('标识牌被撞坏');
		await sign.getByLabel('What is to be done').fill('更换货车停放标识牌');
		await sign.getByLabel('Owner').fill('汤联社区');
		await reviewer.page.getByRole('button', { name: 'Save inspection' }).click();
		const ordered = (page: typeof reviewer.page) =>
			page.locator('li.rectification', { hasText: '更换货车停放标识牌' });
		await ordered(reviewer.page).waitFor();
		await waitSynced(reviewer.page);

		// The community sees the town's order under its own inspections, and reports the fix.
		const worker = await tablets.tablet();
		await signIn(worker.page, 'tanglian-2');
		await waitSynced(worker.page);
		await openSection(worker.page, 'Inspections');
		const order = worker.page
			.locator('section[aria-labelledby="town-title"]')
			.locator('li.rectification', { hasText: '更换货车停放标识牌' });
		await order.getByLabel('What was done').fill('已换上新标识牌');
		await order.getByLabel('Add photo').setInputFiles({
			name: 'new-sign.jpg',
			mimeType: 'image/jpeg',
			buffer: await cameraJpeg(worker.page)
		});
		await order.locator('.previews img').waitFor();
		await order.getByRole('button', { name: 'Report fixed' }).click();
		await expect
			.poll(() => order.getByTestId('report').innerText())
			.toMatch(/^Reported fixed by the community .*已换上新标识牌/);
		// The community cannot close what the town ordered.
		expect(await order.getByRole('button', { name: 'Close rectification' }).count()).toBe(0);
		expect(await seriousFindings(worker.page)).toEqual([]);
		await waitSynced(worker.page);

		// The town sees the report with its photo and confirms.
		const item = ordered(reviewer.page);
		await expect
			.poll(() => item.getByTestId('report').innerText(), { timeout: 20_000 })
			.toMatch(/已换上新标识牌/);
		await item.locator('[data-testid="report"] img').first().waitFor();
		await item.getByRole('button', { name: 'Confirm fixed' }).click();
		await expect.poll(() => item.getByTestId('rectified').innerText()).toMatch(/^Rectified/);
		await waitSynced(reviewer.page);
		await expect
			.poll(() => order.getByTestId('rectified').innerText(), { timeout: 20_000 })
			.toMatch(/^Rectified .*已换上新标识牌/);
	});
});
