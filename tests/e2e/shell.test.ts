import { get } from 'node:http';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './helpers/chromium';
import { indicator, signIn } from './helpers/tablet';

const baseURL = inject('baseURL');
// A community worker's sections (the menu shows each role only its own: nav-items.test.ts).
const navWordsEn = ['Suggestions', 'Meetings', 'Projects', 'Inspections'];
const navWordsZh = ['建议', '议事会', '项目', '巡查'];

let browser: Browser;
beforeAll(async () => {
	browser = await launchChromium();
});
afterAll(async () => {
	await browser?.close();
});

/** A new tablet, signed in as a community worker in Chinese (the default language). */
async function freshTablet(): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({ baseURL, viewport: { width: 1024, height: 768 } });
	const page = await context.newPage();
	await signIn(page, 'tanglian-1', { lang: 'zh' });
	return { context, page };
}

function navNames(page: Page): Promise<string[]> {
	return page.locator('nav.main-nav a').allInnerTexts();
}

describe('the app shell', () => {
	it('opens in Chinese by default, under a content security policy it does not break', async () => {
		const { context, page } = await freshTablet();
		try {
			const refused: string[] = [];
			page.on('console', (message) => {
				if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
			});
			const response = await page.goto('/');
			expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self' 'sha256-/);
			await expect.poll(() => navNames(page)).toEqual(navWordsZh);
			expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
			expect(await page.locator('h1').innerText()).toBe('今天做什么');
			await page.goto('/projects');
			await expect.poll(() => page.locator('h1').innerText()).toBe('项目');
			expect(refused).toEqual([]);
		} finally {
			await context.close();
		}
	});

	it('loads the English words only when English is chosen', async () => {
		// Issue 14, item 12: a Chinese first visit does not carry the English dictionary.
		const context = await browser.newContext({ baseURL, viewport: { width: 1024, height: 768 } });
		try {
			const page = await context.newPage();
			const scripts: Promise<string>[] = [];
			page.on('response', (response) => {
				if (response.request().resourceType() === 'script') scripts.push(response.text());
			});
			await page.goto('/');
			await page.getByLabel('用户名').waitFor();
			await page.waitForLoadState('networkidle');
			const english = async () =>
				(await Promise.all(scripts)).filter((code) => code.includes('Skip to content')).length;
			expect(scripts.length).toBeGreaterThan(2);
			expect(await english()).toBe(0);
			await page.getByRole('button', { name: '切换到英文界面' }).click();
			await page.getByLabel('Username').waitFor();
			expect(await english()).toBe(1);
		} finally {
			await context.close();
		}
	});

	it('switches to English with ?lang=en and remembers it, and back with the switch', async () => {
		const { context, page } = await freshTablet();
		try {
			await page.goto('/suggestions?lang=en');
			await expect.poll(() => navNames(page)).toEqual(navWordsEn);
			expect(await page.locator('html').getAttribute('lang')).toBe('en');
			await expect
				.poll(() => page.locator('nav.main-nav a[aria-current="page"]').innerText())
				.toBe('Suggestions');

			await page.goto('/projects');
			await expect.poll(() => navNames(page)).toEqual(navWordsEn);

			await page.getByRole('button', { name: 'Switch to Chinese' }).click();
			await expect.poll(() => navNames(page)).toEqual(navWordsZh);
			await page.reload();
			await expect.poll(() => navNames(page)).toEqual(navWordsZh);
			expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
		} finally {
			await context.close();
		}
	});

	it('is installable: a manifest with Chinese and English names, icons and a theme colour', async () => {
		const { context, page } = await freshTablet();
		try {
			await page.goto('/');
			const href = await page.locator('link[rel="manifest"]').getAttribute('href');
			expect(href).toBe('/manifest.webmanifest');
			const response = await context.request.get(href ?? '');
			expect(response.status()).toBe(200);
			const manifest = (await response.json()) as {
				name: string;
				short_name: string;
				theme_color: string;
				start_url: string;
				display: string;
				icons: { src: string; sizes: string; purpose?: string; type: string }[];
			};
			expect(manifest.name).toMatch(/快办/);
			expect(manifest.name).toMatch(/Kuaiban/);
			expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
			expect(manifest.display).toBe('standalone');
			const sizes = manifest.icons.map((icon) => `${icon.sizes}:${icon.purpose ?? 'any'}`);
			expect(sizes).toEqual(
				expect.arrayContaining(['192x192:any', '512x512:any', '512x512:maskable'])
			);
			for (const icon of manifest.icons) {
				const image = await context.request.get(icon.src);
				expect(image.status(), icon.src).toBe(200);
				expect(image.headers()['content-type']).toBe('image/png');
				const bytes = await image.body();
				// PNG signature, then the IHDR width and height.
				expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
				const [width, height] = icon.sizes.split('x').map(Number);
				expect(bytes.readUInt32BE(16)).toBe(width);
				expect(bytes.readUInt32BE(20)).toBe(height);
			}
		} finally {
			await context.close();
		}
	});
});

/** A raw GET, so the answer's encoding is seen as sent (fetch would decode it). */
function rawGet(path: string, encoding: string) {
	return new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>(
		(done, fail) => {
			get(new URL(path, baseURL), { headers: { 'accept-encoding': encoding } }, (res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => done({ headers: res.headers, body: Buffer.concat(chunks) }));
			}).on('error', fail);
		}
	);
}

describe('the built app as served', () => {
	it('sends text precompressed (brotli, gzip) and hashed assets as immutable', async () => {
		const plain = await rawGet('/', 'identity');
		expect(plain.headers['content-encoding']).toBeUndefined();
		const shell = plain.body.toString('utf8');
		const script = /\/_app\/immutable\/[^"']+\.js/.exec(shell)?.[0];
		expect(script).toBeDefined();

		const packed = await rawGet('/', 'gzip, deflate, br');
		expect(packed.headers['content-encoding']).toBe('br');
		expect(brotliDecompressSync(packed.body).toString('utf8')).toBe(shell);

		const asset = await rawGet(script!, 'br');
		expect(asset.headers['content-encoding']).toBe('br');
		expect(asset.headers['cache-control']).toMatch(/immutable/);
		expect(brotliDecompressSync(asset.body)).toEqual((await rawGet(script!, 'identity')).body);
		expect(packed.body.length).toBeLessThan(plain.body.length);
	});
});

describe('offline', () => {
	it('after one visit, a deep link reloads and every route opens with no network', async () => {
		const { context, page } = await freshTablet();
		try {
			await page.goto('/projects?lang=en');
			await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, {
				timeout: 30_000
			});

			await context.setOffline(true);
			expect(await page.evaluate(() => navigator.onLine)).toBe(false);
			await expect.poll(() => indicator(page).innerText()).toMatch(/^Offline\n/);

			await page.reload();
			await expect.poll(() => page.locator('h1').innerText()).toBe('Projects');
			// The page really came from the service worker: the network is unplugged.
			const offlineFetch = await page.evaluate(() =>
				fetch('/api/health', { cache: 'no-store' }).then(
					() => 'reached',
					() => 'failed'
				)
			);
			expect(offlineFetch).toBe('failed');

			for (const [path, heading] of [
				['/suggestions', 'Suggestions'],
				['/meetings', "Residents' council meetings"],
				['/inspections', 'Site inspections'],
				['/review', 'Review'],
				['/supervision', 'Supervision'],
				['/money', 'Money'],
				['/dashboard', 'Dashboard']
			] as const) {
				await page.goto(path);
				await expect.poll(() => page.locator('h1').innerText(), { message: path }).toBe(heading);
			}

			// A deep link the app does not know still opens the app (its own "not found").
			await page.goto('/projects/does-not-exist/deeper');
			await expect.poll(() => page.locator('h1').innerText()).toBe('Page not found');
			await expect.poll(() => navNames(page)).toEqual(navWordsEn);
		} finally {
			await context.close();
		}
	});
});
