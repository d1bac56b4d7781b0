import { grantsFor, type RoomGrant } from '$lib/domain';
import type { SessionRow, SessionUser } from '$lib/store/db';
import { SignInError } from './sign-in-error';

/**
 * Signing in against the server contract (DESIGN.md): `POST /api/login`, then `/api/me` for the
 * rooms and `/api/directory` for names, all kept on the device so the app opens offline for days.
 */

type Fetch = typeof fetch;

async function getJson(fetchFn: Fetch, url: string, token: string): Promise<unknown> {
	const res = await fetchFn(url, { headers: { authorization: `Bearer ${token}` } });
	if (!res.ok) throw new SignInError(res.status === 401 ? 'credentials' : 'server');
	return res.json();
}

/** Signs in and gathers what the app keeps for offline use. */
export async function signIn(
	fetchFn: Fetch,
	username: string,
	password: string,
	now: Date
): Promise<SessionRow> {
	let res: Response;
	try {
		res = await fetchFn('/api/login', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ username: username.trim(), password })
		});
	} catch {
		throw new SignInError('offline');
	}
	if (res.status === 401) throw new SignInError('credentials');
	if (res.status === 429) throw new SignInError('throttled');
	if (!res.ok) throw new SignInError('server');
	const login = (await res.json()) as { token: string; user: SessionUser };
	try {
		const me = (await getJson(fetchFn, '/api/me', login.token)) as {
			rooms: RoomGrant[];
			publicUrl?: unknown;
		};
		const directory = (await getJson(
			fetchFn,
			'/api/directory',
			login.token
		)) as SessionRow['directory'];
		return {
			key: 'current',
			token: login.token,
			user: { ...login.user, username: login.user.username ?? username.trim() },
			rooms: me.rooms,
			directory,
			signedInAt: now.toISOString(),
			...(typeof me.publicUrl === 'string' && /^https?:\/\//.test(me.publicUrl)
				? { publicUrl: me.publicUrl }
				: {})
		};
	} catch (error) {
		if (error instanceof SignInError) throw error;
		throw new SignInError('offline');
	}
}

/**
 * The rooms to open: those the server granted at sign-in, and any room that kind of account is
 * given since (the rules of `grantsFor` applied to the directory kept on the device), so that a
 * device signed in under an older version opens a room added later (finance, contacts) without
 * a new sign-in. The server still checks every room when it is joined.
 */
export function sessionRooms(
	session: Pick<SessionRow, 'rooms' | 'user' | 'directory'>
): RoomGrant[] {
	const { towns, communities } = session.directory;
	const townOf = new Map(communities.map((c) => [c.id, c.townId]));
	const townIds = new Set(towns.map((t) => t.id));
	const rules = grantsFor(session.user, {
		townOfCommunity: (id) => townOf.get(id),
		hasTown: (id) => townIds.has(id),
		communities: () => townOf.keys(),
		towns: () => townIds
	});
	const granted = new Set(session.rooms.map((g) => g.room));
	return [...session.rooms, ...rules.filter((g) => !granted.has(g.room))];
}

/** The room a worker writes in: its community's (the screens of community work use it). */
export function homeRoom(session: Pick<SessionRow, 'rooms' | 'user'>): RoomGrant | undefined {
	const write = session.rooms.filter((r) => r.access === 'write');
	return write.find((r) => r.room === session.user.scope) ?? write[0];
}

export function communityName(session: SessionRow, communityId: string): string {
	return session.directory.communities.find((c) => c.id === communityId)?.name ?? communityId;
}
