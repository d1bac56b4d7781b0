import { resolve } from 'node:path';

/** Everything the server reads from its environment, read once at start (never at import time). */
export interface ServerConfig {
	port: number;
	host: string;
	dataDir: string;
	staticDir: string;
	production: boolean;
}

export class ConfigError extends Error {
	override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function parsePort(value: string | undefined): number {
	if (value === undefined || value.trim() === '') return 8787;
	if (!/^\d+$/.test(value.trim())) {
		throw new ConfigError(`PORT must be a number from 0 to 65535, not "${value}"`);
	}
	const port = Number(value);
	if (port > 65535) throw new ConfigError(`PORT must be a number from 0 to 65535, not "${value}"`);
	return port;
}

function nonEmpty(name: string, value: string | undefined, fallback: string): string {
	if (value === undefined) return fallback;
	if (value.trim() === '') throw new ConfigError(`${name} is set but empty`);
	return value;
}

/** PORT 0 asks the system for any free port (the tests use it). */
export function loadConfig(env: Env, cwd: string = process.cwd()): ServerConfig {
	return {
		port: parsePort(env.PORT),
		host: nonEmpty('HOST', env.HOST, '0.0.0.0'),
		dataDir: resolve(cwd, nonEmpty('DATA_DIR', env.DATA_DIR, 'data')),
		staticDir: resolve(cwd, nonEmpty('STATIC_DIR', env.STATIC_DIR, 'build')),
		production: env.NODE_ENV === 'production'
	};
}
