import {
	monthDates,
	monthlyView,
	shanghaiDate,
	shanghaiMonth,
	spotCheckView,
	type MonthlyView,
	type SpotCheckView
} from '$lib/domain';
import { cityRecords } from '$lib/sync/project-view';
import { fetchRatings, type RatingsResult } from '$lib/sync/ratings';
import { CityFigures } from '$lib/sync/server-view.svelte';
import type { Workspace } from '$lib/sync/workspace.svelte';

/**
 * The supervision screen's figures: the monthly report of the chosen month (`monthlyView`) and
 * who can be drawn for the spot-check of the chosen years (`spotCheckView`). For the city's roles
 * both come from the server, residents' ratings included; a town computes them from its rooms,
 * with the ratings read online. A sample is drawn only from a population the server has just
 * given, never from one kept on the device: a kept one may lack projects paid since.
 */
export class SupervisionState {
	/** The report's month, `YYYY-MM`, China time. */
	month = $state('');
	/** The years the spot-check draws from. */
	years = $state<number[]>([]);
	/** A seed anyone can name in advance: today's China date, which the person may change. */
	seed = $state('');

	/** Ratings are kept by the server apart from the rooms: read online for a town's report. */
	#ratings = $state.raw<RatingsResult>();

	readonly report: CityFigures<MonthlyView>;
	readonly spotCheck: CityFigures<SpotCheckView>;

	constructor(readonly workspace: Workspace) {
		const today = workspace.now().toISOString();
		this.month = shanghaiMonth(today);
		this.seed = shanghaiDate(today);
		this.report = new CityFigures(workspace, {
			path: () => `/api/figures/monthly?month=${encodeURIComponent(this.month)}`,
			local: () => {
				const session = workspace.session;
				if (!session || !validMonth(this.month)) return undefined;
				const ratings = this.#ratings;
				return monthlyView(
					cityRecords(workspace),
					session.directory,
					this.month,
					ratings?.ok ? ratings.ratings : undefined
				);
			}
		});
		this.spotCheck = new CityFigures(workspace, {
			path: () => `/api/figures/spot-check?years=${[...this.years].sort().join(',')}`,
			local: () => spotCheckView(cityRecords(workspace), this.years)
		});
		$effect(() => {
			if (this.report.fromServer || !validMonth(this.month)) return;
			const token = workspace.session?.token;
			void workspace.online;
			const range = monthDates(this.month);
			let live = true;
			this.#ratings = undefined;
			void fetchRatings(token, range).then((r) => {
				if (live) this.#ratings = r;
			});
			return () => (live = false);
		});
	}

	/** Why the ratings are missing from a town's report, when they are. */
	get ratingsUnavailable(): 'offline' | 'unauthorized' | 'server' | undefined {
		const ratings = this.#ratings;
		return !this.report.fromServer && ratings && !ratings.ok ? ratings.reason : undefined;
	}

	/** The population to draw from, when it is whole and current; undefined otherwise. */
	get population() {
		const view = this.spotCheck.view;
		if (!view || this.spotCheck.asOf?.state !== 'current') return undefined;
		return view.population;
	}
}

function validMonth(month: string): boolean {
	try {
		monthDates(month);
		return true;
	} catch {
		return false;
	}
}
