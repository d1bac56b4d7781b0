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
});
