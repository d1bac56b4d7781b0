import type Database from 'better-sqlite3';

/**
 * How many ratings one address may post, counted over the last 24 hours. A device can rate a
 * project once (its cookie), but a cookie is easy to drop, so the address counts too: across all
 * projects, enough for a household and neighbours on one network; on one project, only a few,
 * so that one person clearing cookies cannot drag a project's mean down alone.
 *
 * The address is the hash kept in the `ratings` table (never the address itself).
 */
export const ratingsPerAddressPerDay = 20;
export const ratingsPerProjectPerAddressPerDay = 3;

export interface AddressRatings {
	/** On every project. */
	total: number;
	/** On the project asked about. */
	onProject: number;
}

/**
 * One query for both counts: the `ratings_address (address, at)` index finds the address's rows
 * of the day (a few dozen at most, since the limits hold), and the project is checked on those.
 */
export function ratingsFromAddressSince(
	db: Pick<Database.Database, 'prepare'>,
	address: string,
	project: string,
	since: string
): AddressRatings {
	return db
		.prepare(
			`SELECT count(*) AS total, coalesce(sum(project = @project), 0) AS onProject
			 FROM ratings WHERE address = @address AND at >= @since`
		)
		.get({ address, project, since }) as AddressRatings;
}

/** The limit an address has reached with one more rating of this project, if any. */
export function ratingLimitReached(counts: AddressRatings): 'project' | 'address' | undefined {
	if (counts.onProject >= ratingsPerProjectPerAddressPerDay) return 'project';
	if (counts.total >= ratingsPerAddressPerDay) return 'address';
	return undefined;
}
