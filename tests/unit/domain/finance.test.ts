import { describe, expect, it } from 'vitest';
import {
	awaitingPayment,
	checkPayment,
	checkWithdrawal,
	moneyLedger,
	moneyTotal,
	owedFen,
	paidFen,
	paidInFullAt
} from '$lib/domain';
import { budget, makeDisbursement, makeProject } from './factories';

const finance = { role: 'finance' as const };
const accepted = makeProject({
	id: 'p-1',
	status: 'accepted',
	budget: budget(20_000_00, 10_000_00)
});
const pay = (id: string, amountFen: number, o = {}) =>
	makeDisbursement({ id, project: { room: 'community:tanglian', id: 'p-1' }, amountFen, ...o });

describe('payments on a project', () => {
	it('adds up live payments of the project only', () => {
		const other = makeDisbursement({ id: 'x', project: { room: 'community:daxin', id: 'p-9' } });
		const list = [pay('a', 100_00), pay('b', 50_00), pay('c', 999_00, { archived: true }), other];
		expect(paidFen('p-1', list)).toBe(150_00);
	});

	it('is paid in full at the payment reaching the budget, or at one marked last', () => {
		const first = pay('a', 10_000_00, { paidAt: '2020-08-01T02:00:00.000Z' });
		const second = pay('b', 20_000_00, { paidAt: '2020-09-01T02:00:00.000Z' });
		expect(paidInFullAt(accepted, [first])).toBeUndefined();
		expect(paidInFullAt(accepted, [second, first])).toBe('2020-09-01T02:00:00.000Z');
		expect(paidInFullAt(accepted, [{ ...first, final: true }])).toBe('2020-08-01T02:00:00.000Z');
	});

	it('refuses payments by others, before acceptance, of nothing, or beyond the budget', () => {
		expect(checkPayment(accepted, 10_000_00, finance, [])).toEqual([]);
		const codes = (r: ReturnType<typeof checkPayment>) => r.map((m) => m.code);
		expect(codes(checkPayment(accepted, 1, { role: 'supervisor' }, []))).toEqual([
			'finance.notFinance'
		]);
		expect(codes(checkPayment({ ...accepted, status: 'completed' }, 1, finance, []))).toEqual([
			'finance.notAccepted'
		]);
		expect(codes(checkPayment(accepted, 0, finance, []))).toEqual(['finance.amount']);
		expect(codes(checkPayment(accepted, 1.5, finance, []))).toEqual(['finance.amount']);
		const over = checkPayment(accepted, 20_000_01, finance, [pay('a', 10_000_00)]);
		expect(codes(over)).toEqual(['finance.overBudget']);
		expect(over[0]!.zh).toContain('20,000.00');
		expect(checkPayment(accepted, 20_000_00, finance, [pay('a', 10_000_00)])).toEqual([]);
		// Without an amount: may this person pay on this project at all (the form is offered)?
		expect(checkPayment(accepted, undefined, finance, [])).toEqual([]);
		expect(
			codes(checkPayment({ ...accepted, status: 'disbursed' }, undefined, finance, []))
		).toEqual(['finance.notAccepted']);
	});

	it('owes what is left of the budget until the project is paid, and lists what waits', () => {
		const paid = [pay('a', 12_000_00)];
		expect(owedFen(accepted, paid)).toBe(18_000_00);
		expect(owedFen({ ...accepted, status: 'in_progress' }, paid)).toBe(18_000_00);
		expect(owedFen({ ...accepted, status: 'disbursed' }, paid)).toBe(0);
		expect(owedFen({ ...accepted, status: 'submitted' }, [])).toBe(0);
		const early = { ...accepted, id: 'p-2', acceptedAt: '2020-07-01T02:00:00.000Z' };
		const late = { ...accepted, acceptedAt: '2020-08-01T02:00:00.000Z' };
		const settled = { ...accepted, id: 'p-3', budget: budget(100_00) };
		const list = awaitingPayment(
			[late, early, settled, { ...accepted, id: 'p-4', status: 'completed' as const }],
			[
				...paid,
				makeDisbursement({
					id: 's',
					project: { room: 'community:tanglian', id: 'p-3' },
					amountFen: 100_00
				})
			]
		);
		expect(list.map((x) => [x.project.id, x.owedFen])).toEqual([
			['p-2', 30_000_00],
			['p-1', 18_000_00]
		]);
	});
});

describe('withdrawing a payment entered by mistake', () => {
	const codes = (r: ReturnType<typeof checkWithdrawal>) => r.map((m) => m.code);
	it('is for finance, with a reason, once, and not on a closed file', () => {
		const payment = pay('a', 100_00);
		expect(checkWithdrawal({ status: 'disbursed' }, payment, finance, '金额录错')).toEqual([]);
		expect(
			codes(checkWithdrawal({ status: 'accepted' }, payment, { role: 'reviewer' }, 'x'))
		).toEqual(['finance.notFinance']);
		expect(codes(checkWithdrawal({ status: 'accepted' }, payment, finance, '  '))).toEqual([
			'finance.noReason'
		]);
		expect(
			codes(checkWithdrawal({ status: 'accepted' }, { archived: true }, finance, 'again'))
		).toEqual(['finance.withdrawn']);
		expect(codes(checkWithdrawal({ status: 'closed' }, payment, finance, 'late'))).toEqual([
			'finance.closed'
		]);
		// Without a reason: may it be withdrawn at all (the button is offered)?
		expect(checkWithdrawal({ status: 'disbursed' }, payment, finance)).toEqual([]);
		expect(codes(checkWithdrawal({ status: 'accepted' }, { archived: true }, finance))).toEqual([
			'finance.withdrawn'
		]);
	});
});

describe('the money ledger', () => {
	const projects = [
		accepted,
		makeProject({ id: 'p-2', status: 'in_progress', budget: budget(50_000_00) }),
		makeProject({ id: 'p-3', status: 'disbursed', budget: budget(40_000_00) }),
		makeProject({ id: 'p-4', status: 'closed', townId: 'yangshe', budget: budget(10_000_00) }),
		makeProject({ id: 'p-5', status: 'submitted', budget: budget(90_000_00) }),
		makeProject({ id: 'p-6', status: 'approved', archived: true, budget: budget(90_000_00) })
	];
	const payments = [
		pay('a', 10_000_00),
		makeDisbursement({
			id: 'b',
			project: { room: 'community:tanglian', id: 'p-3' },
			amountFen: 35_000_00,
			final: true
		}),
		makeDisbursement({
			id: 'c',
			project: { room: 'community:tanglian', id: 'p-4' },
			amountFen: 10_000_00
		})
	];

	it('gives approved, paid, owed and due per town, leaving out what is not produced', () => {
		const rows = moneyLedger(projects, payments, (p) => p.townId);
		expect(rows).toEqual([
			{
				key: 'jingkai',
				projects: 3,
				approvedFen: 120_000_00,
				paidFen: 45_000_00,
				// p-1 owes 20,000 (due now), p-2 all 50,000; p-3 was paid with its last payment.
				owedFen: 70_000_00,
				dueFen: 20_000_00
			},
			{
				key: 'yangshe',
				projects: 1,
				approvedFen: 10_000_00,
				paidFen: 10_000_00,
				owedFen: 0,
				dueFen: 0
			}
		]);
		expect(moneyTotal(rows)).toEqual({
			projects: 4,
			approvedFen: 130_000_00,
			paidFen: 55_000_00,
			owedFen: 70_000_00,
			dueFen: 20_000_00
		});
	});

	it('groups by any key: per project, per year', () => {
		expect(moneyLedger(projects, payments, (p) => p.id).map((r) => r.key)).toEqual([
			'p-1',
			'p-2',
			'p-3',
			'p-4'
		]);
		expect(moneyLedger(projects, payments, (p) => String(p.year))).toHaveLength(1);
	});
});
