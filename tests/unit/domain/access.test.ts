import { describe, expect, it } from 'vitest';
import {
	maySeeResidentContact,
	grantsFor,
	isValidScope,
	parseRoom,
	roomAccess,
	roomName,
	roomsKeptAtStart,
	type OrgLookup,
	type Principal
} from '$lib/domain/access';

// Two towns, each with one community: enough to tell "inside" from "outside" every scope.
const towns = ['t1', 't2'];
const communityTown = new Map([
	['c1', 't1'],
	['c2', 't2']
]);
const org: OrgLookup & { communities(): string[]; towns(): string[] } = {
	townOfCommunity: (id) => communityTown.get(id),
	hasTown: (id) => towns.includes(id),
	communities: () => [...communityTown.keys()],
	towns: () => towns
};

const worker: Principal = { role: 'worker', scope: 'community:c1' };
const reviewer: Principal = { role: 'reviewer', scope: 'town:t1' };
const supervisor: Principal = { role: 'supervisor', scope: 'city' };
const finance: Principal = { role: 'finance', scope: 'city' };
const admin: Principal = { role: 'admin', scope: 'city' };

describe('rooms', () => {
	it('parses the five kinds and refuses anything else', () => {
		expect(parseRoom('city')).toEqual({ kind: 'city' });
		expect(parseRoom('finance')).toEqual({ kind: 'finance' });
		expect(parseRoom('contacts:tanglian')).toEqual({ kind: 'contacts', id: 'tanglian' });
		expect(parseRoom('community:tanglian')).toEqual({ kind: 'community', id: 'tanglian' });
		expect(parseRoom('town:jingkai')).toEqual({ kind: 'town', id: 'jingkai' });
		for (const bad of [
			'',
			'cities',
			'town:',
			'town:A',
			'street:x',
			'community:a/b',
			'community:../x',
			'finance:x',
			'contacts:',
			'contacts'
		]) {
			expect(parseRoom(bad), bad).toBeUndefined();
		}
		expect(roomName({ kind: 'town', id: 'x' })).toBe('town:x');
		expect(roomName({ kind: 'finance' })).toBe('finance');
		expect(roomName({ kind: 'contacts', id: 'x' })).toBe('contacts:x');
	});

	it('ties each role to the kind of scope it may have', () => {
		expect(isValidScope('worker', 'community:c1')).toBe(true);
		expect(isValidScope('worker', 'town:t1')).toBe(false);
		expect(isValidScope('reviewer', 'town:t1')).toBe(true);
		expect(isValidScope('reviewer', 'city')).toBe(false);
		expect(isValidScope('admin', 'city')).toBe(true);
		expect(isValidScope('finance', 'community:c1')).toBe(false);
		expect(isValidScope('finance', 'finance')).toBe(false);
		expect(isValidScope('worker', 'contacts:c1')).toBe(false);
	});
});

describe('the permission matrix of DESIGN.md', () => {
	// [principal, room, expected access]: every role × every room kind, inside and outside scope.
	const matrix: [string, Principal, string, string][] = [
		['worker', worker, 'community:c1', 'write'],
		['worker', worker, 'community:c2', 'none'],
		['worker', worker, 'town:t1', 'read'],
		['worker', worker, 'town:t2', 'none'],
		['worker', worker, 'city', 'read'],
		['worker', worker, 'finance', 'read'],
		['worker', worker, 'contacts:c1', 'write'],
		['worker', worker, 'contacts:c2', 'none'],
		['reviewer', reviewer, 'community:c1', 'read'],
		['reviewer', reviewer, 'community:c2', 'none'],
		['reviewer', reviewer, 'town:t1', 'write'],
		['reviewer', reviewer, 'town:t2', 'none'],
		['reviewer', reviewer, 'city', 'read'],
		['reviewer', reviewer, 'finance', 'read'],
		['reviewer', reviewer, 'contacts:c1', 'none'],
		...[supervisor, finance, admin].flatMap((p): [string, Principal, string, string][] => [
			[p.role, p, 'community:c1', 'read'],
			[p.role, p, 'community:c2', 'read'],
			[p.role, p, 'contacts:c1', 'none'],
			[p.role, p, 'contacts:c2', 'none'],
			[p.role, p, 'town:t1', 'read'],
			[p.role, p, 'town:t2', 'read'],
			// The city room is its supervisors' and the admin's; finance pays in its own room.
			[p.role, p, 'city', p.role === 'finance' ? 'read' : 'write'],
			[p.role, p, 'finance', p.role === 'finance' ? 'write' : 'read']
		])
	];
	it.each(matrix)('%s on %#: %s', (_label, principal, room, expected) => {
		expect(roomAccess(principal, room, org)).toBe(expected);
	});

	it('gives nothing in rooms the city does not have, or to a scope that does not fit the role', () => {
		for (const p of [worker, reviewer, supervisor, admin]) {
			expect(roomAccess(p, 'community:nowhere', org)).toBe('none');
			expect(roomAccess(p, 'town:nowhere', org)).toBe('none');
			expect(roomAccess(p, 'contacts:nowhere', org)).toBe('none');
			expect(roomAccess(p, 'not-a-room', org)).toBe('none');
		}
		expect(roomAccess({ role: 'worker', scope: 'city' }, 'city', org)).toBe('none');
		expect(roomAccess({ role: 'admin', scope: 'community:c1' }, 'community:c1', org)).toBe('none');
	});

	it('lists exactly the rooms a principal may open', () => {
		expect(grantsFor(worker, org)).toEqual([
			{ room: 'city', access: 'read' },
			{ room: 'finance', access: 'read' },
			{ room: 'town:t1', access: 'read' },
			{ room: 'community:c1', access: 'write' },
			{ room: 'contacts:c1', access: 'write' }
		]);
		expect(grantsFor(reviewer, org).map((g) => g.room)).toEqual([
			'city',
			'finance',
			'town:t1',
			'community:c1'
		]);
		expect(grantsFor(supervisor, org)).toHaveLength(6);
		expect(grantsFor(supervisor, org).filter((g) => g.access === 'write')).toEqual([
			{ room: 'city', access: 'write' }
		]);
		expect(grantsFor(finance, org).filter((g) => g.access === 'write')).toEqual([
			{ room: 'finance', access: 'write' }
		]);
	});
});

describe("residents' contact details", () => {
	it('are seen by the workers of the community that collected them, and no one else', () => {
		const room = 'community:tanglian';
		expect(maySeeResidentContact({ role: 'worker', scope: 'community:tanglian' }, room)).toBe(true);
		expect(maySeeResidentContact({ role: 'worker', scope: 'community:daxin' }, room)).toBe(false);
		expect(maySeeResidentContact({ role: 'reviewer', scope: 'town:jingkai' }, room)).toBe(false);
		for (const role of ['supervisor', 'finance', 'admin'] as const) {
			expect(maySeeResidentContact({ role, scope: 'city' }, room)).toBe(false);
		}
		expect(maySeeResidentContact({ role: 'worker', scope: 'community:tanglian' }, 'city')).toBe(
			false
		);
	});
});

describe('roomsKeptAtStart', () => {
	const grants = [
		{ room: 'city', access: 'read' as const },
		{ room: 'finance', access: 'read' as const },
		{ room: 'town:jingkai', access: 'read' as const },
		{ room: 'community:tanglian', access: 'read' as const },
		{ room: 'community:daxin', access: 'read' as const }
	];

	it("keeps a worker's and a reviewer's rooms whole, offline from the start", () => {
		expect(roomsKeptAtStart('worker', grants)).toEqual(grants);
		expect(roomsKeptAtStart('reviewer', grants)).toEqual(grants);
	});

	it("keeps a city role's own rooms and those it opened, never a room it may not read", () => {
		for (const role of ['supervisor', 'finance', 'admin'] as const) {
			expect(roomsKeptAtStart(role, grants).map((g) => g.room)).toEqual(['city', 'finance']);
			expect(
				roomsKeptAtStart(role, grants, ['community:daxin', 'community:elsewhere']).map(
					(g) => g.room
				)
			).toEqual(['city', 'finance', 'community:daxin']);
		}
	});
});
