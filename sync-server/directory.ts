import { parseRoom, type OrgLookup, type Principal } from '../src/lib/domain/access.ts';
import type { CommunityRow, Storage, TownRow } from './storage.ts';

/**
 * The city's structure as the permission rules read it. Every websocket upgrade, photo request and
 * `/api/me` asks for it, so it is kept in memory and read again only when the database changed under
 * another connection (the admin command): towns and communities it adds count at once.
 */
export interface Org extends OrgLookup {
	towns(): string[];
	communities(): string[];
	townRows: TownRow[];
	communityRows: CommunityRow[];
}

export function loadOrg(storage: Storage): Org {
	const townRows = storage.towns();
	const communityRows = storage.communities();
	const townOf = new Map(communityRows.map((c) => [c.id, c.townId]));
	const townIds = new Set(townRows.map((t) => t.id));
	return {
		townRows,
		communityRows,
		townOfCommunity: (id) => townOf.get(id),
		hasTown: (id) => townIds.has(id),
		towns: () => townRows.map((t) => t.id),
		communities: () => communityRows.map((c) => c.id)
	};
}

/** The org, cached until SQLite's `data_version` says another connection committed. */
export function createOrgSource(storage: Storage): () => Org {
	let cached: Org | undefined;
	let version = -1;
	return () => {
		const now = storage.dataVersion();
		if (!cached || now !== version) {
			cached = loadOrg(storage);
			version = now;
		}
		return cached;
	};
}

/** The towns and communities a user can see: its own part of the city, or all of it for city roles. */
export function directoryFor(
	user: Principal,
	org: Org
): { towns: TownRow[]; communities: CommunityRow[] } {
	const scope = parseRoom(user.scope);
	if (scope?.kind === 'community') {
		const community = org.communityRows.filter((c) => c.id === scope.id);
		const town = org.townRows.filter((t) => community.some((c) => c.townId === t.id));
		return { towns: town, communities: community };
	}
	if (scope?.kind === 'town') {
		return {
			towns: org.townRows.filter((t) => t.id === scope.id),
			communities: org.communityRows.filter((c) => c.townId === scope.id)
		};
	}
	return { towns: org.townRows, communities: org.communityRows };
}
