import type { IncomingMessage, ServerResponse } from 'node:http';
import { grantsFor } from '../src/lib/domain/access.ts';
import { BodyTooLargeError, readBody, sendJson, type ApiRoute } from './api.ts';
import { LoginThrottle, TokenError, TokenSigner, unknownUserHash, verifyPassword } from './auth.ts';
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
	tokenTtlSeconds: number;
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

/** The signed-in user behind a token, or undefined (bad, expired, unknown or disabled). */
export function userFromToken(
	context: AuthContext,
	token: string | undefined
): UserRow | undefined {
	if (!token) return undefined;
	try {
		const claims = context.signer.verify(token, context.now());
		const user = context.storage.findUserById(claims.sub);
		if (!user || user.disabled) return undefined;
		return user;
	} catch (error) {
		if (error instanceof TokenError) return undefined;
		throw error;
	}
}

export function bearer(req: IncomingMessage): string | undefined {
	const header = req.headers.authorization;
	if (!header?.startsWith('Bearer ')) return undefined;
	return header.slice('Bearer '.length).trim();
}

function clientAddress(req: IncomingMessage): string {
	return req.socket.remoteAddress ?? 'unknown';
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function requireUser(context: AuthContext, req: IncomingMessage, res: ServerResponse) {
	const user = userFromToken(context, bearer(req));
	if (!user)
		sendJson(res, 401, { error: 'unauthorized', message: '请重新登录 / Please sign in again' });
	return user;
}

export function authRoutes(context: AuthContext): ApiRoute[] {
	const { storage, signer, throttle, log } = context;
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
				const addressKey = clientAddress(req);
				const wait = Math.max(
					throttle.user.delayMs(userKey, context.now()),
					throttle.address.delayMs(addressKey, context.now())
				);
				if (wait > 0) await sleep(wait);

				const user = storage.findUserByUsername(username);
				const ok = await verifyPassword(password, user?.passwordHash ?? unknownUserHash);
				if (!user || !ok || user.disabled) {
					throttle.user.fail(userKey, context.now());
					throttle.address.fail(addressKey, context.now());
					log.info('login failed', { username, address: clientAddress(req) });
					return sendJson(res, 401, loginFailed);
				}
				throttle.user.succeed(userKey);
				const token = signer.sign(
					{ sub: user.id, role: user.role, scope: user.scope },
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
				sendJson(res, 200, { user: publicUser(user), rooms: grantsFor(user, context.org()) });
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
