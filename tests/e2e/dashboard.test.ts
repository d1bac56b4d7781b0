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

describe('the dashboard', () => {
	it("shows the demo city's reported figures to the city supervisor", async () => {
		// A city of its own: other test files add projects to the shared server's demo city.
		const dataDir = await mkdtemp(join(tmpdir(), 'kuaiban-dashboard-'));
		const server = await startServerProcess({ dataDir, staticDir: 'build' });
		try {
			const t = await tablets.tablet(server.url);
			const sockets: string[] = [];
			t.page.on('websocket', (ws) => sockets.push(new URL(ws.url()).pathname));
			await signIn(t.page, 'city-supervisor');
			await waitSynced(t.page, 60_000);
			// Every room of the city (over a hundred) on one websocket.
			expect(sockets).toEqual(['/mux']);
			await openSection(t.page, 'Dashboard');
			const expected = {
				suggestions: '1,448',
				projects: '924',
				engineering: '618',
				service: '306',
				budget: '4,329.67万元',
				coverage: '98%'
			};
			for (const [name, value] of Object.entries(expected)) {
				await expect.poll(() => figure(t.page, name), { message: name }).toBe(value);
			}
			expect(await t.page.locator('[data-testid="without-project"] li').count()).toBe(2);

			// A year at a time, the same city: the three years add up to the whole.
			let projects = 0;
			for (const y of ['2018', '2019', '2020']) {
				await t.page.getByLabel('Period').selectOption({ label: y });
				projects += Number(await figure(t.page, 'projects'));
			}
			expect(projects).toBe(924);
			expect(await seriousFindings(t.page)).toEqual([]);
		} finally {
			await server.stop();
			await rm(dataDir, { recursive: true, force: true });
		}
	});
});
