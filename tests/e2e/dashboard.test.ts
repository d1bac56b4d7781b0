import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousFindings } from './helpers/axe';
import { openSection, signIn, useTablets, waitSynced } from './helpers/tablet';
import { startServerProcess } from '../server/helpers/server-process';

/** Issue "town review…", item 6: the dashboard shows the city's reported figures on the demo city. */

const tablets = useTablets();

const figure = (page: Page, name: string) => page.locator(`[data-figure="${name}"]`).innerText();

/**
 * Records, from the first script of every page, each text any figure has ever shown, with the
 * period it was shown for: a figure that was on screen for one frame is in the list.
 */
function recordFigures() {
	const seen: string[] = [];
	(window as unknown as { __figures: string[] }).__figures = seen;
	const note = () => {
		for (const el of document.querySelectorAll<HTMLElement>('[data-figure]')) {
			const period = el.closest<HTMLElement>('[data-period]')?.dataset.period ?? '?';
			seen.push(`${period} ${el.dataset.figure}=${el.textContent}`);
		}
	};
	new MutationObserver(note).observe(document, {
		subtree: true,
		childList: true,
		characterData: true
	});
}

const expected = {
	suggestions: '1,448',
	projects: '924',
	engineering: '618',
	service: '306',
	budget: '4,329.67万元',
	coverage: '98%'
};

describe('the dashboard', () => {
	it("shows the supervisor the demo city's reported figures, never a partial one, and offline the last with their time", async () => {
		// A city of its own: other test files add projects to the shared server's demo city.
		const dataDir = await mkdtemp(join(tmpdir(), 'kuaiban-dashboard-'));
		const server = await startServerProcess({ dataDir, staticDir: 'build' });
		try {
			const t = await tablets.tablet(server.url);
			await t.context.addInitScript(recordFigures);
			const sockets: string[] = [];
			t.page.on('websocket', (ws) => sockets.push(new URL(ws.url()).pathname));
			await signIn(t.page, 'city-supervisor');
			// At once, while the rooms are still coming in (issue "city scale", item 3).
			await openSection(t.page, 'Dashboard');
			for (const [name, value] of Object.entries(expected)) {
				await expect.poll(() => figure(t.page, name), { message: name }).toBe(value);
			}
			await expect.poll(() => t.page.getByTestId('as-of').innerText()).toMatch(/^Figures as of /);
			expect(await t.page.locator('[data-testid="without-project"] li').count()).toBe(2);
			await waitSynced(t.page, 60_000);
			// Every room of the city (over a hundred) on one websocket.
			expect(sockets).toEqual(['/mux']);
			const seen = await t.page.evaluate(
				() => (window as unknown as { __figures: string[] }).__figures
			);
			expect(seen.length).toBeGreaterThan(0);
			const wrong = seen.filter((entry) => {
				const [period, pair] = entry.split(' ');
				const [name, value] = (pair ?? '').split('=');
				return period !== 'all' || expected[name as keyof typeof expected] !== value;
			});
			expect(wrong).toEqual([]);

			// A year at a time, the same city: the three years add up to the whole.
			let projects = 0;
			for (const y of ['2018', '2019', '2020']) {
				await t.page.getByLabel('Period').selectOption({ label: y });
				await t.page.locator(`[data-testid="figures"][data-period="${y}"]`).waitFor();
				projects += Number(await figure(t.page, 'projects'));
			}
			expect(projects).toBe(924);
			expect(await seriousFindings(t.page)).toEqual([]);

			// Offline, after a reload: the last figures, saying when they are from.
			await t.page.getByLabel('Period').selectOption({ label: 'All years' });
			await t.page.locator('[data-testid="figures"][data-period="all"]').waitFor();
			await t.page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, {
				timeout: 30_000
			});
			await t.goOffline();
			await t.page.reload();
			await t.page.locator('main h1').waitFor();
			await expect
				.poll(() => t.page.getByTestId('as-of').innerText())
				.toMatch(/^Server not reached: figures as of /);
			for (const [name, value] of Object.entries(expected)) {
				expect(await figure(t.page, name), name).toBe(value);
			}
			// Each period as it was last answered, with its own time.
			await t.page.getByLabel('Period').selectOption({ label: '2019' });
			await t.page.locator('[data-testid="figures"][data-period="2019"]').waitFor();
			expect(await t.page.getByTestId('as-of').innerText()).toMatch(/^Server not reached/);

			// A town's reviewer, whose figures are computed from the rooms on the device: on a
			// fresh browser the dashboard says how many rooms are in, and shows no figure until
			// every one is; then each figure is the final one (issue "working day", item 1).
			const r = await tablets.tablet(server.url);
			await r.context.addInitScript(recordFigures);
			await signIn(r.page, 'jingkai-reviewer');
			await openSection(r.page, 'Dashboard');
			await r.page.locator('[data-testid="figures"][data-period="all"]').waitFor({
				timeout: 60_000
			});
			await waitSynced(r.page, 60_000);
			const final = Object.fromEntries(
				await Promise.all(
					Object.keys(expected).map(async (name) => [name, await figure(r.page, name)] as const)
				)
			);
			expect(Number(final.projects!.replace(/,/g, ''))).toBeGreaterThan(0);
			const shown = await r.page.evaluate(
				() => (window as unknown as { __figures: string[] }).__figures
			);
			const partial = shown.filter((entry) => {
				const [period, pair] = entry.split(' ');
				const [name, value] = (pair ?? '').split('=');
				return period !== 'all' || final[name!] !== value;
			});
			expect(partial).toEqual([]);
		} finally {
			await server.stop();
			await rm(dataDir, { recursive: true, force: true });
		}
	});
});
