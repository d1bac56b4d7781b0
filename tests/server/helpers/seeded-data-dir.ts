import { chmod, copyFile, mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';

/**
 * A fresh data folder holding the demo city as a first start leaves it: a copy of the folder the
 * server project's global setup had the real server seed. Nothing has that folder open, so copying
 * its files one by one gives a consistent database. Folders are 0700 and files 0600, as the server
 * makes them, whatever modes the seeded copy came with.
 */
export async function seededDataDir(prefix = 'kuaiban-test-'): Promise<string> {
	const dir = await mkdtemp(join(tmpdir(), prefix));
	await copyTree(inject('seededDataDir'), dir);
	return dir;
}

async function copyTree(from: string, to: string): Promise<void> {
	const entries = await readdir(from, { withFileTypes: true });
	await Promise.all(
		entries.map(async (entry) => {
			const source = join(from, entry.name);
			const target = join(to, entry.name);
			if (entry.isDirectory()) {
				await mkdir(target, { mode: 0o700 });
				await copyTree(source, target);
			} else if (entry.isFile()) {
				await copyFile(source, target);
				await chmod(target, 0o600);
			} else {
				throw new Error(`unexpected entry in the seeded data folder: ${source}`);
			}
		})
	);
}
