import { meetingOutcomes, type RecordRef, type VoteCount } from '$lib/domain';
import { t } from '$lib/i18n/i18n.svelte';
import {
	addMeetingPhotos,
	editMinutes,
	finaliseMinutes,
	isFinalised,
	minutesMatchHash,
	minutesOf,
	recordVote
} from '$lib/store/meetings';
import type { ProcessedPhoto } from '$lib/store/photo-types';
import { rulesOfYear } from '$lib/store/projects';
import { LocalChange } from '$lib/store/room-doc';
import { communityProjects } from '$lib/sync/project-view';
import { followViewing } from '$lib/sync/viewing.svelte';
import type { Workspace } from '$lib/sync/workspace.svelte';
import { Confirmation } from '$lib/ui/confirm/confirmation.svelte';
import { errorText } from '$lib/ui/error-text';

/**
 * A council meeting's page: the meeting found in the community rooms this device keeps, its
 * items with the vote each needs (the city's rules of the meeting's year), the minutes typed
 * together and finalised for good, and its photos. Commands report their refusal in `error`.
 */
export class MeetingPage {
	readonly found = $derived.by(() => {
		const id = this.id();
		for (const { room } of this.workspace.communityRooms) {
			const stored = room.record('councilMeeting', id);
			if (stored) return { room, stored };
		}
		return undefined;
	});
	readonly meeting = $derived.by(() => this.found?.stored.record);
	/** The record's own list of changes, as the devices wrote it (the server's is fetched apart). */
	readonly history = $derived.by(() =>
		this.found ? this.found.room.history('councilMeeting', this.id()) : []
	);
	readonly #rules = $derived.by(() => {
		const { found, meeting } = this;
		if (!found || !meeting) return undefined;
		return rulesOfYear(
			communityProjects(this.workspace, found.room).rules,
			Number(meeting.date.slice(0, 4))
		);
	});
	/** What each item's vote decided, by the rules of the meeting's year. */
	readonly outcomes = $derived.by(() =>
		this.meeting && this.#rules ? meetingOutcomes(this.meeting, this.#rules) : []
	);
	readonly minutes = $derived.by(() =>
		this.found && this.meeting ? minutesOf(this.found.room.doc, this.meeting.id) : undefined
	);
	readonly canWrite = $derived.by(() => this.found?.room.access === 'write');
	/** Finalised minutes, or a device that may only read: nothing can be typed or voted. */
	readonly locked = $derived.by(() => !this.meeting || isFinalised(this.meeting) || !this.canWrite);
	/** Whether the minutes are still the text their finalisation hashed. */
	readonly matches = $derived.by(() => {
		const { found, meeting } = this;
		return found && meeting ? found.room.read((doc) => minutesMatchHash(doc, meeting)) : true;
	});
	/** Who else has this meeting open now. */
	readonly others = $derived.by(() => (this.found ? this.found.room.viewersOf(this.id()) : []));

	/** Why a vote or the finalisation was refused. */
	error = $state<string>();
	/** Why the photos could not be added (a full device, say). */
	photoError = $state<string>();
	/** Photos picked and not yet added to the meeting. */
	photos = $state<ProcessedPhoto[]>([]);
	/** Finalising locks the minutes for good: it asks first. */
	readonly confirmation = new Confirmation();
	/** One origin for all of this visit's typing, so that its history reads as one edit. */
	#typing: LocalChange | undefined;

	constructor(
		readonly workspace: Workspace,
		readonly id: () => string
	) {
		followViewing(workspace, () => this.found?.room, this.id);
	}

	/** A linked suggestion's title where its room is kept here, else its id. */
	suggestionTitle(ref: RecordRef): string {
		const room = this.workspace.rooms.get(ref.room);
		return room?.record('suggestion', ref.id)?.record?.title ?? ref.id;
	}

	async vote(itemId: string, votes: VoteCount): Promise<void> {
		const { found, meeting } = this;
		if (!found || !meeting) return;
		if (!this.#rules) {
			// Nothing to count a vote against: said, not silently ignored.
			this.error = t('meeting.noRules', { year: meeting.date.slice(0, 4) });
			return;
		}
		await this.#run('error', () =>
			recordVote(this.workspace.commandContext(found.room), meeting, itemId, votes, this.#rules!)
		);
	}

	/** The minutes as typed now, with the caret where the typing ends (editMinutes). */
	type(next: string, caret: number): void {
		const { found, meeting } = this;
		if (!found || !meeting) return;
		const ctx = this.workspace.commandContext(found.room);
		this.#typing ??= new LocalChange('editMinutes', ctx.author.id);
		editMinutes(ctx, meeting, next, this.#typing, caret);
	}

	async finalise(): Promise<void> {
		const { found, meeting } = this;
		if (!found || !meeting) return;
		const confirmed = await this.confirmation.ask({
			title: t('meeting.finalise'),
			permanent: t('confirm.finalise')
		});
		if (!confirmed) return;
		await this.#run('error', () =>
			finaliseMinutes(this.workspace.commandContext(found.room), meeting)
		);
	}

	async addPhotos(): Promise<void> {
		const { found, meeting, photos } = this;
		if (!found || !meeting || photos.length === 0) return;
		await this.#run('photoError', async () => {
			await addMeetingPhotos(this.workspace.commandContext(found.room), meeting, photos);
			this.workspace.photosAdded();
			this.photos = [];
		});
	}

	async #run(into: 'error' | 'photoError', command: () => Promise<unknown>): Promise<void> {
		this[into] = undefined;
		try {
			await command();
		} catch (e) {
			this[into] = errorText(e);
		}
	}
}
