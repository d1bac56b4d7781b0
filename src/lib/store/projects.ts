import {
	applyTransition,
	checkPayment,
	checkWithdrawal,
	paidInFullAt,
	TransitionRefusedError,
	findCapBreaches,
	isProjectEditable,
	rulesOfYear,
	validateRecord,
	projectAsSeen,
	type Actor,
	type BudgetLine,
	type CapBreach,
	type CityRulesRecord,
	type Disbursement,
	type Project,
	type ProjectAction,
	type ProjectCompletion,
	type RecordRef,
	type ReviewDecision,
	type ReviewDecisionKind,
	type WorkflowContext
} from '$lib/domain';
import { commit, commitWithPhotos, type CommandContext } from './commands';
import type { ProcessedPhoto } from './photo-types';
import {
	appendToRecord,
	createRecord,
	InvalidRecordError,
	updateRecord,
	type RecordSource,
	type StoredRecord
} from '$lib/doc/records';

/**
 * Projects (DOMAIN.md steps 3–5) on the offline layer. A project lives in its community's room;
 * the town's decisions live in the town's room, finance's payments in the finance room, and
 * `projectAsSeen` (domain) puts them together.
 * Every cap and every step is checked by the domain core on the merged documents of the device,
 * never on what one form holds.
 */

const touches = ['project', 'photo'];

export interface ProjectInput {
	title: string;
	type: string;
	summary: string;
	urgent: boolean;
	budget: BudgetLine[];
	suggestions: RecordRef[];
}

/** Where a community's projects are read from: the community and its town by the directory. */
export interface ProjectPlace {
	readonly communityId: string;
	readonly townId: string | undefined;
}

/** The rooms whose records decide a community's projects' steps (`projectAsSeen`). */
export interface AuthorityRooms {
	/** The room of the community's town (by the directory). */
	readonly town?: RecordSource;
	readonly city?: RecordSource;
	readonly finance?: RecordSource;
}

/**
 * The community's projects as everyone sees them: with its town's decisions, the city's closings
 * and finance's payments applied (`projectAsSeen`).
 */
export function effectiveProjects(
	community: RecordSource,
	place: ProjectPlace,
	rooms: AuthorityRooms
): StoredRecord<'project'>[] {
	const from = { ...place, townDecisions: townDecisions(rooms.town), ...cityAuthority(rooms) };
	return community
		.records('project')
		.map((stored) =>
			stored.record ? { ...stored, record: projectAsSeen(stored.record, from) } : stored
		);
}

/** The decisions kept in a town's room. */
export function townDecisions(town: RecordSource | undefined): ReviewDecision[] {
	return town ? town.valid('reviewDecision') : [];
}

/** What the city-wide rooms say about projects: supervisors' closings, finance's payments. */
export function cityAuthority(rooms: Pick<AuthorityRooms, 'city' | 'finance'>): {
	cityDecisions: ReviewDecision[];
	payments: Disbursement[];
} {
	return {
		cityDecisions: rooms.city ? rooms.city.valid('reviewDecision') : [],
		payments: rooms.finance ? rooms.finance.valid('disbursement') : []
	};
}

/** The city's rules as kept in the city room (invalid records are left out of the choice). */
export function cityRules(city: RecordSource | undefined): CityRulesRecord[] {
	return city ? city.valid('cityRules') : [];
}

/** The rules of a year, or undefined when the city has not entered them (the screen says so). */
export { rulesOfYear } from '$lib/domain';

/** Every cap the merged projects break, with each year's own rules. */
export function capBreaches(
	projects: readonly Project[],
	rules: readonly CityRulesRecord[]
): CapBreach[] {
	const years = new Set(projects.map((p) => p.year));
	const known = [...years].filter((y) => rulesOfYear(rules, y) !== undefined);
	return findCapBreaches(
		projects.filter((p) => known.includes(p.year)),
		(year) => rulesOfYear(rules, year)!
	);
}

export async function createProject(
	ctx: CommandContext,
	input: ProjectInput,
	where: { communityId: string; townId: string; year: number }
): Promise<Project> {
	const now = ctx.now();
	const project: Project = {
		id: ctx.newId(),
		createdAt: now.toISOString(),
		createdBy: ctx.author.id,
		communityId: where.communityId,
		townId: where.townId,
		year: where.year,
		title: input.title.trim(),
		type: input.type,
		summary: input.summary.trim(),
		suggestions: input.suggestions,
		budget: input.budget,
		urgent: input.urgent,
		fastTrack: false,
		status: 'draft',
		progress: []
	};
	const checked = validateRecord('project', project);
	if (!checked.ok) throw new InvalidRecordError('project', checked.issues);
	await commit(ctx, 'createProject', touches, (origin) => {
		createRecord(ctx.roomDoc.doc, 'project', project, origin, ctx.author, now);
	});
	return project;
}

/** Changes a draft (or a returned project): only the fields that differ are written. */
export async function editProject(
	ctx: CommandContext,
	project: Project,
	patch: Partial<ProjectInput>
): Promise<string[]> {
	if (!isProjectEditable(project)) throw new Error(`A ${project.status} project cannot be changed`);
	const now = ctx.now();
	let changed: string[] = [];
	const clean: Partial<Project> = {
		...patch,
		...(patch.title !== undefined ? { title: patch.title.trim() } : {}),
		...(patch.summary !== undefined ? { summary: patch.summary.trim() } : {})
	};
	await commit(ctx, 'editProject', touches, (origin) => {
		changed = updateRecord(ctx.roomDoc.doc, 'project', project.id, clean, origin, ctx.author, now);
	});
	return changed;
}

/**
 * Takes a step of the workflow (submit, start…) as the domain core allows it on the merged data,
 * writing the status and the timestamps it sets. Throws TransitionRefusedError with every reason.
 */
export async function takeAction(
	ctx: CommandContext,
	project: Project,
	action: ProjectAction,
	actor: Actor,
	context: WorkflowContext
): Promise<void> {
	const now = ctx.now();
	const result = applyTransition(project, action, actor, context, now.toISOString());
	const patch: Record<string, unknown> = { status: result.status, ...result.set };
	for (const field of result.clear) patch[field] = undefined;
	// The town's approval is read from its room; the community's record keeps its date once the
	// community moves the project on, so the record stays valid on its own.
	if (project.decidedAt !== undefined && !result.clear.includes('decidedAt')) {
		patch.decidedAt ??= project.decidedAt;
	}
	await commit(ctx, `project.${action}`, touches, (origin) => {
		updateRecord(ctx.roomDoc.doc, 'project', project.id, patch, origin, ctx.author, now);
	});
}

/** A progress report with photos (DOMAIN.md step 4), appended: two tablets' reports both stay. */
export async function addProgress(
	ctx: CommandContext,
	project: Project,
	note: string,
	photos: ProcessedPhoto[]
): Promise<void> {
	const now = ctx.now();
	const update = {
		id: ctx.newId(),
		at: now.toISOString(),
		by: ctx.author.id,
		note: note.trim(),
		photos: photos.map((p) => p.sha256)
	};
	await commitWithPhotos(ctx, 'addProgress', touches, photos, now, (origin) => {
		appendToRecord(
			ctx.roomDoc.doc,
			'project',
			project.id,
			'progress',
			[update],
			origin,
			ctx.author,
			now
		);
	});
}

/**
 * Completes the project with its evidence photos (DOMAIN.md step 5): the completion and the step
 * are one change, checked by the domain (no evidence, no completion).
 */
export async function completeProject(
	ctx: CommandContext,
	project: Project,
	note: string,
	photos: ProcessedPhoto[],
	actor: Actor,
	context: WorkflowContext
): Promise<void> {
	const now = ctx.now();
	const completion: ProjectCompletion = {
		at: now.toISOString(),
		by: ctx.author.id,
		note: note.trim(),
		photos: photos.map((p) => p.sha256)
	};
	const withEvidence: Project = { ...project, completion };
	const result = applyTransition(withEvidence, 'complete', actor, context, now.toISOString());
	await commitWithPhotos(ctx, 'completeProject', touches, photos, now, (origin) => {
		const patch: Record<string, unknown> = { completion, status: result.status, ...result.set };
		if (project.decidedAt !== undefined) patch.decidedAt = project.decidedAt;
		updateRecord(ctx.roomDoc.doc, 'project', project.id, patch, origin, ctx.author, now);
	});
}

/**
 * A step on a community's project taken by someone who may not write the community's room
 * (DESIGN.md, "Rooms"): the town's reviewer approves, returns or rejects a submission and accepts
 * finished work, in the town's room; the file is closed by the town's reviewer or a city
 * supervisor, each in their own room (`ctx`). Checked by the domain on the merged projects first —
 * an approval that would break the committed community-year cap, or a return without a comment,
 * is refused with the reasons.
 */
export async function decideProject(
	ctx: CommandContext,
	project: Project,
	communityRoom: string,
	decision: ReviewDecisionKind,
	comment: string,
	actor: Actor,
	context: WorkflowContext
): Promise<void> {
	const now = ctx.now();
	applyTransition(project, decision, actor, { ...context, comment }, now.toISOString());
	const record: ReviewDecision = {
		id: ctx.newId(),
		createdAt: now.toISOString(),
		createdBy: ctx.author.id,
		project: { room: communityRoom, id: project.id },
		decision,
		comment: comment.trim(),
		reviewer: ctx.author.id,
		decidedAt: now.toISOString()
	};
	await commit(ctx, `review.${decision}`, ['reviewDecision'], (origin) => {
		createRecord(ctx.roomDoc.doc, 'reviewDecision', record, origin, ctx.author, now);
	});
}

/**
 * A payment by finance, in the finance room (`financeCtx`), on a project the town has accepted
 * (`checkPayment`: never beyond the budget). `final` marks the last payment when the work cost less than approved;
 * a payment that marks the project paid must also pass the workflow's `disburse` step.
 */
export async function recordDisbursement(
	financeCtx: CommandContext,
	project: Project & { ref: RecordRef },
	input: { amountFen: number; note: string; final: boolean },
	actor: Actor,
	context: WorkflowContext
): Promise<Disbursement> {
	const now = financeCtx.now();
	const earlier = context.disbursements ?? [];
	const reasons = checkPayment(project, input.amountFen, actor, earlier);
	if (reasons.length > 0) throw new TransitionRefusedError('disburse', reasons);
	const payment: Disbursement = {
		id: financeCtx.newId(),
		createdAt: now.toISOString(),
		createdBy: financeCtx.author.id,
		project: project.ref,
		amountFen: input.amountFen,
		paidAt: now.toISOString(),
		by: financeCtx.author.id,
		...(input.note.trim() ? { note: input.note.trim() } : {}),
		...(input.final ? { final: true } : {})
	};
	const after = [...earlier, payment];
	if (paidInFullAt(project, after) !== undefined) {
		applyTransition(
			project,
			'disburse',
			actor,
			{ ...context, disbursements: after },
			payment.paidAt
		);
	}
	const checked = validateRecord('disbursement', payment);
	if (!checked.ok) throw new InvalidRecordError('disbursement', checked.issues);
	await commit(financeCtx, 'disburse', ['disbursement'], (origin) => {
		createRecord(financeCtx.roomDoc.doc, 'disbursement', payment, origin, financeCtx.author, now);
	});
	return payment;
}

/**
 * Withdraws a payment entered by mistake (`checkWithdrawal`): archived with the reason in the
 * finance room, never deleted, so the history keeps who entered and who withdrew it.
 */
export async function withdrawPayment(
	financeCtx: CommandContext,
	project: Project,
	payment: Disbursement,
	reason: string,
	actor: Actor
): Promise<void> {
	const reasons = checkWithdrawal(project, payment, actor, reason);
	if (reasons.length > 0) throw new TransitionRefusedError('withdraw', reasons);
	const now = financeCtx.now();
	await commit(financeCtx, 'withdrawPayment', ['disbursement'], (origin) => {
		updateRecord(
			financeCtx.roomDoc.doc,
			'disbursement',
			payment.id,
			{ archived: true, withdrawnReason: reason.trim() },
			origin,
			financeCtx.author,
			now
		);
	});
}
