import { describe, expect, it } from 'vitest';
import {
	currentDecision,
	projectAsSeen,
	type Disbursement,
	type ReviewDecision
} from '$lib/domain';
import { makeDisbursement, makeProject } from './factories';

const submitted = makeProject({ status: 'submitted', submittedAt: '2020-03-02T02:00:00.000Z' });

function decision(overrides: Partial<ReviewDecision> = {}): ReviewDecision {
	return {
		id: 'd-1',
		createdAt: '2020-03-05T02:00:00.000Z',
		createdBy: 'jingkai-reviewer',
		project: { room: 'community:tanglian', id: submitted.id },
		decision: 'approve',
		comment: '',
		reviewer: 'jingkai-reviewer',
		decidedAt: '2020-03-05T02:00:00.000Z',
		...overrides
	};
}

describe("the town's decision on a community's project", () => {
	it('turns a submitted project approved, returned or rejected', () => {
		for (const [kind, status] of [
			['approve', 'approved'],
			['return', 'returned'],
			['reject', 'rejected']
		] as const) {
			expect(projectAsSeen(submitted, [decision({ decision: kind, comment: 'x' })])).toMatchObject({
				status,
				decidedAt: '2020-03-05T02:00:00.000Z'
			});
		}
		expect(submitted.status).toBe('submitted');
	});

	it('ignores decisions on other projects, archived ones, and ones older than the latest submission', () => {
		const other = decision({ project: { room: 'community:tanglian', id: 'p-2' } });
		const archived = decision({ archived: true });
		const old = decision({ decision: 'return', decidedAt: '2020-03-01T02:00:00.000Z' });
		expect(projectAsSeen(submitted, [other, archived, old])).toBe(submitted);
		expect(currentDecision(makeProject(), [decision()])).toBeUndefined();
	});

	it('picks the same one of two decisions on every device, whatever their order', () => {
		const a = decision({ id: 'a', decision: 'approve', decidedAt: '2020-03-06T02:00:00.000Z' });
		const b = decision({
			id: 'b',
			decision: 'return',
			comment: 'x',
			decidedAt: '2020-03-06T02:00:00.000Z'
		});
		const c = decision({
			id: 'c',
			decision: 'reject',
			comment: 'x',
			decidedAt: '2020-03-04T02:00:00.000Z'
		});
		expect(currentDecision(submitted, [a, b, c])?.id).toBe('b');
		expect(currentDecision(submitted, [c, b, a])?.id).toBe('b');
	});

	it("keeps the community's own later status and adds the decision's date", () => {
		const started = {
			...submitted,
			status: 'in_progress' as const,
			startedAt: '2020-03-09T02:00:00.000Z'
		};
		expect(projectAsSeen(started, [decision()])).toMatchObject({
			status: 'in_progress',
			decidedAt: '2020-03-05T02:00:00.000Z'
		});
	});
});

describe('acceptance, payment and closing from the town and city rooms', () => {
	const completed = makeProject({
		status: 'completed',
		submittedAt: '2020-03-02T02:00:00.000Z',
		decidedAt: '2020-03-05T02:00:00.000Z',
		completedAt: '2020-06-01T02:00:00.000Z'
	});
	const accept = decision({ id: 'acc', decision: 'accept', decidedAt: '2020-06-10T02:00:00.000Z' });
	const close = decision({ id: 'cl', decision: 'close', decidedAt: '2020-09-01T02:00:00.000Z' });
	const payment = (o: Partial<Disbursement> = {}) =>
		makeDisbursement({ project: { room: 'community:tanglian', id: completed.id }, ...o });

	it('moves a completed project to accepted, disbursed and closed as the records come', () => {
		expect(projectAsSeen(completed, [accept])).toMatchObject({
			status: 'accepted',
			acceptedAt: '2020-06-10T02:00:00.000Z'
		});
		const paid = [payment({ amountFen: 10_000_00 }), payment({ id: 'd-2', amountFen: 20_000_00 })];
		expect(projectAsSeen(completed, [accept], { disbursements: paid })).toMatchObject({
			status: 'disbursed',
			disbursedAt: paid[1]!.paidAt
		});
		expect(projectAsSeen(completed, [accept, close], { disbursements: paid })).toMatchObject({
			status: 'closed',
			closedAt: '2020-09-01T02:00:00.000Z'
		});
	});

	it('skips no step: no payment before acceptance, no closing before payment in full', () => {
		const paid = [payment()];
		expect(projectAsSeen(completed, [], { disbursements: paid }).status).toBe('completed');
		expect(
			projectAsSeen(completed, [accept, close], { disbursements: [payment({ amountFen: 100 })] })
				.status
		).toBe('accepted');
		expect(projectAsSeen(completed, [close], { disbursements: paid }).status).toBe('completed');
	});

	it('counts a payment marked last as paid in full, and ignores archived payments', () => {
		const part = payment({ amountFen: 25_000_00, final: true, paidAt: '2020-07-01T02:00:00.000Z' });
		expect(projectAsSeen(completed, [accept], { disbursements: [part] })).toMatchObject({
			status: 'disbursed',
			disbursedAt: '2020-07-01T02:00:00.000Z'
		});
		expect(
			projectAsSeen(completed, [accept], { disbursements: [{ ...part, archived: true }] }).status
		).toBe('accepted');
	});

	it('leaves approvals to the submission: an accept record does not approve a submitted project', () => {
		expect(projectAsSeen(submitted, [decision({ decision: 'accept' })])).toBe(submitted);
	});

	it('takes each step only from the room whose authors may take it', () => {
		// The city room's supervisors cannot approve or accept; they may close a paid file.
		const city = { decisions: [decision({ decision: 'approve' }), accept] };
		expect(projectAsSeen(submitted, [], city)).toBe(submitted);
		expect(projectAsSeen(completed, [], city).status).toBe('completed');
		const paid = { disbursements: [payment()] };
		expect(projectAsSeen(completed, [accept], { ...paid, decisions: [close] }).status).toBe(
			'closed'
		);
	});
});
