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
import type { Storage, UserRow } from './storage.ts';

/**
 * Passwords (scrypt), signed tokens (HMAC-SHA256) and the slowing of repeated login failures.
 * A token says who, which role and scope, until when, and which version of the account's tokens it
 * is; the server still checks on every use that the account exists, is not disabled and still has
 * that token version, so disabling a user, changing a password or `revoke-tokens` takes effect at once.
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
	/** The account's token version when it was issued (tokens from before versions count as 0). */
	ver: number;
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

	/**
	 * A short keyed hash of a text for the logs: the same text gives the same value, so failures
	 * can be followed, but what was typed (a password in the username field) cannot be read back.
	 */
	fingerprint(text: string): string {
		return createHmac('sha256', this.#secret)
			.update(`kuaiban.log.${text}`)
			.digest('base64url')
			.slice(0, 12);
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
		claims.ver ??= 0;
		if (typeof claims.ver !== 'number') throw new TokenError('malformed token');
		if (claims.exp * 1000 <= nowMs) throw new TokenError('expired');
		return claims;
	}
}

export interface TokenContext {
	storage: Storage;
	signer: TokenSigner;
	now: () => number;
}

/** The signed-in user behind a token, or undefined (bad, expired, revoked, unknown or disabled). */
export function userFromToken(
	context: TokenContext,
	token: string | undefined
): UserRow | undefined {
	const found = claimsAndUser(context, token);
	return found?.user;
}

/** The token's claims with the account they still stand for, or undefined (see userFromToken). */
export function claimsAndUser(
	context: TokenContext,
	token: string | undefined
): { claims: TokenClaims; user: UserRow } | undefined {
	if (!token) return undefined;
	let claims: TokenClaims;
	try {
		claims = context.signer.verify(token, context.now());
	} catch (error) {
		if (error instanceof TokenError) return undefined;
		throw error;
	}
	const user = context.storage.findUserById(claims.sub);
	if (!user || !stillValid(user, claims.ver)) return undefined;
	return { claims, user };
}

/** Whether an account still honours tokens of this version. */
export function stillValid(user: UserRow | undefined, tokenVersion: number): user is UserRow {
	return user !== undefined && !user.disabled && user.tokenVersion === tokenVersion;
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

	/**
	 * How long until this key may try again: while it is in back-off, an attempt is refused at once
	 * (not held, not hashed), so parallel guesses gain nothing.
	 */
	retryAfterMs(key: string, now: number): number {
		const entry = this.#failures.get(key);
		const delay = this.delayMs(key, now);
		if (!entry || delay === 0) return 0;
		return Math.max(0, entry.last + delay - now);
	}

	fail(key: string, now: number): void {
		this.#failures.set(key, { count: this.#count(key, now) + 1, last: now });
		if (this.#failures.size > 100_000) this.#failures.clear(); // a flood must not eat memory
	}

	succeed(key: string): void {
		this.#failures.delete(key);
	}
}

export type GateRefusal = 'key-busy' | 'full';

/**
 * Caps password hashing: scrypt runs on libuv's small thread pool, which also reads the app's
 * files, so at most `concurrent` hashes run at once, a few more wait, and the rest are refused.
 * Attempts for one key (a username) run one after another, with at most `perKey` waiting, so a
 * burst of parallel guesses at one account meets the throttle one by one.
 */
export class HashGate {
	readonly #concurrent: number;
	readonly #queued: number;
	readonly #perKey: number;
	#running = 0;
	readonly #waiting: (() => void)[] = [];
	readonly #keys = new Map<string, Promise<void>>();
	readonly #keyCounts = new Map<string, number>();

	constructor({ concurrent = 2, queued = 64, perKey = 4 } = {}) {
		this.#concurrent = concurrent;
		this.#queued = queued;
		this.#perKey = perKey;
	}

	/** Runs `work` when its turn comes, or says at once why it will not. */
	async run<T>(key: string, work: () => Promise<T>): Promise<T | GateRefusal> {
		const count = this.#keyCounts.get(key) ?? 0;
		if (count >= this.#perKey) return 'key-busy';
		if (this.#waiting.length >= this.#queued) return 'full';
		this.#keyCounts.set(key, count + 1);
		const before = this.#keys.get(key) ?? Promise.resolve();
		let release!: () => void;
		const mine = new Promise<void>((done) => (release = done));
		const chain = before.then(() => mine);
		this.#keys.set(key, chain);
		try {
			await before;
			await this.#slot();
			try {
				return await work();
			} finally {
				this.#running--;
				this.#waiting.shift()?.();
			}
		} finally {
			release();
			const left = (this.#keyCounts.get(key) ?? 1) - 1;
			if (left === 0) {
				this.#keyCounts.delete(key);
				if (this.#keys.get(key) === chain) this.#keys.delete(key);
			} else this.#keyCounts.set(key, left);
		}
	}

	#slot(): Promise<void> {
		if (this.#running < this.#concurrent) {
			this.#running++;
			return Promise.resolve();
		}
		return new Promise((done) =>
			this.#waiting.push(() => {
				this.#running++;
				done();
			})
		);
	}
}
