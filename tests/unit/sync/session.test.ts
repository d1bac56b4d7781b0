import { describe, expect, it } from 'vitest';
import type { SessionRow } from '$lib/store/db';
import { sessionRooms } from '$lib/sync/session';

/** A session kept on a device since sign-in, as an older version stored it. */
const directory: SessionRow['directory'] = {
	towns: [{ id: 'jingkai', name: '经开区' }],
	communities: [
		{ id: 'tanglian', name: '汤联社区', townId: 'jingkai' },
		{ id: 'nanfeng', name: '南丰社区', townId: 'jingkai' }
	]
};

describe('the rooms a signed-in device opens', () => {
	it('adds the rooms given since an older version signed the worker in, and only its own', () => {
		const rooms = sessionRooms({
			user: {
				id: 'u1',
				name: '汤联一号',
				role: 'worker',
				scope: 'community:tanglian',
				username: 'tanglian-1'
			},
			rooms: [
				{ room: 'community:tanglian', access: 'write' },
				{ room: 'town:jingkai', access: 'read' },
				{ room: 'city', access: 'read' }
			],
			directory
		});
		expect(rooms).toEqual([
			{ room: 'community:tanglian', access: 'write' },
			{ room: 'town:jingkai', access: 'read' },
			{ room: 'city', access: 'read' },
			{ room: 'finance', access: 'read' },
			{ room: 'contacts:tanglian', access: 'write' }
		]);
	});

	it('never adds a contacts room for a reviewer, whatever its directory holds', () => {
		const rooms = sessionRooms({
			user: { id: 'r', name: '审核', role: 'reviewer', scope: 'town:jingkai', username: 'r' },
			rooms: [{ room: 'town:jingkai', access: 'write' }],
			directory
		}).map((g) => g.room);
		expect(rooms).toContain('community:nanfeng');
		expect(rooms.filter((r) => r.startsWith('contacts:'))).toEqual([]);
	});
});
