import { rename, writeFile } from 'node:fs/promises';

/** Writes a file so that a crash leaves the old content or the new, never half of it. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
	const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
	await writeFile(temp, data, { mode: 0o600 });
	await rename(temp, path);
}
