import {
	reviewerInbox,
	rulesOfYear,
	workerInbox,
	type CityRulesRecord,
	type InboxEntry,
	type Project,
	type Role
} from '$lib/domain';
import { DashboardState } from './dashboard/dashboard-state.svelte';
import { MoneyState } from './money/money-state.svelte';
import { communityProjects, townOrderedOn } from '$lib/sync/project-view';
import type { Workspace } from '$lib/sync/workspace.svelte';

/**
 * The home page: "Waiting for you", each role's inbox by the domain's rules (inbox.ts) over the
 * records this device keeps; for the city's roles, which keep no community, the server's answers:
 * finance's payments due and the supervisor's overdue work by town. Each entry names the room of
 * its record, for the link and the community's name.
 */

export interface HomeEntry extends InboxEntry {
	readonly room: string;
}

export class HomeState {
	/** The supervisor's figures (the server's answer); undefined for the other roles. */
	readonly dashboard: DashboardState | undefined;
	/** Finance's payments due (the server's answer); undefined for the other roles. */
	readonly money: MoneyState | undefined;

	constructor(readonly workspace: Workspace) {
		const role = workspace.session?.user.role;
		this.dashboard = role === 'supervisor' ? new DashboardState(workspace) : undefined;
		this.money = role === 'finance' ? new MoneyState(workspace) : undefined;
	}

	/** Finance's day: accepted projects owed money, the longest waiting first, and how many. */
	get payments(): { entries: HomeEntry[]; count: number } | undefined {
		const waiting = this.money?.figures.view?.waiting;
		if (!waiting) return undefined;
		const entries = waiting.first.map((p) => ({
			kind: 'pay' as const,
			id: p.id,
			title: p.title,
			communityId: p.communityId,
			overdue: false,
			left: p.owedFen,
			room: p.room
		}));
		return { entries, count: waiting.count };
	}

	get role(): Role | undefined {
		return this.workspace.session?.user.role;
	}

	/** The entries of a worker's or a reviewer's day, most urgent first. */
	get entries(): HomeEntry[] {
		const workspace = this.workspace;
		const now = workspace.now().toISOString();
		switch (this.role) {
			case 'worker': {
				const room = workspace.home;
				if (!room) return [];
				const view = communityProjects(workspace, room);
				return workerInbox({
					projects: view.valid,
					rectifications: [...room.valid('rectification'), ...townOrderedOn(workspace, room)],
					suggestions: room.valid('suggestion'),
					nowIso: now
				}).map((e) => ({ ...e, room: room.name }));
			}
			case 'reviewer': {
				const town = workspace.home;
				const { projects, roomOf, rules } = this.#communities();
				return reviewerInbox({
					projects,
					inspections: town ? town.valid('siteInspection') : [],
					nowIso: now,
					rulesOf: (y) => rulesOfYear(rules, y)
				}).map((e) => ({ ...e, room: roomOf.get(e.id) ?? '' }));
			}
			default:
				return [];
		}
	}

	/** The projects of every community room kept, with the room of each and the city's rules. */
	#communities() {
		const projects: Project[] = [];
		// A lookup built and read within one computation: not state.
		// eslint-disable-next-line svelte/prefer-svelte-reactivity
		const roomOf = new Map<string, string>();
		let rules: CityRulesRecord[] = [];
		for (const { room } of this.workspace.communityRooms) {
			const view = communityProjects(this.workspace, room);
			rules = view.rules;
			for (const p of view.valid) {
				projects.push(p);
				roomOf.set(p.id, room.name);
			}
		}
		return { projects, roomOf, rules };
	}

	/** The community's name of a room, for entries that span several. */
	placeOf(room: string): string {
		const id = room.slice(room.indexOf(':') + 1);
		return this.workspace.session?.directory.communities.find((c) => c.id === id)?.name ?? id;
	}
}
