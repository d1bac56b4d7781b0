/**
 * `npm run screens`: the home page of each role, on a tablet and a phone, in Chinese, as
 * docs/screens/<role>-<device>.png (linked from the README). The app as `npm start` serves it, on
 * a fresh demo city; run it after a change to what the home pages show.
 */
import { join } from 'node:path';
import { appBuild, root, startServer, tablet } from '../bench/harness.ts';
import { launchChromium } from '../tests/e2e/helpers/chromium.ts';

const people = [
	['worker', 'tanglian-1'],
	['reviewer', 'jingkai-reviewer'],
	['supervisor', 'city-supervisor'],
	['finance', 'city-finance']
] as const;
const devices = [
	['tablet', { width: 1024, height: 768 }],
	['phone', { width: 390, height: 844 }]
] as const;

const build = await appBuild();
const server = await startServer(build.dir);
const browser = await launchChromium();
try {
	for (const [role, user] of people) {
		for (const [device, viewport] of devices) {
			const { context, page } = await tablet(browser, server.url);
			await page.setViewportSize(viewport);
			await page.goto('/?lang=zh');
			await page.getByLabel('用户名').fill(user);
			await page.getByLabel('密码').fill('demo');
			await page.getByRole('button', { name: '登录' }).click();
			await page.locator('nav.main-nav').waitFor({ timeout: 60_000 });
			// Whole figures and lists, and the indicator settled, before the picture.
			await page.waitForFunction(
				() =>
					/^✓?\s*已同步/.test(
						document.querySelector('[data-testid=sync-indicator]')?.textContent?.trim() ?? ''
					),
				null,
				{ timeout: 120_000 }
			);
			await page
				.locator(
					'[data-testid="inbox"], [data-testid="inbox-empty"], [data-testid="overdue-by-town"]'
				)
				.first()
				.waitFor({ timeout: 60_000 });
			const file = join(root, 'docs', 'screens', `${role}-${device}.png`);
			await page.screenshot({ path: file });
			console.log(`docs/screens/${role}-${device}.png`);
			await context.close();
		}
	}
} finally {
	await browser.close();
	await server.stop();
	await build.cleanup();
}
