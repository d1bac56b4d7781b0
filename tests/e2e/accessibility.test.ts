import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './helpers/chromium';
import { signIn } from './helpers/tablet';

const baseURL = inject('baseURL');
const screens = [
	'/',
	'/suggestions',
	'/suggestions/new',
	'/meetings',
	'/meetings/new',
	'/projects',
	'/projects/new',
	'/inspections',
	'/inspections/new',
	'/review',
	'/supervision',
	'/money',
	'/dashboard',
	'/outbox',
	'/no-such-page'
];
const viewports = [
	{ name: 'tablet', width: 1024, height: 768 },
	{ name: 'phone', width: 390, height: 844 }
];

let browser: Browser;
beforeAll(async () => {
	browser = await launchChromium();
});
afterAll(async () => {
	await browser?.close();
});

/**
 * Tablets are used outdoors by people of every age: contrast, names and touch targets are
 * checked on every screen in both languages, and serious or critical findings fail the run.
 */
describe.each(['zh', 'en'])('accessibility in %s', (lang) => {
	it.each(viewports)('has no serious or critical axe findings on a $name', async (viewport) => {
		const context = await browser.newContext({ baseURL, viewport });
		try {
			const page = await context.newPage();
			const findings: string[] = [];
			const check = async (path: string) => {
				const result = await new AxeBuilder({ page })
					.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
					.analyze();
				for (const violation of result.violations) {
					if (violation.impact === 'serious' || violation.impact === 'critical') {
						const targets = violation.nodes.map((node) => node.target.join(' ')).join(', ');
						findings.push(`${path} ${violation.id} (${violation.impact}): ${targets}`);
					}
				}
			};
			// The sign-in screen, then every screen of a signed-in worker.
			await page.goto(`/?lang=${lang}`);
			await page.locator('main h1').waitFor();
			await check('sign-in');
			await signIn(page, 'tanglian-1', { lang: lang === 'en' ? 'en' : 'zh' });
			for (const path of screens) {
				await page.goto(`${path}?lang=${lang}`);
				await page.locator('main h1').waitFor();
				await check(path);
			}
			expect(findings).toEqual([]);
		} finally {
			await context.close();
		}
	});
});
