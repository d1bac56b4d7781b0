import {
	assembleCity,
	deliberationWarnings,
	rectificationsOrderedOn,
	rulesOfYear,
	suggestionsForProject,
	type CityRecords,
	type CityRulesRecord,
	type DeliberationEvidence,
	type DomainMessage,
	type Project,
	type ProjectMadeFrom,
	type Rectification,
	type RoomRecords,
	type Suggestion
} from '$lib/domain';
import { capBreaches, cityRules, effectiveProjects } from '$lib/store/projects';
import type { StoredRecord } from '$lib/doc/records';
import { roomRecords } from '$lib/doc/room-records';
import type { Room, Workspace } from './workspace.svelte';

/**
 * What the project screens read of a community: its projects with the town's decisions applied,
 * the city's rules and the cap breaches of the merged data. Reading `version` of each room makes a
 * `$derived` that calls this run again when any of the three documents changes.
 */
export interface CommunityProjects {
	stored: StoredRecord<'project'>[];
	valid: Project[];
	rules: CityRulesRecord[];
	breaches: ReturnType<typeof capBreaches>;
	/**
	 * Whether every room the figures come from is whole (the community's, its town's, the city's
	 * and finance's): until then an allowance or a cap check is of half the data, and not shown.
	 */
	complete: boolean;
	/** What the programme's steps say is missing behind a project (`deliberationWarnings`). */
	deliberation(project: ProjectMadeFrom): DomainMessage[];
	/** The suggestions a project may be made from (`suggestionsForProject`). */
	suggestionsFor(exceptProjectId?: string): Suggestion[];
}

export function communityProjects(workspace: Workspace, room: Room): CommunityProjects {
	const town = workspace.townRoomOf(room);
	const city = workspace.cityRoom;
	const finance = workspace.financeRoom;
	// Each room read through its record queries: a `$derived` calling this runs again on a change
	// in any of the four, and a room's decoded copy answers while its document waits.
	const stored = effectiveProjects(room, workspace.placeOf(room), { town, city, finance });
	const valid = stored.flatMap((r) => (r.record && !r.record.archived ? [r.record] : []));
	const rules = cityRules(city);
	// Read only when a screen asks: the review queue and the lists call this for every community.
	let evidence: DeliberationEvidence | undefined;
	const evidenceOf = () =>
		(evidence ??= {
			suggestions: room.valid('suggestion'),
			meetings: room.valid('councilMeeting'),
			projects: valid,
			rulesOf: (year) => rulesOfYear(rules, year)
		});
	return {
		stored,
		valid,
		rules,
		breaches: capBreaches(valid, rules),
		complete: [room, town, city, finance].every((r) => !r || r.complete || r.sync.refused),
		deliberation: (project) => deliberationWarnings(project, evidenceOf()),
		suggestionsFor: (exceptProjectId) =>
			suggestionsForProject(evidenceOf().suggestions, valid, exceptProjectId)
	};
}

/**
 * The rectifications a community's town ordered on it (in the town's room, after its quarterly
 * checks), which the community reports fixed; empty for a room with no town kept.
 */
export function townOrderedOn(workspace: Workspace, room: Room): Rectification[] {
	const town = workspace.townRoomOf(room);
	if (!town) return [];
	return rectificationsOrderedOn(
		room.name,
		town.valid('siteInspection'),
		town.valid('rectification')
	);
}

/**
 * Everything the city's screens (dashboard, supervision, money) read from every room this person
 * keeps (`assembleCity`, as the server's read models do): suggestions with their community,
 * projects with their room and the other rooms' records applied, rectifications, finance's
 * payments, and the city's rules. Each room is read through its query, so that a `$derived`
 * that calls this runs again on any change.
 */
export function cityRecords(workspace: Workspace): CityRecords {
	const rooms = new Map<string, RoomRecords>();
	for (const room of workspace.rooms.values()) {
		rooms.set(room.name, roomRecords(room, room.name));
	}
	const towns = new Map(workspace.session?.directory.communities.map((c) => [c.id, c.townId]));
	return assembleCity(rooms, (id) => towns.get(id));
}
