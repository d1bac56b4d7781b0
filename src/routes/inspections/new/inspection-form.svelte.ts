import {
	inspectionChecklist,
	isPublicProject,
	rectificationDueDate,
	shanghaiDate,
	type CalendarDate,
	type CheckResult,
	type InspectionKind
} from '$lib/domain';
import { recordInspection } from '$lib/store/inspections';
import { deviceLocation } from '$lib/store/photo-process';
import type { PhotoLocation, ProcessedPhoto } from '$lib/store/photo-types';
import { rulesOfYear } from '$lib/store/projects';
import { communityProjects } from '$lib/sync/project-view';
import type { Workspace } from '$lib/sync/workspace.svelte';
import { errorText } from '$lib/ui/error-text';

/** What a failed item orders put right: by whom and by when (the rules' days by default). */
export interface RectificationOrder {
	description: string;
	owner: string;
	dueDate: CalendarDate;
}

/**
 * A site inspection as it is being filled in on the worker's tablet: the checklist of the city's
 * rules, an order for each failed item, the project inspected (an approved one of the
 * communities this person keeps), photos, and saving it with its rectifications.
 */
export class InspectionForm {
	kind = $state<InspectionKind>('progress');
	projectId = $state('');
	estate = $state('');
	note = $state('');
	results = $state<Record<string, CheckResult>>({});
	notes = $state<Record<string, string>>({});
	orders = $state<Record<string, RectificationOrder>>({});
	photos = $state<ProcessedPhoto[]>([]);
	busy = $state(false);
	error = $state<string>();

	/** The room the inspection is kept in: the worker's community. */
	readonly room = $derived.by(() => this.workspace.home);
	readonly #rules = $derived.by(() => {
		const first = this.workspace.communityRooms[0]?.room;
		return first
			? rulesOfYear(communityProjects(this.workspace, first).rules, this.#year)
			: undefined;
	});
	/** The items to check, by the city's rules of this year. */
	readonly items = $derived.by(() => inspectionChecklist(this.#rules));
	/** Projects to inspect: approved ones (under way or done), of every community kept here. */
	readonly projects = $derived.by(() =>
		this.workspace.communityRooms.flatMap(({ room, name }) =>
			communityProjects(this.workspace, room)
				.valid.filter(isPublicProject)
				.map((p) => ({ ref: { room: room.name, id: p.id }, label: `${p.title} · ${name}` }))
		)
	);
	/** The day a rectification ordered today is due, unless the inspector sets another. */
	readonly defaultDue = $derived.by(() =>
		rectificationDueDate(this.workspace.now().toISOString(), this.#rules)
	);
	/** The China year, on the one clock (a device's local year differs around New Year's night). */
	readonly #year: number;
	readonly #locate: () => Promise<PhotoLocation | undefined>;

	constructor(
		readonly workspace: Workspace,
		options: { locate?: () => Promise<PhotoLocation | undefined> } = {}
	) {
		this.#year = Number(shanghaiDate(workspace.now().toISOString()).slice(0, 4));
		this.#locate = options.locate ?? (() => deviceLocation(3000));
	}

	/** An item was checked: a failed one gets an order to fill in, due by the rules' days. */
	chosen(item: string, result: CheckResult): void {
		if (result === 'fail')
			this.orders[item] ??= { description: '', owner: '', dueDate: this.defaultDue };
	}

	/**
	 * Records the inspection with a rectification for each failed item (unchecked items count as
	 * not applicable). False, with the reason in `error` and everything typed kept, if refused.
	 */
	async save(): Promise<boolean> {
		const room = this.room;
		if (!room) return false;
		this.busy = true;
		this.error = undefined;
		try {
			const checklist = this.items.map((item) => ({
				item,
				result: this.results[item] ?? 'na',
				...(this.notes[item]?.trim() ? { note: this.notes[item]!.trim() } : {})
			}));
			const project = this.projects.find((p) => p.ref.id === this.projectId)?.ref;
			const location = await this.#locate();
			await recordInspection(
				this.workspace.commandContext(room),
				{
					kind: this.kind,
					...(project ? { project } : {}),
					estate: this.estate,
					note: this.note,
					checklist,
					orders: this.orders,
					...(location ? { location } : {})
				},
				this.photos,
				this.#rules
			);
			this.workspace.photosAdded();
			return true;
		} catch (e) {
			this.error = errorText(e);
			return false;
		} finally {
			this.busy = false;
		}
	}
}
