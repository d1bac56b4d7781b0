import { describe, expect, it } from 'vitest';
import {
	decisionRoomOf,
	DECISIONS_FROM,
	RECORD_ROOMS,
	ROOM_WRITERS,
	roles,
	roomAccess,
	roomHolds,
	type OrgLookup,
	type Principal,
	type RecordKind
} from '$lib/domain';

const org: OrgLookup = {
	townOfCommunity: (id) => (id === 'c1' ? 't1' : undefined),
	hasTown: (id) => id === 't1'
};
const scopeOf = { worker: 'community:c1', reviewer: 'town:t1' } as Record<string, string>;
const principal = (role: Principal['role']): Principal => ({
	role,
	scope: scopeOf[role] ?? 'city'
});
const sampleRoom = {
	community: 'community:c1',
	contacts: 'contacts:c1',
	town: 'town:t1',
	city: 'city',
	finance: 'finance'
} as const;

describe('the room of each record kind', () => {
	it('names, for each kind of room, exactly the roles the server lets write it', () => {
		for (const [kind, room] of Object.entries(sampleRoom)) {
			const writers = roles.filter((r) => roomAccess(principal(r), room, org) === 'write');
			expect(writers, kind).toEqual(ROOM_WRITERS[kind as keyof typeof ROOM_WRITERS]);
		}
	});

	it('gives payments to finance alone and the city room to supervisors and the admin', () => {
		const writersOf = (kind: RecordKind) => RECORD_ROOMS[kind].flatMap((r) => ROOM_WRITERS[r]);
		expect(writersOf('disbursement')).toEqual(['finance']);
		expect(ROOM_WRITERS.city).toEqual(['supervisor', 'admin']);
		expect(writersOf('project')).toEqual(['worker']);
		expect(writersOf('reviewDecision').sort()).toEqual(['admin', 'reviewer', 'supervisor']);
		expect(DECISIONS_FROM.city).toEqual(['close']);
	});

	it('reads a kind only from the rooms that hold it', () => {
		expect(roomHolds('finance', 'disbursement')).toBe(true);
		expect(roomHolds('city', 'disbursement')).toBe(false);
		expect(roomHolds('community:c1', 'reviewDecision')).toBe(false);
		expect(roomHolds('town:t1', 'reviewDecision')).toBe(true);
		expect(roomHolds('contacts:c1', 'suggestion')).toBe(false);
		expect(roomHolds('not a room', 'suggestion')).toBe(false);
		for (const kind of Object.keys(RECORD_ROOMS) as RecordKind[]) {
			expect(RECORD_ROOMS[kind].length, kind).toBeGreaterThan(0);
		}
	});

	it("keeps residents' contacts in the contacts room alone, written and read by its workers", () => {
		const withContacts = (Object.keys(RECORD_ROOMS) as RecordKind[]).filter((kind) =>
			RECORD_ROOMS[kind].includes('contacts')
		);
		expect(withContacts).toEqual(['residentContact']);
		expect(RECORD_ROOMS.residentContact).toEqual(['contacts']);
		expect(roomHolds('community:c1', 'residentContact')).toBe(false);
		const readers = roles.filter((r) => roomAccess(principal(r), 'contacts:c1', org) !== 'none');
		expect(readers).toEqual(['worker']);
		const otherWorker = { role: 'worker', scope: 'community:c2' } as const;
		const org2: OrgLookup = {
			...org,
			townOfCommunity: (id) => (id === 'c1' || id === 'c2' ? 't1' : undefined)
		};
		expect(roomAccess(otherWorker, 'contacts:c1', org2)).toBe('none');
	});
});

describe('the room a decision on a project is written in', () => {
	it("is the project's town's for its reviewer, the city's for a supervisor, none for others", () => {
		expect(decisionRoomOf('reviewer', 'jingkai')).toBe('town:jingkai');
		expect(decisionRoomOf('reviewer', undefined)).toBeUndefined();
		expect(decisionRoomOf('supervisor', 'jingkai')).toBe('city');
		for (const role of ['worker', 'finance', 'admin'] as const) {
			expect(decisionRoomOf(role, 'jingkai'), role).toBeUndefined();
		}
		// Each is a room whose decisions count, and the city's only for closing.
		expect(roomHolds(decisionRoomOf('reviewer', 'jingkai')!, 'reviewDecision')).toBe(true);
		expect(roomHolds(decisionRoomOf('supervisor', 'jingkai')!, 'reviewDecision')).toBe(true);
		expect(DECISIONS_FROM.city).toEqual(['close']);
	});
});
