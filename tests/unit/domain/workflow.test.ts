import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMITTED_STATUSES, countedFen } from '$lib/domain/budget';
import { InvalidDateError } from '$lib/domain/errors';
import { PROJECT_STATUSES, type Project } from '$lib/domain/records';
import { ZHANGJIAGANG_2020 } from '$lib/domain/rules';
import {
	TRANSITIONS,
	TransitionRefusedError,
	applyTransition,
	availableActions,
	canArchiveProject,
	isProjectEditable,
	checkTransition,
	explainActions,
	type Actor,
	type ProjectAction,
	type WorkflowContext
} from '$lib/domain/workflow';
import {
	PHOTO,
	admin,
	budget,
	finance,
	makeDisbursement,
	makeProject,
	otherReviewer,
	otherWorker,
	reviewer,
	supervisor,
	worker
} from './factories';

const ctx = (over: Partial<WorkflowContext> = {}): WorkflowContext => ({
	rules: ZHANGJIAGANG_2020,
	communityProjects: [],
	...over
});
const NOW = '2020-09-21T01:00:00.000Z';

function codes(project: Project, action: ProjectAction, actor: Actor, context = ctx()): string[] {
	const r = checkTransition(project, action, actor, context);
	return r.ok ? [] : r.reasons.map((m) => m.code);
}

describe('the transition table', () => {
	it('is the programme workflow, as data', () => {
		expect(
			TRANSITIONS.map((t) => `${t.from} -${t.action}-> ${t.to} [${t.roles.join('|')}]`)
		).toEqual([
			'draft -submit-> submitted [worker]',
			'submitted -approve-> approved [reviewer]',
			'submitted -return-> returned [reviewer]',
			'submitted -reject-> rejected [reviewer]',
			'returned -resubmit-> submitted [worker]',
			'approved -start-> in_progress [worker]',
			'in_progress -complete-> completed [worker]',
			'completed -accept-> accepted [reviewer]',
			'accepted -disburse-> disbursed [finance]',
			'disbursed -close-> closed [supervisor|reviewer]'
		]);
		for (const t of TRANSITIONS) {
			expect(PROJECT_STATUSES).toContain(t.from);
			expect(PROJECT_STATUSES).toContain(t.to);
		}
	});

	it('lets an admin take no action at all (admins cannot bypass the programme rules)', () => {
		for (const status of PROJECT_STATUSES) {
			const p = makeProject({
				status,
				completion: { at: NOW, by: 'x', note: '', photos: [PHOTO] }
			});
			expect(
				availableActions(p, admin, ctx({ comment: 'ok', disbursements: [makeDisbursement()] }))
			).toEqual([]);
		}
		expect(codes(makeProject(), 'submit', admin)).toEqual(['workflow.roleNotAllowed']);
	});
});

describe('a project from draft to closed', () => {
	it('walks every step with the right people and stamps each', () => {
		let p = makeProject({ id: 'p-1' });
		const step = (action: ProjectAction, actor: Actor, context = ctx(), at = NOW) => {
			expect(availableActions(p, actor, context)).toContain(action);
			const r = applyTransition(p, action, actor, context, at);
			p = { ...p, status: r.status, ...r.set };
			return r;
		};
		expect(step('submit', worker)).toEqual({
			status: 'submitted',
			set: { submittedAt: NOW, fastTrack: false },
			clear: []
		});
		expect(step('approve', reviewer).set).toEqual({ decidedAt: NOW });
		expect(step('start', worker).set).toEqual({ startedAt: NOW });
		p = { ...p, completion: { at: NOW, by: worker.id, note: 'done', photos: [PHOTO] } };
		expect(step('complete', worker).set).toEqual({ completedAt: NOW });
		expect(step('accept', reviewer).set).toEqual({ acceptedAt: NOW });
		expect(
			step(
				'disburse',
				finance,
				ctx({ disbursements: [makeDisbursement({ amountFen: 30_000_00 })] })
			).set
		).toEqual({
			disbursedAt: NOW
		});
		expect(step('close', supervisor).status).toBe('closed');
		expect(explainActions(p, supervisor, ctx())).toEqual([]);
	});

	it('lets the town reviewer close too', () => {
		const p = makeProject({ status: 'disbursed' });
		expect(availableActions(p, reviewer, ctx())).toEqual(['close']);
		expect(availableActions(p, otherReviewer, ctx())).toEqual([]);
	});
});

describe('roles and scope', () => {
	it('keeps workers to their community and reviewers to their town', () => {
		expect(codes(makeProject(), 'submit', otherWorker)).toEqual(['workflow.outOfScope']);
		expect(codes(makeProject({ status: 'submitted' }), 'approve', otherReviewer)).toEqual([
			'workflow.outOfScope'
		]);
		expect(codes(makeProject({ status: 'submitted' }), 'approve', worker)).toEqual([
			'workflow.roleNotAllowed'
		]);
		expect(codes(makeProject(), 'submit', reviewer)).toEqual(['workflow.roleNotAllowed']);
		expect(
			codes(
				makeProject({ status: 'accepted' }),
				'disburse',
				supervisor,
				ctx({ disbursements: [makeDisbursement()] })
			)
		).toEqual(['workflow.roleNotAllowed']);
	});

	it('refuses an action from the wrong status, naming the expected one', () => {
		const r = checkTransition(makeProject({ status: 'approved' }), 'submit', worker, ctx());
		expect(r.ok).toBe(false);
		if (!r.ok)
			expect(r.reasons[0]?.params).toMatchObject({ status: 'approved', expected: 'draft' });
		expect(codes(makeProject(), 'demolish' as ProjectAction, worker)).toEqual([
			'workflow.unknownAction'
		]);
	});
});

describe('submission guards', () => {
	it('lists every failing guard at once', () => {
		const p = makeProject({ title: '  ', budget: [], type: 'goods' });
		expect(codes(p, 'submit', worker)).toEqual([
			'workflow.noTitle',
			'workflow.noBudget',
			'workflow.typeNotAllowed'
		]);
	});

	it('accepts goods where the city lists it', () => {
		const rules = { ...ZHANGJIAGANG_2020, projectTypes: ['engineering', 'service', 'goods'] };
		expect(codes(makeProject({ type: 'goods' }), 'submit', worker, ctx({ rules }))).toEqual([]);
	});

	it('holds both caps at submission and resubmission', () => {
		expect(codes(makeProject({ budget: budget(100_000_01) }), 'submit', worker)).toEqual([
			'budget.projectCapExceeded'
		]);
		const others = [makeProject({ id: 'a', status: 'in_progress', budget: budget(100_000_00) })];
		const p = makeProject({ id: 'b', budget: budget(70_000_00) });
		expect(codes(p, 'submit', worker, ctx({ communityProjects: others }))).toEqual([
			'budget.communityYearCapExceeded'
		]);
		expect(
			codes({ ...p, status: 'returned' }, 'resubmit', worker, ctx({ communityProjects: others }))
		).toEqual(['budget.communityYearCapExceeded']);
		expect(
			codes(
				{ ...p, budget: budget(65_000_00) },
				'submit',
				worker,
				ctx({ communityProjects: others })
			)
		).toEqual([]);
	});

	it('records the fast track, restarts the clock and clears the old decision on resubmission', () => {
		const returned = makeProject({
			status: 'returned',
			budget: budget(9_000_00),
			submittedAt: '2020-09-01T01:00:00.000Z',
			decidedAt: '2020-09-03T01:00:00.000Z'
		});
		expect(applyTransition(returned, 'resubmit', worker, ctx(), NOW)).toEqual({
			status: 'submitted',
			set: { submittedAt: NOW, fastTrack: true },
			clear: ['decidedAt']
		});
	});
});

describe('review guards', () => {
	const submitted = makeProject({ status: 'submitted' });

	it('needs a comment to return or reject', () => {
		expect(codes(submitted, 'return', reviewer)).toEqual(['workflow.commentRequired']);
		expect(codes(submitted, 'reject', reviewer, ctx({ comment: '   ' }))).toEqual([
			'workflow.commentRequired'
		]);
		expect(codes(submitted, 'reject', reviewer, ctx({ comment: '预算依据不足' }))).toEqual([]);
		expect(availableActions(submitted, reviewer, ctx())).toEqual(['approve']);
		expect(availableActions(submitted, reviewer, ctx({ comment: '请补充照片' }))).toEqual([
			'approve',
			'return',
			'reject'
		]);
	});

	it('resolves two offline submissions that together break the cap: the first approved wins', () => {
		const a = makeProject({ id: 'a', status: 'submitted', budget: budget(100_000_00) });
		const b = makeProject({ id: 'b', status: 'submitted', budget: budget(100_000_00) });
		expect(codes(a, 'approve', reviewer, ctx({ communityProjects: [a, b] }))).toEqual([]);
		const approvedA = { ...a, status: 'approved' as const };
		expect(codes(b, 'approve', reviewer, ctx({ communityProjects: [approvedA, b] }))).toEqual([
			'budget.communityYearCapExceeded'
		]);
		expect(
			codes(
				b,
				'return',
				reviewer,
				ctx({ communityProjects: [approvedA, b], comment: '超出年度额度' })
			)
		).toEqual([]);
	});
});

describe('completion and payment guards', () => {
	it('needs evidence photos to complete', () => {
		const p = makeProject({ status: 'in_progress' });
		expect(codes(p, 'complete', worker)).toEqual(['workflow.noEvidence']);
		expect(
			codes({ ...p, completion: { at: NOW, by: 'w', note: '', photos: [] } }, 'complete', worker)
		).toEqual(['workflow.noEvidence']);
	});

	it('needs a recorded disbursement of this project, not above its budget', () => {
		const p = makeProject({ status: 'accepted', budget: budget(30_000_00) });
		expect(codes(p, 'disburse', finance)).toEqual(['workflow.noDisbursement']);
		const otherProject = makeDisbursement({ project: { room: 'community:daxin', id: 'p-9' } });
		expect(codes(p, 'disburse', finance, ctx({ disbursements: [otherProject] }))).toEqual([
			'workflow.noDisbursement'
		]);
		const twice = [
			makeDisbursement({ id: 'd1', amountFen: 20_000_00 }),
			makeDisbursement({ id: 'd2', amountFen: 10_000_01 })
		];
		expect(codes(p, 'disburse', finance, ctx({ disbursements: twice }))).toEqual([
			'workflow.disbursedOverBudget'
		]);
		const archivedOne = [twice[0]!, { ...twice[1]!, archived: true }];
		expect(codes(p, 'disburse', finance, ctx({ disbursements: archivedOne }))).toEqual([]);
	});
});

describe('applyTransition', () => {
	it('throws a typed refusal with the reasons', () => {
		const p = makeProject({ budget: [] });
		expect(() => applyTransition(p, 'submit', worker, ctx(), NOW)).toThrow(TransitionRefusedError);
		try {
			applyTransition(p, 'submit', worker, ctx(), NOW);
		} catch (e) {
			expect(e instanceof TransitionRefusedError && e.reasons.map((r) => r.code)).toEqual([
				'workflow.noBudget'
			]);
		}
	});

	it('takes its clock from the caller and checks it', () => {
		expect(() => applyTransition(makeProject(), 'submit', worker, ctx(), 'now')).toThrow(
			InvalidDateError
		);
	});
});

describe('archiving', () => {
	it('is only for projects that hold no money', () => {
		expect(PROJECT_STATUSES.filter((status) => canArchiveProject({ status }))).toEqual([
			'draft',
			'returned',
			'rejected'
		]);
	});
});

describe('any sequence of permitted actions', () => {
	const actors = [worker, otherWorker, reviewer, otherReviewer, supervisor, finance, admin];
	const actions = TRANSITIONS.map((t) => t.action);
	// Mostly the person whose job the action is, so that runs get far; sometimes anyone.
	const rightActor: Record<ProjectAction, Actor> = {
		submit: worker,
		resubmit: worker,
		start: worker,
		complete: worker,
		approve: reviewer,
		return: reviewer,
		reject: reviewer,
		accept: reviewer,
		disburse: finance,
		close: supervisor
	};

	// Workers may act offline on a stale copy (the projects as they were at the start), so their
	// submissions can together break the cap; the town approves on the merged data.
	it('follows the table and never lets the approved total exceed the community-year cap', () => {
		fc.assert(
			fc.property(
				fc.array(fc.integer({ min: 1, max: 100_000_00 }), { minLength: 1, maxLength: 6 }),
				fc.array(
					fc.record({
						project: fc.nat(),
						action: fc.constantFrom(...actions),
						actor: fc.oneof(
							{ arbitrary: fc.constant(undefined), weight: 4 },
							{ arbitrary: fc.constantFrom(...actors), weight: 1 }
						),
						comment: fc.constantFrom('', '请修改'),
						offline: fc.boolean()
					}),
					{ minLength: 40, maxLength: 120 }
				),
				(budgets, steps) => {
					let projects = budgets.map((fen, i) =>
						makeProject({
							id: `p${i}`,
							budget: budget(fen),
							completion: { at: NOW, by: 'w', note: '', photos: [PHOTO] }
						})
					);
					const snapshot = projects;
					for (const s of steps) {
						const index = s.project % projects.length;
						const p = projects[index]!;
						const actor = s.actor ?? rightActor[s.action];
						const stale = s.offline && actor.role === 'worker';
						const context = ctx({
							communityProjects: stale ? snapshot : projects,
							comment: s.comment,
							disbursements: [
								makeDisbursement({
									project: { room: 'community:tanglian', id: p.id },
									amountFen: 1
								})
							]
						});
						const check = checkTransition(p, s.action, actor, context);
						if (!check.ok) continue;
						expect(check.transition.from).toBe(p.status);
						expect(check.transition.roles).toContain(actor.role);
						const r = applyTransition(p, s.action, actor, context, NOW);
						projects = projects.map((q, i) =>
							i === index ? { ...q, status: r.status, ...r.set } : q
						);
						const committed = countedFen(projects, 'tanglian', 2020, { counting: 'committed' });
						expect(committed).toBeLessThanOrEqual(ZHANGJIAGANG_2020.communityYearCapFen);
					}
					for (const p of projects) {
						if (COMMITTED_STATUSES.includes(p.status)) expect(p.decidedAt).toBe(NOW);
					}
				}
			)
		);
	});
});

describe('changing a proposal', () => {
	it('is allowed while the project is with the community, and never once archived', () => {
		for (const status of PROJECT_STATUSES) {
			expect(isProjectEditable(makeProject({ status })), status).toBe(
				status === 'draft' || status === 'returned'
			);
		}
		expect(isProjectEditable(makeProject({ archived: true }))).toBe(false);
	});
});
