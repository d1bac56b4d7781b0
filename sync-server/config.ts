import { resolve } from 'node:path';

/** Everything the server reads from its environment, read once at start (never at import time). */
export interface ServerConfig {
	port: number;
	host: string;
	dataDir: string;
	staticDir: string;
	production: boolean;
	/** How long a sign-in lasts: a tablet may stay offline for days. */
	tokenTtlSeconds: number;
	/** TOKEN_SECRET, or undefined to use (or create) the one in the data folder. */
	tokenSecret: string | undefined;
	photoMaxBytes: number;
	/** How long a room stays in memory after its last connection left. */
	roomIdleMs: number;
	/** Limits (docs/operations.md, "Limits"): bytes per connection and minute, per user and day. */
	connectionBytesPerMinute: number;
	userDailyBytes: number;
	/** Milliseconds of the server's main thread one user's messages may take a second. */
	userWorkMsPerSecond: number;
	/** Bytes waiting to be sent to one connection before it counts as not reading. */
	sendBufferBytes: number;
	/** Proxies in front of the server whose `X-Forwarded-For` is trusted; 0: none (client-address.ts). */
	trustProxy: number;
	/** Requests to the public pages (`/p/…`) per client address: a burst, then so many a second. */
	publicLimit: { burst: number; perSecond: number };
	/**
	 * PUBLIC_URL: the address residents reach the server at, printed on signs and posters (their QR
	 * codes); without it the app prints the address the printing device used.
	 */
	publicUrl: string | undefined;
}

export class ConfigError extends Error {
	override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function integer(
	name: string,
	value: string | undefined,
	fallback: number,
	min: number,
	max: number
) {
	if (value === undefined || value.trim() === '') return fallback;
	const n = Number(value.trim());
	if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
		throw new ConfigError(`${name} must be a number from ${min} to ${max}, not "${value}"`);
	}
	return n;
}

const mb = (n: number) => n * 1024 * 1024;

function nonEmpty(name: string, value: string | undefined, fallback: string): string {
	if (value === undefined) return fallback;
	if (value.trim() === '') throw new ConfigError(`${name} is set but empty`);
	return value;
}

/**
 * TRUST_PROXY: how many proxies stand in front of the server (1 for the one TLS proxy of
 * docs/operations.md). A word like "true" is refused rather than guessed at: trusting one hop too
 * many lets any client choose the address it is counted as.
 */
function trustProxy(value: string | undefined): number {
	try {
		return integer('TRUST_PROXY', value, 0, 0, 10);
	} catch {
		throw new ConfigError(
			'TRUST_PROXY must be the number of proxies in front of the server ' +
				`(1 for one TLS proxy, 0 for none, at most 10), not "${value}"`
		);
	}
}

/**
 * PUBLIC_URL: an absolute http(s) address without query or fragment (a path is kept, for a server
 * behind a proxy under `/kuaiban`); the trailing slash is dropped so that paths join it cleanly.
 */
function publicUrl(value: string | undefined): string | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	let url: URL;
	try {
		url = new URL(value.trim());
	} catch {
		throw new ConfigError(
			`PUBLIC_URL must be an address like https://kuaiban.example.cn, not "${value}"`
		);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new ConfigError(`PUBLIC_URL must start with https:// or http://, not "${value}"`);
	}
	if (url.search || url.hash || url.username || url.password) {
		throw new ConfigError(
			`PUBLIC_URL must be a plain address, without query, fragment or password`
		);
	}
	return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** PORT 0 asks the system for any free port (the tests use it). */
export function loadConfig(env: Env, cwd: string = process.cwd()): ServerConfig {
	const tokenSecret = env.TOKEN_SECRET === '' ? undefined : env.TOKEN_SECRET;
	if (tokenSecret !== undefined && tokenSecret.length < 32) {
		throw new ConfigError('TOKEN_SECRET must be at least 32 characters');
	}
	return {
		port: integer('PORT', env.PORT, 8787, 0, 65535),
		host: nonEmpty('HOST', env.HOST, '0.0.0.0'),
		dataDir: resolve(cwd, nonEmpty('DATA_DIR', env.DATA_DIR, 'data')),
		staticDir: resolve(cwd, nonEmpty('STATIC_DIR', env.STATIC_DIR, 'build')),
		production: env.NODE_ENV === 'production',
		tokenTtlSeconds: integer('TOKEN_TTL_DAYS', env.TOKEN_TTL_DAYS, 30, 1, 365) * 86_400,
		tokenSecret,
		photoMaxBytes: integer('PHOTO_MAX_MB', env.PHOTO_MAX_MB, 8, 1, 100) * 1024 * 1024,
		roomIdleMs: integer('ROOM_IDLE_SECONDS', env.ROOM_IDLE_SECONDS, 30, 0, 86_400) * 1000,
		connectionBytesPerMinute: mb(
			integer('CONNECTION_MB_PER_MINUTE', env.CONNECTION_MB_PER_MINUTE, 64, 1, 4096)
		),
		userDailyBytes: mb(integer('USER_DAILY_MB', env.USER_DAILY_MB, 256, 1, 1_000_000)),
		userWorkMsPerSecond: integer(
			'USER_WORK_MS_PER_SECOND',
			env.USER_WORK_MS_PER_SECOND,
			250,
			1,
			1000
		),
		sendBufferBytes: mb(integer('SEND_BUFFER_MB', env.SEND_BUFFER_MB, 32, 1, 1024)),
		trustProxy: trustProxy(env.TRUST_PROXY),
		publicLimit: {
			burst: integer('PUBLIC_RATE_BURST', env.PUBLIC_RATE_BURST, 60, 1, 100_000),
			perSecond: integer('PUBLIC_RATE_PER_SECOND', env.PUBLIC_RATE_PER_SECOND, 10, 1, 10_000)
		},
		publicUrl: publicUrl(env.PUBLIC_URL)
	};
}
