import type { CalendarDate, IsoTimestamp } from './dates';
import type { ValidationResult } from './errors';
import type { Fen } from './money';
import { checkRulesFields, type CityRules } from './rules';
import { checkVoteCount } from './vote';
import { Fields, isPlainObject, objectItem, validateObject } from './validation';

/**
 * The records the app keeps, as plain data (DESIGN.md, "Rooms"): each lives in one room's
 * document, is keyed by a random id, is never hard-deleted but archived, keeps money in fen, times
 * as ISO-8601 UTC and calendar dates as YYYY-MM-DD, and names another record by `{ room, id }`.
 */

export type Sha256Hex = string;

/** `community:<id>`, `town:<id>` or `city` (DESIGN.md, "Rooms"). */
export type RoomName = string;

export interface RecordRef {
	readonly room: RoomName;
	readonly id: string;
}

export interface BaseRecord {
	readonly id: string;
	readonly createdAt: IsoTimestamp;
	/** User id of the author. */
	readonly createdBy: string;
	/** Archived records are hidden and not counted, never deleted. */
	readonly archived?: boolean;
}

// ── Suggestions (DOMAIN.md, "Collection") ──────────────────────────────────────────────────────

export const SUGGESTION_CHANNELS = ['wechat', 'council', 'door', 'hotline', 'other'] as const;
export type SuggestionChannel = (typeof SUGGESTION_CHANNELS)[number];

export const SUGGESTION_STATUSES = [
	'open',
	'deliberating',
	'adopted',
	'declined',
	'merged'
] as const;
export type SuggestionStatus = (typeof SUGGESTION_STATUSES)[number];

export interface Suggestion extends BaseRecord {
	readonly title: string;
	readonly description: string;
	readonly channel: SuggestionChannel;
	readonly estate: string;
	readonly building: string;
	readonly category: string;
	readonly urgent: boolean;
	readonly photos: readonly Sha256Hex[];
	readonly status: SuggestionStatus;
	/** The suggestion this one was merged into, when `status` is `merged`. */
	readonly mergedInto?: RecordRef;
}

/**
 * The name and phone number a resident left with a suggestion (DOMAIN.md, "Collection"). They are
 * given to the community that collected the suggestion, so they live in its `contacts:<id>` room,
 * which only its workers open, keyed by the suggestion's id — never in the community room, which
 * the town and the city read.
 */
export interface ResidentContact extends BaseRecord {
	/** The suggestion (or public submission) the contact came with; its id is this record's. */
	readonly suggestion: RecordRef;
	readonly name?: string;
	readonly phone?: string;
}

// ── Residents' council meetings (DOMAIN.md, "Deliberation") ───────────────────────────────────

export interface VoteCount {
	readonly for: number;
	readonly against: number;
	readonly abstain: number;
}

export interface AgendaItem {
	readonly id: string;
	readonly suggestion: RecordRef;
	readonly votes?: VoteCount;
	readonly note?: string;
}

export interface CouncilMeeting extends BaseRecord {
	readonly date: CalendarDate;
	readonly place: string;
	readonly topic: string;
	/** Names as written down; `headCount` may be larger when not everyone was named. */
	readonly attendees: { readonly names: readonly string[]; readonly headCount: number };
	/** Members of the council at the time, for a quorum rule stated as a share of members. */
	readonly councilMembers?: number;
	readonly agenda: readonly AgendaItem[];
	/** SHA-256 of the minutes' text when finalised: later edits are visible as a mismatch. */
	readonly minutesHash?: Sha256Hex;
	readonly finalisedAt?: IsoTimestamp;
	readonly finalisedBy?: string;
	readonly photos: readonly Sha256Hex[];
}

// ── Projects (DOMAIN.md, "Submission and review" to "disbursement") ───────────────────────────

export const PROJECT_STATUSES = [
	'draft',
	'submitted',
	'approved',
	'returned',
	'rejected',
	'in_progress',
	'completed',
	'accepted',
	'disbursed',
	'closed'
] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** A type named in the city's rules (`CityRules.projectTypes`): engineering, service, goods… */
export type ProjectType = string;

export interface BudgetLine {
	readonly id: string;
	readonly description: string;
	readonly amountFen: Fen;
}

export interface ProgressUpdate {
	readonly id: string;
	readonly at: IsoTimestamp;
	readonly by: string;
	readonly note: string;
	readonly photos: readonly Sha256Hex[];
}

export interface ProjectCompletion {
	readonly at: IsoTimestamp;
	readonly by: string;
	readonly note: string;
	/** Evidence of the finished work; completing a project needs at least one. */
	readonly photos: readonly Sha256Hex[];
}

/** The times a project's steps stamp on it, in the order of the workflow. */
export const PROJECT_TIMESTAMPS = [
	'submittedAt',
	'decidedAt',
	'startedAt',
	'completedAt',
	'acceptedAt',
	'disbursedAt',
	'closedAt'
] as const;

export interface Project extends BaseRecord {
	readonly communityId: string;
	readonly townId: string;
	/** Programme year: the year whose caps and rules apply. */
	readonly year: number;
	readonly title: string;
	readonly type: ProjectType;
	readonly summary: string;
	readonly suggestions: readonly RecordRef[];
	readonly budget: readonly BudgetLine[];
	readonly urgent: boolean;
	/** Fast track as decided at (re)submission from the rules then in force. */
	readonly fastTrack: boolean;
	readonly status: ProjectStatus;
	readonly submittedAt?: IsoTimestamp;
	readonly decidedAt?: IsoTimestamp;
	readonly startedAt?: IsoTimestamp;
	readonly completedAt?: IsoTimestamp;
	readonly acceptedAt?: IsoTimestamp;
	readonly disbursedAt?: IsoTimestamp;
	readonly closedAt?: IsoTimestamp;
	readonly progress: readonly ProgressUpdate[];
	readonly completion?: ProjectCompletion;
}

/**
 * The steps of a project that are not the community's to write (DESIGN.md, "Rooms"): the town
 * approves, returns or rejects a submission and accepts the finished work (验收); the file is
 * closed by the town or the city once the money is paid.
 */
export const REVIEW_DECISIONS = ['approve', 'return', 'reject', 'accept', 'close'] as const;
export type ReviewDecisionKind = (typeof REVIEW_DECISIONS)[number];

/**
 * Kept in the town's room (a reviewer's decision) or in the city's (a supervisor closing a file):
 * a step on a community's project taken by someone who may not write the community's room.
 */
export interface ReviewDecision extends BaseRecord {
	readonly project: RecordRef;
	readonly decision: ReviewDecisionKind;
	readonly comment: string;
	readonly reviewer: string;
	readonly decidedAt: IsoTimestamp;
}

// ── Supervision (DOMAIN.md, "three lines of defence") ─────────────────────────────────────────

export const INSPECTION_KINDS = ['progress', 'quarterly', 'spot-check', 'other'] as const;
export type InspectionKind = (typeof INSPECTION_KINDS)[number];

export const CHECK_RESULTS = ['pass', 'fail', 'na'] as const;
export type CheckResult = (typeof CHECK_RESULTS)[number];

/** One line of an inspection's checklist: the template item, what was found, a note. */
export interface ChecklistEntry {
	readonly item: string;
	readonly result: CheckResult;
	readonly note?: string;
}

export interface SiteInspection extends BaseRecord {
	readonly kind: InspectionKind;
	/** The checklist as filled in (templates: `inspection.ts`). Older records may have none. */
	readonly checklist?: readonly ChecklistEntry[];
	/** Where the inspector stood, when the device knew it. */
	readonly location?: { readonly lat: number; readonly lng: number };
	readonly project?: RecordRef;
	readonly estate?: string;
	readonly visitedAt: IsoTimestamp;
	readonly inspector: string;
	readonly note: string;
	readonly problemFound: boolean;
	readonly photos: readonly Sha256Hex[];
}

/** DOMAIN.md: problems found are ordered rectified (整改), in 2020 within a month. */
export interface Rectification extends BaseRecord {
	/** What is to be put right: a project, an inspection or a spot-check finding. */
	readonly subject: RecordRef;
	readonly orderedBy: string;
	readonly orderedAt: IsoTimestamp;
	readonly description: string;
	/** Who is to put it right (a name or a unit), as the inspector wrote it. */
	readonly owner?: string;
	readonly dueDate: CalendarDate;
	readonly done?: boolean;
	readonly doneAt?: IsoTimestamp;
	readonly doneNote?: string;
	readonly photos: readonly Sha256Hex[];
	/** The community's report it was closed on, when the evidence is the community's photos. */
	readonly closedOnReport?: RecordRef;
}

/**
 * Kept in the community's room: the community says it has put right what the town ordered, with
 * photos. The rectification is the town's (its room); the town confirms by closing it on this.
 */
export interface RectificationReport extends BaseRecord {
	readonly rectification: RecordRef;
	readonly note: string;
	readonly photos: readonly Sha256Hex[];
	readonly reportedAt: IsoTimestamp;
}

/** DOMAIN.md: funds are paid out after completion; finance records them in the city room. */
export interface Disbursement extends BaseRecord {
	readonly project: RecordRef;
	readonly amountFen: Fen;
	readonly paidAt: IsoTimestamp;
	readonly by: string;
	readonly note?: string;
	/** The last payment: what is left of the budget is not paid (the work cost less). */
	readonly final?: boolean;
	/** Why finance withdrew it (a wrong entry): set with `archived`, the payment no longer counts. */
	readonly withdrawnReason?: string;
}

export interface PopulationEntry {
	/** The project's id; ids are random, so unique across rooms. */
	readonly id: string;
	readonly stratum: string;
	readonly room: RoomName;
}

/** DOMAIN.md: the annual spot-check (回头看), e.g. 40 projects of 2018–2019 by category. */
export interface SpotCheckCampaign extends BaseRecord {
	readonly year: number;
	readonly period: { readonly from: CalendarDate; readonly to: CalendarDate };
	readonly sampleSize: number;
	readonly seed: string;
	/** What the strata are, e.g. `type` (engineering/service). */
	readonly strataKey: string;
	readonly population: readonly PopulationEntry[];
	/** Ids in the order they were drawn. */
	readonly sample: readonly string[];
	readonly drawnAt: IsoTimestamp;
	readonly drawnBy: string;
}

export const FINDING_KINDS = [
	'not-disbursed',
	'low-usage',
	'needs-maintenance',
	'sign-damaged',
	'other'
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface SpotCheckFinding extends BaseRecord {
	readonly campaign: RecordRef;
	readonly project: RecordRef;
	readonly kind: FindingKind;
	readonly note: string;
	readonly rectification?: RecordRef;
	readonly photos: readonly Sha256Hex[];
}

export type CityRulesRecord = BaseRecord & CityRules;

export interface RecordKinds {
	suggestion: Suggestion;
	residentContact: ResidentContact;
	councilMeeting: CouncilMeeting;
	project: Project;
	reviewDecision: ReviewDecision;
	siteInspection: SiteInspection;
	rectification: Rectification;
	rectificationReport: RectificationReport;
	disbursement: Disbursement;
	spotCheckCampaign: SpotCheckCampaign;
	spotCheckFinding: SpotCheckFinding;
	cityRules: CityRulesRecord;
}
export type RecordKind = keyof RecordKinds;

// ── Validators ─────────────────────────────────────────────────────────────────────────────────

function base(f: Fields): Fields {
	return f
		.string('id', { nonEmpty: true })
		.timestamp('createdAt')
		.string('createdBy', { nonEmpty: true })
		.boolean('archived', { optional: true });
}

function checkSuggestion(f: Fields) {
	base(f)
		.string('title', { nonEmpty: true })
		.string('description')
		.oneOf('channel', SUGGESTION_CHANNELS)
		.string('estate')
		.string('building')
		.string('category')
		.boolean('urgent')
		.sha256List('photos')
		.oneOf('status', SUGGESTION_STATUSES)
		.ref('mergedInto', { optional: true });
	if (f.obj.status === 'merged' && f.obj.mergedInto === undefined) {
		f.issues.push('mergedInto: a merged suggestion names the suggestion it was merged into');
	}
}

/**
 * Where older app versions kept a resident's contact, on the suggestion itself. Nothing outside the
 * contacts room may show them (the server's history leaves them out of every record it shows).
 */
export const LEGACY_CONTACT_FIELDS = { residentName: 'name', residentPhone: 'phone' } as const;

function checkResidentContact(f: Fields) {
	base(f).ref('suggestion').string('name', { optional: true }).string('phone', { optional: true });
	const ref = f.obj.suggestion as RecordRef | undefined;
	if (ref && typeof ref.id === 'string' && ref.id !== f.obj.id) {
		f.issues.push("suggestion: a contact is kept under its suggestion's id");
	}
}

function checkCouncilMeeting(f: Fields) {
	base(f)
		.date('date')
		.string('place')
		.string('topic', { nonEmpty: true })
		.object('attendees', (a) => a.stringList('names').integer('headCount', { min: 0 }))
		.integer('councilMembers', { optional: true, min: 1 })
		.sha256List('photos')
		.sha256('minutesHash', { optional: true })
		.timestamp('finalisedAt', { optional: true })
		.string('finalisedBy', { optional: true });
	const attendees = f.obj.attendees;
	const headCount =
		isPlainObject(attendees) && typeof attendees.headCount === 'number'
			? attendees.headCount
			: undefined;
	if (isPlainObject(attendees) && Array.isArray(attendees.names) && headCount !== undefined) {
		if (attendees.names.length > headCount) {
			f.issues.push('attendees.headCount: fewer than the names listed');
		}
	}
	f.array(
		'agenda',
		objectItem((item) => {
			item.string('id', { nonEmpty: true }).ref('suggestion').string('note', { optional: true });
			const votes = item.obj.votes;
			if (votes === undefined) return;
			if (!isPlainObject(votes)) {
				item.issues.push(`${item.at('votes')}: expected { for, against, abstain }`);
				return;
			}
			for (const m of checkVoteCount(votes, headCount)) {
				item.issues.push(`${item.at('votes')}: ${m.en}`);
			}
		})
	);
	if (f.obj.finalisedAt !== undefined) {
		if (typeof f.obj.minutesHash !== 'string') {
			f.issues.push('minutesHash: finalised minutes carry their hash');
		}
		if (typeof f.obj.finalisedBy !== 'string') f.issues.push('finalisedBy: missing');
	}
}

const decided: readonly ProjectStatus[] = [
	'approved',
	'returned',
	'rejected',
	'in_progress',
	'completed',
	'accepted',
	'disbursed',
	'closed'
];

function checkProject(f: Fields) {
	base(f)
		.string('communityId', { nonEmpty: true })
		.string('townId', { nonEmpty: true })
		.integer('year', { min: 2000, max: 2200 })
		.string('title')
		.string('type', { nonEmpty: true })
		.string('summary')
		.refList('suggestions')
		.array(
			'budget',
			objectItem((line) =>
				line.string('id', { nonEmpty: true }).string('description').fen('amountFen')
			)
		)
		.boolean('urgent')
		.boolean('fastTrack')
		.oneOf('status', PROJECT_STATUSES);
	for (const key of PROJECT_TIMESTAMPS) {
		f.timestamp(key, { optional: true });
	}
	f.array(
		'progress',
		objectItem((u) =>
			u
				.string('id', { nonEmpty: true })
				.timestamp('at')
				.string('by')
				.string('note')
				.sha256List('photos')
		)
	).object(
		'completion',
		(c) => c.timestamp('at').string('by').string('note').sha256List('photos'),
		{
			optional: true
		}
	);

	const { status, budget } = f.obj;
	if (Array.isArray(budget)) {
		const ids = budget.map((l: unknown) => (isPlainObject(l) ? l.id : undefined));
		if (new Set(ids).size !== ids.length) f.issues.push('budget: two lines share an id');
	}
	if (typeof status === 'string' && status !== 'draft' && f.obj.submittedAt === undefined) {
		f.issues.push(`submittedAt: missing, but the project is ${status}`);
	}
	if (typeof status === 'string' && decided.includes(status as ProjectStatus)) {
		if (f.obj.decidedAt === undefined) {
			f.issues.push(`decidedAt: missing, but the project is ${status}`);
		}
	}
}

function checkReviewDecision(f: Fields) {
	base(f)
		.ref('project')
		.oneOf('decision', REVIEW_DECISIONS)
		.string('comment')
		.string('reviewer', { nonEmpty: true })
		.timestamp('decidedAt');
	const needsComment = f.obj.decision === 'return' || f.obj.decision === 'reject';
	if (needsComment && typeof f.obj.comment === 'string' && !f.obj.comment.trim()) {
		f.issues.push('comment: returning or rejecting a project needs a comment');
	}
}

function checkSiteInspection(f: Fields) {
	base(f)
		.oneOf('kind', INSPECTION_KINDS)
		.ref('project', { optional: true })
		.string('estate', { optional: true })
		.timestamp('visitedAt')
		.string('inspector', { nonEmpty: true })
		.string('note')
		.boolean('problemFound')
		.sha256List('photos')
		.array(
			'checklist',
			objectItem((e) =>
				e
					.string('item', { nonEmpty: true })
					.oneOf('result', CHECK_RESULTS)
					.string('note', { optional: true })
			),
			{ optional: true }
		);
}

function checkRectification(f: Fields) {
	base(f)
		.ref('subject')
		.string('orderedBy', { nonEmpty: true })
		.timestamp('orderedAt')
		.string('description', { nonEmpty: true })
		.string('owner', { optional: true })
		.date('dueDate')
		.boolean('done', { optional: true })
		.timestamp('doneAt', { optional: true })
		.string('doneNote', { optional: true })
		.sha256List('photos')
		.ref('closedOnReport', { optional: true });
}

function checkRectificationReport(f: Fields) {
	base(f).ref('rectification').string('note').sha256List('photos').timestamp('reportedAt');
	if (Array.isArray(f.obj.photos) && f.obj.photos.length === 0) {
		f.issues.push('photos: a report of a fix carries its evidence');
	}
}

function checkDisbursement(f: Fields) {
	base(f)
		.ref('project')
		.fen('amountFen', { positive: true })
		.timestamp('paidAt')
		.string('by', { nonEmpty: true })
		.string('note', { optional: true })
		.boolean('final', { optional: true })
		.string('withdrawnReason', { optional: true });
}

function checkSpotCheckCampaign(f: Fields) {
	base(f)
		.integer('year', { min: 2000, max: 2200 })
		.object('period', (p) => p.date('from').date('to'))
		.integer('sampleSize', { min: 0 })
		.string('seed', { nonEmpty: true })
		.string('strataKey', { nonEmpty: true })
		.array(
			'population',
			objectItem((e) =>
				e.string('id', { nonEmpty: true }).string('stratum', { nonEmpty: true }).string('room')
			)
		)
		.stringList('sample')
		.timestamp('drawnAt')
		.string('drawnBy', { nonEmpty: true });
	const { population, sample, sampleSize } = f.obj;
	if (Array.isArray(sample) && typeof sampleSize === 'number' && sample.length !== sampleSize) {
		f.issues.push('sample: its length differs from sampleSize');
	}
	if (Array.isArray(population) && Array.isArray(sample)) {
		const ids = new Set(population.map((e: unknown) => (isPlainObject(e) ? e.id : undefined)));
		if (ids.size !== population.length) f.issues.push('population: an id is listed twice');
		if (sample.some((id) => !ids.has(id))) f.issues.push('sample: an id is not in the population');
	}
}

function checkSpotCheckFinding(f: Fields) {
	base(f)
		.ref('campaign')
		.ref('project')
		.oneOf('kind', FINDING_KINDS)
		.string('note')
		.ref('rectification', { optional: true })
		.sha256List('photos');
}

const checkers: { [K in RecordKind]: (f: Fields) => void } = {
	suggestion: checkSuggestion,
	residentContact: checkResidentContact,
	councilMeeting: checkCouncilMeeting,
	project: checkProject,
	reviewDecision: checkReviewDecision,
	siteInspection: checkSiteInspection,
	rectification: checkRectification,
	rectificationReport: checkRectificationReport,
	disbursement: checkDisbursement,
	spotCheckCampaign: checkSpotCheckCampaign,
	spotCheckFinding: checkSpotCheckFinding,
	cityRules: (f) => checkRulesFields(base(f))
};

/** Whether `name` (a top-level map of a room's document, say) is a kind of record. */
export function isRecordKind(name: string): name is RecordKind {
	return Object.hasOwn(checkers, name);
}

/**
 * Checks a value read from storage against the record type of `kind`. Never throws; on success
 * the value itself is returned (extra fields of newer app versions kept), on failure every issue.
 */
export function validateRecord<K extends RecordKind>(
	kind: K,
	value: unknown
): ValidationResult<RecordKinds[K]> {
	return validateObject<RecordKinds[K]>(value, checkers[kind]);
}

export const validateSuggestion = (v: unknown) => validateRecord('suggestion', v);
export const validateResidentContact = (v: unknown) => validateRecord('residentContact', v);
export const validateCouncilMeeting = (v: unknown) => validateRecord('councilMeeting', v);
export const validateProject = (v: unknown) => validateRecord('project', v);
export const validateReviewDecision = (v: unknown) => validateRecord('reviewDecision', v);
export const validateSiteInspection = (v: unknown) => validateRecord('siteInspection', v);
export const validateRectification = (v: unknown) => validateRecord('rectification', v);
export const validateRectificationReport = (v: unknown) => validateRecord('rectificationReport', v);
export const validateDisbursement = (v: unknown) => validateRecord('disbursement', v);
export const validateSpotCheckCampaign = (v: unknown) => validateRecord('spotCheckCampaign', v);
export const validateSpotCheckFinding = (v: unknown) => validateRecord('spotCheckFinding', v);
export const validateCityRulesRecord = (v: unknown) => validateRecord('cityRules', v);
