import {
	projectAsSeen,
	roomHolds,
	type CityRulesRecord,
	type Project,
	type RecordRef,
	type Rectification,
	type ReviewDecision,
	type Suggestion
} from '$lib/domain';
import {
	capBreaches,
	cityAuthority,
	cityRules,
	effectiveProjects,
	townDecisions
} from '$lib/store/projects';
import { readRecords, type StoredRecord } from '$lib/doc/records';
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
}

export function communityProjects(workspace: Workspace, room: Room): CommunityProjects {
	const town = workspace.townRoomOf(room);
	const city = workspace.cityRoom;
	const finance = workspace.financeRoom;
	void room.version;
	void town?.version;
	void city?.version;
	void finance?.version;
	const stored = effectiveProjects(room.doc, workspace.placeOf(room), {
		town: town?.doc,
		city: city?.doc,
		finance: finance?.doc
	});
	const valid = stored.flatMap((r) => (r.record && !r.record.archived ? [r.record] : []));
	const rules = cityRules(city?.doc);
	return { stored, valid, rules, breaches: capBreaches(valid, rules) };
}

/**
 * Everything the city's screens (dashboard, supervision, money) read from every room this person
 * can: suggestions with their community, projects with their room and the other rooms' records
 * applied, rectifications, finance's payments, and the city's rules. Reading each room's
 * `version` makes a `$derived` that calls this run again on any change.
 */
export function cityRecords(workspace: Workspace) {
	const valid = <T>(list: { record?: T }[]) => list.flatMap((r) => (r.record ? [r.record] : []));
	const rooms = [...workspace.rooms.values()];
	for (const room of rooms) void room.version;
	const city = cityAuthority({
		city: workspace.cityRoom?.doc,
		finance: workspace.financeRoom?.doc
	});
	// Each community's projects take the decisions of its own town (by the directory, not by what
	// the project says), read once per town.
	const byTown = new Map<string, ReviewDecision[]>();
	const decisionsOf = (room: Room) => {
		const town = workspace.townRoomOf(room);
		if (!town) return [];
		let list = byTown.get(town.name);
		if (!list) byTown.set(town.name, (list = townDecisions(town.doc)));
		return list;
	};
	const suggestions: (Suggestion & { communityId: string })[] = [];
	const projects: (Project & { ref: RecordRef })[] = [];
	const rectifications: Rectification[] = [];
	for (const room of rooms) {
		// Rectifications are ordered in every kind of room: a community's own inspections, the
		// town's quarterly checks, the city's spot-checks.
		if (roomHolds(room.name, 'rectification')) {
			rectifications.push(...valid(readRecords(room.doc, 'rectification')));
		}
		if (!room.name.startsWith('community:')) continue;
		const place = workspace.placeOf(room);
		const { communityId } = place;
		for (const s of valid(readRecords(room.doc, 'suggestion')))
			suggestions.push({ ...s, communityId });
		const from = { ...place, townDecisions: decisionsOf(room), ...city };
		for (const p of valid(readRecords(room.doc, 'project'))) {
			const seen = projectAsSeen(p, from);
			projects.push({ ...seen, ref: { room: room.name, id: p.id } });
		}
	}
	return {
		suggestions,
		projects,
		rectifications,
		disbursements: city.payments,
		rules: cityRules(workspace.cityRoom?.doc)
	};
}
