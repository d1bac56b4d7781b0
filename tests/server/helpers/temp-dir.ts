import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new folder under the system's temp folder, removed by the test's cleanup list. */
export async function tempDirFor(
	cleanup: (() => Promise<unknown> | void)[],
	prefix: string
): Promise<string> {
	const dir = await mkdtemp(join(tmpdir(), prefix));
	cleanup.push(() => rm(dir, { recursive: true, force: true }));
	return dir;
}
