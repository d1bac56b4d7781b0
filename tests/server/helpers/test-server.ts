import { rm } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import { makeFixtureApp } from './fixture-app';
import { seededDataDir } from './seeded-data-dir';
import { startServerProcess, type ServerProcess } from './server-process';

export interface TestServer {
	readonly server: ServerProcess;
	readonly url: string;
	readonly dataDir: string;
}

/**
 * One real server for a test file: started before its tests on a free port with a fresh data
 * folder (a copy of the seeded demo city) and the fixture app, stopped and removed after them.
 */
export function useTestServer(env?: Record<string, string>): TestServer {
	let server: ServerProcess | undefined;
	let dataDir = '';
	let appDir = '';
	beforeAll(async () => {
		appDir = await makeFixtureApp();
		dataDir = await seededDataDir();
		server = await startServerProcess({ dataDir, staticDir: appDir, env });
	});
	afterAll(async () => {
		await server?.stop();
		await rm(dataDir, { recursive: true, force: true });
		await rm(appDir, { recursive: true, force: true });
	});
	const started = () => {
		if (!server) throw new Error('the test server is not started yet');
		return server;
	};
	return {
		get server() {
			return started();
		},
		get url() {
			return started().url;
		},
		get dataDir() {
			return dataDir;
		}
	};
}
