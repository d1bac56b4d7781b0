import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * `npm run bench:city` end to end with a tiny city, on the build the e2e setup just made, so that
 * it cannot rot unnoticed (it checks that the table is printed, never its figures).
 */
const run = promisify(execFile);

describe('bench:city, tiny', () => {
	it('imports a generated city, signs a supervisor and a worker in, and prints its table', async () => {
		const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/city.ts'], {
			env: {
				...process.env,
				BENCH_STATIC_DIR: 'build',
				BENCH_COMMUNITIES: '24',
				BENCH_TOWNS: '4',
				BENCH_RELOADS: '1',
				BENCH_ASKS: '2',
				BENCH_OUT: ''
			},
			timeout: 150_000,
			maxBuffer: 16 * 1024 * 1024
		});
		expect(stdout).toMatch(/^City: 24 communities in 4 towns \(30 rooms\)/m);
		expect(stdout).toMatch(
			/\| supervisor's first sign-in until the final figures \(ms\) \| \d+ \|/
		);
		expect(stdout).toMatch(/\| figures shown that were not the final ones \| \d+ \|/);
		expect(stdout).toMatch(/\| server RSS with every room loaded \(MB; \d+ ms to sync 30 rooms/);
	}, 180_000);
});
