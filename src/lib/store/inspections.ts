import {
	DomainError,
	failedItems,
	joinedMessage,
	rectificationCloseProblems,
	rectificationDueDate,
	validateRecord,
	type CalendarDate,
	type ChecklistEntry,
	type CityRules,
	type InspectionKind,
	type DomainMessage,
	type Rectification,
	type RectificationReport,
	type RecordRef,
	type RoomName,
	type SiteInspection
} from '$lib/domain';
import { commit, commitWithPhotos, type CommandContext } from './commands';
import type { ProcessedPhoto, PhotoLocation } from './photo-types';
import { appendToRecord, createRecord, InvalidRecordError, updateRecord } from '$lib/doc/records';

/**
 * Site inspections with their checklist, and the rectifications failed items open (DOMAIN.md,
 * "three lines of defence"). Kept in the room of whoever inspects: a community's own inspections
 * in its room, the town's quarterly checks in the town's room — the town then closes its own
 * rectifications on the follow-up visit, with the photo that proves the fix.
 */

const touches = ['siteInspection', 'rectification', 'photo'];

export interface InspectionInput {
	kind: InspectionKind;
	project?: RecordRef;
	estate?: string;
	note: string;
	checklist: ChecklistEntry[];
	/** For each failed item: what is to be done, by whom, by when (defaults from the rules). */
	orders: Record<string, { description: string; owner: string; dueDate?: CalendarDate }>;
	location?: PhotoLocation;
}

export class RectificationRefusedError extends DomainError {}

function refused(problems: readonly DomainMessage[]): RectificationRefusedError {
	return new RectificationRefusedError(joinedMessage('rectification.refused', problems));
}

export async function recordInspection(
	ctx: CommandContext,
	input: InspectionInput,
	photos: ProcessedPhoto[],
	rules: Pick<CityRules, 'rectificationDays'> | undefined
): Promise<{ inspection: SiteInspection; rectifications: Rectification[] }> {
	const now = ctx.now();
	const at = now.toISOString();
	const failed = failedItems(input.checklist);
	const inspection: SiteInspection = {
		id: ctx.newId(),
		createdAt: at,
		createdBy: ctx.author.id,
		kind: input.kind,
		...(input.project ? { project: input.project } : {}),
		...(input.estate?.trim() ? { estate: input.estate.trim() } : {}),
		visitedAt: at,
		inspector: ctx.author.name,
		note: input.note.trim(),
		problemFound: failed.length > 0,
		photos: photos.map((p) => p.sha256),
		checklist: input.checklist,
		...(input.location ? { location: { lat: input.location.lat, lng: input.location.lng } } : {})
	};
	const rectifications: Rectification[] = failed.map((entry) => {
		const order = input.orders[entry.item];
		return {
			id: ctx.newId(),
			createdAt: at,
			createdBy: ctx.author.id,
			subject: { room: ctx.roomDoc.room, id: inspection.id },
			orderedBy: ctx.author.name,
			orderedAt: at,
			description: order?.description.trim() || entry.note?.trim() || entry.item,
			...(order?.owner.trim() ? { owner: order.owner.trim() } : {}),
			dueDate: order?.dueDate ?? rectificationDueDate(at, rules),
			photos: []
		};
	});
	for (const [kind, record] of [
		['siteInspection', inspection],
		...rectifications.map((r) => ['rectification', r] as const)
	] as const) {
		const checked = validateRecord(kind, record);
		if (!checked.ok) throw new InvalidRecordError(kind, checked.issues);
	}
	await commitWithPhotos(ctx, 'recordInspection', touches, photos, now, (origin) => {
		const doc = ctx.roomDoc.doc;
		createRecord(doc, 'siteInspection', inspection, origin, ctx.author, now);
		for (const r of rectifications) createRecord(doc, 'rectification', r, origin, ctx.author, now);
	});
	return { inspection, rectifications };
}

/** Closes a rectification with its evidence photo(s); refused without one. */
export async function closeRectification(
	ctx: CommandContext,
	rectification: Rectification,
	note: string,
	photos: ProcessedPhoto[]
): Promise<void> {
	const shas = photos.map((p) => p.sha256);
	const problems = rectificationCloseProblems(rectification, shas);
	if (problems.length > 0) throw refused(problems);
	const now = ctx.now();
	await commitWithPhotos(ctx, 'closeRectification', touches, photos, now, (origin) => {
		const doc = ctx.roomDoc.doc;
		appendToRecord(doc, 'rectification', rectification.id, 'photos', shas, origin, ctx.author, now);
		updateRecord(
			doc,
			'rectification',
			rectification.id,
			{ done: true, doneAt: now.toISOString(), doneNote: note.trim() },
			origin,
			ctx.author,
			now
		);
	});
}

/**
 * The community reports a rectification the town ordered as put right, with its photos, in its own
 * room (it cannot write the town's). Refused like a closing: not once closed, not without a photo.
 */
export async function reportRectificationFixed(
	ctx: CommandContext,
	rectification: Rectification & { room: RoomName },
	note: string,
	photos: ProcessedPhoto[]
): Promise<RectificationReport> {
	const problems = rectificationCloseProblems(
		rectification,
		photos.map((p) => p.sha256)
	);
	if (problems.length > 0) throw refused(problems);
	const now = ctx.now();
	const report: RectificationReport = {
		id: ctx.newId(),
		createdAt: now.toISOString(),
		createdBy: ctx.author.id,
		rectification: { room: rectification.room, id: rectification.id },
		note: note.trim(),
		photos: photos.map((p) => p.sha256),
		reportedAt: now.toISOString()
	};
	const checked = validateRecord('rectificationReport', report);
	if (!checked.ok) throw new InvalidRecordError('rectificationReport', checked.issues);
	await commitWithPhotos(
		ctx,
		'reportRectificationFixed',
		['rectificationReport', 'photo'],
		photos,
		now,
		(origin) => {
			createRecord(ctx.roomDoc.doc, 'rectificationReport', report, origin, ctx.author, now);
		}
	);
	return report;
}

/**
 * The town closes its rectification on the community's report: the report's photos are the
 * evidence, and the rectification names the report so everyone can see them.
 */
export async function closeRectificationOnReport(
	ctx: CommandContext,
	rectification: Rectification,
	report: RectificationReport & { room: RoomName },
	note: string
): Promise<void> {
	const problems = rectificationCloseProblems(rectification, report.photos);
	if (problems.length > 0) throw refused(problems);
	const now = ctx.now();
	await commit(ctx, 'closeRectificationOnReport', touches, (origin) => {
		updateRecord(
			ctx.roomDoc.doc,
			'rectification',
			rectification.id,
			{
				done: true,
				doneAt: now.toISOString(),
				doneNote: note.trim() || report.note,
				closedOnReport: { room: report.room, id: report.id }
			},
			origin,
			ctx.author,
			now
		);
	});
}
