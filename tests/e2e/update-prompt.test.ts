import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './helpers/chromium';
import { signIn } from './helpers/tablet';
import { startServerProcess, type ServerProcess } from '../server/helpers/server-process';

/**
 * A new version must never take over by itself: the person is asked, and only their click reloads.
 * This test serves its own copy of the build so that it can publish a "new version" of it.
 */
let browser: Browser;
let server: ServerProcess;
let root: string;

beforeAll(async () => {
	root = await mkdtemp(join(tmpdir(), 'kuaiban-update-'));
	await cp('build', join(root, 'app'), { recursive: true });
	server = await startServerProcess({ dataDir: join(root, 'data'), staticDir: join(root, 'app') });
	browser = await launchChromium();
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	await rm(root, { recursive: true, force: true });
});

describe('a new version', () => {
	it('waits for the person to choose "New version — reload"', async () => {
		const context = await browser.newContext({ baseURL: server.url });
		try {
			const page = await context.newPage();
			await signIn(page, 'tanglian-1');
			await page.goto('/suggestions?lang=en');
			await page.waitForFunction(() => navigator.serviceWorker?.controller !== null);
			// Something the person has on screen that a reload would lose.
			await page.evaluate(() => {
				(window as unknown as { unsavedWork: string }).unsavedWork = 'typing…';
			});

			await appendFile(join(root, 'app', 'sw.js'), '\n// a new version\n');
			await page.evaluate(async () => {
				const registration = await navigator.serviceWorker.getRegistration();
				await registration?.update();
			});

			const reload = page.getByRole('button', { name: 'New version — reload' });
			await reload.waitFor({ timeout: 30_000 });
			// A waiting worker and an unchanged page: nothing was switched under the person.
			expect(
				await page.evaluate(async () => {
					const registration = await navigator.serviceWorker.getRegistration();
					return {
						waiting: registration?.waiting !== null,
						work: (window as unknown as { unsavedWork?: string }).unsavedWork
					};
				})
			).toEqual({ waiting: true, work: 'typing…' });

			await reload.click();
			await expect
				.poll(() =>
					page.evaluate(() => (window as unknown as { unsavedWork?: string }).unsavedWork ?? null)
				)
				.toBeNull();
			await expect
				.poll(() =>
					page.evaluate(async () => {
						const registration = await navigator.serviceWorker.getRegistration();
						return registration?.waiting === null && navigator.serviceWorker.controller !== null;
					})
				)
				.toBe(true);
			await expect.poll(() => page.locator('h1').innerText()).toBe('Suggestions');
		} finally {
			await context.close();
		}
	});
});
