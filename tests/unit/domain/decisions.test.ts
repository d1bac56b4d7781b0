import { describe, expect, it } from 'vitest';
import {
	currentDecision,
	projectAsSeen,
	type Disbursement,
	type Project,
	type ReviewDecision
} from '$lib/domain';
import { makeDisbursement, makeProject } from './factories';

const submitted = makeProject({ status: 'submitted', submittedAt: '2020-03-02T02:00:00.000Z' });

/** The project as read from tanglian's room (town jingkai) with these rooms' records. */
function seen(
	project: Project,
	townDecisions: ReviewDecision[],
	others: { cityDecisions?: ReviewDecision[]; payments?: Disbursement[] } = {}
) {
	return projectAsSeen(project, {
		communityId: 'tanglian',
		townId: 'jingkai',
		townDecisions,
		...others
	});
}

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
			expect(seen(submitted, [decision({ decision: kind, comment: 'x' })])).toMatchObject({
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
		expect(seen(submitted, [other, archived, old])).toEqual(submitted);
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
		expect(seen(started, [decision()])).toMatchObject({
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
		completedAt: '2020-06-01T02:00:00.000Z',
		completion: {
			at: '2020-06-01T02:00:00.000Z',
			by: 'tanglian-1',
			note: '',
			photos: ['a'.repeat(64)]
		}
	});
	const approval = decision({ id: 'ap' });
	const accept = decision({ id: 'acc', decision: 'accept', decidedAt: '2020-06-10T02:00:00.000Z' });
	const close = decision({ id: 'cl', decision: 'close', decidedAt: '2020-09-01T02:00:00.000Z' });
	const payment = (o: Partial<Disbursement> = {}) =>
		makeDisbursement({ project: { room: 'community:tanglian', id: completed.id }, ...o });

	it('moves a completed project to accepted, disbursed and closed as the records come', () => {
		expect(seen(completed, [approval, accept])).toMatchObject({
			status: 'accepted',
			acceptedAt: '2020-06-10T02:00:00.000Z'
		});
		const paid = [payment({ amountFen: 10_000_00 }), payment({ id: 'd-2', amountFen: 20_000_00 })];
		expect(seen(completed, [approval, accept], { payments: paid })).toMatchObject({
			status: 'disbursed',
			disbursedAt: paid[1]!.paidAt
		});
		expect(seen(completed, [approval, accept, close], { payments: paid })).toMatchObject({
			status: 'closed',
			closedAt: '2020-09-01T02:00:00.000Z'
		});
	});

	it('skips no step: no payment before acceptance, no closing before payment in full', () => {
		const paid = [payment()];
		expect(seen(completed, [approval], { payments: paid }).status).toBe('completed');
		expect(
			seen(completed, [approval, accept, close], { payments: [payment({ amountFen: 100 })] }).status
		).toBe('accepted');
		expect(seen(completed, [approval, close], { payments: paid }).status).toBe('completed');
	});

	it('counts a payment marked last as paid in full, and ignores archived payments', () => {
		const part = payment({ amountFen: 25_000_00, final: true, paidAt: '2020-07-01T02:00:00.000Z' });
		expect(seen(completed, [approval, accept], { payments: [part] })).toMatchObject({
			status: 'disbursed',
			disbursedAt: '2020-07-01T02:00:00.000Z'
		});
		expect(
			seen(completed, [approval, accept], { payments: [{ ...part, archived: true }] }).status
		).toBe('accepted');
	});

	it('leaves approvals to the submission: an accept record does not approve a submitted project', () => {
		expect(seen(submitted, [decision({ decision: 'accept' })])).toEqual(submitted);
	});

	it('takes each step only from the room whose authors may take it', () => {
		// The city room's supervisors cannot approve or accept; they may close a paid file.
		const city = { cityDecisions: [decision({ decision: 'approve' }), accept] };
		expect(seen(submitted, [], city)).toEqual(submitted);
		expect(seen(completed, [approval], city).status).toBe('completed');
		const paid = { payments: [payment()] };
		expect(seen(completed, [approval, accept], { ...paid, cityDecisions: [close] }).status).toBe(
			'closed'
		);
	});
});

describe('a status counts only from its authority, whatever the project claims', () => {
	const evidence = {
		at: '2020-06-01T02:00:00.000Z',
		by: 'tanglian-1',
		note: '',
		photos: ['b'.repeat(64)]
	};
	const forged = (status: Project['status']) =>
		makeProject({
			status,
			submittedAt: '2020-03-02T02:00:00.000Z',
			decidedAt: '2020-03-03T02:00:00.000Z',
			startedAt: '2020-03-04T02:00:00.000Z',
			completedAt: '2020-06-01T02:00:00.000Z',
			acceptedAt: '2020-06-02T02:00:00.000Z',
			disbursedAt: '2020-06-03T02:00:00.000Z',
			closedAt: '2020-06-04T02:00:00.000Z',
			completion: evidence
		});

	it('reads a stored approved, accepted, disbursed or closed as submitted without the town', () => {
		for (const status of ['approved', 'accepted', 'disbursed', 'closed', 'in_progress'] as const) {
			const view = seen(forged(status), []);
			expect(view.status, status).toBe('submitted');
			for (const stamp of ['decidedAt', 'acceptedAt', 'disbursedAt', 'closedAt'] as const) {
				expect(view[stamp], `${status} ${stamp}`).toBeUndefined();
			}
		}
	});

	it('takes the stamps of others from their records, not from the project', () => {
		const approval = decision({ decidedAt: '2020-03-05T02:00:00.000Z' });
		const view = seen(forged('closed'), [approval]);
		expect(view).toMatchObject({ status: 'completed', decidedAt: '2020-03-05T02:00:00.000Z' });
		expect(view.acceptedAt).toBeUndefined();
		expect(view.closedAt).toBeUndefined();
	});

	it('does not let the community start or finish a project the town returned or rejected', () => {
		for (const [kind, status] of [
			['return', 'returned'],
			['reject', 'rejected']
		] as const) {
			const answer = decision({ decision: kind, comment: 'x' });
			expect(seen(forged('in_progress'), [answer]).status).toBe(status);
			expect(seen(forged('completed'), [answer]).status).not.toMatch(/completed|accepted/);
		}
	});

	it('needs evidence for completed: without photos a finished claim is only started', () => {
		const bare = { ...forged('completed'), completion: { ...evidence, photos: [] } };
		expect(seen(bare, [decision({ decidedAt: '2020-03-05T02:00:00.000Z' })]).status).toBe(
			'in_progress'
		);
	});

	it('ignores decisions naming another community, and all of them when the town is unknown', () => {
		const elsewhere = decision({ project: { room: 'community:yangshe-1', id: submitted.id } });
		expect(seen(submitted, [elsewhere]).status).toBe('submitted');
		const unknown = projectAsSeen(submitted, {
			communityId: 'tanglian',
			townId: undefined,
			townDecisions: [decision()]
		});
		expect(unknown.status).toBe('submitted');
	});

	it("puts the project in the room's community and the directory's town, whatever it says", () => {
		const labelled = makeProject({ communityId: 'elsewhere', townId: 'yangshe' });
		expect(seen(labelled, [])).toMatchObject({ communityId: 'tanglian', townId: 'jingkai' });
	});

	it('counts payments only as given (the finance room), closings of the city only', () => {
		const completed = { ...forged('completed') };
		const town = [
			decision({ id: 'ap', decidedAt: '2020-03-05T02:00:00.000Z' }),
			decision({ id: 'acc', decision: 'accept', decidedAt: '2020-06-10T02:00:00.000Z' })
		];
		expect(seen(completed, town).status).toBe('accepted');
		const paid = makeDisbursement({ project: { room: 'community:tanglian', id: completed.id } });
		const cityApproves = decision({ id: 'x', decision: 'reject', comment: 'x' });
		expect(seen(completed, town, { payments: [paid], cityDecisions: [cityApproves] }).status).toBe(
			'disbursed'
		);
	});
});
