import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';

/**
 * Starts the real server (`node --import tsx sync-server/main.ts`) as `npm start` does, on a free port, and
 * stops it. Tests read what it printed through `output()`.
 */
export interface ServerProcess {
	url: string;
	port: number;
	child: ChildProcess;
	output(): string;
	/** SIGTERM, then waits for the exit; resolves with the exit code. */
	stop(signal?: NodeJS.Signals): Promise<number | null>;
	exited: Promise<number | null>;
}

export interface StartOptions {
	dataDir: string;
	staticDir?: string;
	env?: Record<string, string>;
	timeoutMs?: number;
}

const root = resolve(import.meta.dirname, '../../..');

export function spawnServer(options: StartOptions): { child: ChildProcess; output: () => string } {
	// As `npm start` runs it: one Node process with tsx's loader (signals reach the server itself).
	const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/main.ts'], {
		cwd: root,
		env: {
			...process.env,
			PORT: '0',
			HOST: '127.0.0.1',
			DATA_DIR: options.dataDir,
			STATIC_DIR: options.staticDir ?? resolve(root, 'build'),
			NODE_ENV: '',
			...options.env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let text = '';
	child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
	child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
	return { child, output: () => text };
}

export function exitOf(child: ChildProcess): Promise<number | null> {
	if (child.exitCode !== null) return Promise.resolve(child.exitCode);
	return new Promise((done) => child.once('exit', (code) => done(code)));
}

export async function startServerProcess(options: StartOptions): Promise<ServerProcess> {
	await mkdir(options.dataDir, { recursive: true });
	const { child, output } = spawnServer(options);
	const exited = exitOf(child);
	const port = await new Promise<number>((done, fail) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			fail(new Error(`server did not start in time:\n${output()}`));
		}, options.timeoutMs ?? 30_000);
		const look = () => {
			for (const line of output().split('\n')) {
				if (!line.startsWith('{')) continue;
				const entry = JSON.parse(line) as { msg?: string; port?: number };
				if (entry.msg === 'listening' && entry.port) {
					clearTimeout(timer);
					done(entry.port);
					return;
				}
			}
		};
		child.stdout?.on('data', look);
		void exited.then((code) => {
			clearTimeout(timer);
			fail(new Error(`server exited with ${code} before listening:\n${output()}`));
		});
	});
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		child,
		output,
		exited,
		async stop(signal = 'SIGTERM') {
			if (child.exitCode === null) child.kill(signal);
			return exited;
		}
	};
}

/** Waits until `check` returns a value, retrying; never a fixed sleep. */
export async function waitFor<T>(
	check: () => T | undefined | Promise<T | undefined>,
	{ timeoutMs = 10_000, intervalMs = 25 } = {}
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((done) => setTimeout(done, intervalMs));
	}
}
