import { constants } from 'node:fs';
import { access, mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { demoCity } from './demo-city.ts';

/**
 * The data folder holds everything the server keeps. This module is the one place that knows its
 * first-run seed; the users and documents move into SQLite with the sync server.
 */

export class DataDirError extends Error {
	override name = 'DataDirError';
}

export const demoCityFile = 'demo-city.json';

export async function prepareDataDir(dir: string): Promise<void> {
	try {
		await mkdir(dir, { recursive: true, mode: 0o700 });
		await access(dir, constants.W_OK | constants.R_OK);
	} catch (error) {
		throw new DataDirError(
			`The data folder ${dir} cannot be created or written: ${(error as Error).message}`
		);
	}
}

export async function isEmptyDir(dir: string): Promise<boolean> {
	const entries = await readdir(dir);
	return entries.length === 0;
}

/** Writes a file so that a crash leaves the old content or the new, never half of it. */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
	const temp = `${path}.${process.pid}.tmp`;
	await writeFile(temp, data, { mode: 0o600 });
	await rename(temp, path);
}

export type SeedOutcome = 'seeded' | 'not-empty' | 'production';

/** On an empty data folder, outside production, lays down the demo city. */
export async function seedIfEmpty(dir: string, production: boolean): Promise<SeedOutcome> {
	if (!(await isEmptyDir(dir))) return 'not-empty';
	if (production) return 'production';
	const { name, towns, communities, users } = demoCity();
	const body = { name, towns, communities, users, seededBy: 'kuaiban demo seed' };
	await writeFileAtomic(join(dir, demoCityFile), `${JSON.stringify(body, null, '\t')}\n`);
	return 'seeded';
}

export async function hasDemoCity(dir: string): Promise<boolean> {
	try {
		await access(join(dir, demoCityFile));
		return true;
	} catch {
		return false;
	}
}
