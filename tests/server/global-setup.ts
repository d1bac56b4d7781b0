import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { makeFixtureApp } from './helpers/fixture-app';
import { startServerProcess } from './helpers/server-process';

declare module 'vitest' {
	export interface ProvidedContext {
		/** A data folder the real server seeded with the demo city and then left; never written to. */
		seededDataDir: string;
	}
}

/**
 * Seeding the demo city (scrypt for every demo user, the records, the photos) takes most of a
 * server's start. It is done once per run here, by the real server on an empty folder, and each
 * test file starts from a copy of the result (`seededDataDir()` in helpers/seeded-data-dir.ts).
 * The tests about seeding itself still start on an empty folder of their own.
 */
export default async function setup(project: TestProject) {
	const appDir = await makeFixtureApp();
	const dataDir = await mkdtemp(join(tmpdir(), 'kuaiban-seeded-'));
	try {
		const server = await startServerProcess({ dataDir, staticDir: appDir });
		// A clean stop closes the database with the WAL checkpointed into the file itself.
		const code = await server.stop('SIGTERM');
		if (code !== 0 || !/"msg":"demo city seeded"/.test(server.output())) {
			throw new Error(`seeding the shared data folder failed (exit ${code}):\n${server.output()}`);
		}
	} catch (error) {
		await rm(dataDir, { recursive: true, force: true });
		throw error;
	} finally {
		await rm(appDir, { recursive: true, force: true });
	}
	project.provide('seededDataDir', dataDir);
	return async () => {
		await rm(dataDir, { recursive: true, force: true });
	};
}
