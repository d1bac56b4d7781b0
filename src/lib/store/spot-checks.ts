import {
	DomainError,
	drawStratifiedSample,
	findingProblems,
	findingRectification,
	joinedMessage,
	validateRecord,
	type CityRules,
	type FindingKind,
	type PopulationEntry,
	type RecordRef,
	type Rectification,
	type SpotCheckCampaign,
	type SpotCheckFinding
} from '$lib/domain';
import { commit, commitWithPhotos, type CommandContext } from './commands';
import type { ProcessedPhoto } from './photo-types';
import { createRecord, InvalidRecordError } from '$lib/doc/records';

/**
 * A spot-check campaign (回头看) in the city's room: the population, the size and the seed are
 * stored with the sample, so that anyone can draw again and get the same projects
 * (`verifySample`; docs/spot-check-sampling.md shows how by hand).
 */
export async function drawCampaign(
	ctx: CommandContext,
	input: { years: number[]; size: number; seed: string; population: PopulationEntry[] }
): Promise<SpotCheckCampaign> {
	const draw = drawStratifiedSample({
		population: input.population,
		size: input.size,
		seed: input.seed
	});
	const now = ctx.now();
	const years = [...input.years].sort();
	const campaign: SpotCheckCampaign = {
		id: ctx.newId(),
		createdAt: now.toISOString(),
		createdBy: ctx.author.id,
		year: now.getUTCFullYear(),
		period: { from: `${years[0]}-01-01`, to: `${years[years.length - 1]}-12-31` },
		sampleSize: input.size,
		seed: input.seed,
		strataKey: 'type|town',
		population: input.population,
		sample: [...draw.sample],
		drawnAt: now.toISOString(),
		drawnBy: ctx.author.name
	};
	const checked = validateRecord('spotCheckCampaign', campaign);
	if (!checked.ok) throw new InvalidRecordError('spotCheckCampaign', checked.issues);
	await commit(ctx, 'drawCampaign', ['spotCheckCampaign'], (origin) => {
		createRecord(ctx.roomDoc.doc, 'spotCheckCampaign', campaign, origin, ctx.author, now);
	});
	return campaign;
}

export class FindingRefusedError extends DomainError {}

export interface FindingInput {
	campaign: SpotCheckCampaign;
	/** The sampled project, in its community's room. */
	project: RecordRef;
	kind: FindingKind;
	note: string;
	/** Who is to put it right (a name or a unit). */
	owner?: string;
	photos: ProcessedPhoto[];
}

/**
 * Records what the spot-check found on one sampled project, and the rectification it orders, in
 * one change of the city room: nobody sees a finding without its rectification. The supervisor
 * closes the rectification in the city room too, with `closeRectification` (inspections.ts).
 */
export async function recordFinding(
	ctx: CommandContext,
	input: FindingInput,
	rules: Pick<CityRules, 'rectificationDays'> | undefined
): Promise<{ finding: SpotCheckFinding; rectification: Rectification }> {
	const room = ctx.roomDoc.room;
	// Campaigns live in the city room; a finding elsewhere would point at nothing.
	if (room !== 'city')
		throw new Error(`Spot-check findings are kept in the city room, not ${room}`);
	const problems = findingProblems(input.campaign, input.project);
	if (problems.length > 0) {
		throw new FindingRefusedError(joinedMessage('spotCheck.findingRefused', problems));
	}
	const now = ctx.now();
	const at = now.toISOString();
	const findingId = ctx.newId();
	const rectificationId = ctx.newId();
	const note = input.note.trim();
	const finding: SpotCheckFinding = {
		id: findingId,
		createdAt: at,
		createdBy: ctx.author.id,
		campaign: { room, id: input.campaign.id },
		project: { room: input.project.room, id: input.project.id },
		kind: input.kind,
		note,
		rectification: { room, id: rectificationId },
		photos: input.photos.map((p) => p.sha256)
	};
	const order = findingRectification(finding, at, rules);
	const owner = input.owner?.trim();
	const rectification: Rectification = {
		id: rectificationId,
		createdAt: at,
		createdBy: ctx.author.id,
		subject: { room, id: findingId },
		orderedBy: ctx.author.name,
		orderedAt: at,
		description: order.description,
		...(owner ? { owner } : {}),
		dueDate: order.dueDate,
		photos: []
	};
	const checkedFinding = validateRecord('spotCheckFinding', finding);
	if (!checkedFinding.ok) throw new InvalidRecordError('spotCheckFinding', checkedFinding.issues);
	const checkedRect = validateRecord('rectification', rectification);
	if (!checkedRect.ok) throw new InvalidRecordError('rectification', checkedRect.issues);
	await commitWithPhotos(
		ctx,
		'recordFinding',
		['spotCheckFinding', 'rectification', 'photo'],
		input.photos,
		now,
		(origin) => {
			const doc = ctx.roomDoc.doc;
			createRecord(doc, 'spotCheckFinding', finding, origin, ctx.author, now);
			createRecord(doc, 'rectification', rectification, origin, ctx.author, now);
		}
	);
	return { finding, rectification };
}
