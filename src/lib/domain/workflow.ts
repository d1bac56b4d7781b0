import type { Role } from './access';
import { checkCommunityYearCap, checkProjectCap, isFastTrack, projectBudgetFen } from './budget';
import { isIsoTimestamp, type IsoTimestamp } from './dates';
import { DomainError, InvalidDateError, domainMessage, type DomainMessage } from './errors';
import { paidFen } from './finance';
import { formatYuan } from './money';
import type { Disbursement, Project, PROJECT_TIMESTAMPS, ProjectStatus } from './records';
import type { CityRules } from './rules';

/**
 * The life of a project as an explicit state machine (DOMAIN.md, "The life of a suggestion",
 * steps 3–5, and "The people"): the community submits, the town reviews (approve, return,
 * reject), the community carries it out and completes it with evidence, the town accepts it,
 * finance pays, and the city or town closes it.
 *
 * Every transition is data — action, from, to, roles, guards — so the table below is the whole
 * rule and screens can list why a button is disabled. Scope follows the role: a worker acts only
 * on projects of their community, a reviewer only on projects of their town; supervisors and
 * finance act city-wide.
 *
 * `admin` appears in no transition. Admins manage accounts and the city's rules; letting them
 * push a project through would let one account both write and approve and skip the caps, which
 * is exactly what the programme's three lines of defence exist to prevent. An admin who needs to
 * act is given the proper role for that scope.
 */

export type ProjectAction =
	| 'submit'
	| 'approve'
	| 'return'
	| 'reject'
	| 'resubmit'
	| 'start'
	| 'complete'
	| 'accept'
	| 'disburse'
	| 'close';

export interface Actor {
	readonly id: string;
	readonly role: Role;
	readonly scope: { readonly communityId?: string; readonly townId?: string };
}

export interface WorkflowContext {
	/** The rules of the project's year (`rulesForYear`). */
	readonly rules: CityRules;
	/** The merged projects of the project's community; other years are ignored. */
	readonly communityProjects: readonly Project[];
	/** Disbursements recorded by finance; only this project's are used. */
	readonly disbursements?: readonly Disbursement[];
	/** The reviewer's comment when returning or rejecting. */
	readonly comment?: string;
}

export type GuardName =
	| 'hasTitle'
	| 'budgetPositive'
	| 'typeAllowed'
	| 'withinProjectCap'
	| 'withinCommunityYearCap'
	| 'withinCommittedCommunityYearCap'
	| 'hasComment'
	| 'hasEvidencePhotos'
	| 'disbursementRecorded';

export type TimestampField = (typeof PROJECT_TIMESTAMPS)[number];

export interface Transition {
	readonly action: ProjectAction;
	readonly from: ProjectStatus;
	readonly to: ProjectStatus;
	readonly roles: readonly Role[];
	readonly guards: readonly GuardName[];
	/** The timestamp the transition sets. */
	readonly stamp: TimestampField;
}

const SUBMIT_GUARDS: readonly GuardName[] = [
	'hasTitle',
	'budgetPositive',
	'typeAllowed',
	'withinProjectCap',
	'withinCommunityYearCap'
];

export const TRANSITIONS: readonly Transition[] = [
	// DOMAIN.md step 3: the community submits the proposal to the town.
	{
		action: 'submit',
		from: 'draft',
		to: 'submitted',
		roles: ['worker'],
		guards: SUBMIT_GUARDS,
		stamp: 'submittedAt'
	},
	// Step 3: the town checks and approves, within the caps of the merged data.
	{
		action: 'approve',
		from: 'submitted',
		to: 'approved',
		roles: ['reviewer'],
		guards: ['typeAllowed', 'withinProjectCap', 'withinCommittedCommunityYearCap'],
		stamp: 'decidedAt'
	},
	// The town sends it back to be changed; the community may resubmit.
	{
		action: 'return',
		from: 'submitted',
		to: 'returned',
		roles: ['reviewer'],
		guards: ['hasComment'],
		stamp: 'decidedAt'
	},
	// The town refuses it for good.
	{
		action: 'reject',
		from: 'submitted',
		to: 'rejected',
		roles: ['reviewer'],
		guards: ['hasComment'],
		stamp: 'decidedAt'
	},
	// A returned proposal goes back to the town under the same guards as a first submission.
	{
		action: 'resubmit',
		from: 'returned',
		to: 'submitted',
		roles: ['worker'],
		guards: SUBMIT_GUARDS,
		stamp: 'submittedAt'
	},
	// Step 4: implementation.
	{
		action: 'start',
		from: 'approved',
		to: 'in_progress',
		roles: ['worker'],
		guards: [],
		stamp: 'startedAt'
	},
	// Step 5: completion, with evidence.
	{
		action: 'complete',
		from: 'in_progress',
		to: 'completed',
		roles: ['worker'],
		guards: ['hasEvidencePhotos'],
		stamp: 'completedAt'
	},
	// Step 5: evaluation (验收) by the town.
	{
		action: 'accept',
		from: 'completed',
		to: 'accepted',
		roles: ['reviewer'],
		guards: [],
		stamp: 'acceptedAt'
	},
	// Step 5 and the third line of defence: finance pays after completion and records it.
	{
		action: 'disburse',
		from: 'accepted',
		to: 'disbursed',
		roles: ['finance'],
		guards: ['disbursementRecorded'],
		stamp: 'disbursedAt'
	},
	// The city (or the town) closes the file once the money is paid.
	{
		action: 'close',
		from: 'disbursed',
		to: 'closed',
		roles: ['supervisor', 'reviewer'],
		guards: [],
		stamp: 'closedAt'
	}
];

function msg(code: string, params: Record<string, string | number>, zh: string, en: string) {
	return domainMessage(`workflow.${code}`, params, zh, en);
}

/** Each guard returns the reasons it refuses (none when it holds). */
const GUARDS: Record<GuardName, (p: Project, ctx: WorkflowContext) => DomainMessage[]> = {
	hasTitle: (p) =>
		p.title.trim() === ''
			? [msg('noTitle', {}, '项目名称不能为空', 'The project needs a title')]
			: [],
	// DOMAIN.md: a project is money the government pays; an empty budget is not a proposal.
	budgetPositive: (p) =>
		projectBudgetFen(p) > 0
			? []
			: [msg('noBudget', {}, '项目预算必须大于零', 'The budget must be more than zero')],
	// DOMAIN.md: engineering and service (some cities add goods), as the year's rules list them.
	typeAllowed: (p, ctx) =>
		ctx.rules.projectTypes.includes(p.type)
			? []
			: [
					msg(
						'typeNotAllowed',
						{ type: p.type, allowed: ctx.rules.projectTypes.join(', ') },
						`项目类型“${p.type}”不在本年度规则之内`,
						`Project type "${p.type}" is not one of this year's types`
					)
				],
	// DOMAIN.md, "Money rules": at most the project cap.
	withinProjectCap: (p, ctx) => {
		const r = checkProjectCap(p, ctx.rules);
		return r.ok ? [] : [r.refusal.message];
	},
	// DOMAIN.md, "Money rules": the community-year cap, counting what the town already has.
	withinCommunityYearCap: (p, ctx) => {
		const r = checkCommunityYearCap(p, ctx.communityProjects, ctx.rules, { counting: 'submitted' });
		return r.ok ? [] : [r.refusal.message];
	},
	// The same cap on the merged data at approval, counting what the town has approved (budget.ts).
	withinCommittedCommunityYearCap: (p, ctx) => {
		const r = checkCommunityYearCap(p, ctx.communityProjects, ctx.rules, { counting: 'committed' });
		return r.ok ? [] : [r.refusal.message];
	},
	// A community told "no" or "not like this" is owed the reason.
	hasComment: (_p, ctx) =>
		(ctx.comment ?? '').trim() === ''
			? [
					msg(
						'commentRequired',
						{},
						'退回或不予通过须填写意见',
						'Returning or rejecting needs a comment'
					)
				]
			: [],
	// DOMAIN.md, "Completion, evaluation": the town accepts on evidence, residents see the result.
	hasEvidencePhotos: (p) =>
		(p.completion?.photos.length ?? 0) > 0
			? []
			: [msg('noEvidence', {}, '完工须上传至少一张照片', 'Completion needs at least one photo')],
	// DOMAIN.md: "funds are paid out after completion"; never more than the approved budget.
	disbursementRecorded: (p, ctx) => {
		const paid = paidFen(p.id, ctx.disbursements ?? []);
		const budget = projectBudgetFen(p);
		if (paid === 0) {
			return [msg('noDisbursement', {}, '尚未登记拨付金额', 'No disbursement has been recorded')];
		}
		if (paid > budget) {
			const [shownPaid, shownBudget] = [formatYuan(paid), formatYuan(budget)];
			return [
				msg(
					'disbursedOverBudget',
					{ paidFen: paid, budgetFen: budget, paid: shownPaid, budget: shownBudget },
					`已拨付 ${shownPaid} 超过项目预算 ${shownBudget}`,
					`Disbursed ${shownPaid} is more than the budget ${shownBudget}`
				)
			];
		}
		return [];
	}
};

const ROLE_NAMES: Record<Role, [string, string]> = {
	worker: ['社区工作者', 'community worker'],
	reviewer: ['镇级审核人员', 'town reviewer'],
	supervisor: ['市民政局', 'city supervisor'],
	finance: ['市财政局', 'city finance'],
	admin: ['系统管理员', 'administrator']
};

function inScope(actor: Actor, project: Project): boolean {
	switch (actor.role) {
		case 'worker':
			return actor.scope.communityId === project.communityId;
		case 'reviewer':
			return actor.scope.townId === project.townId;
		case 'supervisor':
		case 'finance':
			return true;
		case 'admin':
			return false;
	}
}

export type TransitionCheck =
	| { readonly ok: true; readonly transition: Transition }
	| { readonly ok: false; readonly action: string; readonly reasons: readonly DomainMessage[] };

/**
 * Whether `actor` may take `action` on `project` now, and if not every reason why: wrong status,
 * wrong role or scope, and each guard that fails (all listed, so the person can fix them at once).
 */
export function checkTransition(
	project: Project,
	action: ProjectAction,
	actor: Actor,
	context: WorkflowContext
): TransitionCheck {
	const candidates = TRANSITIONS.filter((t) => t.action === action);
	if (candidates.length === 0) {
		const reason = msg(
			'unknownAction',
			{ action },
			`未知操作：${action}`,
			`Unknown action: ${action}`
		);
		return { ok: false, action, reasons: [reason] };
	}
	const transition = candidates.find((t) => t.from === project.status);
	if (!transition) {
		const expected = candidates.map((t) => t.from).join(', ');
		const reason = msg(
			'wrongStatus',
			{ action, status: project.status, expected },
			`项目当前状态为 ${project.status}，不能执行此操作（应为 ${expected}）`,
			`Cannot ${action} a project that is ${project.status} (must be ${expected})`
		);
		return { ok: false, action, reasons: [reason] };
	}

	const reasons: DomainMessage[] = [];
	const [zhRole, enRole] = ROLE_NAMES[actor.role];
	if (!transition.roles.includes(actor.role)) {
		reasons.push(
			msg(
				'roleNotAllowed',
				{ role: actor.role, action },
				`${zhRole}不能执行此操作`,
				`A ${enRole} cannot ${action} a project`
			)
		);
	} else if (!inScope(actor, project)) {
		reasons.push(
			msg(
				'outOfScope',
				{ role: actor.role, action, communityId: project.communityId, townId: project.townId },
				'该项目不在您负责的范围内',
				'This project is outside your community or town'
			)
		);
	}
	for (const guard of transition.guards) reasons.push(...GUARDS[guard](project, context));
	return reasons.length === 0 ? { ok: true, transition } : { ok: false, action, reasons };
}

export interface ActionOption {
	readonly action: ProjectAction;
	readonly ok: boolean;
	readonly reasons: readonly DomainMessage[];
}

/** Every action leading out of the project's status, each with whether this actor may take it. */
export function explainActions(
	project: Project,
	actor: Actor,
	context: WorkflowContext
): ActionOption[] {
	return TRANSITIONS.filter((t) => t.from === project.status).map((t) => {
		const r = checkTransition(project, t.action, actor, context);
		return { action: t.action, ok: r.ok, reasons: r.ok ? [] : r.reasons };
	});
}

export function availableActions(
	project: Project,
	actor: Actor,
	context: WorkflowContext
): ProjectAction[] {
	return explainActions(project, actor, context)
		.filter((o) => o.ok)
		.map((o) => o.action);
}

export class TransitionRefusedError extends DomainError {
	readonly action: string;
	readonly reasons: readonly DomainMessage[];

	constructor(action: string, reasons: readonly DomainMessage[]) {
		super(
			domainMessage(
				'workflow.refused',
				{ action, reasons: reasons.map((r) => r.code).join(', ') },
				`不能执行“${action}”：${reasons.map((r) => r.zh).join('；')}`,
				`Cannot ${action}: ${reasons.map((r) => r.en).join('; ')}`
			)
		);
		this.name = 'TransitionRefusedError';
		this.action = action;
		this.reasons = reasons;
	}
}

export interface TransitionResult {
	readonly status: ProjectStatus;
	/** Fields to write on the project. */
	readonly set: Partial<Record<TimestampField, IsoTimestamp>> & { readonly fastTrack?: boolean };
	/** Fields to remove: a resubmitted project has no decision yet. */
	readonly clear: readonly TimestampField[];
}

/**
 * The change a permitted transition makes, stamped with `now` (the caller's clock). Throws
 * `TransitionRefusedError` when `checkTransition` refuses. (Re)submission restarts the review
 * clock and records whether the project is fast-tracked under the rules of its year.
 */
export function applyTransition(
	project: Project,
	action: ProjectAction,
	actor: Actor,
	context: WorkflowContext,
	now: IsoTimestamp
): TransitionResult {
	if (!isIsoTimestamp(now)) throw new InvalidDateError(now, 'timestamp');
	const r = checkTransition(project, action, actor, context);
	if (!r.ok) throw new TransitionRefusedError(action, r.reasons);
	const { to, stamp } = r.transition;
	if (stamp === 'submittedAt') {
		return {
			status: to,
			set: { submittedAt: now, fastTrack: isFastTrack(project, context.rules) },
			clear: project.decidedAt === undefined ? [] : ['decidedAt']
		};
	}
	return { status: to, set: { [stamp]: now }, clear: [] };
}

/**
 * Records are archived, never deleted (DESIGN.md). Only a project that holds no money — a draft,
 * one returned to the community, or a rejected one — may be archived: an archived project no
 * longer counts towards the community-year cap, so archiving a submitted or approved project
 * would free allowance that is in fact spent.
 */
export function canArchiveProject(project: Pick<Project, 'status'>): boolean {
	return (
		project.status === 'draft' || project.status === 'returned' || project.status === 'rejected'
	);
}

/**
 * A project's proposal (title, budget, suggestions) may be changed while it is with the community:
 * a draft, or returned by the town to be changed and resubmitted. Once submitted, the town reviews
 * what was submitted; after approval the proposal is what was approved.
 */
export function isProjectEditable(project: Pick<Project, 'status' | 'archived'>): boolean {
	return project.archived !== true && (project.status === 'draft' || project.status === 'returned');
}
