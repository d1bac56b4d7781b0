/**
 * `npm run bench:lighthouse`: Lighthouse 12 (mobile, its default simulated slow 4G and 4× CPU
 * slowdown) on the sign-in page and on /suggestions signed in (issue 14, item 12), in Debian's
 * Chromium against the real server and the app as `npm start` serves it.
 *
 * - The sign-in page is measured as a first visit: Lighthouse clears the origin's storage.
 * - /suggestions is measured as a worker's tablet opens it: signed in (the session and the rooms
 *   in IndexedDB kept), but with the service worker unregistered and its caches and the HTTP
 *   cache emptied before each run, so that the app's files come over the network as on a first
 *   load of the day (the warm, cached open is faster and is bench:client's).
 *
 * Each page is run `BENCH_RUNS` times (3) and the median run reported with its metrics, the
 * accessibility score, and the JS and CSS the page fetched as sent (compressed). Options
 * (environment): BENCH_RUNS, BENCH_STATIC_DIR (serve this build), BENCH_OUT (write the table),
 * BENCH_DEBUG (print each run's long tasks and script times), BENCH_LANG (`en` for the English UI;
 * Chinese by default).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import lighthouse, { type Flags, type Result } from 'lighthouse';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../tests/e2e/helpers/chromium.ts';
import { appBuild, signIn, startServer, waitSynced } from './harness.ts';

const runs = Number(process.env.BENCH_RUNS ?? 3);
/** The UI's language: Chinese, the default, unless `BENCH_LANG=en` (English loads when chosen). */
const lang = process.env.BENCH_LANG === 'en' ? 'en' : 'zh';
const WORKER = 'tanglian-1';

function freePort(): Promise<number> {
	return new Promise((done, fail) => {
		const server = createServer();
		server.once('error', fail);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => done(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

interface Measure {
	performance: number;
	accessibility: number;
	fcp: number;
	lcp: number;
	tbt: number;
	si: number;
	cls: number;
	scriptKb: number;
	cssKb: number;
}

function measureOf(result: Result): Measure {
	if (process.env.BENCH_DEBUG) {
		// What blocked the main thread: the long tasks and each script's time.
		for (const id of ['long-tasks', 'bootup-time', 'user-timings']) {
			const items = (result.audits[id]?.details as { items?: unknown[] } | undefined)?.items ?? [];
			console.log(id, JSON.stringify(items.slice(0, 8)));
		}
	}
	const audit = (id: string) => result.audits[id]?.numericValue ?? NaN;
	const requests =
		(
			result.audits['network-requests']?.details as
				{ items: { resourceType?: string; transferSize?: number }[] } | undefined
		)?.items ?? [];
	const sent = (type: string) =>
		requests
			.filter((r) => r.resourceType === type)
			.reduce((sum, r) => sum + (r.transferSize ?? 0), 0) / 1024;
	return {
		performance: Math.round((result.categories.performance?.score ?? NaN) * 100),
		accessibility: Math.round((result.categories.accessibility?.score ?? NaN) * 100),
		fcp: audit('first-contentful-paint'),
		lcp: audit('largest-contentful-paint'),
		tbt: audit('total-blocking-time'),
		si: audit('speed-index'),
		cls: audit('cumulative-layout-shift'),
		scriptKb: sent('Script'),
		cssKb: sent('Stylesheet')
	};
}

async function main() {
	const build = await appBuild();
	const server = await startServer(build.dir);
	const profile = await mkdtemp(join(tmpdir(), 'kuaiban-lighthouse-'));
	const port = await freePort();
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: chromiumPath,
		args: [...chromiumArgs, `--remote-debugging-port=${port}`],
		baseURL: server.url,
		viewport: { width: 412, height: 823 }
	});
	const lines: string[] = [];
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		const ask = async (url: string, flags: Flags) => {
			const answer = await lighthouse(url, {
				port,
				output: 'json',
				logLevel: 'error',
				onlyCategories: ['performance', 'accessibility'],
				...flags
			});
			if (!answer) throw new Error(`Lighthouse gave no result for ${url}`);
			if (answer.lhr.runtimeError) throw new Error(answer.lhr.runtimeError.message);
			return measureOf(answer.lhr);
		};
		/**
		 * Removes the service worker and its caches and empties the HTTP cache, keeping IndexedDB
		 * (the session and the rooms): the files come from the network. With no page of the app
		 * open, so that nothing registers the worker again.
		 */
		const coldFiles = async () => {
			await page.goto('about:blank');
			const cdp = await context.newCDPSession(page);
			await cdp.send('Storage.clearDataForOrigin', {
				origin: server.url,
				storageTypes: 'service_workers,cache_storage'
			});
			await cdp.send('Network.clearBrowserCache');
			await cdp.detach();
		};

		const pages: { name: string; measures: Measure[] }[] = [
			{ name: `sign-in page (\`/?lang=${lang}\`), first visit`, measures: [] },
			{ name: `/suggestions?lang=${lang} signed in (${WORKER}), files not cached`, measures: [] }
		];
		for (let i = 0; i < runs; i++) {
			pages[0]!.measures.push(await ask(`${server.url}/?lang=${lang}`, {}));
			console.log(`sign-in run ${i + 1}: ${pages[0]!.measures.at(-1)!.performance}`);
		}
		await signIn(page, WORKER);
		await waitSynced(page);
		// The rooms' decoded copies are written once changes settle (2 s): a tablet in use has them.
		await page.waitForTimeout(4000);
		for (let i = 0; i < runs; i++) {
			await coldFiles();
			pages[1]!.measures.push(
				await ask(`${server.url}/suggestions?lang=${lang}`, { disableStorageReset: true })
			);
			console.log(`suggestions run ${i + 1}: ${pages[1]!.measures.at(-1)!.performance}`);
		}

		const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
		lines.push(
			`Machine: ${cpus().length} × ${cpu}, Node ${process.version}, Lighthouse 12.2.3 (mobile, simulated throttling), Debian's Chromium. App: ${build.note}. ${runs} runs a page, the median by performance score.`,
			'',
			'| page | performance | accessibility | FCP (ms) | LCP (ms) | TBT (ms) | Speed Index (ms) | CLS | JS sent (KB) | CSS sent (KB) |',
			'| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'
		);
		for (const { name, measures } of pages) {
			const sorted = [...measures].sort((a, b) => a.performance - b.performance);
			const m = sorted[Math.floor(sorted.length / 2)]!;
			const all = measures.map((x) => x.performance).join(', ');
			lines.push(
				`| ${name} | ${m.performance} (runs: ${all}) | ${m.accessibility} | ${m.fcp.toFixed(0)} | ${m.lcp.toFixed(0)} | ${m.tbt.toFixed(0)} | ${m.si.toFixed(0)} | ${m.cls.toFixed(3)} | ${m.scriptKb.toFixed(1)} | ${m.cssKb.toFixed(1)} |`
			);
		}
	} finally {
		await context.close();
		await server.stop();
		await build.cleanup();
		await rm(profile, { recursive: true, force: true });
	}
	const table = lines.join('\n');
	console.log(`\n${table}`);
	if (process.env.BENCH_OUT) await writeFile(process.env.BENCH_OUT, `${table}\n`);
}

await main();
