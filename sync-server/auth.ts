import {
	createHmac,
	randomBytes,
	scrypt as scryptCb,
	timingSafeEqual,
	type ScryptOptions
} from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Role, Scope } from '../src/lib/domain/access.ts';

/**
 * Passwords (scrypt), signed tokens (HMAC-SHA256) and the slowing of repeated login failures.
 * A token says who, which role and scope, and until when; the server still checks on every use that
 * the account exists and is not disabled, so disabling a user takes effect at once.
 */

function scrypt(
	password: string,
	salt: Buffer,
	keylen: number,
	options: ScryptOptions
): Promise<Buffer> {
	return new Promise((done, fail) =>
		scryptCb(password, salt, keylen, options, (error, key) => (error ? fail(error) : done(key)))
	);
}

const scryptParams = { N: 16384, r: 8, p: 1 } as const;
const keyLength = 32;

/** `scrypt$N$r$p$salt$hash`, base64url: the parameters travel with the hash so they can grow. */
export async function hashPassword(password: string): Promise<string> {
	const salt = randomBytes(16);
	const key = await scrypt(password, salt, keyLength, {
		...scryptParams,
		maxmem: 64 * 1024 * 1024
	});
	const { N, r, p } = scryptParams;
	return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const [kind, n, r, p, salt, hash] = stored.split('$');
	if (kind !== 'scrypt' || !salt || !hash) return false;
	const expected = Buffer.from(hash, 'base64url');
	const key = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, {
		N: Number(n),
		r: Number(r),
		p: Number(p),
		maxmem: 64 * 1024 * 1024
	});
	return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash that verifies nothing, checked against when the user is unknown so timing does not tell. */
export const unknownUserHash = `scrypt$16384$8$1$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(32).toString('base64url')}`;

export interface TokenClaims {
	sub: string;
	role: Role;
	scope: Scope;
	iat: number;
	exp: number;
}

export class TokenError extends Error {
	override name = 'TokenError';
}

export class TokenSigner {
	readonly #secret: Buffer;

	constructor(secret: Buffer) {
		if (secret.length < 32) throw new Error('the token secret must be at least 32 bytes');
		this.#secret = secret;
	}

	#mac(body: string): Buffer {
		return createHmac('sha256', this.#secret).update(`kuaiban.v1.${body}`).digest();
	}

	sign(claims: Omit<TokenClaims, 'iat' | 'exp'>, nowMs: number, ttlSeconds: number): string {
		const iat = Math.floor(nowMs / 1000);
		const body = Buffer.from(JSON.stringify({ ...claims, iat, exp: iat + ttlSeconds })).toString(
			'base64url'
		);
		return `${body}.${this.#mac(body).toString('base64url')}`;
	}

	verify(token: string, nowMs: number): TokenClaims {
		const [body, mac, extra] = token.split('.');
		if (!body || !mac || extra !== undefined) throw new TokenError('malformed token');
		const given = Buffer.from(mac, 'base64url');
		const expected = this.#mac(body);
		if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
			throw new TokenError('bad signature');
		}
		let claims: TokenClaims;
		try {
			claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
		} catch {
			throw new TokenError('malformed token');
		}
		if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') {
			throw new TokenError('malformed token');
		}
		if (claims.exp * 1000 <= nowMs) throw new TokenError('expired');
		return claims;
	}
}

export const tokenSecretFile = 'token-secret';

/**
 * The token secret: TOKEN_SECRET from the environment, or a random one kept in the data folder
 * (mode 0600) so that tokens survive a restart. It is never logged.
 */
export async function loadTokenSecret(
	dataDir: string,
	fromEnv: string | undefined
): Promise<Buffer> {
	if (fromEnv !== undefined && fromEnv !== '') {
		const secret = Buffer.from(fromEnv, 'utf8');
		if (secret.length < 32) throw new Error('TOKEN_SECRET must be at least 32 characters');
		return secret;
	}
	const path = join(dataDir, tokenSecretFile);
	try {
		return Buffer.from((await readFile(path, 'utf8')).trim(), 'base64url');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
	}
	const secret = randomBytes(48);
	await writeFile(path, `${secret.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
	await chmod(path, 0o600);
	return secret;
}

/**
 * Slows repeated login failures, per username and per address: after a few free tries each
 * further failure doubles the wait (up to a ceiling); a success clears the username's count.
 */
export class LoginThrottle {
	readonly #failures = new Map<string, { count: number; last: number }>();
	readonly #freeTries: number;
	readonly #baseMs: number;
	readonly #maxMs: number;
	readonly #forgetMs: number;

	constructor({ freeTries = 3, baseMs = 250, maxMs = 8000, forgetMs = 15 * 60_000 } = {}) {
		this.#freeTries = freeTries;
		this.#baseMs = baseMs;
		this.#maxMs = maxMs;
		this.#forgetMs = forgetMs;
	}

	#count(key: string, now: number): number {
		const entry = this.#failures.get(key);
		if (!entry) return 0;
		if (now - entry.last > this.#forgetMs) {
			this.#failures.delete(key);
			return 0;
		}
		return entry.count;
	}

	/** How long to hold the next attempt for this key. */
	delayMs(key: string, now: number): number {
		const count = this.#count(key, now);
		if (count < this.#freeTries) return 0;
		return Math.min(this.#maxMs, this.#baseMs * 2 ** (count - this.#freeTries));
	}

	fail(key: string, now: number): void {
		this.#failures.set(key, { count: this.#count(key, now) + 1, last: now });
		if (this.#failures.size > 100_000) this.#failures.clear(); // a flood must not eat memory
	}

	succeed(key: string): void {
		this.#failures.delete(key);
	}
}
