import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * `npm run bench:lighthouse` end to end, one run a page, on the build the e2e setup just made, so
 * that it cannot rot unnoticed (it checks that the table is printed, never its figures).
 */
const run = promisify(execFile);

describe('bench:lighthouse, one run', () => {
	it('audits the sign-in page and a signed-in list, and prints its table', async () => {
		const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/lighthouse.ts'], {
			env: { ...process.env, BENCH_STATIC_DIR: 'build', BENCH_RUNS: '1', BENCH_OUT: '' },
			timeout: 150_000,
			maxBuffer: 16 * 1024 * 1024
		});
		expect(stdout).toMatch(
			/^\| sign-in page \(`\/\?lang=zh`\), first visit \| \d+ \(runs: \d+\) \| \d+ \|/m
		);
		expect(stdout).toMatch(
			/^\| \/suggestions\?lang=zh signed in \(tanglian-1\), files not cached \| \d+ /m
		);
	}, 180_000);
});
