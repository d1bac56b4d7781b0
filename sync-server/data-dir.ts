import { demoData } from './demo-data.ts';
import { demoRulesUpdate } from './demo-rules.ts';
import { constants } from 'node:fs';
import { access, chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hashPassword } from './auth.ts';
import { DEMO_PASSWORD, demoCity } from './demo-city.ts';
import { parseRoom } from '../src/lib/domain/access.ts';
import { storePhoto } from './photos.ts';
import type { Storage } from './storage.ts';

/**
 * The data folder holds everything the server keeps: the SQLite database, the token secret and
 * (with photos) the photo files. This module prepares it and lays down the demo city on first run.
 */

export class DataDirError extends Error {
	override name = 'DataDirError';
}

export const databaseFile = 'kuaiban.sqlite';

/**
 * Creates the data folder if needed and makes what it holds private: every file 0600 and every
 * folder 0700, whatever mode they were given before (an older server, a restore, a copy). New
 * files come out private too: the server and the admin command run with umask 077. Returns
 * whether the folder itself is open to other users of the machine, which the operator is told.
 */
export async function prepareDataDir(dir: string): Promise<{ openToOthers: boolean }> {
	process.umask(0o077);
	try {
		await mkdir(dir, { recursive: true, mode: 0o700 });
		await access(dir, constants.W_OK | constants.R_OK);
		await keepPrivate(dir);
		return { openToOthers: ((await stat(dir)).mode & 0o077) !== 0 };
	} catch (error) {
		throw new DataDirError(
			`The data folder ${dir} cannot be created or written: ${(error as Error).message}`
		);
	}
}

/** Files under `dir` to 0600, folders to 0700 (not `dir` itself: that is the operator's). */
export async function keepPrivate(dir: string): Promise<void> {
	for (const entry of await readdir(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) {
			if (((await stat(path)).mode & 0o777) !== 0o700) await chmod(path, 0o700);
			await keepPrivate(path);
		} else if (entry.isFile()) {
			if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
		}
	}
}

export function databasePath(dir: string): string {
	return join(dir, databaseFile);
}

/** Updates appended, not yet folded into the database (journal.ts); part of every backup. */
export const journalFile = 'updates.journal';

export function journalPath(dir: string): string {
	return join(dir, journalFile);
}

export type SeedOutcome = 'seeded' | 'not-empty' | 'production';

/**
 * On an empty database, outside production, creates the demo city: its towns, communities and
 * users (password "demo", hashed like any other, marked as demo users), the city's rules, its
 * records (demo-data.ts) and, given the data folder, the photos they name.
 */
export async function seedIfEmpty(
	storage: Storage,
	production: boolean,
	now: Date,
	dataDir?: string
): Promise<SeedOutcome> {
	if (!storage.isEmpty()) return 'not-empty';
	if (production) return 'production';
	const city = demoCity();
	const data = demoData(city);
	const hashes = await Promise.all(city.users.map(() => hashPassword(DEMO_PASSWORD)));
	storage.db.transaction(() => {
		for (const town of city.towns) storage.upsertTown(town);
		for (const community of city.communities) storage.upsertCommunity(community);
		storage.addUsers(
			city.users.map((user, i) => ({
				id: user.username,
				username: user.username,
				name: user.name,
				role: user.role,
				scope: user.scope,
				passwordHash: hashes[i] ?? '',
				demo: true,
				createdAt: now.toISOString()
			}))
		);
		storage.rooms.append(
			[
				{ room: 'city', data: demoRulesUpdate(now), author: 'admin' },
				...data.updates.map(({ room, update }) => ({ room, data: update, author: 'demo' }))
			],
			now.toISOString()
		);
	})();
	// The photos the records name; a server without a data folder (tests) shows them as missing.
	if (dataDir !== undefined) {
		for (const photo of data.photos) {
			await storePhoto(dataDir, parseRoom(photo.room)!, photo.sha256, photo.bytes);
		}
	}
	return 'seeded';
}
