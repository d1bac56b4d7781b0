import { dashboardView, type DashboardView } from '$lib/domain';
import { cityRecords } from '$lib/sync/project-view';
import { CityFigures } from '$lib/sync/server-view.svelte';
import type { Workspace } from '$lib/sync/workspace.svelte';

/**
 * What the dashboard shows for the chosen period (`dashboardView`): for the city's roles from the
 * server (complete, with the time of the answer; offline the last answer kept here, labelled),
 * for a worker or a reviewer from the rooms on the device. While no answer for the chosen period
 * is known there is no view: never a figure of another period, or of the rooms that happen to be
 * loaded, shown as the city's.
 */
export class DashboardState {
	/** The period: a programme year, or '' for all of them. */
	year = $state('');
	readonly figures: CityFigures<DashboardView>;

	constructor(readonly workspace: Workspace) {
		this.figures = new CityFigures(workspace, {
			path: () => `/api/figures/dashboard${this.year === '' ? '' : `?year=${this.year}`}`,
			local: () => {
				const session = workspace.session;
				if (!session) return undefined;
				const year = this.year === '' ? undefined : Number(this.year);
				return dashboardView(
					cityRecords(workspace),
					session.directory,
					year,
					workspace.now().toISOString()
				);
			}
		});
	}
}
