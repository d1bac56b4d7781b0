import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './helpers/chromium';
import {
	indicator,
	newTablet,
	openSection,
	signIn,
	waitSynced,
	type Tablet
} from './helpers/tablet';
import { startServerProcess, type ServerProcess } from '../server/helpers/server-process';

/**
 * Issue "offline data layer", the session: a refused token does not stop work, and signing out
 * never silently deletes what was not sent.
 */

const serverURL = inject('baseURL');
let browser: Browser;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
	browser = await launchChromium();
});
afterAll(async () => {
	for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
	await browser?.close();
});

async function tablet(target = serverURL): Promise<Tablet> {
	const t = await newTablet(browser, target);
	cleanup.push(() => t.close());
	return t;
}

async function addSuggestion(page: Page, title: string) {
	await openSection(page, 'Suggestions');
	await page.getByRole('link', { name: 'New suggestion' }).click();
	await page.getByLabel('Title').fill(title);
	await page.getByRole('button', { name: 'Save' }).click();
	await page.locator('article.suggestion').waitFor();
}

describe('the session', () => {
	it('shows a first visit the sign-in page without the data layer, which loads as the person starts to sign in', async () => {
		// Issue 14, item 12: the sign-in page of a first visit is small; the rest comes with the
		// first touch of the form, and a device that holds the data opens it at once after.
		const context = await browser.newContext({ baseURL: serverURL });
		cleanup.push(() => context.close());
		const page = await context.newPage();
		const scripts: string[] = [];
		page.on('request', (request) => {
			if (request.resourceType() === 'script') scripts.push(request.url());
		});
		const databases = () =>
			page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));

		await page.goto('/?lang=en');
		await page.getByLabel('Username').waitFor();
		await page.waitForLoadState('networkidle');
		expect(await databases()).not.toContain('kuaiban');
		const signInScripts = scripts.length;

		await page.getByLabel('Username').fill('tanglian-1');
		await expect.poll(databases).toContain('kuaiban');
		expect(scripts.length).toBeGreaterThan(signInScripts);
		await page.getByLabel('Password').fill('demo');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.locator('nav.main-nav').waitFor();
		await expect.poll(() => page.locator('h1').innerText()).toBe('What to do today');

		// Reloaded: the database is there, so the workspace opens signed in, its rooms with it.
		await page.reload();
		await page.locator('nav.main-nav').waitFor();
		expect(await page.getByLabel('Username').count()).toBe(0);
	});

	it("reopens without decoding a room nothing needs: the worker's own rooms when idle, never the city's payments, which its pages read from the copy", async () => {
		// Issue 14, item 12: the finance room (every payment of the city) was applied on every
		// open of every tablet, the longest task of a worker opening its list.
		const { page } = await tablet();
		await signIn(page, 'tanglian-1');
		await waitSynced(page);
		await openSection(page, 'Suggestions');
		const copies = () =>
			page.evaluate(
				() =>
					new Promise<string[]>((resolve) => {
						const open = indexedDB.open('kuaiban');
						open.onsuccess = () => {
							const request = open.result
								.transaction('decoded')
								.objectStore('decoded')
								.getAllKeys();
							request.onsuccess = () => {
								open.result.close();
								resolve((request.result as string[]).sort());
							};
						};
					})
			);
		// Each room's copy is kept once its writes settle (2 s); a room with nothing stored has none
		// (this community's contacts, unless another test gave it a resident's number).
		await expect
			.poll(copies, { timeout: 15_000 })
			.toEqual(expect.arrayContaining(['city', 'community:tanglian', 'finance', 'town:jingkai']));
		const kept = await copies();
		const writes = kept.filter((room) => room.endsWith(':tanglian'));

		await page.reload();
		await page.locator('.list li').first().waitFor();
		await waitSynced(page);
		const marks = (prefix: string) =>
			page.evaluate(
				(prefix) =>
					performance
						.getEntriesByType('mark')
						.filter((m) => m.name.startsWith(prefix))
						.map((m) => m.name.slice(prefix.length))
						.sort(),
				prefix
			);
		expect(await marks('kuaiban:copy-used:')).toEqual(kept);
		// The rooms this worker writes, when the tablet is idle after opening: the first save does
		// not wait for them. The rooms it only reads, never while nothing needs them.
		await expect.poll(() => marks('kuaiban:applied:'), { timeout: 20_000 }).toEqual(writes);
		await page.waitForTimeout(1000);
		expect(await marks('kuaiban:applied:')).toEqual(writes);

		// The projects and a paid project's page read the payments: from the finance room's copy,
		// which stays undecoded.
		await openSection(page, 'Projects');
		const links = await page
			.locator('.list li a')
			.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
		let paid = 0;
		for (const href of links) {
			await page.locator(`.list li a[href="${href}"]`).click();
			await page.waitForURL((url) => url.pathname === href);
			await page.locator('main h1').waitFor();
			paid = await page.locator('section[aria-labelledby="payments-title"] tbody tr').count();
			if (paid > 0) break;
			await openSection(page, 'Projects');
		}
		expect(paid).toBeGreaterThan(0);
		expect(await marks('kuaiban:applied:')).toEqual(writes);
	});

	it('keeps working when the server refuses the token, and sends what waited after a new sign-in', async () => {
		const dataDir = await mkdtemp(join(tmpdir(), 'kuaiban-session-'));
		cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
		const secret = (c: string) => c.repeat(40);
		const start = (key: string) =>
			startServerProcess({ dataDir, staticDir: 'build', env: { TOKEN_SECRET: secret(key) } });
		let server: ServerProcess = await start('a');
		cleanup.push(() => server.stop());

		const t = await tablet(server.url);
		await signIn(t.page, 'tanglian-1');
		await waitSynced(t.page);
		await t.page.waitForFunction(() => navigator.serviceWorker?.controller != null);

		// Days offline; meanwhile the server's signing key is replaced, so the token is refused.
		await t.goOffline();
		await addSuggestion(t.page, '趁离线记下的建议');
		await server.stop();
		server = await start('b');
		t.cable.target = server.url;
		await t.goOnline();

		const again = t.page.getByRole('button', { name: 'Sign in again' });
		await again.waitFor({ timeout: 30_000 });
		await expect
			.poll(() => indicator(t.page).innerText())
			.toBe('Offline\n1 record, 0 photos waiting');
		// Work goes on meanwhile.
		await addSuggestion(t.page, '等待重新登录时又记了一条');
		await expect
			.poll(() => indicator(t.page).innerText())
			.toBe('Offline\n2 records, 0 photos waiting');

		await t.page.getByLabel('Password').fill('demo');
		await again.click();
		await waitSynced(t.page);
		expect(await again.count()).toBe(0);

		// The server has both: another tablet sees them.
		const other = await tablet(server.url);
		await signIn(other.page, 'tanglian-2');
		await waitSynced(other.page);
		await openSection(other.page, 'Suggestions');
		await other.page.getByRole('link', { name: '趁离线记下的建议' }).waitFor();
		await other.page.getByRole('link', { name: '等待重新登录时又记了一条' }).waitFor();
	});

	it('warns before signing out with unsent work, and wipes the device only when confirmed', async () => {
		const t = await tablet();
		await signIn(t.page, 'tanglian-1');
		await waitSynced(t.page);
		await t.page.waitForFunction(() => navigator.serviceWorker?.controller != null);
		await t.goOffline();
		await addSuggestion(t.page, '退出前没发出去的建议');

		const signOut = t.page.getByRole('button', { name: 'Sign out' });
		await signOut.click();
		const dialog = t.page.getByRole('dialog', { name: 'Sign out?' });
		await expect
			.poll(() => dialog.getByRole('alert').innerText())
			.toBe(
				'1 record and 0 photos are not on the server yet. Signing out deletes them from this device for good.'
			);
		await dialog.getByRole('button', { name: 'Cancel' }).click();
		expect(await t.page.locator('article.suggestion h1').innerText()).toBe('退出前没发出去的建议');

		await signOut.click();
		await dialog.getByRole('button', { name: 'Delete unsent work and sign out' }).click();
		await t.page.getByRole('button', { name: 'Sign in' }).waitFor();
		const left = await t.page.evaluate(
			() =>
				new Promise<number>((resolve, reject) => {
					const open = indexedDB.open('kuaiban');
					open.onerror = () => reject(open.error);
					open.onsuccess = () => {
						const db = open.result;
						if (!db.objectStoreNames.contains('updates')) return resolve(0);
						const count = db.transaction('updates').objectStore('updates').count();
						count.onsuccess = () => resolve(count.result);
					};
				})
		);
		expect(left).toBe(0);

		// Back online and signed in again, the unsent suggestion is gone, as the dialog said.
		await t.goOnline();
		await signIn(t.page, 'tanglian-1');
		await waitSynced(t.page);
		await openSection(t.page, 'Suggestions');
		expect(await t.page.getByRole('link', { name: '退出前没发出去的建议' }).count()).toBe(0);
	});
});
