import { describe, expect, it } from 'vitest';
import {
	compareRectifications,
	DEFAULT_INSPECTION_CHECKLIST,
	failedItems,
	inspectionChecklist,
	isRectificationOverdue,
	rectificationCloseProblems,
	rectificationDueDate,
	validateRecord,
	ZHANGJIAGANG_2020
} from '$lib/domain';
import { validRecordOfEveryKind } from './factories';

describe('site inspections and rectification', () => {
	it('use the city checklist, or the default one', () => {
		expect(inspectionChecklist(undefined)).toEqual(DEFAULT_INSPECTION_CHECKLIST);
		expect(inspectionChecklist({ inspectionChecklist: ['a', 'b'] })).toEqual(['a', 'b']);
		expect(inspectionChecklist({ inspectionChecklist: [] })).toEqual(DEFAULT_INSPECTION_CHECKLIST);
	});

	it('open a rectification for each failed item', () => {
		const checklist = [
			{ item: 'sign', result: 'fail' as const, note: '掉了' },
			{ item: 'in-use', result: 'pass' as const },
			{ item: 'safety', result: 'na' as const }
		];
		expect(failedItems(checklist).map((e) => e.item)).toEqual(['sign']);
	});

	it('give a rectification 30 days by default, counted in China, or what the rules say', () => {
		// 16:30 UTC on 31 January is already 1 February in China.
		expect(rectificationDueDate('2026-01-31T16:30:00.000Z', undefined)).toBe('2026-03-03');
		expect(rectificationDueDate('2026-01-10T02:00:00.000Z', ZHANGJIAGANG_2020)).toBe('2026-02-09');
		expect(rectificationDueDate('2026-01-10T02:00:00.000Z', { rectificationDays: 7 })).toBe(
			'2026-01-17'
		);
	});

	it('are overdue after the due day, unless done or archived', () => {
		const r = { dueDate: '2026-02-09' };
		expect(isRectificationOverdue(r, '2026-02-09T15:00:00.000Z')).toBe(false);
		expect(isRectificationOverdue(r, '2026-02-09T16:30:00.000Z')).toBe(true);
		expect(isRectificationOverdue({ ...r, done: true }, '2026-03-01T00:00:00.000Z')).toBe(false);
		expect(isRectificationOverdue({ ...r, archived: true }, '2026-03-01T00:00:00.000Z')).toBe(
			false
		);
	});

	it('close only with an evidence photo, and once', () => {
		expect(rectificationCloseProblems({}, []).map((m) => m.code)).toEqual([
			'rectification.noEvidence'
		]);
		expect(rectificationCloseProblems({}, ['a'.repeat(64)])).toEqual([]);
		expect(rectificationCloseProblems({ done: true }, ['a'.repeat(64)]).map((m) => m.code)).toEqual(
			['rectification.closed']
		);
	});

	it('keep a checklist and an owner in their records', () => {
		const inspection = {
			...(validRecordOfEveryKind.siteInspection as object),
			checklist: [{ item: 'sign', result: 'fail', note: '' }]
		};
		expect(validateRecord('siteInspection', inspection).ok).toBe(true);
		const bad = { ...inspection, checklist: [{ item: 'sign', result: 'broken' }] };
		expect(validateRecord('siteInspection', bad).ok).toBe(false);
		const rect = { ...(validRecordOfEveryKind.rectification as object), owner: '物业公司' };
		expect(validateRecord('rectification', rect).ok).toBe(true);
	});
});

describe('the order of rectifications', () => {
	it('lists open ones first, the earliest deadline first', () => {
		const r = (id: string, dueDate: string, done?: boolean) => ({ id, dueDate, done });
		const list = [r('a', '2020-10-09', true), r('b', '2020-10-20'), r('c', '2020-10-05')];
		expect(list.toSorted(compareRectifications).map((x) => x.id)).toEqual(['c', 'b', 'a']);
	});
});
