import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { NetworkCable } from './network';

/**
 * A tablet in the end-to-end tests: its own browser context (its own IndexedDB, service worker
 * and storage, as a separate device has) behind its own network cable.
 */
export interface Tablet {
	context: BrowserContext;
	page: Page;
	cable: NetworkCable;
	goOffline(): Promise<void>;
	goOnline(): Promise<void>;
	close(): Promise<void>;
}

export async function newTablet(browser: Browser, serverURL: string): Promise<Tablet> {
	const cable = await NetworkCable.to(serverURL);
	const context = await browser.newContext({
		baseURL: cable.url,
		viewport: { width: 1024, height: 768 }
	});
	const page = await context.newPage();
	page.on('pageerror', (error) => console.error(`[page ${cable.port}]`, error));
	return {
		context,
		page,
		cable,
		async goOffline() {
			await context.setOffline(true);
			cable.unplug();
		},
		async goOnline() {
			cable.plug();
			await context.setOffline(false);
		},
		async close() {
			await context.close();
			await cable.close();
		}
	};
}

const signInWords = {
	en: { username: 'Username', password: 'Password', signIn: 'Sign in' },
	zh: { username: '用户名', password: '密码', signIn: '登录' }
};

/**
 * Signs in through the form by its visible words (English by default, as DESIGN.md names them),
 * and waits until the app shows its navigation.
 */
export async function signIn(
	page: Page,
	username: string,
	{ password = 'demo', lang = 'en' as 'en' | 'zh' } = {}
): Promise<void> {
	// Chinese is the default: no `?lang=` for it, so a test can still see the default at work.
	await page.goto(lang === 'en' ? '/?lang=en' : '/');
	const words = signInWords[lang];
	await page.getByLabel(words.username).fill(username);
	await page.getByLabel(words.password).fill(password);
	await page.getByRole('button', { name: words.signIn }).click();
	await page.locator('nav.main-nav').waitFor({ timeout: 30_000 });
}

export function indicator(page: Page): Locator {
	return page.getByTestId('sync-indicator');
}

/** Waits until the indicator says "Synced" with nothing waiting. */
export async function waitSynced(page: Page, timeout = 30_000): Promise<void> {
	await expect
		.poll(() => indicator(page).innerText(), { timeout, interval: 200 })
		.toMatch(/^Synced\s+nothing waiting$/);
}

/** Opens a section through the main navigation, as a person taps it. */
export async function openSection(page: Page, name: string): Promise<void> {
	await page
		.getByRole('navigation', { name: 'Main navigation' })
		.getByRole('link', { name })
		.click();
	await page.locator('main h1').waitFor();
}

/**
 * Answers the question a permanent step asks (approving, paying, closing, finalising, drawing):
 * the dialog names what becomes permanent; "Confirm" goes on, "Cancel" stops.
 */
export async function confirmStep(page: Page, answer: 'Confirm' | 'Cancel' = 'Confirm') {
	const dialog = page.getByRole('dialog');
	await dialog.waitFor();
	await dialog.getByRole('button', { name: answer }).click();
	await dialog.waitFor({ state: 'hidden' });
}

/** A 2000×1500 JPEG made by the browser itself: big enough to be scaled down by the app. */
export async function cameraJpeg(page: Page): Promise<Buffer> {
	const bytes = await page.evaluate(async () => {
		const canvas = new OffscreenCanvas(2000, 1500);
		const ctx = canvas.getContext('2d')!;
		const gradient = ctx.createLinearGradient(0, 0, 2000, 1500);
		gradient.addColorStop(0, '#0b5345');
		gradient.addColorStop(1, '#f5c542');
		ctx.fillStyle = gradient;
		ctx.fillRect(0, 0, 2000, 1500);
		ctx.fillStyle = '#ffffff';
		ctx.font = '160px sans-serif';
		ctx.fillText('路灯 12', 200, 700);
		const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
		return Array.from(new Uint8Array(await blob.arrayBuffer()));
	});
	return Buffer.from(bytes);
}

/**
 * One browser for a test file, and the tablets it opens (each closed with its cable after the
 * file's tests).
 */
export function useTablets(defaultTarget?: string) {
	let browser: Browser | undefined;
	const open: Tablet[] = [];
	beforeAll(async () => {
		browser = await launchChromium();
	});
	afterAll(async () => {
		for (const tablet of open) await tablet.close().catch(() => undefined);
		await browser?.close();
	});
	const started = () => {
		if (!browser) throw new Error('the browser is not started yet');
		return browser;
	};
	return {
		get browser(): Browser {
			return started();
		},
		async tablet(target = defaultTarget): Promise<Tablet> {
			if (!target) throw new Error('no server to connect the tablet to');
			const tablet = await newTablet(started(), target);
			open.push(tablet);
			return tablet;
		}
	};
}
