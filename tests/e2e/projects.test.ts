import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { renderSVG } from 'uqr';
import { seriousFindings } from './helpers/axe';
import { confirmStep, openSection, signIn, useTablets, waitSynced } from './helpers/tablet';
import { startServerProcess } from '../server/helpers/server-process';

/**
 * Issue "community work", projects: the caps of the city's rules while typing and at submission,
 * fast track, and the community-year cap across two tablets that submitted offline.
 */

const tablets = useTablets(inject('baseURL'));

/** Drafts a project with one budget line through the form, and opens its page. */
async function draftProject(page: Page, title: string, yuan: string, type = 'Engineering') {
	await openSection(page, 'Projects');
	await page.getByRole('link', { name: 'New project' }).click();
	await page.getByLabel('Title').fill(title);
	await page.getByLabel(type).check();
	await page.getByRole('button', { name: 'Add line item' }).click();
	await page.getByLabel('Item').fill('材料和人工');
	await page.getByLabel('Amount (yuan)').fill(yuan);
	await page.getByRole('button', { name: 'Save' }).click();
	await page.locator('article.project').waitFor();
}

const status = (page: Page) => page.getByTestId('project-status').innerText();

describe('projects', () => {
	it('refuses a 120,000-yuan project with the reason, and fast-tracks a 9,000-yuan one', async () => {
		const t = await tablets.tablet();
		await signIn(t.page, 'tanglian-1');
		await waitSynced(t.page);

		// While typing, the form shows the project cap and what the community has left.
		await openSection(t.page, 'Projects');
		await t.page.getByRole('link', { name: 'New project' }).click();
		await t.page.getByRole('button', { name: 'Add line item' }).click();
		await t.page.getByLabel('Amount (yuan)').fill('120000');
		await expect
			.poll(() => t.page.locator('.figures').innerText())
			.toMatch(/Project cap ¥100,000\.00 — ¥20,000\.00 over/);

		await draftProject(t.page, '健身步道翻新', '120000');
		expect(await t.page.getByRole('button', { name: 'Submit to town' }).count()).toBe(0);
		const refusal = t.page.locator('.refused');
		await expect.poll(() => refusal.innerText()).toMatch(/Submit to town/);
		expect(await refusal.innerText()).toMatch(/100,000/);
		expect(await refusal.innerText()).toMatch(/120,000/);
		expect(await status(t.page)).toBe('Draft');

		await draftProject(t.page, '楼道灯更换', '9000', 'Service');
		await t.page.getByRole('button', { name: 'Submit to town' }).click();
		await expect.poll(() => status(t.page)).toBe('Submitted');
		expect(await t.page.locator('article.project .badge.fast').innerText()).toBe('Fast track');
		await expect
			.poll(() => t.page.getByTestId('review-clock').innerText())
			.toMatch(/0 working days elapsed, deadline \d{4}-\d{2}-\d{2} \(10 working days\)/);
		await waitSynced(t.page);
	});

	it('shows the breach on both tablets when two offline submissions together pass the yearly cap', async () => {
		const a = await tablets.tablet();
		const b = await tablets.tablet();
		// Two tablets of the community daxin, which has all of its 165,000 yuan left this year.
		await signIn(a.page, 'daxin-1');
		await signIn(b.page, 'daxin-1');
		await waitSynced(a.page);
		await waitSynced(b.page);
		for (const t of [a, b]) {
			await t.page.waitForFunction(() => navigator.serviceWorker?.controller != null);
			await t.goOffline();
		}

		for (const [t, title] of [
			[a, '自行车库充电改造'],
			[b, '河道护栏修复']
		] as const) {
			await draftProject(t.page, title, '90000');
			// Alone, each fits: the tablet offers the submission.
			await t.page.getByRole('button', { name: 'Submit to town' }).click();
			await expect.poll(() => status(t.page)).toBe('Submitted');
			expect(await t.page.locator('.breach').count()).toBe(0);
		}

		await a.goOnline();
		await b.goOnline();
		await waitSynced(a.page);
		await waitSynced(b.page);
		for (const t of [a, b]) {
			await expect
				.poll(() => t.page.locator('article.project .breach').innerText(), { timeout: 20_000 })
				.toMatch(/165,000/);
			await openSection(t.page, 'Projects');
			await expect.poll(() => t.page.locator('li.breach-item').count()).toBe(2);
		}

		// The town's reviewer sees both submitted projects, and the breach.
		const reviewer = await tablets.tablet();
		await signIn(reviewer.page, 'yangshe-reviewer');
		await waitSynced(reviewer.page);
		await openSection(reviewer.page, 'Projects');
		await reviewer.page.getByLabel('Community').selectOption({ label: '大新社区' });
		for (const title of ['自行车库充电改造', '河道护栏修复']) {
			const item = reviewer.page.locator('li', { hasText: title });
			await expect.poll(() => item.innerText()).toMatch(/Submitted/);
		}
		await expect
			.poll(() => reviewer.page.locator('.breach').first().innerText())
			.toMatch(/165,000/);
	});

	it('is approved by the town, and its printed sign has a QR code that opens the public page', async () => {
		const worker = await tablets.tablet();
		await signIn(worker.page, 'tanglian-1');
		await openSection(worker.page, 'Suggestions');
		await worker.page.getByRole('link', { name: 'New suggestion' }).click();
		await worker.page.getByLabel('Title').fill('3 号楼前路灯不亮');
		await worker.page.getByLabel("Resident's phone").fill('13900005678');
		await worker.page.getByRole('button', { name: 'Save' }).click();
		await worker.page.locator('article.suggestion').waitFor();

		await openSection(worker.page, 'Projects');
		await worker.page.getByRole('link', { name: 'New project' }).click();
		await worker.page.getByLabel('Title').fill('小区路灯改造');
		await worker.page.getByLabel('3 号楼前路灯不亮').check();
		await worker.page.getByRole('button', { name: 'Add line item' }).click();
		await worker.page.getByLabel('Item').fill('LED 路灯 12 盏');
		await worker.page.getByLabel('Amount (yuan)').fill('30000');
		await worker.page.getByRole('button', { name: 'Save' }).click();
		await worker.page.getByRole('button', { name: 'Submit to town' }).click();
		await expect.poll(() => status(worker.page)).toBe('Submitted');
		await waitSynced(worker.page);
		const projectPath = new URL(worker.page.url()).pathname;

		const reviewer = await tablets.tablet();
		await signIn(reviewer.page, 'jingkai-reviewer');
		await waitSynced(reviewer.page);
		await reviewer.page.goto(projectPath);
		await reviewer.page.getByRole('button', { name: 'Approve' }).click();
		await confirmStep(reviewer.page);
		await expect.poll(() => status(reviewer.page)).toBe('Approved');
		await waitSynced(reviewer.page);

		await expect.poll(() => status(worker.page), { timeout: 20_000 }).toBe('Approved');
		await expect.poll(() => worker.page.getByTestId('decision').innerText()).toMatch(/^Approve/);
		expect(await seriousFindings(worker.page)).toEqual([]);
		await worker.page.getByRole('link', { name: 'Print project sign' }).click();
		await worker.page.getByTestId('public-url').waitFor();
		expect(await seriousFindings(worker.page)).toEqual([]);
		const url = await worker.page.getByTestId('public-url').innerText();
		expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/p\/tanglian\/[\w-]+$/);
		// The QR code on the sign is the code of that very URL.
		const modules = await worker.page.locator('.sign .qr svg path').getAttribute('d');
		expect(modules).toBe(/ d="([^"]+)"/.exec(renderSVG(url, { border: 2 }))?.[1]);
		expect(await worker.page.getByTestId('supervision-phone').innerText()).toBe('12345');

		// A resident's phone, with no sign-in, opens the public page: no private data on it.
		const resident = await tablets.browser.newContext({ viewport: { width: 390, height: 844 } });
		try {
			const page = await resident.newPage();
			const response = await page.goto(url);
			expect(response?.status()).toBe(200);
			expect(await page.locator('h1').innerText()).toBe('小区路灯改造');
			const html = await page.content();
			expect(html).toContain('30,000.00');
			expect(html).not.toContain('13900005678');
			expect(html).not.toContain('3 号楼前路灯不亮');
			expect(await seriousFindings(page)).toEqual([]);
			const missing = await page.goto(url.replace(/[\w-]+$/, 'no-such-project'));
			expect(missing?.status()).toBe(404);
		} finally {
			await resident.close();
		}
	});

	it('prints the server’s PUBLIC_URL on its sign, not the address the printing tablet used', async () => {
		const dataDir = await mkdtemp(join(tmpdir(), 'kuaiban-e2e-public-'));
		const server = await startServerProcess({
			dataDir,
			staticDir: 'build',
			env: { PUBLIC_URL: 'https://kuaiban.zjg.example.cn/' }
		});
		try {
			const worker = await tablets.tablet(server.url);
			await signIn(worker.page, 'tanglian-1');
			await openSection(worker.page, 'Projects');
			await worker.page
				.locator('ul.list li', {
					hasText: /In progress|Approved|Completed|Accepted|Disbursed|Closed/
				})
				.first()
				.getByRole('link')
				.click();
			await worker.page.getByRole('link', { name: 'Print project sign' }).click();
			const url = await worker.page.getByTestId('public-url').innerText();
			expect(url).toMatch(/^https:\/\/kuaiban\.zjg\.example\.cn\/p\/tanglian\/[\w-]+$/);
			const modules = await worker.page.locator('.sign .qr svg path').getAttribute('d');
			expect(modules).toBe(/ d="([^"]+)"/.exec(renderSVG(url, { border: 2 }))?.[1]);
		} finally {
			await server.stop();
			await rm(dataDir, { recursive: true, force: true });
		}
	});
});
