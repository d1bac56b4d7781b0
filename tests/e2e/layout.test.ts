import { mkdir } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { indicator, signIn, useTablets, waitSynced } from './helpers/tablet';

/**
 * Issue "working day", item 9: forms and layout as a person sees them on a tablet and a phone, in
 * Chinese (the default) where the words are shortest and broke worst.
 */

const tablets = useTablets(inject('baseURL'));
const viewports = [
	{ name: 'tablet', width: 1024, height: 768 },
	{ name: 'phone', width: 390, height: 844 }
] as const;

/** The text of each choice (radio and checkbox) label, with how many lines it takes. */
function choiceLines(page: Page) {
	return page.evaluate(() =>
		[...document.querySelectorAll('input[type="radio"], input[type="checkbox"]')].flatMap(
			(input) => {
				const label = input.closest('label');
				const text = label?.querySelector('span');
				if (!label || !text || !text.textContent?.trim()) return [];
				const lineHeight = parseFloat(getComputedStyle(text).lineHeight) || 24;
				return [
					{
						text: text.textContent.trim(),
						lines: Math.round(text.getBoundingClientRect().height / lineHeight)
					}
				];
			}
		)
	);
}

describe('forms and layout', () => {
	it.each(viewports)(
		'keeps every choice label on one line on a $name (inspection and project forms)',
		async (viewport) => {
			const t = await tablets.tablet();
			await t.page.setViewportSize(viewport);
			await signIn(t.page, 'tanglian-1', { lang: 'zh' });
			await mkdir('test-results', { recursive: true });
			for (const path of ['/inspections/new', '/projects/new']) {
				await t.page.goto(path);
				await t.page.locator('form input[type="radio"]').first().waitFor();
				await t.page.screenshot({
					path: `test-results/choices-${viewport.name}${path.replaceAll('/', '-')}.png`,
					fullPage: true
				});
				const labels = await choiceLines(t.page);
				expect(labels.length).toBeGreaterThan(2);
				// Short labels (正常, 有问题, 工程类) must never break; long ones may wrap on a phone.
				const broken = labels.filter((l) => l.text.length <= 12 && l.lines !== 1);
				expect(broken, `${path} on a ${viewport.name}`).toEqual([]);
			}
		}
	);

	it('gives a phone a one-row header and every section of the role at the bottom', async () => {
		const t = await tablets.tablet();
		await t.page.setViewportSize({ width: 390, height: 844 });
		await signIn(t.page, 'jingkai-reviewer');
		await t.page.goto('/projects');
		await t.page.locator('main h1').waitFor();
		const header = await t.page.locator('header.top').boundingBox();
		expect(header?.height).toBeLessThanOrEqual(80);
		const nav = t.page.getByRole('navigation', { name: 'Main navigation' });
		const links = nav.getByRole('link');
		// A reviewer's sections, no worker's or city's.
		expect(await links.allInnerTexts()).toEqual([
			'Suggestions',
			'Projects',
			'Inspections',
			'Review',
			'Dashboard'
		]);
		for (const box of await Promise.all((await links.all()).map((l) => l.boundingBox()))) {
			expect(box).not.toBeNull();
			expect(box!.x).toBeGreaterThanOrEqual(0);
			expect(box!.x + box!.width).toBeLessThanOrEqual(390);
			expect(box!.y + box!.height).toBeLessThanOrEqual(844);
			expect(box!.height).toBeGreaterThanOrEqual(44);
		}
		// The person, the language and signing out are one tap away.
		expect(await t.page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(false);
		await t.page.getByRole('button', { name: 'Account' }).click();
		expect(await t.page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
		await t.page.screenshot({ path: 'test-results/phone-reviewer-projects.png' });
	});

	it('fits the money ledger, "Due" included, on a tablet without scrolling sideways', async () => {
		const t = await tablets.tablet();
		await signIn(t.page, 'city-finance', { lang: 'zh' });
		await t.page.goto('/money');
		const region = t.page.locator('.report-scroll').first();
		await region.locator('table tbody tr').first().waitFor({ timeout: 30_000 });
		const fit = await region.evaluate((el) => ({
			scroll: el.scrollWidth,
			client: el.clientWidth
		}));
		expect(fit.scroll).toBeLessThanOrEqual(fit.client);
		expect(await region.locator('thead th').last().isVisible()).toBe(true);
		expect(await region.locator('thead th').last().innerText()).toMatch(/可拨付/);
	});

	it('says "Connecting", never "Offline", while a reload finds the server', async () => {
		const t = await tablets.tablet();
		await signIn(t.page, 'tanglian-1');
		await waitSynced(t.page);
		// Every state the indicator shows from the first moment of the next load.
		await t.page.addInitScript(() => {
			const seen: string[] = [];
			(window as unknown as { seenStates: string[] }).seenStates = seen;
			const watch = () => {
				const state = document.querySelector('[data-testid="sync-indicator"] .state');
				const text = state?.getAttribute('data-state');
				if (text && seen[seen.length - 1] !== text) seen.push(text);
			};
			new MutationObserver(watch).observe(document, {
				subtree: true,
				childList: true,
				attributes: true,
				characterData: true
			});
		});
		await t.page.reload();
		await waitSynced(t.page);
		const seen = await t.page.evaluate(
			() => (window as unknown as { seenStates: string[] }).seenStates
		);
		expect(seen[0]).toBe('connecting');
		expect(seen).not.toContain('offline');
		expect(seen[seen.length - 1]).toBe('synced');
		expect(await indicator(t.page).innerText()).toMatch(/^Synced/);
	});

	it('warns that the browser may clear data only while something waits to be sent', async () => {
		const t = await tablets.tablet();
		await signIn(t.page, 'tanglian-1');
		await waitSynced(t.page);
		await t.page.goto('/');
		await t.page.locator('.storage').waitFor();
		// Headless Chromium does not grant persistent storage: the case the warning is for.
		expect(await t.page.getByTestId('storage-risk').count()).toBe(0);
		await t.page.waitForFunction(() => navigator.serviceWorker?.controller != null);
		await t.goOffline();
		await t.page.goto('/suggestions/new');
		await t.page.getByLabel('Title').fill('楼道灯不亮');
		await t.page.getByRole('button', { name: 'Save' }).click();
		await t.page.locator('article.suggestion').waitFor();
		await t.page.goto('/');
		await expect.poll(() => t.page.getByTestId('storage-risk').count()).toBe(1);
	});
});
