import {
	isReportMonth,
	monthDates,
	monthlyView,
	shanghaiDate,
	shanghaiMonth,
	spotCheckView,
	PROJECTS_PER_QUESTION,
	projectsView,
	type MonthlyView,
	type ProjectsView,
	type ProjectSummary,
	type SpotCheckCampaign,
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
	/** The campaigns' drawn projects, named (from the server for the city's roles). */
	readonly sampled: CityFigures<ProjectsView>;
	/** The drawn projects found, by id. */
	readonly sampledById: ReadonlyMap<string, ProjectSummary> = $derived.by(
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- made anew from each answer
		() => new Map((this.sampled.view?.projects ?? []).map((p) => [p.id, p]))
	);
	/** The city room's spot-check campaigns, newest first. */
	readonly campaigns: SpotCheckCampaign[] = $derived.by(() => {
		const city = this.workspace.cityRoom;
		if (!city) return [];
		return city.valid('spotCheckCampaign').toSorted((a, b) => b.drawnAt.localeCompare(a.drawnAt));
	});

	constructor(readonly workspace: Workspace) {
		const today = workspace.now().toISOString();
		this.month = shanghaiMonth(today);
		this.seed = shanghaiDate(today);
		this.report = new CityFigures(workspace, {
			path: () => `/api/figures/monthly?month=${encodeURIComponent(this.month)}`,
			local: () => {
				const session = workspace.session;
				if (!session || !isReportMonth(this.month)) return undefined;
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
		this.sampled = new CityFigures(workspace, {
			path: () => `/api/figures/projects?ids=${this.#sampledIds().join(',')}`,
			local: () => projectsView(cityRecords(workspace), this.#sampledIds())
		});
		$effect(() => {
			if (this.report.fromServer || !isReportMonth(this.month)) return;
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

	/** The ids to name: the newest campaigns' samples first, as many as one question may ask. */
	#sampledIds(): string[] {
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup made and read at once
		const ids = new Set<string>();
		for (const c of this.campaigns) for (const id of c.sample) ids.add(id);
		return [...ids].slice(0, PROJECTS_PER_QUESTION);
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
