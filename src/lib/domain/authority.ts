import { parseRoom, type Role, type Room } from './access';
import type { RecordKind, ReviewDecisionKind } from './records';

/**
 * Where each kind of record lives, and so who may write it (DESIGN.md, "Rooms: one document per
 * authority"). The server checks only who may write a room; what a record means is decided by
 * the room it is read from. A record of a kind found in a room that does not hold that kind (a
 * payment in the city room, a decision in a community's) was written by someone without the
 * authority for it and is never read: readers take each kind only from the rooms that hold it
 * (`projectAsSeen`'s inputs, or `roomHolds` where a reader walks every room).
 *
 * This table is the one place the rule is written; `docs/domain.md` prints it.
 */

export type RoomKind = Room['kind'];

/** The rooms that hold each record kind. */
export const RECORD_ROOMS: { readonly [K in RecordKind]: readonly RoomKind[] } = {
	// The community's own work (DOMAIN.md steps 1–5).
	suggestion: ['community'],
	councilMeeting: ['community'],
	project: ['community'],
	rectificationReport: ['community'],
	// Residents' names and phone numbers: the collecting community's workers alone.
	residentContact: ['contacts'],
	// Each line of defence inspects and orders rectifications in its own room.
	siteInspection: ['community', 'town', 'city'],
	rectification: ['community', 'town', 'city'],
	// The town reviews, accepts and closes; the city may only close (`DECISIONS_FROM`).
	reviewDecision: ['town', 'city'],
	// Finance alone pays.
	disbursement: ['finance'],
	cityRules: ['city'],
	spotCheckCampaign: ['city'],
	spotCheckFinding: ['city']
};

/** Which decisions on a project count from each room that holds decisions. */
export const DECISIONS_FROM: { readonly [K in 'town' | 'city']: readonly ReviewDecisionKind[] } = {
	town: ['approve', 'return', 'reject', 'accept', 'close'],
	city: ['close']
};

/** Whether records of `kind` read from the room named `room` count. */
export function roomHolds(room: string, kind: RecordKind): boolean {
	const parsed = parseRoom(room);
	return parsed !== undefined && RECORD_ROOMS[kind].includes(parsed.kind);
}

/**
 * The room a person's decisions on a project are written in, by role: a town's reviewer decides
 * in the room of the project's town (`townId`, by the directory), a city supervisor in the city's
 * room, where only closing counts (`DECISIONS_FROM`). Other roles decide nothing on a project;
 * undefined then, or when the project's town is unknown.
 */
export function decisionRoomOf(role: Role, townId: string | undefined): string | undefined {
	if (role === 'reviewer') return townId === undefined ? undefined : `town:${townId}`;
	if (role === 'supervisor') return 'city';
	return undefined;
}
