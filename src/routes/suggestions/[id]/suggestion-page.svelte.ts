import { maySeeResidentContact } from '$lib/domain';
import { isSha256Hex } from '$lib/domain/validation';
import type { ProcessedPhoto } from '$lib/store/photo-types';
import { editSuggestion, readContact, type SuggestionInput } from '$lib/store/suggestions';
import { followViewing } from '$lib/sync/viewing.svelte';
import type { Workspace } from '$lib/sync/workspace.svelte';

function text(value: unknown): string {
	return typeof value === 'string' ? value : '';
}

/**
 * A resident's suggestion as its page shows it: found in the community rooms kept here (a city
 * role's device joins the community named in the address, `?community=`), the resident's contact
 * for those who may see it (from the community's contacts room), who else has it open, and the
 * edit that writes both.
 */
export class SuggestionPage {
	/** The community room holding this suggestion (ids are random, so unique across rooms). */
	readonly found = $derived.by(() => {
		const id = this.id();
		for (const { room } of this.workspace.communityRooms) {
			const stored = room.record('suggestion', id);
			if (stored) return { room, stored, history: room.history('suggestion', id) };
		}
		return undefined;
	});
	/** The community named in the address, when this person's scope holds it. */
	readonly community = $derived.by(() => {
		const named = this.communityId();
		return this.workspace.communityChoices.find((c) => c.id === named);
	});
	readonly #joined = $derived.by(() =>
		this.community ? this.workspace.rooms.get(`community:${this.community.id}`) : undefined
	);
	/** Its room is being joined: "opening …" rather than "not found". */
	readonly opening = $derived.by(
		() =>
			!this.found &&
			this.workspace.readsCityFromServer &&
			this.community !== undefined &&
			!(this.#joined?.complete || this.#joined?.sync.refused)
	);
	/** The resident's contact, kept in the community's contacts room (its workers alone open it). */
	readonly #contacts = $derived.by(() =>
		this.found ? this.workspace.contactsRoomOf(this.found.room) : undefined
	);
	readonly showContact = $derived.by(() => {
		const user = this.workspace.session?.user;
		return (
			!!this.found &&
			!!this.#contacts &&
			!!user &&
			maySeeResidentContact(user, this.found.room.name)
		);
	});
	readonly contact = $derived.by(() => {
		const { found, showContact } = this;
		const contacts = this.#contacts;
		if (!found || !showContact) return { residentName: '', residentPhone: '' };
		const stored = found.stored;
		return readContact(contacts, stored);
	});
	/** Who else has this suggestion open now. */
	readonly others = $derived.by(() => (this.found ? this.found.room.viewersOf(this.id()) : []));
	/** The record as stored, valid or not: the page shows what it can read. */
	readonly raw = $derived.by(() => this.found?.stored.raw ?? {});
	readonly photos = $derived.by(() =>
		Array.isArray(this.raw.photos) ? this.raw.photos.filter(isSha256Hex) : []
	);
	/** What the edit form starts from. */
	readonly current: SuggestionInput = $derived.by(() => {
		const raw = this.raw;
		return {
			title: text(raw.title),
			description: text(raw.description),
			channel: (raw.channel as SuggestionInput['channel']) ?? 'other',
			estate: text(raw.estate),
			building: text(raw.building),
			category: text(raw.category),
			urgent: raw.urgent === true,
			...this.contact
		};
	});

	constructor(
		readonly workspace: Workspace,
		readonly id: () => string,
		/** The `?community=` of the address. */
		readonly communityId: () => string | null
	) {
		$effect(() => {
			if (this.found || !workspace.readsCityFromServer || !this.community || this.#joined) return;
			void workspace.joinCommunity(this.community.id);
		});
		followViewing(workspace, () => this.found?.room, this.id);
	}

	/** Saves the edit: the suggestion in its room, the contact in the contacts room. */
	async save(changed: Partial<SuggestionInput>, added: ProcessedPhoto[]): Promise<void> {
		const found = this.found;
		if (!found) return;
		const contacts = this.#contacts;
		await editSuggestion(
			this.workspace.commandContext(found.room),
			this.id(),
			changed,
			added,
			contacts && this.workspace.commandContext(contacts)
		);
		if (added.length > 0) this.workspace.photosAdded();
	}
}
