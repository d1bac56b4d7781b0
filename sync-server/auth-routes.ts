import type { IncomingMessage, ServerResponse } from 'node:http';
import { grantsFor } from '../src/lib/domain/access.ts';
import { BodyTooLargeError, readBody, sendJson, type ApiRoute } from './api.ts';
import {
	HashGate,
	LoginThrottle,
	TokenSigner,
	unknownUserHash,
	userFromToken,
	verifyPassword
} from './auth.ts';
import { clientAddress, limitKey } from './client-address.ts';
import { directoryFor, type Org } from './directory.ts';
import type { Logger } from './log.ts';
import type { Storage, UserRow } from './storage.ts';

/** `POST /api/login`, `GET /api/me`, `GET /api/directory` (DESIGN.md, "Server contract"). */

export interface AuthContext {
	storage: Storage;
	/** The city's structure, for the room rights (cached; see directory.ts). */
	org: () => Org;
	signer: TokenSigner;
	/** Failures per username, and (more leniently: an office shares one address) per address. */
	throttle: { user: LoginThrottle; address: LoginThrottle };
	/** Caps concurrent password hashing, overall and per username. */
	hashing: HashGate;
	/** Proxies whose X-Forwarded-For is trusted (client-address.ts). */
	trustProxy: number;
	tokenTtlSeconds: number;
	/** PUBLIC_URL: given to the devices with the rooms, for the signs they print. */
	publicUrl?: string | undefined;
	log: Logger;
	now: () => number;
}

export function publicUser(user: UserRow) {
	return {
		id: user.id,
		name: user.name,
		role: user.role,
		scope: user.scope,
		username: user.username
	};
}

export function bearer(req: IncomingMessage): string | undefined {
	const header = req.headers.authorization;
	if (!header?.startsWith('Bearer ')) return undefined;
	return header.slice('Bearer '.length).trim();
}

export function requireUser(context: AuthContext, req: IncomingMessage, res: ServerResponse) {
	const user = userFromToken(context, bearer(req));
	if (!user)
		sendJson(res, 401, { error: 'unauthorized', message: '请重新登录 / Please sign in again' });
	return user;
}

export function authRoutes(context: AuthContext): ApiRoute[] {
	const { storage, signer, throttle, hashing, log } = context;
	const loginFailed = {
		error: 'invalid_credentials',
		message: '用户名或密码不正确 / Wrong username or password'
	};

	return [
		{
			method: 'POST',
			path: '/api/login',
			async handler(req, res) {
				let body: unknown;
				try {
					body = JSON.parse((await readBody(req, 4096)).toString('utf8'));
				} catch (error) {
					if (error instanceof BodyTooLargeError) return sendJson(res, 413, { error: 'too_large' });
					return sendJson(res, 400, { error: 'bad_request', message: 'JSON body expected' });
				}
				const { username, password } = (body ?? {}) as Record<string, unknown>;
				if (typeof username !== 'string' || typeof password !== 'string' || username.length > 100) {
					return sendJson(res, 400, {
						error: 'bad_request',
						message: 'username and password expected'
					});
				}
				const userKey = username.toLowerCase();
				const addressKey = limitKey(clientAddress(req, context.trustProxy));
				// Logged as a keyed hash: a password typed into the username field stays unreadable.
				const logged = { userHash: signer.fingerprint(userKey), address: addressKey };
				const backOff = () =>
					Math.max(
						throttle.user.retryAfterMs(userKey, context.now()),
						throttle.address.retryAfterMs(addressKey, context.now())
					);
				const tooMany = (ms: number) => {
					log.info('login refused: back-off', { ...logged, retryAfterMs: ms });
					res.setHeader('Retry-After', String(Math.max(1, Math.ceil(ms / 1000))));
					sendJson(res, 429, {
						error: 'too_many_attempts',
						message: '尝试次数太多，请稍后再试 / Too many attempts: try again in a moment'
					});
				};
				if (backOff() > 0) return tooMany(backOff());

				// The back-off is asked again when the attempt's turn comes: parallel guesses at one
				// account queue behind each other and meet the failures of those before them.
				const outcome = await hashing.run(userKey, async () => {
					const wait = backOff();
					if (wait > 0) return { wait, user: undefined };
					const user = storage.findUserByUsername(username);
					const ok = await verifyPassword(password, user?.passwordHash ?? unknownUserHash);
					return { wait: 0, user: ok && user && !user.disabled ? user : undefined };
				});
				if (outcome === 'key-busy') return tooMany(1000);
				if (outcome === 'full') {
					log.warn('login refused: too many at once', logged);
					res.setHeader('Retry-After', '2');
					return sendJson(res, 503, {
						error: 'busy',
						message: '登录的人太多，请稍后再试 / Too many sign-ins at once: try again shortly'
					});
				}
				if (outcome.wait > 0) return tooMany(outcome.wait);
				const { user } = outcome;
				if (!user) {
					throttle.user.fail(userKey, context.now());
					throttle.address.fail(addressKey, context.now());
					log.info('login failed', logged);
					return sendJson(res, 401, loginFailed);
				}
				throttle.user.succeed(userKey);
				const token = signer.sign(
					{ sub: user.id, role: user.role, scope: user.scope, ver: user.tokenVersion },
					context.now(),
					context.tokenTtlSeconds
				);
				log.info('login', { username });
				sendJson(res, 200, { token, user: publicUser(user) });
			}
		},
		{
			method: 'GET',
			path: '/api/me',
			handler(req, res) {
				const user = requireUser(context, req, res);
				if (!user) return;
				const publicUrl = context.publicUrl;
				sendJson(res, 200, {
					user: publicUser(user),
					rooms: grantsFor(user, context.org()),
					...(publicUrl ? { publicUrl } : {})
				});
			}
		},
		{
			method: 'GET',
			path: '/api/directory',
			handler(req, res) {
				const user = requireUser(context, req, res);
				if (!user) return;
				sendJson(res, 200, directoryFor(user, context.org()));
			}
		}
	];
}
