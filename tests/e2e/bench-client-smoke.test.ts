import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * `npm run bench:client` end to end with tiny settings, on the build the e2e setup just made, so
 * that it cannot rot unnoticed (it checks that the table is printed, never its figures).
 */
const run = promisify(execFile);

describe('bench:client, tiny', () => {
	it('builds the five-year room, opens it in Chromium and prints its table', async () => {
		const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/client.ts'], {
			env: {
				...process.env,
				BENCH_STATIC_DIR: 'build',
				BENCH_OPENS: '1',
				BENCH_PHOTOS: '1',
				BENCH_PARSES: '2',
				BENCH_OUT: ''
			},
			timeout: 150_000,
			maxBuffer: 16 * 1024 * 1024
		});
		expect(stdout).toMatch(
			/^Document: 300 suggestions, 150 projects, 60 meetings with minutes, 800 inspections/m
		);
		expect(stdout).toMatch(
			/\| open from IndexedDB until the list shows \(ms\) \| \d+ \(min \d+\) \|/
		);
		expect(stdout).toMatch(
			/\| initial JS \+ CSS of a first visit's sign-in page \(Chinese\), gzip -9 \(KB\) \| [\d.]+ /
		);
		expect(stdout).toMatch(
			/\| initial JS \+ CSS of \/suggestions signed in, gzip -9 \(KB\) \| [\d.]+ /
		);
		expect(stdout).toMatch(/\| photo 1: [\d.]+ KB 4000×3000 JPEG → stored \(ms\) \| \d+ /);
	}, 180_000);
});
