import type { CityRulesRecord, Project } from '$lib/domain';
import { capBreaches, cityRules, effectiveProjects } from '$lib/store/projects';
import type { StoredRecord } from '$lib/store/records';
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
	void room.version;
	void town?.version;
	void city?.version;
	const stored = effectiveProjects(room.doc, town?.doc);
	const valid = stored.flatMap((r) => (r.record && !r.record.archived ? [r.record] : []));
	const rules = cityRules(city?.doc);
	return { stored, valid, rules, breaches: capBreaches(valid, rules) };
}
