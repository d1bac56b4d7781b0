/**
 * `npm run bench:city`: the city's figures at the scale of a real city (issue "city scale"), on
 * this machine. A generated city (bench/city-data.ts: 1,000 communities in 100 towns by default)
 * is imported with `npm run admin -- import-org`, its records stored, and the real server started
 * on it. Then, each beside its goal (see bench/README.md):
 *
 * 1. The server's answers (`/api/figures/…`) over the whole city: the first after the read models
 *    are warm, and the median of the next.
 * 2. A supervisor's first sign-in in Chromium until the dashboard shows the final figures (checked
 *    against the generator's own totals; no other figure may have been on screen), its websockets
 *    and JS heap; a reload until the figures show again.
 * 3. A worker's first sign-in until its community is synced and its suggestions listed.
 * 4. The server's memory with the read models only, and with every room loaded (one client joins
 *    every room on one /mux socket).
 *
 * Options (environment): BENCH_COMMUNITIES (1000), BENCH_TOWNS (100), BENCH_RELOADS (3),
 * BENCH_ASKS (9), BENCH_STATIC_DIR (serve this build as it is), BENCH_OUT (write the table here).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Page } from 'playwright-core';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { formatWan } from '../src/lib/domain/index.ts';
import { MuxSocket } from '../src/lib/sync/mux-socket.ts';
import { muxPath } from '../src/lib/sync/protocol.ts';
import { demoRulesUpdate } from '../sync-server/demo-rules.ts';
import { databasePath, prepareDataDir } from '../sync-server/data-dir.ts';
import { exportLimit } from '../sync-server/figures-api.ts';
import { Storage } from '../sync-server/storage.ts';
import { launchChromium } from '../tests/e2e/helpers/chromium.ts';
import { BENCH_PASSWORD, SUPERVISOR, benchCity, benchCityData, orgCsv } from './city-data.ts';
import { appBuild, root, startServer, tablet, waitSynced } from './harness.ts';

const communityCount = Number(process.env.BENCH_COMMUNITIES ?? 1000);
const townCount = Number(process.env.BENCH_TOWNS ?? 100);
const reloads = Number(process.env.BENCH_RELOADS ?? 3);
const asks = Number(process.env.BENCH_ASKS ?? 9);
const joinBatch = 25;

const median = (values: number[]) =>
	[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const ms = (value: number) => value.toFixed(0);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** `npm run admin -- …` on the bench's data folder; `input` goes to its standard input. */
function admin(dataDir: string, args: string[], input?: string): Promise<string> {
	return new Promise((done, fail) => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/admin.ts', ...args], {
			cwd: root,
			env: { ...process.env, DATA_DIR: dataDir },
			stdio: ['pipe', 'pipe', 'inherit']
		});
		let out = '';
		child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
		child.stdin.end(input ?? '');
		child.once('exit', (code) =>
			code === 0 ? done(out) : fail(new Error(`admin ${args[0]} exited with ${code}: ${out}`))
		);
	});
}

async function rssOf(pid: number): Promise<number> {
	const status = await readFile(`/proc/${pid}/status`, 'utf8');
	return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
}

async function login(url: string, username: string): Promise<string> {
	const res = await fetch(`${url}/api/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ username, password: BENCH_PASSWORD })
	});
	if (!res.ok) throw new Error(`login ${username}: ${res.status}`);
	return ((await res.json()) as { token: string }).token;
}

/** One question's time as the client sees it, and its answer. */
async function ask(url: string, token: string, path: string) {
	const started = performance.now();
	const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
	const body = (await res.json()) as { view: unknown };
	if (!res.ok) throw new Error(`${path}: ${res.status}`);
	return { ms: performance.now() - started, view: body.view };
}

/** Records, from the first script, every text a figure of the dashboard has shown. */
function recordFigures() {
	const seen: string[] = [];
	(window as unknown as { __figures: string[] }).__figures = seen;
	new MutationObserver(() => {
		for (const el of document.querySelectorAll<HTMLElement>('[data-figure]')) {
			seen.push(`${el.dataset.figure}=${el.textContent}`);
		}
	}).observe(document, { subtree: true, childList: true, characterData: true });
}

async function heapUsed(page: Page): Promise<number> {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('HeapProfiler.collectGarbage');
	const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
	await cdp.detach();
	return usedSize;
}

async function figureShown(page: Page, name: string, value: string, timeout = 120_000) {
	await page.waitForFunction(
		([n, v]) => document.querySelector(`[data-figure="${n}"]`)?.textContent === v,
		[name, value] as const,
		{ timeout, polling: 20 }
	);
}

/** Every room of the city joined on one /mux socket by a Node client, until all are synced. */
async function loadEveryRoom(url: string, token: string, rooms: string[]): Promise<() => void> {
	const socket = new MuxSocket({
		url: `${url.replace(/^http/, 'ws')}${muxPath}`,
		token,
		onRefused: (code) => console.error(`refused ${code}`),
		onStatus: () => {
			if (process.env.BENCH_VERBOSE)
				console.error(`mux connected=${socket.connected} at ${ms(performance.now())} ms`);
		},
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket
	});
	const docs: Y.Doc[] = [];
	socket.connect();
	// A batch at a time, as a device opening rooms would: a thousand joins in one burst are a
	// flood to the server's per-connection limit (and it says so, closing the socket).
	for (let i = 0; i < rooms.length; i += joinBatch) {
		if (process.env.BENCH_VERBOSE)
			console.log(`joining rooms ${i}… at ${ms(performance.now())} ms`);
		const batch = rooms.slice(i, i + joinBatch);
		const waiting = new Set(batch);
		const all = Promise.all(
			batch.map(
				(room) =>
					new Promise<void>((done) => {
						const doc = new Y.Doc();
						docs.push(doc);
						socket.channel(room, doc).onSynced = () => {
							waiting.delete(room);
							done();
						};
					})
			)
		);
		const timer = setInterval(() => {
			const stuck = [...waiting].map((room) => {
				const c = socket.channel(room, new Y.Doc());
				return `${room} joined=${c.joined} refused=${c.refusedCode}`;
			});
			console.error(`still waiting after 10 s: ${stuck.join('; ')}`);
		}, 10_000);
		await all.finally(() => clearInterval(timer));
	}
	return () => {
		socket.destroy();
		for (const doc of docs) doc.destroy();
	};
}

async function main() {
	const rows: [string, string, string][] = [];
	const row = (figure: string, value: string, goal = '') => {
		rows.push([figure, value, goal]);
		console.log(`${figure}: ${value}${goal ? ` (goal ${goal})` : ''}`);
	};

	// ── The city ────────────────────────────────────────────────────────────────────────────────
	let started = performance.now();
	const city = benchCity(communityCount, townCount);
	const data = benchCityData(city);
	const { expected } = data;
	const rooms = 2 + city.towns.length + city.communities.length;
	console.log(
		`City: ${city.communities.length} communities in ${city.towns.length} towns (${rooms} rooms), ` +
			`${expected.suggestions} suggestions, ${expected.projects} projects ` +
			`(generated in ${ms(performance.now() - started)} ms)`
	);

	const dataDir = await mkdtemp(join(tmpdir(), 'kuaiban-bench-city-'));
	const build = await appBuild();
	const browser = await launchChromium();
	let server: Awaited<ReturnType<typeof startServer>> | undefined;
	try {
		await prepareDataDir(dataDir);
		const csv = join(dataDir, 'city.csv');
		await writeFile(csv, orgCsv(city));
		started = performance.now();
		const report = await admin(dataDir, ['import-org', csv]);
		row(
			'import-org of the directory (ms)',
			`${ms(performance.now() - started)} (${report.trim().split('\n').at(-1)})`
		);
		for (const user of city.users) {
			await admin(
				dataDir,
				['add-user', user.username, '--role', user.role, '--scope', user.scope, '--password-stdin'],
				`${BENCH_PASSWORD}\n`
			);
		}
		const storage = new Storage(databasePath(dataDir));
		const at = '2020-10-01T00:00:00.000Z';
		storage.rooms.append(
			[
				{ room: 'city', data: demoRulesUpdate(new Date(at)), author: 'admin' },
				...data.updates.map(({ room, update }) => ({ room, data: update, author: 'demo' }))
			],
			at
		);
		storage.close();

		// BENCH_CPU_PROF: a folder where the server writes a V8 CPU profile when it stops.
		const prof = process.env.BENCH_CPU_PROF;
		server = await startServer(build.dir, {
			dataDir,
			nodeArgs: prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []
		});
		const pid = server.child.pid!;
		const baseRss = await rssOf(pid);
		const token = await login(server.url, SUPERVISOR);

		// ── 1. The server's answers ─────────────────────────────────────────────────────────────
		const first = await ask(server.url, token, '/api/figures/dashboard');
		row('first dashboard answer after start (ms)', ms(first.ms));
		const view = first.view as { figures: { projectsProduced: number; budgetFen: number } };
		if (view.figures.projectsProduced !== expected.projects)
			throw new Error(`the server counts ${view.figures.projectsProduced} projects`);
		if (view.figures.budgetFen !== expected.budgetFen)
			throw new Error(`the server counts ${view.figures.budgetFen} fen`);
		const readModelsRss = await rssOf(pid);
		const questions = [
			'/api/figures/dashboard',
			'/api/figures/dashboard?year=2019',
			'/api/figures/money?by=town',
			'/api/figures/money?by=community&year=2020',
			'/api/figures/monthly?month=2020-09',
			'/api/figures/spot-check?years=2018,2019',
			// The city's lists (issue 14, item 7): every project, a search by words and place
			// sorted by budget, the reviews past their days, suggestions by words.
			'/api/figures/project-list',
			`/api/figures/project-list?q=${encodeURIComponent('社区 2')}&sort=budget`,
			'/api/figures/project-list?overdue=1&sort=newest',
			`/api/figures/project-list?export=1&limit=20000`,
			`/api/figures/suggestion-list?q=${encodeURIComponent('社区')}&sort=title`
		];
		for (const path of questions) {
			const times: number[] = [];
			// An account may export only a few times in a row (the server's `exportLimit`).
			const n = path.includes('export=1') ? Math.min(asks, exportLimit.burst) : asks;
			for (let i = 0; i < n; i++) times.push((await ask(server.url, token, path)).ms);
			row(
				`answer ${path.slice('/api/figures/'.length)} (ms, first / median)`,
				`${ms(times[0]!)} / ${ms(median(times.slice(1)))}`,
				// An export is a file of every row, not a screen's answer.
				path.includes('export=1') ? '' : '< 100'
			);
		}

		// ── 2. The supervisor in Chromium ───────────────────────────────────────────────────────
		const { context, page } = await tablet(browser, server.url);
		await context.addInitScript(recordFigures);
		const sockets: string[] = [];
		page.on('websocket', (ws) => sockets.push(new URL(ws.url()).pathname));
		await page.goto('/?lang=en');
		await page.getByLabel('Username').fill(SUPERVISOR);
		await page.getByLabel('Password').fill(BENCH_PASSWORD);
		started = performance.now();
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.locator('nav.main-nav').waitFor({ timeout: 60_000 });
		await page.getByRole('link', { name: 'Dashboard' }).first().click();
		const projects = expected.projects.toLocaleString('en');
		await figureShown(page, 'projects', projects);
		await figureShown(page, 'budget', formatWan(expected.budgetFen), 5_000);
		const signInMs = performance.now() - started;
		await waitSynced(page);
		const seen = await page.evaluate(
			() => (window as unknown as { __figures: string[] }).__figures
		);
		const finals = new Set(
			await page.evaluate(() =>
				[...document.querySelectorAll<HTMLElement>('[data-figure]')].map(
					(el) => `${el.dataset.figure}=${el.textContent}`
				)
			)
		);
		const wrong = seen.filter((entry) => !finals.has(entry));
		row("supervisor's first sign-in until the final figures (ms)", ms(signInMs), '≤ 3000');
		row('figures shown that were not the final ones', String(wrong.length), '0');
		row(
			'websockets of the supervisor',
			`${sockets.length} (${[...new Set(sockets)].join(', ')})`,
			'1'
		);
		row('JS heap after sign-in (MB)', mb(await heapUsed(page)), '≤ 60');
		const reloadTimes: number[] = [];
		for (let i = 0; i < reloads; i++) {
			started = performance.now();
			await page.reload();
			await figureShown(page, 'projects', projects);
			reloadTimes.push(performance.now() - started);
		}
		row('reload until the figures show (ms, median)', ms(median(reloadTimes)), '≤ 1000');
		await context.close();

		// ── 3. The worker in Chromium ───────────────────────────────────────────────────────────
		const worker = city.users.find((u) => u.role === 'worker')!;
		const w = await tablet(browser, server.url);
		await w.page.goto('/?lang=en');
		await w.page.getByLabel('Username').fill(worker.username);
		await w.page.getByLabel('Password').fill(BENCH_PASSWORD);
		started = performance.now();
		await w.page.getByRole('button', { name: 'Sign in' }).click();
		await w.page.locator('nav.main-nav').waitFor({ timeout: 60_000 });
		await waitSynced(w.page);
		await w.page.getByRole('link', { name: 'Suggestions' }).first().click();
		await w.page.locator('ul.list li').first().waitFor({ timeout: 60_000 });
		row(
			"worker's first sign-in until synced and listed (ms)",
			ms(performance.now() - started),
			'≤ 2000'
		);
		await w.context.close();

		// ── 4. The server's memory ──────────────────────────────────────────────────────────────
		const everyRoom = [
			'city',
			'finance',
			...city.towns.map((t) => `town:${t.id}`),
			...city.communities.map((c) => `community:${c.id}`)
		];
		started = performance.now();
		const leave = await loadEveryRoom(server.url, token, everyRoom);
		const loadedMs = performance.now() - started;
		const loadedRss = await rssOf(pid);
		leave();
		row('server RSS at start (MB)', mb(baseRss));
		row('server RSS with the read models of every room (MB)', mb(readModelsRss));
		row(
			`server RSS with every room loaded (MB; ${ms(loadedMs)} ms to sync ${everyRoom.length} rooms on one socket)`,
			mb(loadedRss)
		);
	} finally {
		await server?.stop();
		await browser.close();
		await build.cleanup();
		await rm(dataDir, { recursive: true, force: true });
	}

	const cpu = cpus()[0]?.model ?? 'unknown';
	const table = [
		`Machine: ${cpus().length} × ${cpu}, Node ${process.version}.`,
		`City: ${city.communities.length} communities in ${city.towns.length} towns (${rooms} rooms), ${expected.suggestions} suggestions, ${expected.projects} projects (${expected.engineering} engineering, ${expected.service} service), ${formatWan(expected.budgetFen)}.`,
		'',
		'| figure | value | goal |',
		'| --- | ---: | ---: |',
		...rows.map(([figure, value, goal]) => `| ${figure} | ${value} | ${goal} |`)
	].join('\n');
	console.log(`\n${table}`);
	if (process.env.BENCH_OUT) await writeFile(process.env.BENCH_OUT, `${table}\n`);
}

await main();
