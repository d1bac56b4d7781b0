import { dashboardView, isCityRole, type DashboardAnswer, type DashboardView } from '$lib/domain';
import { cityRecords } from '$lib/sync/project-view';
import { AskError, type AnswerSource, type AskFailure } from '$lib/sync/server-answers';
import type { Workspace } from '$lib/sync/workspace.svelte';

/** How often an open dashboard asks the server again. */
const refreshMs = 30_000;

/**
 * What the dashboard shows, and where it comes from. The city's roles read it from the server
 * (the read models: complete, with the time of the answer), and offline the last answer kept on
 * this device, labelled with its time; a worker or a reviewer computes it from the rooms on the
 * device. While no answer for the chosen period is known, there is no view: never a figure of
 * another period, or of the rooms that happen to be loaded, shown as the city's.
 */
export class DashboardState {
	/** The period: a programme year, or '' for all of them. */
	year = $state('');
	#answer = $state.raw<{ path: string; value: DashboardAnswer; source: AnswerSource }>();
	#failure = $state<{ path: string; reason: AskFailure }>();
	#tick = $state(0);

	readonly fromServer = $derived.by(() => {
		const role = this.workspace.session?.user.role;
		return role !== undefined && isCityRole(role);
	});

	readonly path = $derived(`/api/figures/dashboard${this.year === '' ? '' : `?year=${this.year}`}`);

	readonly view: DashboardView | undefined = $derived.by(() => {
		if (this.fromServer) {
			const answer = this.#answer;
			return answer?.path === this.path ? answer.value.view : undefined;
		}
		const session = this.workspace.session;
		if (!session) return undefined;
		const year = this.year === '' ? undefined : Number(this.year);
		const now = this.workspace.now().toISOString();
		return dashboardView(cityRecords(this.workspace), session.directory, year, now);
	});

	/** The years to choose from: those of the last view seen, kept while another period loads. */
	#years = $state.raw<number[]>([]);
	get years(): number[] {
		return this.view?.years ?? this.#years;
	}

	/** The time of the server's answer shown, and whether it is the kept one (not reached). */
	readonly asOf = $derived.by(() => {
		const answer = this.#answer;
		if (!this.fromServer || answer?.path !== this.path) return undefined;
		return { at: answer.value.asOf, kept: answer.source === 'kept' };
	});

	/** Why there is nothing to show for this period, once asking failed and nothing is kept. */
	readonly failure = $derived(
		this.#failure?.path === this.path && !this.view ? this.#failure.reason : undefined
	);

	constructor(readonly workspace: Workspace) {
		$effect(() => {
			if (!this.fromServer) return;
			const path = this.path;
			// Asked again when the device comes back online, and every little while.
			void this.workspace.online;
			void this.#tick;
			let current = true;
			void this.#ask(path, () => current);
			return () => (current = false);
		});
		$effect(() => {
			if (!this.fromServer) return;
			const timer = setInterval(() => this.#tick++, refreshMs);
			return () => clearInterval(timer);
		});
	}

	async #ask(path: string, current: () => boolean) {
		const answers = this.workspace.answers;
		// The kept answer at once (labelled with its time) while the server is asked.
		if (this.#answer?.path !== path) {
			const kept = await answers.kept<DashboardAnswer>(path);
			if (kept && current() && this.#answer?.path !== path) {
				this.#answer = { path, value: kept.value, source: 'kept' };
				this.#years = kept.value.view.years;
			}
		}
		try {
			const answer = await answers.ask<DashboardAnswer>(path);
			if (!current()) return;
			this.#answer = { path, value: answer.value, source: answer.source };
			this.#years = answer.value.view.years;
			this.#failure = undefined;
		} catch (error) {
			if (!current()) return;
			this.#failure = { path, reason: error instanceof AskError ? error.reason : 'failed' };
		}
	}
}
