import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ZHANGJIAGANG_2020, type BudgetLine, type CouncilMeeting, type Project } from '$lib/domain';
import {
	concurrentChanges,
	createRecord,
	readRecord,
	readHistory,
	updateRecord
} from '$lib/doc/records';
import { decodeField, shapeOf, writeField } from '$lib/doc/shapes';
import { makeProject, validRecordOfEveryKind } from '../domain/factories';

/**
 * Two tablets offline editing different parts of one record both keep their edit, because each
 * part that people edit is kept on its own (shapes.ts), not the whole list as one value.
 */

const origin = { seed: 'test' };
const at = new Date('2026-12-03T02:00:00.000Z');
const a = { id: 'a', name: 'A' };
const b = { id: 'b', name: 'B' };

function replicas(): [Y.Doc, Y.Doc] {
	const one = new Y.Doc();
	const two = new Y.Doc();
	return [one, two];
}

function exchange(one: Y.Doc, two: Y.Doc) {
	const toTwo = Y.encodeStateAsUpdate(one, Y.encodeStateVector(two));
	const toOne = Y.encodeStateAsUpdate(two, Y.encodeStateVector(one));
	Y.applyUpdate(two, toTwo);
	Y.applyUpdate(one, toOne);
}

const meeting = {
	...(validRecordOfEveryKind.councilMeeting as CouncilMeeting),
	id: 'm-1',
	finalisedAt: undefined,
	finalisedBy: undefined,
	minutesHash: undefined,
	agenda: [
		{ id: 'i1', suggestion: { room: 'community:tanglian', id: 's1' } },
		{ id: 'i2', suggestion: { room: 'community:tanglian', id: 's2' } }
	]
} as CouncilMeeting;

describe('concurrent edits of parts of one record', () => {
	it('keeps the votes two workers record offline on two agenda items', () => {
		const [one, two] = replicas();
		createRecord(one, 'councilMeeting', meeting, origin, a, at);
		exchange(one, two);
		const vote = (doc: Y.Doc, who: typeof a, itemId: string, votes: number) => {
			const current = readRecord(doc, 'councilMeeting', 'm-1')!.record!;
			const agenda = current.agenda.map((i) =>
				i.id === itemId ? { ...i, votes: { for: votes, against: 0, abstain: 0 } } : i
			);
			updateRecord(doc, 'councilMeeting', 'm-1', { agenda }, origin, who, at);
		};
		vote(one, a, 'i1', 7);
		vote(two, b, 'i2', 9);
		exchange(one, two);
		for (const doc of [one, two]) {
			const agenda = readRecord(doc, 'councilMeeting', 'm-1')!.record!.agenda;
			expect(agenda.map((i) => [i.id, i.votes?.for])).toEqual([
				['i1', 7],
				['i2', 9]
			]);
		}
	});

	it('keeps two tablets’ changes to two budget lines, and lines both add', () => {
		const [one, two] = replicas();
		const lines: BudgetLine[] = [
			{ id: 'l1', description: '材料', amountFen: 100 },
			{ id: 'l2', description: '人工', amountFen: 200 }
		];
		createRecord(one, 'project', makeProject({ id: 'p', budget: lines }), origin, a, at);
		exchange(one, two);
		const edit = (
			doc: Y.Doc,
			who: typeof a,
			change: (l: readonly BudgetLine[]) => BudgetLine[]
		) => {
			const budget = change(readRecord(doc, 'project', 'p')!.record!.budget);
			updateRecord(doc, 'project', 'p', { budget }, origin, who, at);
		};
		edit(one, a, (l) => [
			...l.map((x) => (x.id === 'l1' ? { ...x, amountFen: 999 } : x)),
			{ id: 'l3', description: '运输', amountFen: 30 }
		]);
		edit(two, b, (l) => [
			...l.map((x) => (x.id === 'l2' ? { ...x, amountFen: 555 } : x)),
			{ id: 'l4', description: '清运', amountFen: 40 }
		]);
		exchange(one, two);
		for (const doc of [one, two]) {
			const budget = readRecord(doc, 'project', 'p')!.record!.budget;
			expect(budget.map((l) => [l.id, l.amountFen])).toEqual([
				['l1', 999],
				['l2', 555],
				['l3', 30],
				['l4', 40]
			]);
		}
	});

	it('reads an older app’s plain list as before, and rewrites it in its shape on the next edit, history kept', () => {
		const doc = new Y.Doc();
		const lines: BudgetLine[] = [{ id: 'l1', description: '材料', amountFen: 100 }];
		createRecord(doc, 'project', makeProject({ id: 'p', budget: lines }), origin, a, at);
		// As an older app stored it: the whole list as one value.
		const map = doc.getMap<Y.Map<unknown>>('project').get('p')!;
		map.set('budget', lines);
		expect(readRecord(doc, 'project', 'p')!.record!.budget).toEqual(lines);

		const next = [...lines, { id: 'l2', description: '人工', amountFen: 200 }];
		updateRecord(doc, 'project', 'p', { budget: next }, origin, b, at);
		expect(map.get('budget')).toBeInstanceOf(Y.Map);
		expect(readRecord(doc, 'project', 'p')!.record!.budget).toEqual(next);
		expect(readHistory(doc, 'project', 'p').map((h) => h.fields)).toEqual([
			['*created'],
			['budget']
		]);
	});

	it('keeps, for any concurrent edits of budget lines on two replicas, every edit in both orders of merging', () => {
		const line = fc.record({
			id: fc.constantFrom('l1', 'l2', 'l3', 'l4', 'l5', 'l6'),
			amountFen: fc.integer({ min: 0, max: 1_000_000 })
		});
		fc.assert(
			fc.property(fc.array(line, { maxLength: 4 }), fc.array(line, { maxLength: 4 }), (ea, eb) => {
				const base: BudgetLine[] = [
					{ id: 'l1', description: '一', amountFen: 1 },
					{ id: 'l2', description: '二', amountFen: 2 }
				];
				const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
				createRecord(docs[0]!, 'project', makeProject({ id: 'p', budget: base }), origin, a, at);
				const start = Y.encodeStateAsUpdate(docs[0]!);
				for (const d of docs.slice(1)) Y.applyUpdate(d, start);
				// Each replica sets (or adds) the lines of its own edits.
				const apply = (doc: Y.Doc, edits: typeof ea, who: typeof a) => {
					for (const e of edits) {
						const budget = [...readRecord(doc, 'project', 'p')!.record!.budget];
						const i = budget.findIndex((l) => l.id === e.id);
						const next = { id: e.id, description: e.id, amountFen: e.amountFen };
						if (i >= 0) budget[i] = { ...budget[i]!, amountFen: e.amountFen };
						else budget.push(next);
						updateRecord(doc, 'project', 'p', { budget }, origin, who, at);
					}
				};
				apply(docs[1]!, ea, a);
				apply(docs[2]!, eb, b);
				const u1 = Y.encodeStateAsUpdate(docs[1]!);
				const u2 = Y.encodeStateAsUpdate(docs[2]!);
				const left = new Y.Doc();
				Y.applyUpdate(left, u1);
				Y.applyUpdate(left, u2);
				const right = new Y.Doc();
				Y.applyUpdate(right, u2);
				Y.applyUpdate(right, u1);
				const budgetOf = (d: Y.Doc) => (readRecord(d, 'project', 'p')!.record as Project).budget;
				expect(budgetOf(left)).toEqual(budgetOf(right));
				// Every line one replica alone touched has that replica's last amount.
				const lastOf = (edits: typeof ea) => new Map(edits.map((e) => [e.id, e.amountFen]));
				const [la, lb] = [lastOf(ea), lastOf(eb)];
				const merged = new Map(budgetOf(left).map((l) => [l.id, l.amountFen]));
				for (const [id, amount] of la) if (!lb.has(id)) expect(merged.get(id)).toBe(amount);
				for (const [id, amount] of lb) if (!la.has(id)) expect(merged.get(id)).toBe(amount);
				for (const id of ['l1', 'l2']) expect(merged.has(id)).toBe(true);
			}),
			{ numRuns: 150 }
		);
	});

	it('keeps the holidays and project types two supervisors add to one year’s rules offline', () => {
		const [one, two] = replicas();
		const rules = { ...ZHANGJIAGANG_2020, id: 'r', createdAt: at.toISOString(), createdBy: 'a' };
		createRecord(one, 'cityRules', rules, origin, a, at);
		exchange(one, two);
		const add = (doc: Y.Doc, who: typeof a, holiday: string, type: string) => {
			const r = readRecord(doc, 'cityRules', 'r')!.record!;
			updateRecord(
				doc,
				'cityRules',
				'r',
				{ holidays: [...r.holidays, holiday], projectTypes: [...r.projectTypes, type] },
				origin,
				who,
				at
			);
		};
		add(one, a, '2020-12-30', 'goods');
		add(two, b, '2020-12-31', 'training');
		exchange(one, two);
		for (const doc of [one, two]) {
			const r = readRecord(doc, 'cityRules', 'r')!.record!;
			expect(r.holidays.slice(-2).sort()).toEqual(['2020-12-30', '2020-12-31']);
			expect(r.holidays).toHaveLength(ZHANGJIAGANG_2020.holidays.length + 2);
			expect([...r.projectTypes].sort()).toEqual(['engineering', 'goods', 'service', 'training']);
		}
		expect(readRecord(one, 'cityRules', 'r')!.record).toEqual(
			readRecord(two, 'cityRules', 'r')!.record
		);
	});

	it('keeps a list whose items share a key whole, never collapsing two into one', () => {
		const doc = new Y.Doc();
		const record = doc.getMap<Y.Map<unknown>>('x').set('r', new Y.Map());
		const twice = [
			{ item: '消防通道', result: 'pass' },
			{ item: '消防通道', result: 'fail' }
		];
		const checklist = shapeOf('siteInspection', 'checklist');
		writeField(record, 'checklist', checklist, twice);
		expect(decodeField(checklist, record.get('checklist'))).toEqual(twice);
		const holidays = shapeOf('cityRules', 'holidays');
		writeField(record, 'holidays', holidays, ['2020-10-01', '2020-10-01']);
		expect(decodeField(holidays, record.get('holidays'))).toEqual(['2020-10-01', '2020-10-01']);
		// Once the keys are distinct again, the field is kept in its shape.
		writeField(record, 'checklist', checklist, twice.slice(1));
		expect(record.get('checklist')).toBeInstanceOf(Y.Map);
		expect(decodeField(checklist, record.get('checklist'))).toEqual(twice.slice(1));
	});

	it('shows a title two tablets changed at the same time: the other value, and who typed it', () => {
		const [one, two] = replicas();
		createRecord(one, 'project', makeProject({ id: 'p', title: '原标题' }), origin, a, at);
		exchange(one, two);
		updateRecord(one, 'project', 'p', { title: '甲的标题' }, origin, a, at);
		updateRecord(
			two,
			'project',
			'p',
			{ title: '乙的标题' },
			origin,
			b,
			new Date(at.getTime() + 1000)
		);
		exchange(one, two);
		const seen = (doc: Y.Doc) =>
			concurrentChanges(readHistory(doc, 'project', 'p'), readRecord(doc, 'project', 'p')!.raw);
		const kept = readRecord(one, 'project', 'p')!.raw.title;
		const lost =
			kept === '甲的标题' ? { value: '乙的标题', byName: 'B' } : { value: '甲的标题', byName: 'A' };
		for (const doc of [one, two])
			expect(seen(doc)).toEqual([expect.objectContaining({ field: 'title', ...lost })]);

		// One after the other is no conflict; and once changed again, nothing is left unseen.
		updateRecord(one, 'project', 'p', { title: '定稿' }, origin, a, at);
		exchange(one, two);
		expect(seen(two)).toEqual([]);
		updateRecord(two, 'project', 'p', { summary: '新说明' }, origin, b, at);
		expect(seen(two)).toEqual([]);
	});
});
