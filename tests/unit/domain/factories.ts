import type { Actor, BudgetLine, Disbursement, Project, Suggestion } from '$lib/domain';

/** Test-data builders: a valid record by default, overridden field by field. */

export function budget(...amountsFen: number[]): BudgetLine[] {
	return amountsFen.map((amountFen, i) => ({
		id: `line-${i}`,
		description: `item ${i}`,
		amountFen
	}));
}

export function makeProject(overrides: Partial<Project> = {}): Project {
	return {
		id: 'p-1',
		createdAt: '2020-03-01T02:00:00.000Z',
		createdBy: 'tanglian-1',
		communityId: 'tanglian',
		townId: 'jingkai',
		year: 2020,
		title: '塘市花苑货车停放整治',
		type: 'engineering',
		summary: 'Night parking of lorries blocks the estate roads.',
		suggestions: [{ room: 'community:tanglian', id: 's-1' }],
		budget: budget(30_000_00),
		urgent: false,
		fastTrack: false,
		status: 'draft',
		progress: [],
		...overrides
	};
}

export function makeSuggestion(overrides: Partial<Suggestion> = {}): Suggestion {
	return {
		id: 's-1',
		createdAt: '2020-02-10T01:00:00.000Z',
		createdBy: 'tanglian-1',
		title: '货车夜间乱停',
		description: 'Lorries park all over the estate at night.',
		channel: 'council',
		estate: '塘市花苑',
		building: '12',
		category: 'traffic',
		urgent: false,
		photos: [],
		status: 'open',
		...overrides
	};
}

export function makeDisbursement(overrides: Partial<Disbursement> = {}): Disbursement {
	return {
		id: 'd-1',
		createdAt: '2020-08-01T02:00:00.000Z',
		createdBy: 'city-finance',
		project: { room: 'community:tanglian', id: 'p-1' },
		amountFen: 30_000_00,
		paidAt: '2020-08-01T02:00:00.000Z',
		by: 'city-finance',
		...overrides
	};
}

export const worker: Actor = {
	id: 'tanglian-1',
	role: 'worker',
	scope: { communityId: 'tanglian', townId: 'jingkai' }
};
export const otherWorker: Actor = {
	id: 'daxin-1',
	role: 'worker',
	scope: { communityId: 'daxin', townId: 'yangshe' }
};
export const reviewer: Actor = {
	id: 'jingkai-reviewer',
	role: 'reviewer',
	scope: { townId: 'jingkai' }
};
export const otherReviewer: Actor = {
	id: 'yangshe-reviewer',
	role: 'reviewer',
	scope: { townId: 'yangshe' }
};
export const supervisor: Actor = { id: 'city-supervisor', role: 'supervisor', scope: {} };
export const finance: Actor = { id: 'city-finance', role: 'finance', scope: {} };
export const admin: Actor = { id: 'admin', role: 'admin', scope: {} };

export const PHOTO = 'a'.repeat(64);
