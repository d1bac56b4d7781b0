import type { RatingEntry } from '$lib/domain';

/**
 * Residents' ratings for the city's screens, from `GET /api/ratings` (the server keeps them apart
 * from the rooms, so they are read online only). What comes back is checked before use: a row
 * that is not a rating is left out, never shown as a number it is not.
 */

export type RatingsResult =
	| { readonly ok: true; readonly ratings: ProjectRating[] }
	| { readonly ok: false; readonly reason: 'offline' | 'unauthorized' | 'server' };

export interface ProjectRating extends RatingEntry {
	readonly projectId: string;
}

function isRating(value: unknown): value is ProjectRating {
	if (typeof value !== 'object' || value === null) return false;
	const r = value as Record<string, unknown>;
	return (
		typeof r.communityId === 'string' &&
		typeof r.projectId === 'string' &&
		typeof r.score === 'number' &&
		Number.isInteger(r.score) &&
		r.score >= 1 &&
		r.score <= 5 &&
		typeof r.at === 'string'
	);
}

/** Ratings posted between two China calendar dates (both included), or of one community. */
export async function fetchRatings(
	token: string | undefined,
	filter: { from: string; to: string } | { community: string },
	fetchFn: typeof fetch = fetch
): Promise<RatingsResult> {
	if (!token) return { ok: false, reason: 'unauthorized' };
	const query = new URLSearchParams(filter).toString();
	let res: Response;
	try {
		res = await fetchFn(`/api/ratings?${query}`, {
			headers: { authorization: `Bearer ${token}` },
			cache: 'no-store'
		});
	} catch {
		return { ok: false, reason: 'offline' };
	}
	if (res.status === 401) return { ok: false, reason: 'unauthorized' };
	if (!res.ok) return { ok: false, reason: 'server' };
	const body = (await res.json().catch(() => undefined)) as { ratings?: unknown } | undefined;
	if (!body || !Array.isArray(body.ratings)) return { ok: false, reason: 'server' };
	return { ok: true, ratings: body.ratings.filter(isRating) };
}
