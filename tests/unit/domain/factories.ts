import type { Actor, BudgetLine, Disbursement, Project, RecordKind, Suggestion } from '$lib/domain';
import { ZHANGJIAGANG_2020 } from '$lib/domain/rules';

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

const base = { id: 'r1', createdAt: '2020-09-01T02:00:00.000Z', createdBy: 'u1' };
const ref = { room: 'community:tanglian', id: 'x' };

/** One valid record of every kind. */
export const validRecordOfEveryKind: Record<RecordKind, unknown> = {
	suggestion: makeSuggestion({ photos: [PHOTO] }),
	residentContact: {
		...base,
		suggestion: { room: 'community:tanglian', id: base.id },
		name: '高丽萍',
		phone: '13800001234'
	},
	councilMeeting: {
		...base,
		date: '2020-09-01',
		place: '塘市花苑活动室',
		topic: '货车停放',
		attendees: { names: ['高丽萍'], headCount: 9 },
		councilMembers: 15,
		agenda: [{ id: 'i1', suggestion: ref, votes: { for: 7, against: 1, abstain: 1 } }],
		minutesHash: PHOTO,
		finalisedAt: '2020-09-01T10:00:00.000Z',
		finalisedBy: 'tanglian-1',
		photos: []
	},
	project: makeProject({
		status: 'completed',
		submittedAt: '2020-03-02T02:00:00.000Z',
		decidedAt: '2020-03-09T02:00:00.000Z',
		progress: [
			{ id: 'u1', at: '2020-04-01T02:00:00.000Z', by: 'w', note: 'half done', photos: [PHOTO] }
		],
		completion: { at: '2020-05-01T02:00:00.000Z', by: 'w', note: 'done', photos: [PHOTO] }
	}),
	reviewDecision: {
		...base,
		project: ref,
		decision: 'return',
		comment: '请补充预算明细',
		reviewer: 'r',
		decidedAt: base.createdAt
	},
	siteInspection: {
		...base,
		kind: 'quarterly',
		project: ref,
		visitedAt: base.createdAt,
		inspector: 'r',
		note: '',
		problemFound: false,
		photos: []
	},
	rectification: {
		...base,
		subject: ref,
		orderedBy: 's',
		orderedAt: base.createdAt,
		description: '标识牌掉落',
		dueDate: '2020-09-30',
		photos: []
	},
	disbursement: makeDisbursement(),
	spotCheckCampaign: {
		...base,
		year: 2020,
		period: { from: '2018-01-01', to: '2019-12-31' },
		sampleSize: 1,
		seed: '2020-08-03',
		strataKey: 'type',
		population: [
			{ id: 'p1', stratum: 'engineering', room: 'community:a' },
			{ id: 'p2', stratum: 'service', room: 'community:b' }
		],
		sample: ['p2'],
		drawnAt: base.createdAt,
		drawnBy: 's'
	},
	rectificationReport: {
		...base,
		rectification: { room: 'town:jingkai', id: 'r' },
		note: '已重新安装',
		photos: [PHOTO],
		reportedAt: base.createdAt
	},
	spotCheckFinding: {
		...base,
		campaign: { room: 'city', id: 'c1' },
		project: ref,
		kind: 'sign-damaged',
		note: '',
		rectification: { room: 'community:tanglian', id: 'r' },
		photos: []
	},
	cityRules: { ...base, ...ZHANGJIAGANG_2020 }
};
