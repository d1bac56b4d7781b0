import * as Y from 'yjs';
import {
	latestVoteOn,
	sha256Hex,
	suggestionStatusAfterVote,
	validateRecord,
	voteOutcome,
	type AgendaItem,
	type CityRules,
	type CouncilMeeting,
	type RecordRef,
	type VoteCount
} from '$lib/domain';
import { commit, commitWithPhotos, type CommandContext } from './commands';
import type { ProcessedPhoto } from './photo-types';
import {
	appendToRecord,
	createRecord,
	InvalidRecordError,
	readRecord,
	updateRecord,
	type RecordSource
} from '$lib/doc/records';
import type { LocalChange } from './room-doc';

/**
 * Residents' council meetings (DOMAIN.md, "Deliberation"), often held where there is no network.
 *
 * The minutes are a Y.Text in the top-level map `minutes`, keyed by the meeting's id and made with
 * the meeting, so two tablets typing in the same meeting merge character by character. Formatting
 * is a small Markdown subset (headings, lists, bold) in the text itself: it merges like any text
 * and prints anywhere. Finalising stores the SHA-256 of the text; the app then locks it, and a
 * text that another tablet changed offline after finalising shows as no longer matching its hash.
 */

const touches = ['councilMeeting', 'suggestion', 'minutes', 'photo'];

export interface MeetingInput {
	date: string;
	place: string;
	topic: string;
	names: string[];
	headCount: number;
	councilMembers?: number;
	agenda: RecordRef[];
}

export function minutesOf(doc: Y.Doc, meetingId: string): Y.Text | undefined {
	const value = doc.getMap('minutes').get(meetingId);
	return value instanceof Y.Text ? value : undefined;
}

export function isFinalised(meeting: Pick<CouncilMeeting, 'finalisedAt'>): boolean {
	return meeting.finalisedAt !== undefined;
}

/** Whether the minutes still are what was finalised (they are, when not finalised). */
export function minutesMatchHash(doc: Y.Doc, meeting: CouncilMeeting): boolean {
	if (!meeting.minutesHash) return true;
	return sha256Hex(minutesOf(doc, meeting.id)?.toString() ?? '') === meeting.minutesHash;
}

function setSuggestionStatus(
	ctx: CommandContext,
	ref: RecordRef,
	status: 'deliberating' | 'adopted' | 'declined',
	origin: LocalChange,
	now: Date
) {
	if (ref.room !== ctx.roomDoc.room) return;
	const stored = readRecord(ctx.roomDoc.doc, 'suggestion', ref.id);
	if (!stored?.record) return;
	updateRecord(ctx.roomDoc.doc, 'suggestion', ref.id, { status }, origin, ctx.author, now);
}

export async function createMeeting(
	ctx: CommandContext,
	input: MeetingInput
): Promise<CouncilMeeting> {
	const now = ctx.now();
	const meeting: CouncilMeeting = {
		id: ctx.newId(),
		createdAt: now.toISOString(),
		createdBy: ctx.author.id,
		date: input.date,
		place: input.place.trim(),
		topic: input.topic.trim(),
		attendees: { names: input.names, headCount: input.headCount },
		...(input.councilMembers ? { councilMembers: input.councilMembers } : {}),
		agenda: input.agenda.map((suggestion) => ({ id: ctx.newId(), suggestion })),
		photos: []
	};
	const checked = validateRecord('councilMeeting', meeting);
	if (!checked.ok) throw new InvalidRecordError('councilMeeting', checked.issues);
	await commit(ctx, 'createMeeting', touches, (origin) => {
		createRecord(ctx.roomDoc.doc, 'councilMeeting', meeting, origin, ctx.author, now);
		ctx.roomDoc.doc.getMap('minutes').set(meeting.id, new Y.Text());
		for (const item of meeting.agenda) {
			setSuggestionStatus(ctx, item.suggestion, 'deliberating', origin, now);
		}
	});
	return meeting;
}

function refuseIfFinalised(meeting: CouncilMeeting) {
	if (isFinalised(meeting)) throw new Error('The minutes are finalised: the meeting is locked');
}

/** Changes the meeting's details, attendance or agenda (not once finalised). */
export async function editMeeting(
	ctx: CommandContext,
	meeting: CouncilMeeting,
	patch: Partial<
		Pick<CouncilMeeting, 'date' | 'place' | 'topic' | 'attendees' | 'councilMembers'>
	> & {
		agenda?: AgendaItem[];
	}
): Promise<string[]> {
	refuseIfFinalised(meeting);
	const now = ctx.now();
	let changed: string[] = [];
	await commit(ctx, 'editMeeting', touches, (origin) => {
		changed = updateRecord(
			ctx.roomDoc.doc,
			'councilMeeting',
			meeting.id,
			patch,
			origin,
			ctx.author,
			now
		);
	});
	return changed;
}

/**
 * Records an agenda item's vote, checked and decided by the domain rule (quorum and majority of
 * the city's rules), and moves the suggestion on: adopted, declined, or still deliberating.
 * Throws InvalidVoteError for counts that cannot be real (more votes than people present…).
 */
export async function recordVote(
	ctx: CommandContext,
	meeting: CouncilMeeting,
	itemId: string,
	votes: VoteCount,
	rules: Pick<CityRules, 'quorum' | 'majority'>
) {
	refuseIfFinalised(meeting);
	const item = meeting.agenda.find((i) => i.id === itemId);
	if (!item) throw new Error(`No agenda item ${itemId}`);
	const result = voteOutcome(
		votes,
		{
			headCount: meeting.attendees.headCount,
			...(meeting.councilMembers ? { councilMembers: meeting.councilMembers } : {})
		},
		rules
	);
	const agenda = meeting.agenda.map((i) => (i.id === itemId ? { ...i, votes } : i));
	const now = ctx.now();
	await commit(ctx, 'recordVote', touches, (origin) => {
		updateRecord(
			ctx.roomDoc.doc,
			'councilMeeting',
			meeting.id,
			{ agenda },
			origin,
			ctx.author,
			now
		);
		setSuggestionStatus(
			ctx,
			item.suggestion,
			suggestionStatusAfterVote(result.outcome),
			origin,
			now
		);
	});
	return result;
}

/**
 * Applies what a person typed to the minutes as the smallest edit that ends at their cursor
 * (`caret`, its index in `next`), so that a concurrent edit elsewhere in the text is not
 * overwritten, and a keystroke lands where it was typed: beside the same character typed by
 * someone else ("-" next to another tablet's "-"), the common prefix alone would put it after
 * theirs, and the next keystroke between them. Without a caret (a whole replacement), the
 * smallest edit anywhere.
 */
export function editMinutes(
	ctx: CommandContext,
	meeting: CouncilMeeting,
	next: string,
	origin: LocalChange,
	caret = 0
): void {
	refuseIfFinalised(meeting);
	const text = minutesOf(ctx.roomDoc.doc, meeting.id);
	if (!text) throw new Error('This meeting has no minutes');
	const current = text.toString();
	if (current === next) return;
	// The common end first, never reaching back over the cursor; then the common start, never
	// past where the changed part ends.
	let endCurrent = current.length;
	let endNext = next.length;
	while (
		endNext > caret &&
		endCurrent > 0 &&
		endNext > 0 &&
		current[endCurrent - 1] === next[endNext - 1]
	) {
		endCurrent--;
		endNext--;
	}
	let start = 0;
	while (start < endCurrent && start < endNext && current[start] === next[start]) start++;
	ctx.roomDoc.doc.transact(() => {
		if (endCurrent > start) text.delete(start, endCurrent - start);
		if (endNext > start) text.insert(start, next.slice(start, endNext));
	}, origin);
}

/** Locks the minutes: stores their hash, who finalised them and when. */
export async function finaliseMinutes(ctx: CommandContext, meeting: CouncilMeeting): Promise<void> {
	refuseIfFinalised(meeting);
	const now = ctx.now();
	const text = minutesOf(ctx.roomDoc.doc, meeting.id)?.toString() ?? '';
	await commit(ctx, 'finaliseMinutes', touches, (origin) => {
		updateRecord(
			ctx.roomDoc.doc,
			'councilMeeting',
			meeting.id,
			{
				minutesHash: sha256Hex(text),
				finalisedAt: now.toISOString(),
				finalisedBy: ctx.author.name
			},
			origin,
			ctx.author,
			now
		);
	});
}

/** Photos of the meeting (the sign-in sheet, the room); allowed after finalising too. */
export async function addMeetingPhotos(
	ctx: CommandContext,
	meeting: CouncilMeeting,
	photos: ProcessedPhoto[]
): Promise<void> {
	const now = ctx.now();
	await commitWithPhotos(ctx, 'addMeetingPhotos', touches, photos, now, (origin) => {
		const shas = photos.map((p) => p.sha256);
		appendToRecord(
			ctx.roomDoc.doc,
			'councilMeeting',
			meeting.id,
			'photos',
			shas,
			origin,
			ctx.author,
			now
		);
	});
}

/** The latest council vote on a suggestion, with its meeting (for the town's review). */
export function lastVoteOn(
	community: RecordSource,
	suggestionId: string
): { meeting: CouncilMeeting; votes: VoteCount } | undefined {
	return latestVoteOn(suggestionId, community.valid('councilMeeting'));
}
