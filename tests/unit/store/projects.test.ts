import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	monthlyReport,
	TransitionRefusedError,
	ZHANGJIAGANG_2020,
	type CityRulesRecord
} from '$lib/domain';
import {
	addProgress,
	capBreaches,
	completeProject,
	createProject,
	decideProject,
	editProject,
	effectiveProjects,
	recordDisbursement,
	takeAction,
	withdrawPayment,
	type ProjectInput
} from '$lib/store/projects';
import { createRecord, docRecords, readRecords } from '$lib/doc/records';
import { LocalChange } from '$lib/store/room-doc';
import { budget, finance, makeProject, reviewer, supervisor, worker } from '../domain/factories';
import { context, exchange, fakePhoto, fixedClock, newDevice, open } from './helpers';

const rules: CityRulesRecord[] = [
	{ ...ZHANGJIAGANG_2020, id: 'r', createdAt: '2020-01-01T00:00:00.000Z', createdBy: 'admin' }
];
const where = { communityId: 'tanglian', townId: 'jingkai', year: 2020 };
/** The projects are read from tanglian's room; its town is jingkai. */
const place = { communityId: 'tanglian', townId: 'jingkai' };
const input = (yuan: number, title = `项目 ${yuan}`): ProjectInput => ({
	title,
	type: 'engineering',
	summary: '',
	urgent: false,
	budget: budget(yuan * 100),
	suggestions: []
});

function workflow(doc: Y.Doc) {
	const projects = effectiveProjects(docRecords(doc), place, {}).flatMap((r) =>
		r.record ? [r.record] : []
	);
	return { rules: rules[0]!, communityProjects: projects };
}

describe('projects on the offline layer', () => {
	it('refuses a 120,000-yuan submission with the reason and the amount, and fast-tracks 9,000', async () => {
		const tablet = await open(newDevice());
		const ctx = context(tablet);
		const big = await createProject(ctx, input(120_000), where);
		const error = await takeAction(ctx, big, 'submit', worker, workflow(tablet.doc)).catch(
			(e) => e
		);
		expect(error).toBeInstanceOf(TransitionRefusedError);
		expect((error as TransitionRefusedError).reasons.map((r) => r.en).join(' ')).toMatch(/100,000/);
		expect(effectiveProjects(docRecords(tablet.doc), place, {})[0]?.record?.status).toBe('draft');

		const small = await createProject(ctx, input(9_000), where);
		await takeAction(ctx, small, 'submit', worker, workflow(tablet.doc));
		const stored = effectiveProjects(docRecords(tablet.doc), place, {}).find(
			(r) => r.id === small.id
		)!;
		expect(stored.record).toMatchObject({ status: 'submitted', fastTrack: true });
		expect(stored.issues).toEqual([]);
	});

	it('lets two offline tablets each submit 90,000 and shows the breach on both after the merge', async () => {
		const a = await open(newDevice());
		const b = await open(newDevice());
		const pa = await createProject(context(a), input(90_000, 'A 的项目'), where);
		await takeAction(context(a), pa, 'submit', worker, workflow(a.doc));
		const pb = await createProject(
			context(b, { id: 'w2', name: 'W2' }),
			input(90_000, 'B 的项目'),
			where
		);
		await takeAction(context(b, { id: 'w2', name: 'W2' }), pb, 'submit', worker, workflow(b.doc));
		expect(capBreaches(workflow(a.doc).communityProjects, rules)).toEqual([]);

		exchange(a.doc, b.doc);
		for (const tablet of [a, b]) {
			const breaches = capBreaches(workflow(tablet.doc).communityProjects, rules);
			expect(breaches).toHaveLength(1);
			expect(breaches[0]).toMatchObject({ kind: 'community-year', overFen: 15_000_00 });
			expect([...breaches[0]!.projectIds].sort()).toEqual([pa.id, pb.id].sort());
		}
	});

	it("applies the town's decision from the town room, and only a draft can be changed", async () => {
		const tablet = await open(newDevice());
		const ctx = context(tablet);
		const p = await createProject(ctx, input(30_000), where);
		expect(await editProject(ctx, p, { title: '改过的标题' })).toEqual(['title']);
		const [draft] = effectiveProjects(docRecords(tablet.doc), place, {});
		await takeAction(ctx, draft!.record!, 'submit', worker, workflow(tablet.doc));
		const submitted = effectiveProjects(docRecords(tablet.doc), place, {})[0]!.record!;
		await expect(editProject(ctx, submitted, { title: 'x' })).rejects.toThrow(/submitted/);

		const town = new Y.Doc();
		createRecord(
			town,
			'reviewDecision',
			{
				id: 'd1',
				createdAt: '2030-01-01T00:00:00.000Z',
				createdBy: 'jingkai-reviewer',
				project: { room: 'community:tanglian', id: p.id },
				decision: 'approve',
				comment: '',
				reviewer: 'jingkai-reviewer',
				decidedAt: '2030-01-01T00:00:00.000Z'
			},
			new LocalChange('t', 'r'),
			{ id: 'r', name: 'R' },
			new Date()
		);
		const approved = effectiveProjects(docRecords(tablet.doc), place, {
			town: docRecords(town)
		})[0]!.record!;
		expect(approved.status).toBe('approved');
		await takeAction(ctx, approved, 'start', worker, workflow(tablet.doc));
		const started = effectiveProjects(docRecords(tablet.doc), place, {
			town: docRecords(town)
		})[0]!;
		expect(started.issues).toEqual([]);
		expect(started.record).toMatchObject({
			status: 'in_progress',
			decidedAt: '2030-01-01T00:00:00.000Z'
		});

		await addProgress(ctx, started.record!, '完成一半', [await fakePhoto('progress')]);
		expect(
			effectiveProjects(docRecords(tablet.doc), place, { town: docRecords(town) })[0]!.record!
				.progress
		).toHaveLength(1);

		// No evidence, no completion; with a photo it completes.
		const inProgress = effectiveProjects(docRecords(tablet.doc), place, {
			town: docRecords(town)
		})[0]!.record!;
		await expect(
			completeProject(ctx, inProgress, '完工', [], worker, workflow(tablet.doc))
		).rejects.toBeInstanceOf(TransitionRefusedError);
		const evidence = await fakePhoto('evidence');
		await completeProject(ctx, inProgress, '完工', [evidence], worker, workflow(tablet.doc));
		const done = effectiveProjects(docRecords(tablet.doc), place, { town: docRecords(town) })[0]!;
		expect(done.issues).toEqual([]);
		expect(done.record).toMatchObject({
			status: 'completed',
			completion: { note: '完工', photos: [evidence.sha256] }
		});
		expect(await tablet.db.photoQueue.get(evidence.sha256)).toBeDefined();
	});
});

describe("the town's review", () => {
	it('writes the decision in the town room, refusing a return without a comment', async () => {
		const community = await open(newDevice());
		const town = await open(newDevice(), 'town:jingkai');
		const p = await createProject(context(community), input(20_000), where);
		await takeAction(context(community), p, 'submit', worker, workflow(community.doc));
		const submitted = effectiveProjects(docRecords(community.doc), place, {
			town: docRecords(town.doc)
		})[0]!.record!;
		const townCtx = context(town, { id: 'jingkai-reviewer', name: '经开区审核' });

		await expect(
			decideProject(
				townCtx,
				submitted,
				'community:tanglian',
				'return',
				' ',
				reviewer,
				workflow(community.doc)
			)
		).rejects.toBeInstanceOf(TransitionRefusedError);
		expect(readRecords(town.doc, 'reviewDecision')).toEqual([]);
		// Only a reviewer decides.
		await expect(
			decideProject(
				townCtx,
				submitted,
				'community:tanglian',
				'approve',
				'',
				worker,
				workflow(community.doc)
			)
		).rejects.toBeInstanceOf(TransitionRefusedError);

		await decideProject(
			townCtx,
			submitted,
			'community:tanglian',
			'approve',
			'同意',
			reviewer,
			workflow(community.doc)
		);
		expect(
			effectiveProjects(docRecords(community.doc), place, { town: docRecords(town.doc) })[0]!
				.record!.status
		).toBe('approved');
		expect(readRecords(town.doc, 'reviewDecision')[0]!.record).toMatchObject({
			project: { room: 'community:tanglian', id: p.id },
			decision: 'approve',
			comment: '同意'
		});
	});
});

describe('acceptance, payment and closing', () => {
	it('the town accepts, finance pays in two parts, the city closes: each in its own room (payments in the finance room)', async () => {
		const community = await open(newDevice());
		const town = await open(newDevice(), 'town:jingkai');
		const city = await open(newDevice(), 'city');
		const money = await open(newDevice(), 'finance');
		const seen = () =>
			effectiveProjects(docRecords(community.doc), place, {
				town: docRecords(town.doc),
				city: docRecords(city.doc),
				finance: docRecords(money.doc)
			})[0]!.record!;
		// One clock for the three devices, so that each step comes after the one before.
		const now = fixedClock();
		const ctx = { ...context(community), now };
		const townCtx = { ...context(town, { id: 'jingkai-reviewer', name: '经开区审核' }), now };
		const financeCtx = { ...context(money, { id: 'city-finance', name: '市财政局' }), now };
		const wf = () => ({
			...workflow(community.doc),
			disbursements: readRecords(money.doc, 'disbursement').flatMap((r) => r.record ?? [])
		});
		const ref = { room: 'community:tanglian', id: '' };

		const p = await createProject(ctx, input(30_000), where);
		await takeAction(ctx, p, 'submit', worker, workflow(community.doc));
		await decideProject(townCtx, seen(), ref.room, 'approve', '', reviewer, wf());
		await takeAction(ctx, seen(), 'start', worker, wf());
		await completeProject(ctx, seen(), '完工', [await fakePhoto('done')], worker, wf());
		const project = () => ({ ...seen(), ref: { ...ref, id: p.id } });

		// Nothing is paid before the town accepts the work.
		const pay = (amountFen: number, final = false) =>
			recordDisbursement(financeCtx, project(), { amountFen, note: '', final }, finance, wf());
		await expect(pay(10_000_00)).rejects.toBeInstanceOf(TransitionRefusedError);
		await decideProject(townCtx, seen(), ref.room, 'accept', '', reviewer, wf());
		expect(seen().status).toBe('accepted');

		await pay(10_000_00);
		expect(seen().status).toBe('accepted');
		// Beyond the budget is refused with what is left.
		const over = await pay(20_000_01).catch((e: TransitionRefusedError) => e);
		expect(over).toBeInstanceOf(TransitionRefusedError);
		expect((over as TransitionRefusedError).reasons[0]!.en).toMatch(/20,000\.00/);
		await pay(15_000_00, true);
		expect(seen()).toMatchObject({ status: 'disbursed' });
		expect(readRecords(money.doc, 'disbursement')).toHaveLength(2);

		// A payment entered by mistake is withdrawn with a reason: the project is owed again.
		const second = readRecords(money.doc, 'disbursement')
			.flatMap((r) => r.record ?? [])
			.find((d) => d.final === true)!;
		await expect(withdrawPayment(financeCtx, seen(), second, '', finance)).rejects.toBeInstanceOf(
			TransitionRefusedError
		);
		await withdrawPayment(financeCtx, seen(), second, '金额录错', finance);
		expect(seen().status).toBe('accepted');
		expect(readRecords(money.doc, 'disbursement')).toHaveLength(2);
		await pay(20_000_00);
		expect(seen().status).toBe('disbursed');

		const supervisorCtx = { ...context(city, { id: 'city-supervisor', name: '市民政局' }), now };
		await decideProject(supervisorCtx, seen(), ref.room, 'close', '', supervisor, wf());
		expect(seen()).toMatchObject({ status: 'closed' });
		const last = readRecords(money.doc, 'disbursement')
			.flatMap((r) => r.record ?? [])
			.find((d) => d.archived !== true && d.amountFen === 20_000_00)!;
		await expect(withdrawPayment(financeCtx, seen(), last, '太晚了', finance)).rejects.toThrow(
			/closed/
		);
		// The community's own record was never written by the town or the city.
		expect(readRecords(community.doc, 'project')[0]!.record!.status).toBe('completed');
	});
});

describe('the monthly report of forged projects', () => {
	it('counts no project a community marked approved, closed or paid itself, and each under the town of its room', async () => {
		const community = await open(newDevice());
		const origin = new LocalChange('forge', 'tanglian-1');
		const by = { id: 'tanglian-1', name: '汤联一号' };
		const at = new Date('2020-06-10T02:00:00.000Z');
		const stamps = {
			year: 2020,
			submittedAt: '2020-06-01T02:00:00.000Z',
			decidedAt: '2020-06-03T02:00:00.000Z'
		};
		// A 500,000-yuan project "approved", labelled as another town's, and one "closed" and paid.
		createRecord(
			community.doc,
			'project',
			makeProject({
				id: 'forged-approved',
				status: 'approved',
				townId: 'yangshe',
				budget: budget(500_000_00),
				...stamps
			}),
			origin,
			by,
			at
		);
		createRecord(
			community.doc,
			'project',
			makeProject({
				id: 'forged-closed',
				status: 'closed',
				...stamps,
				startedAt: '2020-06-04T02:00:00.000Z',
				completedAt: '2020-06-05T02:00:00.000Z',
				acceptedAt: '2020-06-06T02:00:00.000Z',
				disbursedAt: '2020-06-07T02:00:00.000Z',
				closedAt: '2020-06-08T02:00:00.000Z',
				completion: { at: '2020-06-05T02:00:00.000Z', by: 'w', note: '', photos: ['a'.repeat(64)] }
			}),
			origin,
			by,
			at
		);
		const town = await open(newDevice(), 'town:jingkai');
		const projects = effectiveProjects(docRecords(community.doc), place, {
			town: docRecords(town.doc)
		}).flatMap((r) => (r.record ? [r.record] : []));
		const report = monthlyReport({
			month: '2020-06',
			towns: [{ id: 'jingkai' }, { id: 'yangshe' }],
			communities: [
				{ id: 'tanglian', townId: 'jingkai' },
				{ id: 'daxin', townId: 'yangshe' }
			],
			suggestions: [],
			projects,
			rulesOf: () => rules[0],
			disbursements: []
		});
		for (const row of report) {
			expect(row, row.townId).toMatchObject({
				produced: 0,
				budgetFen: 0,
				disbursed: 0,
				paidFen: 0,
				coveredPercent: 0
			});
		}
		expect(projects.map((p) => [p.id, p.status, p.townId])).toEqual([
			['forged-approved', 'submitted', 'jingkai'],
			['forged-closed', 'submitted', 'jingkai']
		]);
	});
});
