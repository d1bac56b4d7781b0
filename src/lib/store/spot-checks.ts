import {
	drawStratifiedSample,
	validateRecord,
	type PopulationEntry,
	type SpotCheckCampaign
} from '$lib/domain';
import { commit, type CommandContext } from './commands';
import { createRecord, InvalidRecordError } from './records';

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
