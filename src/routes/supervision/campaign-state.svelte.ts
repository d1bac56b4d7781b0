import {
	rectificationDueDate,
	spotCheckSummary,
	verifySample,
	type FindingKind,
	type PopulationEntry,
	type Rectification,
	type SpotCheckCampaign,
	type SpotCheckFinding
} from '$lib/domain';
import type { ProcessedPhoto } from '$lib/store/photo-types';
import { cityRules, rulesOfYear } from '$lib/store/projects';
import { recordFinding } from '$lib/store/spot-checks';
import type { Workspace } from '$lib/sync/workspace.svelte';
import { errorText } from '$lib/ui/error-text';

/** What a supervisor is typing about one sampled project; kept while the campaign is shown. */
export class FindingDraft {
	open = $state(false);
	kind = $state<FindingKind | ''>('');
	note = $state('');
	owner = $state('');
	photos = $state<ProcessedPhoto[]>([]);
	busy = $state(false);
	error = $state<string>();

	reset() {
		this.kind = '';
		this.note = '';
		this.owner = '';
		this.photos = [];
		this.open = false;
	}
}

/**
 * One spot-check campaign (回头看) as its screen shows it: the summary, what was found on each
 * sampled project and the rectification each finding opened, the drafts of new findings, and a
 * redraw anyone can make to check the sample. The campaign is read afresh on every change of the
 * city room (`campaign` is a getter): the drafts live here, not in what is derived from it.
 */
export class CampaignState {
	readonly city = $derived.by(() => this.workspace.cityRoom);
	readonly canWrite = $derived.by(() => this.city?.access === 'write');
	/** Whether a redraw gave the same sample; undefined until someone asks. */
	verified = $state<boolean>();

	readonly #recorded = $derived.by(() => {
		const city = this.city;
		const id = this.campaign().id;
		if (!city) return { findings: [], rectifications: [] };
		return {
			findings: city
				.valid('spotCheckFinding')
				.filter((f) => !f.archived && f.campaign.id === id)
				.toSorted((a, b) => a.createdAt.localeCompare(b.createdAt)),
			rectifications: city.valid('rectification')
		};
	});
	readonly summary = $derived.by(() =>
		spotCheckSummary(
			this.campaign(),
			this.#recorded.findings,
			this.#recorded.rectifications,
			this.workspace.now().toISOString()
		)
	);
	/** The findings of each sampled project, by project id, oldest first. */
	readonly findingsOf = $derived.by(() => {
		const out: Record<string, SpotCheckFinding[]> = {};
		for (const f of this.#recorded.findings) (out[f.project.id] ??= []).push(f);
		return out;
	});
	readonly rectificationById: ReadonlyMap<string, Rectification> = $derived.by(
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- made anew from each change
		() => new Map(this.#recorded.rectifications.map((r) => [r.id, r]))
	);
	/** Where each sampled project lives: the campaign knows it even when its room is not open here. */
	readonly entryOf: ReadonlyMap<string, PopulationEntry> = $derived.by(
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- made anew from each campaign
		() => new Map(this.campaign().population.map((e) => [e.id, e]))
	);
	readonly #rules = $derived.by(() => {
		const city = this.city;
		if (!city) return undefined;
		return rulesOfYear(cityRules(city), this.workspace.now().getFullYear());
	});
	/** The day a rectification opened today is due. */
	readonly dueDate = $derived.by(() =>
		rectificationDueDate(this.workspace.now().toISOString(), this.#rules)
	);

	// Not state itself (its drafts' fields are): made when a form is first shown.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	readonly #drafts = new Map<string, FindingDraft>();

	constructor(
		readonly workspace: Workspace,
		readonly campaign: () => SpotCheckCampaign
	) {}

	draftOf(projectId: string): FindingDraft {
		let draft = this.#drafts.get(projectId);
		if (!draft) this.#drafts.set(projectId, (draft = new FindingDraft()));
		return draft;
	}

	/** Records the draft's finding on the project (and its rectification), then clears the draft. */
	async save(projectId: string, draft: FindingDraft): Promise<void> {
		const entry = this.entryOf.get(projectId);
		const city = this.city;
		if (!city || !entry || draft.kind === '') return;
		draft.busy = true;
		draft.error = undefined;
		try {
			await recordFinding(
				this.workspace.commandContext(city),
				{
					campaign: this.campaign(),
					project: { room: entry.room, id: projectId },
					kind: draft.kind,
					note: draft.note,
					owner: draft.owner,
					photos: draft.photos
				},
				this.#rules
			);
			this.workspace.photosAdded();
			draft.reset();
		} catch (e) {
			draft.error = errorText(e);
		} finally {
			draft.busy = false;
		}
	}

	/** Draws the sample again from the campaign's population and seed, to check it. */
	verify(): void {
		const c = this.campaign();
		this.verified = verifySample(
			{ population: c.population, size: c.sampleSize, seed: c.seed },
			c.sample
		).ok;
	}
}
