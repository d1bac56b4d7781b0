import {
	directoryPlaces,
	ExportTooLarge,
	FIND_EXPORT_MAX,
	FindQueryError,
	findParams,
	findProjects,
	findSuggestions,
	readProjectQuery,
	readSuggestionQuery,
	pageWithin,
	turnPage,
	type CityRecords,
	type FigureAnswer,
	type Places,
	type ProjectList,
	type ProjectQuery,
	type SuggestionList,
	type SuggestionQuery
} from '$lib/domain';
import { cityRecords } from './project-view';
import { CityFigures } from './server-view.svelte';
import type { Workspace } from './workspace.svelte';

/** How long typing pauses before the words are searched. */
const pauseMs = 300;

/** What a list asks and answers: the projects' or the suggestions'. */
interface ListKind<Q extends ProjectQuery | SuggestionQuery, L> {
	/** The server's question, `GET /api/figures/<question>?…`. */
	question: string;
	read: (get: (name: string) => string | undefined, pageMax?: number) => Q;
	find: (records: CityRecords, query: Q, context: { nowIso: string; places: Places }) => L;
}

export const PROJECT_LIST: ListKind<ProjectQuery, ProjectList> = {
	question: 'project-list',
	read: readProjectQuery,
	find: findProjects
};

export const SUGGESTION_LIST: ListKind<SuggestionQuery, SuggestionList> = {
	question: 'suggestion-list',
	read: readSuggestionQuery,
	find: (records, query, { places }) => findSuggestions(records, query, { places })
};

/** The directory kept on the device, as the names a search looks for places in. */
export function placesOf(workspace: Workspace): Places {
	return directoryPlaces(workspace.session?.directory ?? { towns: [], communities: [] });
}

/**
 * A list of a town's or the city's projects or suggestions as a screen shows it: the query (from
 * the page's address, so going back to the list finds it as it was), the words as typed (searched
 * once typing pauses), one page of the matches and how many in all. A city role's list is the
 * server's answer; a town's is found on the device from the rooms it keeps, by the same domain
 * function, and only once they are all whole (CityFigures).
 */
export class CityList<Q extends ProjectQuery | SuggestionQuery, L extends { total: number }> {
	query: Q = $state()!;
	/** The words as typed; `query.q` follows once typing pauses. */
	words = $state('');
	readonly figures: CityFigures<L>;

	constructor(
		readonly workspace: Workspace,
		readonly kind: ListKind<Q, L>,
		/**
		 * The address's query (`location.search`: after a shallow `replaceState`, `page.url` still
		 * holds the one the page was opened with, and going back to the list restores that).
		 */
		search: string
	) {
		this.query = readOr(kind, search);
		this.words = this.query.q;
		const base = `/api/figures/${kind.question}`;
		this.figures = new CityFigures<L>(workspace, {
			path: () => withParams(base, findParams(this.query)),
			// Only the list as it opens is kept for offline use, not every search and page.
			keep: (path) => path === base,
			local: () => this.#findHere(this.query)
		});
		// A page past the last match shows the last page instead (never "201–200 of 120").
		$effect(() => {
			const total = this.view?.total;
			const { offset, limit } = this.query;
			if (total === undefined) return;
			const within = pageWithin(offset, limit, total);
			if (within !== offset) this.query = { ...this.query, offset: within };
		});
		$effect(() => {
			const words = this.words;
			if (words.trim() === this.query.q.trim()) return;
			const timer = setTimeout(() => this.set({ q: words } as Partial<Q>), pauseMs);
			return () => clearTimeout(timer);
		});
	}

	get view(): L | undefined {
		return this.figures.view;
	}

	/** The address of the list as it is now (the screen puts it in the address bar). */
	get params(): URLSearchParams {
		return findParams(this.query);
	}

	/** Changes filters or the order, back to the first page. */
	set(patch: Partial<Q>) {
		this.query = { ...this.query, ...patch, offset: 0 };
	}

	/**
	 * The page before or after this one: back never below the first row, on never past the
	 * matches. A page past the last (an old address, or fewer matches since) moves to the last.
	 */
	turn(by: -1 | 1) {
		const { offset, limit } = this.query;
		const next = turnPage(offset, limit, this.view?.total ?? 0, by);
		if (next !== undefined) this.query = { ...this.query, offset: next };
	}

	/** The list an address asks for, when a navigation lands on the page it is already on. */
	follow(search: string) {
		this.query = readOr(this.kind, search);
		this.words = this.query.q;
	}

	/**
	 * Every match of the query now shown, for an export: from the server at once (a city role), or
	 * from the rooms kept. Throws AskError when the server cannot be asked, and ExportTooLarge
	 * rather than cut the list short.
	 */
	async everyMatch(): Promise<L> {
		const total = this.view?.total ?? 0;
		if (total > FIND_EXPORT_MAX) throw new ExportTooLarge(total);
		const query = { ...this.query, offset: 0, limit: FIND_EXPORT_MAX };
		if (!this.figures.fromServer) return this.#findHere(query)!;
		const params = findParams(query);
		params.set('export', '1');
		const path = withParams(`/api/figures/${this.kind.question}`, params);
		const answer = await this.workspace.answers.ask<FigureAnswer<L>>(path, false);
		return answer.value.view;
	}

	#findHere(query: Q): L {
		return this.kind.find(cityRecords(this.workspace), query, {
			nowIso: this.workspace.now().toISOString(),
			places: placesOf(this.workspace)
		});
	}
}

function withParams(path: string, params: URLSearchParams): string {
	const text = params.toString();
	return text === '' ? path : `${path}?${text}`;
}

/** The query of an address; one that is not well formed opens the list as it is by default. */
function readOr<Q extends ProjectQuery | SuggestionQuery>(
	kind: ListKind<Q, unknown>,
	search: string
): Q {
	const address = new URLSearchParams(search);
	try {
		return kind.read((name) => address.get(name) ?? undefined);
	} catch (error) {
		if (!(error instanceof FindQueryError)) throw error;
		return kind.read(() => undefined);
	}
}
