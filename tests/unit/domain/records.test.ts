import { describe, expect, it } from 'vitest';
import {
	validateCouncilMeeting,
	validateProject,
	validateRecord,
	validateSuggestion,
	type RecordKind
} from '$lib/domain/records';
import { makeDisbursement, makeProject, makeSuggestion, validRecordOfEveryKind } from './factories';

const ref = { room: 'community:tanglian', id: 'x' };

const valid = validRecordOfEveryKind;

describe('validateRecord', () => {
	it.each(Object.entries(valid))('accepts a valid %s and returns it as it is', (kind, value) => {
		expect(validateRecord(kind as RecordKind, value)).toEqual({ ok: true, value });
		const withExtra = { ...(value as object), addedByVersion2: 'x' };
		const r = validateRecord(kind as RecordKind, withExtra);
		expect(r.ok && r.value).toBe(withExtra);
	});

	it.each(Object.entries(valid))('reports the base fields of a %s', (kind, value) => {
		const r = validateRecord(kind as RecordKind, {
			...(value as object),
			id: '',
			createdAt: 'yesterday',
			archived: 'no'
		});
		expect(r.ok ? [] : r.issues).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^id:/),
				expect.stringMatching(/^createdAt:/),
				expect.stringMatching(/^archived:/)
			])
		);
	});

	it('never throws, whatever it is given', () => {
		for (const kind of Object.keys(valid) as RecordKind[]) {
			for (const v of [
				undefined,
				null,
				0,
				'x',
				[],
				{},
				{ id: 5 },
				{ agenda: 'x', budget: {}, population: [null] }
			]) {
				const r = validateRecord(kind, v);
				expect(r.ok, `${kind} ${JSON.stringify(v)}`).toBe(false);
			}
		}
	});
});

function issues(r: { ok: boolean; issues?: readonly string[] }): readonly string[] {
	return r.ok ? [] : (r.issues ?? []);
}

describe('record-specific checks', () => {
	it('checks a suggestion’s channel, photos and merge target', () => {
		expect(issues(validateSuggestion(makeSuggestion({ channel: 'fax' as never })))).toEqual([
			'channel: expected one of wechat, council, door, hotline, other'
		]);
		expect(issues(validateSuggestion(makeSuggestion({ photos: ['ABC'] })))).toEqual([
			'photos[0]: expected a lowercase SHA-256 hex digest'
		]);
		expect(issues(validateSuggestion(makeSuggestion({ status: 'merged' })))).toHaveLength(1);
		expect(validateSuggestion(makeSuggestion({ status: 'merged', mergedInto: ref })).ok).toBe(true);
	});

	it('checks a project’s money, status stamps and line ids', () => {
		expect(
			issues(
				validateProject(makeProject({ budget: [{ id: 'a', description: '', amountFen: 12.5 }] }))
			)
		).toEqual(['budget[0].amountFen: expected a non-negative integer of fen']);
		expect(issues(validateProject(makeProject({ status: 'approved' })))).toEqual([
			'submittedAt: missing, but the project is approved',
			'decidedAt: missing, but the project is approved'
		]);
		const twoA = [
			{ id: 'a', description: '', amountFen: 1 },
			{ id: 'a', description: '', amountFen: 2 }
		];
		expect(issues(validateProject(makeProject({ budget: twoA })))).toEqual([
			'budget: two lines share an id'
		]);
	});

	it('checks a meeting’s head count, votes and finalisation', () => {
		const meeting = valid.councilMeeting as Record<string, unknown>;
		expect(
			issues(
				validateCouncilMeeting({
					...meeting,
					attendees: { names: ['a', 'b', 'c'], headCount: 2 },
					agenda: [{ id: 'i1', suggestion: ref, votes: { for: 2, against: 1, abstain: 0 } }]
				})
			)
		).toEqual([
			'attendees.headCount: fewer than the names listed',
			'agenda[0].votes: 3 votes cast but only 2 present'
		]);
		expect(issues(validateCouncilMeeting({ ...meeting, minutesHash: undefined }))).toEqual([
			'minutesHash: finalised minutes carry their hash'
		]);
		expect(
			issues(
				validateCouncilMeeting({
					...meeting,
					agenda: [{ id: 'i', suggestion: ref, votes: { for: -1, against: 0, abstain: 0 } }]
				})
			)
		).toHaveLength(1);
	});

	it('checks a spot-check campaign’s sample against its list', () => {
		const campaign = valid.spotCheckCampaign as Record<string, unknown>;
		expect(issues(validateRecord('spotCheckCampaign', { ...campaign, sample: ['p9'] }))).toEqual([
			'sample: an id is not in the population'
		]);
		expect(issues(validateRecord('spotCheckCampaign', { ...campaign, sampleSize: 2 }))).toEqual([
			'sample: its length differs from sampleSize'
		]);
	});

	it('requires a comment on a return or rejection, and a positive disbursement', () => {
		const decision = valid.reviewDecision as Record<string, unknown>;
		expect(issues(validateRecord('reviewDecision', { ...decision, comment: ' ' }))).toHaveLength(1);
		expect(
			validateRecord('reviewDecision', { ...decision, decision: 'approve', comment: '' }).ok
		).toBe(true);
		expect(issues(validateRecord('disbursement', makeDisbursement({ amountFen: 0 })))).toEqual([
			'amountFen: expected a positive integer of fen'
		]);
	});
});
