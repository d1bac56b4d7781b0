import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { addSuggestion, vote } from './helpers/community';
import { openSection, signIn, useTablets, waitSynced } from './helpers/tablet';

/**
 * Issue 12, section 1: two tablets offline change different parts of one record — votes on two
 * agenda items of one meeting, an edited and an added budget line of one project — and after
 * both sync, both edits are there on both tablets, through the real UI and the real server.
 */

const tablets = useTablets(inject('baseURL'));

const outcome = (page: Page, title: string) =>
	page.locator('li.item', { hasText: title }).getByTestId('outcome').innerText();

describe('two tablets offline, one record', () => {
	it('keep the votes each recorded on another agenda item, and each one’s budget line', async () => {
		const a = await tablets.tablet();
		const b = await tablets.tablet();
		await signIn(a.page, 'tanglian-1');
		await signIn(b.page, 'tanglian-2');
		await addSuggestion(a.page, '议题甲：楼道照明');
		await addSuggestion(a.page, '议题乙：垃圾分类亭');
		await openSection(a.page, 'Meetings');
		await a.page.getByRole('link', { name: 'New meeting' }).click();
		await a.page.getByLabel('Topic').fill('十二月居民议事会');
		await a.page.getByLabel('Place').fill('社区活动室');
		await a.page.getByLabel('Head count').fill('9');
		await a.page.getByLabel('Council members').fill('15');
		await a.page.getByLabel('议题甲：楼道照明').check();
		await a.page.getByLabel('议题乙：垃圾分类亭').check();
		await a.page.getByRole('button', { name: 'Save' }).click();
		await a.page.locator('article.meeting').waitFor();
		await waitSynced(a.page);
		await waitSynced(b.page);
		await openSection(b.page, 'Meetings');
		await b.page.getByRole('link', { name: '十二月居民议事会' }).click();
		await b.page.locator('li.item', { hasText: '议题乙' }).waitFor();

		// In the basement, each tablet records the vote on another item.
		await a.goOffline();
		await b.goOffline();
		await vote(a.page, '议题甲', ['7', '1', '1']);
		await vote(b.page, '议题乙', ['2', '6', '1']);
		await expect.poll(() => outcome(a.page, '议题甲')).toMatch(/^Passed/);
		await expect.poll(() => outcome(b.page, '议题乙')).toMatch(/^Failed/);
		await a.goOnline();
		await b.goOnline();
		await waitSynced(a.page);
		await waitSynced(b.page);
		for (const page of [a.page, b.page]) {
			await expect.poll(() => outcome(page, '议题甲')).toMatch(/^Passed/);
			await expect.poll(() => outcome(page, '议题乙')).toMatch(/^Failed/);
		}

		// A project with one line; offline, A changes the line and B adds another.
		await openSection(a.page, 'Projects');
		await a.page.getByRole('link', { name: 'New project' }).click();
		await a.page.getByLabel('Title').fill('楼道照明改造');
		await a.page.getByLabel('Engineering').check();
		await a.page.getByRole('button', { name: 'Add line item' }).click();
		await a.page.getByLabel('Item').fill('LED 灯具');
		await a.page.getByLabel('Amount (yuan)').fill('10000');
		await a.page.getByRole('button', { name: 'Save' }).click();
		await a.page.locator('article.project').waitFor();
		await waitSynced(a.page);
		await waitSynced(b.page);
		await openSection(b.page, 'Projects');
		await b.page.getByRole('link', { name: '楼道照明改造' }).click();
		await b.page.locator('article.project').waitFor();

		await a.goOffline();
		await b.goOffline();
		await a.page.getByRole('button', { name: 'Edit' }).click();
		await a.page.getByLabel('Amount (yuan)').fill('12000');
		await a.page.getByRole('button', { name: 'Save' }).click();
		await b.page.getByRole('button', { name: 'Edit' }).click();
		await b.page.getByRole('button', { name: 'Add line item' }).click();
		await b.page.getByLabel('Item').nth(1).fill('安装人工');
		await b.page.getByLabel('Amount (yuan)').nth(1).fill('5000');
		await b.page.getByRole('button', { name: 'Save' }).click();
		await expect.poll(() => a.page.getByTestId('project-total').innerText()).toMatch(/12,000/);
		await expect.poll(() => b.page.getByTestId('project-total').innerText()).toMatch(/15,000/);
		await a.goOnline();
		await b.goOnline();
		await waitSynced(a.page);
		await waitSynced(b.page);
		for (const page of [a.page, b.page]) {
			await expect.poll(() => page.getByTestId('project-total').innerText()).toMatch(/17,000/);
			const lines = await page
				.locator('section[aria-labelledby="budget-title"] tbody tr')
				.allInnerTexts();
			expect(lines.map((l) => l.replace(/\s+/g, ' ').trim())).toEqual([
				expect.stringMatching(/^LED 灯具 .*12,000/),
				expect.stringMatching(/^安装人工 .*5,000/)
			]);
		}

		// Both retitle it offline: one title is kept, and both tablets show the other with its author.
		await a.goOffline();
		await b.goOffline();
		for (const [tablet, mark] of [
			[a, '甲'],
			[b, '乙']
		] as const) {
			await tablet.page.getByRole('button', { name: 'Edit' }).click();
			await tablet.page.getByLabel('Title').fill(`楼道照明改造（${mark}）`);
			await tablet.page.getByRole('button', { name: 'Save' }).click();
			await tablet.page.locator('article.project').waitFor();
		}
		await a.goOnline();
		await b.goOnline();
		await waitSynced(a.page);
		await waitSynced(b.page);
		for (const page of [a.page, b.page]) {
			const notice = page.locator('aside.concurrent');
			await expect.poll(() => notice.count()).toBe(1);
			const kept = await page.locator('article.project h1').innerText();
			const other = kept.includes('甲') ? '楼道照明改造（乙）' : '楼道照明改造（甲）';
			const text = await notice.innerText();
			expect(text).toMatch(/Changed at the same time/);
			expect(text).toContain(other);
			expect(text).toMatch(kept.includes('甲') ? /工作者 2/ : /工作者 1/);
		}
	});
});
