/**
 * Who may read and write which room (DESIGN.md, "Rooms: one document per authority"). The server
 * cannot check what a CRDT update means, so authority is given per document: a community's room is
 * written by its workers, a town's by its reviewers, the city's by its supervisors and the admin,
 * the finance room by finance (`ROOM_WRITERS`); each is read by those above it too. A community's
 * contacts room (residents' names and phone numbers) is read and written by that community's
 * workers alone. The server enforces this at the websocket upgrade and on every photo; the app
 * uses it to decide what to open and which screens offer editing. Which records count from which
 * room is `authority.ts`.
 */

export type Role = 'worker' | 'reviewer' | 'supervisor' | 'finance' | 'admin';
export const roles: readonly Role[] = ['worker', 'reviewer', 'supervisor', 'finance', 'admin'];

export type Access = 'write' | 'read' | 'none';

export type Room =
	| { kind: 'community'; id: string }
	| { kind: 'contacts'; id: string }
	| { kind: 'town'; id: string }
	| { kind: 'city' }
	| { kind: 'finance' };

/** What an account is responsible for, written like a room name: `community:<id>`, `town:<id>`, `city`. */
export type Scope = string;

export interface Principal {
	role: Role;
	scope: Scope;
}

/** The part of the directory the rules need: which town a community belongs to. */
export interface OrgLookup {
	townOfCommunity(communityId: string): string | undefined;
	hasTown(townId: string): boolean;
}

const idPattern = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function isOrgId(value: string): boolean {
	return idPattern.test(value);
}

export function parseRoom(name: string): Room | undefined {
	if (name === 'city') return { kind: 'city' };
	if (name === 'finance') return { kind: 'finance' };
	const colon = name.indexOf(':');
	if (colon < 0) return undefined;
	const kind = name.slice(0, colon);
	const id = name.slice(colon + 1);
	if (!isOrgId(id)) return undefined;
	if (kind === 'community' || kind === 'contacts' || kind === 'town') return { kind, id };
	return undefined;
}

export function roomName(room: Room): string {
	return room.kind === 'city' || room.kind === 'finance' ? room.kind : `${room.kind}:${room.id}`;
}

/** The roles that may write each kind of room (`roomAccess` gives each its own room of it). */
export const ROOM_WRITERS: { readonly [K in Room['kind']]: readonly Role[] } = {
	community: ['worker'],
	contacts: ['worker'],
	town: ['reviewer'],
	city: ['supervisor', 'admin'],
	finance: ['finance']
};

const cityRoles: ReadonlySet<Role> = new Set(['supervisor', 'finance', 'admin']);

/**
 * The roles that read the whole city. Their figures and lists come from the server's read models
 * (complete, and labelled with their time when shown offline); a worker's community and a
 * reviewer's town are few enough rooms to compute on the device, offline as well.
 */
export function isCityRole(role: Role): boolean {
	return cityRoles.has(role);
}

/**
 * The rooms a device keeps and syncs from the start (DESIGN.md, "Rooms"; issue "city scale"): a
 * worker's community and a reviewer's town are few rooms, kept whole and offline. The city's roles
 * may read every room of the city (a thousand communities), so their device keeps only the city's
 * own rooms (rules, payments) and those the person opened since (`opened`): the city's figures
 * and lists come from the server, and a community is joined when one of its records is opened.
 */
export function roomsKeptAtStart(
	role: Role,
	grants: readonly RoomGrant[],
	opened: readonly string[] = []
): RoomGrant[] {
	if (!isCityRole(role)) return [...grants];
	const kept = new Set(['city', 'finance', ...opened]);
	return grants.filter((g) => kept.has(g.room));
}

/** A principal's scope must fit its role: workers a community, reviewers a town, the rest the city. */
export function isValidScope(role: Role, scope: Scope): boolean {
	const room = parseRoom(scope);
	if (!room) return false;
	if (role === 'worker') return room.kind === 'community';
	if (role === 'reviewer') return room.kind === 'town';
	return room.kind === 'city';
}

export function roomAccess(user: Principal, name: string, org: OrgLookup): Access {
	const room = parseRoom(name);
	if (!room || !isValidScope(user.role, user.scope)) return 'none';
	const scope = parseRoom(user.scope);
	if (!scope) return 'none';
	const isCity = cityRoles.has(user.role);

	switch (room.kind) {
		case 'community': {
			const town = org.townOfCommunity(room.id);
			if (town === undefined) return 'none';
			if (user.role === 'worker' && scope.kind === 'community' && scope.id === room.id) {
				return 'write';
			}
			if (user.role === 'reviewer' && scope.kind === 'town' && scope.id === town) return 'read';
			return isCity ? 'read' : 'none';
		}
		case 'contacts': {
			// Residents' names and phone numbers: the community that collected them, nobody else.
			if (org.townOfCommunity(room.id) === undefined) return 'none';
			const own = user.role === 'worker' && scope.kind === 'community' && scope.id === room.id;
			return own ? 'write' : 'none';
		}
		case 'town': {
			if (!org.hasTown(room.id)) return 'none';
			if (user.role === 'reviewer' && scope.kind === 'town' && scope.id === room.id) return 'write';
			if (user.role === 'worker' && scope.kind === 'community') {
				return org.townOfCommunity(scope.id) === room.id ? 'read' : 'none';
			}
			return isCity ? 'read' : 'none';
		}
		case 'city':
		case 'finance':
			// The city's rules and supervision; payments. Read by everyone signed in.
			return ROOM_WRITERS[room.kind].includes(user.role) ? 'write' : 'read';
	}
}

export interface RoomGrant {
	room: string;
	access: Exclude<Access, 'none'>;
}

/**
 * The rooms a principal may open, given every community and town: its own room to write, and what
 * it may read. City roles can read every room of the city, which is why the list is computed from
 * the directory rather than stored.
 */
export function grantsFor(
	user: Principal,
	org: OrgLookup & { communities(): Iterable<string>; towns(): Iterable<string> }
): RoomGrant[] {
	const grants: RoomGrant[] = [];
	const add = (room: string) => {
		const access = roomAccess(user, room, org);
		if (access !== 'none') grants.push({ room, access });
	};
	add('city');
	add('finance');
	for (const town of org.towns()) add(`town:${town}`);
	for (const community of org.communities()) {
		add(`community:${community}`);
		add(`contacts:${community}`);
	}
	return grants;
}

/**
 * DOMAIN.md ("Collection"): a resident who leaves a name and phone number gives them to the
 * community that collects the suggestion, not to everyone who may read its room. Only the workers
 * of that community see them; reviewers and city roles see the suggestion without them.
 */
export function maySeeResidentContact(user: Principal, room: string): boolean {
	const scope = parseRoom(user.scope);
	const target = parseRoom(room);
	return (
		user.role === 'worker' &&
		scope?.kind === 'community' &&
		target?.kind === 'community' &&
		scope.id === target.id
	);
}
