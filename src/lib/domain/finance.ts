import type { Actor } from './workflow';
import { COMMITTED_STATUSES, projectBudgetFen } from './budget';
import { domainMessage, type DomainMessage } from './errors';
import { formatYuan, sumFen, type Fen } from './money';
import type { Disbursement, Project, ProjectStatus } from './records';

/**
 * Following the money (DOMAIN.md, "Money rules" and step 5: funds are paid out after completion;
 * the third line of defence checks that they were). Finance records each payment in the city's
 * room against a project the town has accepted; several payments may be made, never more than
 * the approved budget. The project counts as paid (`disbursed`) when a payment is marked as the
 * last one — the work may have cost less than approved — or when the budget is paid in full.
 *
 * What a programme owes: the approved budget of every produced project (approved and onwards),
 * less what was paid, until the project is paid; a paid project owes nothing more. Of that, what
 * is due now is the part owed on projects the town has accepted.
 */

/** Paid in full by the records: nothing more is owed (and the spot-check draws from these). */
export const PAID_STATUSES: readonly ProjectStatus[] = ['disbursed', 'closed'];

function paymentsOf(projectId: string, disbursements: readonly Disbursement[]): Disbursement[] {
	return disbursements.filter((d) => d.project.id === projectId && d.archived !== true);
}

/**
 * Each project's payments, so that a ledger over thousands of projects reads the payments once
 * rather than once per project (the city's money screen at a thousand communities).
 */
function paymentsByProject(disbursements: readonly Disbursement[]): Map<string, Disbursement[]> {
	const out = new Map<string, Disbursement[]>();
	for (const d of disbursements) {
		const list = out.get(d.project.id);
		if (list) list.push(d);
		else out.set(d.project.id, [d]);
	}
	return out;
}

export function paidFen(projectId: string, disbursements: readonly Disbursement[]): Fen {
	return sumFen(paymentsOf(projectId, disbursements).map((d) => d.amountFen));
}

/** What is left to pay of the budget: none once the project is paid (or nothing is committed). */
export function owedFen(project: Project, disbursements: readonly Disbursement[]): Fen {
	if (!COMMITTED_STATUSES.includes(project.status) || PAID_STATUSES.includes(project.status)) {
		return 0;
	}
	return Math.max(0, projectBudgetFen(project) - paidFen(project.id, disbursements));
}

/** Finance's list of work: accepted projects with money still owed, the longest waiting first. */
export function awaitingPayment<P extends Project>(
	projects: readonly P[],
	disbursements: readonly Disbursement[]
): { project: P; owedFen: Fen }[] {
	const byProject = paymentsByProject(disbursements);
	return projects
		.filter((p) => p.status === 'accepted' && p.archived !== true)
		.map((project) => ({ project, owedFen: owedFen(project, byProject.get(project.id) ?? []) }))
		.filter((x) => x.owedFen > 0)
		.sort((a, b) => (a.project.acceptedAt ?? '').localeCompare(b.project.acceptedAt ?? ''));
}

/**
 * When the project was paid, if it is: the time of the payment marked last, or of the payment
 * that reached the budget; undefined while money is still owed.
 */
export function paidInFullAt(
	project: Pick<Project, 'id' | 'budget'>,
	disbursements: readonly Disbursement[]
): string | undefined {
	const budget = projectBudgetFen(project);
	let paid = 0;
	const ordered = paymentsOf(project.id, disbursements).sort(
		(a, b) => a.paidAt.localeCompare(b.paidAt) || a.id.localeCompare(b.id)
	);
	for (const d of ordered) {
		paid += d.amountFen;
		if (d.final === true || (budget > 0 && paid >= budget)) return d.paidAt;
	}
	return undefined;
}

function msg(code: string, params: Record<string, string | number>, zh: string, en: string) {
	return domainMessage(`finance.${code}`, params, zh, en);
}

/**
 * Every reason a payment of `amountFen` may not be recorded now (none when it may): finance
 * pays, on a project the town has accepted, more than nothing and not beyond the budget. Without
 * an amount, whether this person may pay on this project at all (the form is offered).
 */
export function checkPayment(
	project: Project,
	amountFen: number | undefined,
	actor: Pick<Actor, 'role'>,
	disbursements: readonly Disbursement[]
): DomainMessage[] {
	const reasons: DomainMessage[] = [];
	if (actor.role !== 'finance') {
		reasons.push(msg('notFinance', {}, '拨付由市财政局登记', 'Payments are recorded by finance'));
	}
	if (project.status !== 'accepted') {
		reasons.push(
			msg(
				'notAccepted',
				{ status: project.status },
				'项目须经镇（街道）验收后方可拨付',
				'A project is paid after the town has accepted it'
			)
		);
	}
	if (amountFen === undefined) return reasons;
	if (!Number.isSafeInteger(amountFen) || amountFen <= 0) {
		reasons.push(msg('amount', {}, '拨付金额必须大于零', 'The amount must be more than zero'));
		return reasons;
	}
	const owed = Math.max(0, projectBudgetFen(project) - paidFen(project.id, disbursements));
	if (amountFen > owed) {
		reasons.push(
			msg(
				'overBudget',
				{ owedFen: owed, owed: formatYuan(owed) },
				`超过尚未拨付的预算 ${formatYuan(owed)}`,
				`More than the ${formatYuan(owed)} of the budget not yet paid`
			)
		);
	}
	return reasons;
}

/**
 * Every reason a recorded payment may not be withdrawn now (none when it may). A wrong entry is
 * withdrawn, never deleted: it is archived with the reason and stops counting, so the project may
 * again be owed money. Only finance withdraws, with a reason, and not once the file is closed —
 * a closed file is the city's final word on the project. Without a reason, whether this payment
 * may be withdrawn at all (the button is offered).
 */
export function checkWithdrawal(
	project: Pick<Project, 'status'>,
	payment: Pick<Disbursement, 'archived'>,
	actor: Pick<Actor, 'role'>,
	reason?: string
): DomainMessage[] {
	const reasons: DomainMessage[] = [];
	if (actor.role !== 'finance') {
		reasons.push(msg('notFinance', {}, '拨付由市财政局登记', 'Payments are recorded by finance'));
	}
	if (payment.archived === true) {
		reasons.push(msg('withdrawn', {}, '这笔拨付已经撤销', 'This payment is already withdrawn'));
	}
	if (project.status === 'closed') {
		reasons.push(
			msg('closed', {}, '项目已结项，拨付不能撤销', 'The file is closed: its payments stand')
		);
	}
	if (reason !== undefined && reason.trim() === '') {
		reasons.push(msg('noReason', {}, '撤销拨付须说明原因', 'Withdrawing a payment needs a reason'));
	}
	return reasons;
}

export interface MoneyRow {
	/** What the row groups by: a project, community or town id, or a year. */
	readonly key: string;
	readonly projects: number;
	/** Budget of the produced projects. */
	readonly approvedFen: Fen;
	readonly paidFen: Fen;
	/** Approved and not yet paid, on projects not yet paid in full. */
	readonly owedFen: Fen;
	/** The part of `owedFen` on projects the town has accepted: payable now. */
	readonly dueFen: Fen;
}

/**
 * Approved, paid and owed per group (`keyOf`: the project's id, community, town or year), over
 * the produced, unarchived projects, in the order of the keys.
 */
export function moneyLedger(
	projects: readonly Project[],
	disbursements: readonly Disbursement[],
	keyOf: (p: Project) => string
): MoneyRow[] {
	const rows = new Map<
		string,
		{ projects: number; approved: Fen; paid: Fen; owed: Fen; due: Fen }
	>();
	const byProject = paymentsByProject(disbursements);
	for (const p of projects) {
		if (p.archived === true || !COMMITTED_STATUSES.includes(p.status)) continue;
		const key = keyOf(p);
		const row = rows.get(key) ?? { projects: 0, approved: 0, paid: 0, owed: 0, due: 0 };
		const payments = byProject.get(p.id) ?? [];
		const owed = owedFen(p, payments);
		row.projects += 1;
		row.approved += projectBudgetFen(p);
		row.paid += paidFen(p.id, payments);
		row.owed += owed;
		if (p.status === 'accepted') row.due += owed;
		rows.set(key, row);
	}
	return [...rows.entries()]
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([key, r]) => ({
			key,
			projects: r.projects,
			approvedFen: r.approved,
			paidFen: r.paid,
			owedFen: r.owed,
			dueFen: r.due
		}));
}

/** The sum of ledger rows: the programme's line. */
export function moneyTotal(rows: readonly MoneyRow[]): Omit<MoneyRow, 'key'> {
	const sum = (f: (r: MoneyRow) => number) => rows.reduce((s, r) => s + f(r), 0);
	return {
		projects: sum((r) => r.projects),
		approvedFen: sum((r) => r.approvedFen),
		paidFen: sum((r) => r.paidFen),
		owedFen: sum((r) => r.owedFen),
		dueFen: sum((r) => r.dueFen)
	};
}
