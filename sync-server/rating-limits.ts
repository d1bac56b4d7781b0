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

/** The limit an address has reached with one more rating of this project, if any. */
export function ratingLimitReached(counts: AddressRatings): 'project' | 'address' | undefined {
	if (counts.onProject >= ratingsPerProjectPerAddressPerDay) return 'project';
	if (counts.total >= ratingsPerAddressPerDay) return 'address';
	return undefined;
}
