/**
 * What the Chromium benchmarks share (bench:client, bench:city): the app build to serve, the real
 * server on a free loopback port, a tablet-sized browser context, signing in and waiting for
 * "Synced".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readdir, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const root = resolve(import.meta.dirname, '..');

// ── The app build and the server ───────────────────────────────────────────────────────────────

async function newestMtime(dir: string): Promise<number> {
	let newest = 0;
	for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
		if (!entry.isFile()) continue;
		newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
	}
	return newest;
}

export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
	return new Promise<void>((done, fail) => {
		const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: 'inherit' });
		child.once('exit', (code) =>
			code === 0 ? done() : fail(new Error(`${command} ${args.join(' ')} exited with ${code}`))
		);
	});
}

/** The folder of built static files to serve, and a clean-up for a private build. */
export async function appBuild(): Promise<{ dir: string; note: string; cleanup(): Promise<void> }> {
	const none = async () => undefined;
	if (process.env.BENCH_STATIC_DIR) {
		return { dir: resolve(process.env.BENCH_STATIC_DIR), note: 'given build', cleanup: none };
	}
	const shared = join(root, 'build');
	const sources = Math.max(
		...(await Promise.all(['src', 'static'].map((d) => newestMtime(join(root, d)))))
	);
	const built = await stat(join(shared, 'index.html')).then(
		(s) => s.mtimeMs,
		() => 0
	);
	if (built > sources) return { dir: shared, note: '`build/`', cleanup: none };

	// A snapshot of the sources, built where no one else builds; node_modules is linked, not copied.
	const copy = await mkdtemp(join(tmpdir(), 'kuaiban-bench-build-'));
	console.log(`build/ is older than src/: building a snapshot in ${copy}`);
	for (const name of [
		'src',
		'static',
		'package.json',
		'svelte.config.js',
		'vite.config.ts',
		'tsconfig.json'
	]) {
		await cp(join(root, name), join(copy, name), { recursive: true });
	}
	await symlink(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
	await run(
		process.execPath,
		['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'],
		copy,
		{
			NODE_ENV: 'production'
		}
	);
	return {
		dir: join(copy, 'build'),
		note: 'a snapshot of `src/` built for this run',
		cleanup: () => rm(copy, { recursive: true, force: true })
	};
}

export interface Server {
	dataDir: string;
	url: string;
	child: ChildProcess;
	stop(): Promise<void>;
}

/**
 * The port a server says it listens on (its `listening` log line). The output is read on after
 * that line, so that the server never blocks on a full pipe, and its warnings and errors are
 * printed (a few of each); only whole lines are parsed (a chunk may end inside one).
 */
export function waitForPort(child: ChildProcess): Promise<number> {
	return new Promise((done, fail) => {
		let text = '';
		let listening = false;
		/** How often each warning came: the first few are printed, then every hundredth. */
		const warned = new Map<string, number>();
		child.stdout?.on('data', (chunk: Buffer) => {
			text += chunk.toString();
			const lines = text.split('\n');
			text = lines.pop() ?? '';
			for (const line of lines) {
				if (!line.startsWith('{')) continue;
				const entry = JSON.parse(line) as { msg?: string; port?: number; level?: string };
				if (!listening && entry.msg === 'listening' && entry.port) {
					listening = true;
					done(entry.port);
				}
				// A refusal the client does not report (a flood closed, a slow reader dropped)
				// shows in the bench's output.
				if (entry.level === 'warn' || entry.level === 'error') {
					const key = `${entry.level} ${entry.msg}`;
					const n = (warned.get(key) ?? 0) + 1;
					warned.set(key, n);
					if (n <= 3 || n % 100 === 0) console.error(`[server] ${key}${n > 3 ? ` (${n}×)` : ''}`);
				}
			}
		});
		child.once('exit', (code) => fail(new Error(`server exited with ${code}: ${text}`)));
	});
}

export async function startServer(
	staticDir: string,
	options: { dataDir?: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}
): Promise<Server> {
	// A given data folder is the caller's; a fresh one is removed at the stop.
	const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'kuaiban-bench-')));
	const child = spawn(
		process.execPath,
		[...(options.nodeArgs ?? []), '--import', 'tsx', 'sync-server/main.ts'],
		{
			cwd: root,
			env: {
				...process.env,
				PORT: '0',
				HOST: '127.0.0.1',
				DATA_DIR: dataDir,
				STATIC_DIR: staticDir,
				NODE_ENV: '',
				...options.env
			},
			stdio: ['ignore', 'pipe', 'inherit']
		}
	);
	const port = await waitForPort(child);
	return {
		url: `http://127.0.0.1:${port}`,
		dataDir,
		child,
		async stop() {
			child.kill('SIGTERM');
			await new Promise((done) => child.once('exit', done));
			if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
		}
	};
}

// ── The browser ────────────────────────────────────────────────────────────────────────────────

export async function tablet(
	browser: Browser,
	url: string,
	options: { serviceWorkers?: 'allow' | 'block' } = {}
): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({
		baseURL: url,
		viewport: { width: 1024, height: 768 },
		serviceWorkers: options.serviceWorkers ?? 'allow'
	});
	// tsx compiles with esbuild's keepNames: functions passed to page.evaluate may call `__name`.
	await context.addInitScript('globalThis.__name = (fn) => fn');
	const page = await context.newPage();
	page.on('pageerror', (error) => console.error('[page]', error));
	return { context, page };
}

export async function signIn(page: Page, user: string): Promise<void> {
	await page.goto('/?lang=en');
	await page.getByLabel('Username').fill(user);
	await page.getByLabel('Password').fill('demo');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.locator('nav.main-nav').waitFor({ timeout: 30_000 });
}

export async function waitSynced(page: Page): Promise<void> {
	await page.waitForFunction(
		() =>
			/^Synced/.test(
				document.querySelector('[data-testid=sync-indicator]')?.textContent?.trim() ?? ''
			),
		null,
		{ timeout: 60_000, polling: 100 }
	);
}
