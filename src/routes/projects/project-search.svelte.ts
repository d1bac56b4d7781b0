import type { FigureAnswer, ProjectsView } from '$lib/domain';
import { AskError, type AskFailure } from '$lib/sync/server-answers';
import type { Workspace } from '$lib/sync/workspace.svelte';

/** How long typing pauses before the server is asked. */
const pauseMs = 300;

/**
 * A city role's search of every project of the city (the server's `projects?q=`): the matches of
 * the words now typed, never of earlier ones, how many there are, and why there are none when the
 * server cannot be asked (searches are not kept on the device).
 */
export class ProjectSearchState {
	q = $state('');
	#result = $state.raw<{ q: string; view: ProjectsView }>();
	#failure = $state.raw<{ q: string; reason: AskFailure }>();

	constructor(readonly workspace: Workspace) {
		$effect(() => {
			const q = this.q.trim();
			if (q === '') return;
			let live = true;
			const timer = setTimeout(() => {
				const path = `/api/figures/projects?q=${encodeURIComponent(q)}&limit=50`;
				workspace.answers
					.ask<FigureAnswer<ProjectsView>>(path, false)
					.then((answer) => {
						if (live) this.#result = { q, view: answer.value.view };
					})
					.catch((error: unknown) => {
						if (live) {
							this.#failure = { q, reason: error instanceof AskError ? error.reason : 'failed' };
						}
					});
			}, pauseMs);
			return () => {
				live = false;
				clearTimeout(timer);
			};
		});
	}

	/** The matches of the words now typed, once the server gave them. */
	get view(): ProjectsView | undefined {
		const result = this.#result;
		return result && result.q === this.q.trim() ? result.view : undefined;
	}

	get failure(): AskFailure | undefined {
		const failure = this.#failure;
		return failure && failure.q === this.q.trim() && !this.view ? failure.reason : undefined;
	}
}
