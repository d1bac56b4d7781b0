import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * The benchmarks run by hand; this runs them end to end with tiny settings so that none can rot
 * unnoticed (it checks that each prints its table, never its figures).
 */
const run = promisify(execFile);

describe('benchmarks, tiny', () => {
	it('bench:history replays a small room and prints its table', async () => {
		const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/history.ts'], {
			env: { ...process.env, RECORDS: '5', EDITS: '1', BENCH_ROUNDS: '1' },
			timeout: 60_000
		});
		expect(stdout).toMatch(/Room: 5 records, 10 updates in the log/);
		expect(stdout).toMatch(/\| 1 \| \d+ \| [\d.]+ \|/);
	});

	it('bench:server runs all three kinds and prints its table', async () => {
		const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/server.ts'], {
			env: {
				...process.env,
				BENCH_CLIENTS: '2',
				BENCH_ROOMS: '1',
				BENCH_EDIT_MS: '100',
				BENCH_SECONDS: '1',
				BENCH_ROUNDS: '1',
				BENCH_WARMUP_SECONDS: '0',
				BENCH_OUT: ''
			},
			timeout: 120_000
		});
		for (const kind of ['ours', 'ours-mux', 'reference'])
			expect(stdout).toMatch(new RegExp(`round 1 ${kind} +\\d+ edits/s`));
		expect(stdout).toMatch(/\| figure \| ours \| ours, \/mux \| reference \|/);
		expect(stdout).toMatch(/\| deliveries per second \| \d+ \| \d+ \| \d+ \|/);
	}, 150_000);
});
