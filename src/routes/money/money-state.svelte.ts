import { moneyView, type MoneyGroup, type MoneyView } from '$lib/domain';
import { cityRecords } from '$lib/sync/project-view';
import { CityFigures } from '$lib/sync/server-view.svelte';
import type { Workspace } from '$lib/sync/workspace.svelte';

/**
 * The money screen's ledger and waiting list (`moneyView`) for the chosen year and grouping: for
 * the city's roles from the server (complete, with their time), for a town or a community from
 * the rooms on this device. No figure is shown before the chosen period's are complete.
 */
export class MoneyState {
	/** A programme year, or '' for all of them. */
	year = $state('');
	groupBy = $state<MoneyGroup>('town');
	readonly figures: CityFigures<MoneyView>;

	constructor(readonly workspace: Workspace) {
		this.figures = new CityFigures(workspace, {
			path: () =>
				`/api/figures/money?by=${this.groupBy}${this.year === '' ? '' : `&year=${this.year}`}`,
			local: () => {
				if (!workspace.session) return undefined;
				const year = this.year === '' ? undefined : Number(this.year);
				return moneyView(cityRecords(workspace), year, this.groupBy);
			}
		});
	}
}
