import type { PopulationEntry, Project, ProjectStatus, RecordRef } from './records';

/**
 * Who can be picked for the annual spot-check ("回头看", DOMAIN.md: in 2020, 40 projects of
 * 2018–2019, stratified by category, among projects whose funds were fully disbursed).
 *
 * - Eligible: projects of the chosen years whose work is finished — completed or later. Funds are
 *   paid after completion; until disbursements are recorded in the app, finished stands for paid.
 * - Strata: project type and town (`engineering|jingkai`), so every town's and every type's
 *   share of the sample follows its share of the projects (the "stratified by project type
 *   and town").
 */

export const SPOT_CHECK_DEFAULT_SIZE = 40;

const FINISHED: readonly ProjectStatus[] = ['completed', 'accepted', 'disbursed', 'closed'];

export function spotCheckStratum(project: Pick<Project, 'type' | 'townId'>): string {
	return `${project.type}|${project.townId}`;
}

export function spotCheckPopulation(
	projects: readonly (Project & { readonly ref: RecordRef })[],
	years: readonly number[]
): PopulationEntry[] {
	return projects
		.filter((p) => !p.archived && years.includes(p.year) && FINISHED.includes(p.status))
		.map((p) => ({ id: p.id, stratum: spotCheckStratum(p), room: p.ref.room }));
}
