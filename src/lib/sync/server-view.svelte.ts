import { untrack } from 'svelte';
import type { FigureAnswer } from '$lib/domain';
import { AskError, type AnswerSource, type AskFailure } from './server-answers';
import type { Workspace } from './workspace.svelte';

export interface FiguresAsOf {
	at: string;
	state: 'current' | 'refreshing' | 'unreached';
}

/** How often an open screen asks the server again while nothing here changes. */
const refreshMs = 30_000;
/** How long after a change on this device the server is asked again (changes come in bursts). */
const settleMs = 800;

/**
 * One question to the server's read models (`GET /api/figures/…`) as a screen shows it: the
 * answer to the question now asked, never another question's; the last answer kept on this device
 * at once, labelled as kept, while the server is asked; asked again when the device comes online,
 * shortly after a change here (a payment this device made reaches the server, and the answer
 * should say so), and every little while. `path` is undefined when there is nothing to ask.
 */
export class ServerView<V> {
	#answer = $state.raw<{ path: string; value: FigureAnswer<V>; source: AnswerSource }>();
	#failure = $state.raw<{ path: string; reason: AskFailure }>();
	/** The last view answered, to whichever question: a late answer to an earlier one counts. */
	#latest = $state.raw<V>();
	/** The question being asked now, if any. */
	#asking = $state.raw<string>();
	#tick = $state(0);
	readonly #path: () => string | undefined;
	readonly #keep: (path: string) => boolean;

	/**
	 * `keep` says which answers are kept on the device for offline use (all by default); a list's
	 * searches are not, or every word typed would stay.
	 */
	constructor(
		readonly workspace: Workspace,
		path: () => string | undefined,
		keep: (path: string) => boolean = () => true
	) {
		this.#path = path;
		this.#keep = keep;
		$effect(() => {
			const current = this.#path();
			if (current === undefined) return;
			void this.workspace.online;
			void this.#tick;
			let live = true;
			// Untracked: what the asking reads (the answer it replaces) must not ask again.
			untrack(() => void this.#ask(current, () => live));
			return () => (live = false);
		});
		$effect(() => {
			if (this.#path() === undefined) return;
			const timer = setInterval(() => this.#tick++, refreshMs);
			return () => clearInterval(timer);
		});
		let seen: number | undefined;
		$effect(() => {
			if (this.#path() === undefined) return;
			const activity = this.workspace.activity;
			const changed = seen !== undefined && activity !== seen;
			seen = activity;
			if (!changed) return;
			const timer = setTimeout(() => this.#tick++, settleMs);
			return () => clearTimeout(timer);
		});
	}

	/** The view answered for the question now asked, if any yet. */
	get view(): V | undefined {
		const answer = this.#answer;
		return answer !== undefined && answer.path === this.#path() ? answer.value.view : undefined;
	}

	/** The last view answered for any question: what a screen keeps (its choices) meanwhile. */
	get latest(): V | undefined {
		return this.#latest;
	}

	/**
	 * When the view shown was answered, and how current it is: `current`, the server's answer;
	 * `refreshing`, the answer kept on this device while the server is asked; `unreached`, the
	 * kept answer after the server could not be asked.
	 */
	get asOf(): FiguresAsOf | undefined {
		const answer = this.#answer;
		const path = this.#path();
		if (answer === undefined || answer.path !== path) return undefined;
		const state =
			answer.source === 'server' ? 'current' : this.#asking === path ? 'refreshing' : 'unreached';
		return { at: answer.value.asOf, state };
	}

	/** Why there is nothing to show for the question now asked: asking failed, nothing is kept. */
	get failure(): AskFailure | undefined {
		const failure = this.#failure;
		if (failure === undefined || failure.path !== this.#path()) return undefined;
		return this.view === undefined ? failure.reason : undefined;
	}

	async #ask(path: string, live: () => boolean) {
		const answers = this.workspace.answers;
		const keep = this.#keep(path);
		if (keep && this.#answer?.path !== path) {
			const kept = await answers.kept<FigureAnswer<V>>(path);
			if (kept && live() && this.#answer?.path !== path) {
				this.#answer = { path, value: kept.value, source: 'kept' };
				this.#latest = kept.value.view;
			}
		}
		this.#asking = path;
		try {
			const answer = await answers.ask<FigureAnswer<V>>(path, keep);
			this.#latest = answer.value.view;
			if (!live()) return;
			this.#answer = { path, value: answer.value, source: answer.source };
			this.#failure = undefined;
		} catch (error) {
			if (!live()) return;
			this.#failure = { path, reason: error instanceof AskError ? error.reason : 'failed' };
		} finally {
			if (this.#asking === path) this.#asking = undefined;
		}
	}
}

/**
 * A screen's figures about the city, from where they are whole: for the city's roles the server's
 * answer (`ServerView`), for a worker or a reviewer `local()`, computed by the same domain function
 * from the rooms this device keeps (few enough to hold offline). `years` are the periods to choose
 * from, kept from the last answer while the next period loads.
 */
export class CityFigures<V extends object> {
	get fromServer(): boolean {
		return this.workspace.readsCityFromServer;
	}

	readonly #server: ServerView<V>;
	readonly #local: () => V | undefined;

	/**
	 * For figures computed on this device: how many of the rooms kept are whole yet. Until all
	 * are, there is no view (a town's figures from half its communities are not its figures).
	 */
	get loading(): { done: number; total: number } | undefined {
		if (this.fromServer) return undefined;
		// A room the server refused will never be whole: it does not hold the figures back.
		const rooms = [...this.workspace.rooms.values()].filter((r) => !r.sync.refused);
		return { done: rooms.filter((r) => r.complete).length, total: rooms.length };
	}

	readonly view: V | undefined = $derived.by(() => {
		if (this.fromServer) return this.#server.view;
		const loading = this.loading;
		return loading && loading.done < loading.total ? undefined : this.#local();
	});

	constructor(
		readonly workspace: Workspace,
		question: {
			path: () => string;
			local: () => V | undefined;
			keep?: (path: string) => boolean;
		}
	) {
		this.#local = question.local;
		this.#server = new ServerView(
			workspace,
			() => (this.fromServer ? question.path() : undefined),
			question.keep
		);
	}

	/** The periods a view offers (its `years`), kept from the last answer while the next loads. */
	get years(): number[] {
		const view = this.view ?? (this.fromServer ? this.#server.latest : undefined);
		const years = view && 'years' in view ? view.years : undefined;
		return Array.isArray(years) ? (years as number[]) : [];
	}

	get asOf() {
		return this.fromServer ? this.#server.asOf : undefined;
	}

	get failure() {
		return this.fromServer ? this.#server.failure : undefined;
	}
}
