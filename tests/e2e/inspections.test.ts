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
			.toMatch(/^Offline\n\d+ changes, 1 photos waiting/);

		await t.goOnline();
		await waitSynced(page);
	});
});
