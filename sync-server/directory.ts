import type { OrgLookup, Principal } from '../src/lib/domain/access.ts';
import type { CommunityRow, Storage, TownRow } from './storage.ts';

/**
 * The city's structure as the permission rules read it. It is read from SQLite when asked, so that
 * towns and communities added by the admin command count at once without a restart.
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

/** The towns and communities a user can see: its own part of the city, or all of it for city roles. */
export function directoryFor(
	user: Principal,
	org: Org
): { towns: TownRow[]; communities: CommunityRow[] } {
	const [kind, id] = user.scope.split(':');
	if (kind === 'community') {
		const community = org.communityRows.filter((c) => c.id === id);
		const town = org.townRows.filter((t) => community.some((c) => c.townId === t.id));
		return { towns: town, communities: community };
	}
	if (kind === 'town') {
		return {
			towns: org.townRows.filter((t) => t.id === id),
			communities: org.communityRows.filter((c) => c.townId === id)
		};
	}
	return { towns: org.townRows, communities: org.communityRows };
}
