import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
	cameraJpeg,
	indicator,
	openSection,
	signIn,
	useTablets,
	waitSynced
} from './helpers/tablet';

/**
 * Issue "offline data layer", test 6: two tablets of one community (tanglian) work offline and
 * merge. A suggestion has to exist on both tablets before B can edit "the same suggestion" while
 * offline, so A's offline suggestion reaches B in a short online spell between the two offline ones.
 */

const tablets = useTablets(inject('baseURL'));

/** What the tablet keeps in IndexedDB for its photos, decoded back to sizes. */
function storedPhotos(page: Page) {
	return page.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const open = indexedDB.open('kuaiban');
			open.onsuccess = () => resolve(open.result);
			open.onerror = () => reject(open.error);
		});
		const all = <T>(store: string) =>
			new Promise<T[]>((resolve) => {
				const req = db.transaction(store).objectStore(store).getAll();
				req.onsuccess = () => resolve(req.result as T[]);
			});
		type Row = { sha256: string; mime: string; bytes: ArrayBuffer };
		const thumbs = await all<Row>('thumbs');
		const out = [];
		for (const photo of await all<Row>('photos')) {
			const image = await createImageBitmap(new Blob([photo.bytes], { type: photo.mime }));
			const thumb = thumbs.find((t) => t.sha256 === photo.sha256)!;
			const small = await createImageBitmap(new Blob([thumb.bytes], { type: thumb.mime }));
			out.push({
				width: image.width,
				height: image.height,
				withinBudget: photo.bytes.byteLength <= 400 * 1024,
				thumbLongSide: Math.max(small.width, small.height)
			});
		}
		db.close();
		return out;
	});
}

const title = '12 栋路灯不亮 street light out';
const newTitle = '12 栋路灯不亮（A 补充）';
const newDescription = 'B: 晚上七点以后整条路都是黑的';

async function openSuggestion(page: Page, name: string) {
	await openSection(page, 'Suggestions');
	await page.getByRole('link', { name }).click();
	await page.locator('article.suggestion').waitFor();
}

async function expectMerged(page: Page) {
	await expect.poll(() => page.locator('h1[data-field="title"]').innerText()).toBe(newTitle);
	await expect
		.poll(() => page.locator('[data-field="description"]').innerText())
		.toBe(newDescription);
	await page.locator('figure.thumb img[data-loaded="true"]').waitFor({ timeout: 30_000 });
	expect(await page.locator('figure.thumb').count()).toBe(1);
}

describe('two tablets of one community, offline', () => {
	it('keep an offline suggestion with its photo across a reload, merge two offline edits, and sync them', async () => {
		const a = await tablets.tablet();
		const b = await tablets.tablet();
		await signIn(a.page, 'tanglian-1');
		await signIn(b.page, 'tanglian-2');
		await waitSynced(a.page);
		await waitSynced(b.page);
		// The app must be cached by its service worker before the network goes.
		await a.page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, {
			timeout: 30_000
		});
		await b.page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, {
			timeout: 30_000
		});

		// ── A, offline: a new suggestion with a photo ──────────────────────────────────────────
		await a.goOffline();
		await b.goOffline();
		await expect.poll(() => indicator(a.page).innerText()).toMatch(/^Offline/);

		await openSection(a.page, 'Suggestions');
		await a.page.getByRole('link', { name: 'New suggestion' }).click();
		await a.page.getByLabel('Title').fill(title);
		await a.page.getByLabel('Description').fill('晚上没有灯');
		await a.page.getByLabel("Resident's phone").fill('13800001234');
		await a.page.getByLabel('Add photo').setInputFiles({
			name: 'IMG_0001.jpg',
			mimeType: 'image/jpeg',
			buffer: await cameraJpeg(a.page)
		});
		await a.page.locator('.previews img').waitFor();
		await a.page.getByRole('button', { name: 'Save' }).click();
		await a.page.locator('article.suggestion').waitFor();
		// Two records: the suggestion in the community room, the phone in the contacts room.
		await expect
			.poll(() => indicator(a.page).innerText())
			.toBe('Offline\n2 records, 1 photo waiting');

		// The photo kept on the tablet is scaled to 1600 px, within 400 KB, with a thumbnail.
		expect(await storedPhotos(a.page)).toEqual([
			{ width: 1600, height: 1200, withinBudget: true, thumbLongSide: 320 }
		]);

		await a.page.reload();
		await a.page.locator('article.suggestion').waitFor({ timeout: 30_000 });
		expect(await a.page.locator('h1[data-field="title"]').innerText()).toBe(title);
		await a.page.locator('figure.thumb img[data-loaded="true"]').waitFor();
		await expect
			.poll(() => indicator(a.page).innerText())
			.toBe('Offline\n2 records, 1 photo waiting');

		// ── A short online spell: the suggestion reaches the server, then B ───────────────────
		await a.goOnline();
		await waitSynced(a.page);
		await b.goOnline();
		await waitSynced(b.page);
		await openSuggestion(b.page, title);
		await b.page.locator('figure.thumb img[data-loaded="true"]').waitFor({ timeout: 30_000 });
		// Presence: A, still on this suggestion, sees that B has it open too.
		await expect
			.poll(() => a.page.locator('.presence').innerText())
			.toBe('汤联社区工作者 2 also here');

		// ── Both offline again: each edits another field of the same suggestion ─────────────
		await a.goOffline();
		await b.goOffline();
		await a.page.getByRole('button', { name: 'Edit' }).click();
		await a.page.getByLabel('Title').fill(newTitle);
		await a.page.getByRole('button', { name: 'Save' }).click();
		await b.page.getByRole('button', { name: 'Edit' }).click();
		await b.page.getByLabel('Description').fill(newDescription);
		await b.page.getByRole('button', { name: 'Save' }).click();
		await expect
			.poll(() => indicator(a.page).innerText())
			.toBe('Offline\n1 record, 0 photos waiting');
		await expect
			.poll(() => indicator(b.page).innerText())
			.toBe('Offline\n1 record, 0 photos waiting');

		// ── Both online: both edits and the photo everywhere ──────────────────────────────────
		await a.goOnline();
		await b.goOnline();
		await waitSynced(a.page);
		await waitSynced(b.page);
		await expectMerged(a.page);
		await expectMerged(b.page);

		// A third tablet that signs in afresh sees the same.
		const c = await tablets.tablet();
		await signIn(c.page, 'tanglian-2');
		await waitSynced(c.page);
		await openSuggestion(c.page, newTitle);
		await expectMerged(c.page);
		// The change history names both workers.
		const history = await c.page.locator('.history li').allInnerTexts();
		expect(history.join('\n')).toMatch(/created/);
		expect(history.some((h) => h.includes('changed Title'))).toBe(true);
		expect(history.some((h) => h.includes('changed Description'))).toBe(true);
		expect(await c.page.locator('[data-field="residentPhone"]').innerText()).toBe('13800001234');
		// The History from the server's log: the accounts that sent the changes, and the record
		// as it stood after the first of them.
		await c.page.locator('ol.history[data-source="server"]').waitFor();
		const logged = await c.page.locator('.history li').allInnerTexts();
		expect(logged[0]).toMatch(/created/);
		expect(logged.some((h) => h.includes('工作者 2') && h.includes('Description'))).toBe(true);
		await c.page.getByRole('button', { name: 'As of this change' }).first().click();
		await expect.poll(() => c.page.locator('dl.as-of').innerText()).toContain(title);

		// The town's reviewer reads the suggestion, without the resident's phone number.
		const reviewer = await tablets.tablet();
		await signIn(reviewer.page, 'jingkai-reviewer');
		await waitSynced(reviewer.page);
		await openSection(reviewer.page, 'Suggestions');
		await reviewer.page.getByLabel('Community').selectOption({ label: '汤联社区' });
		await reviewer.page.getByRole('link', { name: newTitle }).click();
		await reviewer.page.locator('article.suggestion').waitFor();
		await expectMerged(reviewer.page);
		expect(await reviewer.page.content()).not.toContain('13800001234');
		expect(await reviewer.page.getByRole('button', { name: 'Edit' }).count()).toBe(0);
		// Nor is it anywhere on the reviewer's tablet: not one byte of what it keeps offline.
		expect(await storedTextHas(reviewer.page, '13800001234')).toBe(false);
		expect(await storedTextHas(c.page, '13800001234')).toBe(true);
	});
});

/** Whether `needle` appears in anything the app keeps in IndexedDB on this device, bytes included. */
function storedTextHas(page: Page, needle: string): Promise<boolean> {
	return page.evaluate(async (needle) => {
		const names = (await indexedDB.databases()).map((d) => d.name!).filter(Boolean);
		const texts: string[] = [];
		const decoder = new TextDecoder();
		const walk = (value: unknown): void => {
			if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
				texts.push(decoder.decode(value));
			} else if (value instanceof Blob) {
				return;
			} else if (Array.isArray(value)) {
				value.forEach(walk);
			} else if (value && typeof value === 'object') {
				Object.values(value).forEach(walk);
			} else if (typeof value === 'string') {
				texts.push(value);
			}
		};
		for (const name of names) {
			const db = await new Promise<IDBDatabase>((ok, fail) => {
				const req = indexedDB.open(name);
				req.onsuccess = () => ok(req.result);
				req.onerror = () => fail(req.error);
			});
			for (const store of db.objectStoreNames) {
				const all = await new Promise<unknown[]>((ok, fail) => {
					const req = db.transaction(store).objectStore(store).getAll();
					req.onsuccess = () => ok(req.result);
					req.onerror = () => fail(req.error);
				});
				walk(all);
			}
			db.close();
		}
		return texts.some((t) => t.includes(needle));
	}, needle);
}
