import type { IncomingMessage, ServerResponse } from 'node:http';
import { roomAccess } from '../src/lib/domain/access.ts';
import { isCalendarDate, shanghaiStartOfDay, type CalendarDate } from '../src/lib/domain/dates.ts';
import { sendJson, type ApiRoute } from './api.ts';
import { bearer, type AuthContext } from './auth-routes.ts';
import { userFromToken } from './auth.ts';

/**
 * `GET /api/ratings` (Bearer): residents' ratings of the projects the caller may read, newest
 * first, for the city's screens. A rating is as readable as its community's room (`roomAccess`):
 * city roles read every community, a reviewer those of the town, a worker its own. The device and
 * the hashed address stay on the server: they exist only to hold one rating per device and to
 * slow down one address, and would tell a reader who rated what.
 *
 * `?from=YYYY-MM-DD&to=YYYY-MM-DD` bound the China calendar dates of the ratings, both inclusive;
 * `?community=<id>` keeps one community's (a project's page asks for its community's).
 */

const COMMUNITY_RE = /^[a-z0-9-]{1,64}$/;

export interface RatingsApiOptions {
	auth: AuthContext;
}

interface DateRange {
	from?: string;
	before?: string;
}

/** The date filter, or the message that says what is wrong with it. */
function dateRange(
	req: IncomingMessage
): { dates: { from?: CalendarDate; to?: CalendarDate } } | { problem: string } {
	const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
	const dates: { from?: CalendarDate; to?: CalendarDate } = {};
	for (const name of ['from', 'to'] as const) {
		const values = query.getAll(name);
		if (values.length === 0) continue;
		const value = values[0] ?? '';
		if (values.length > 1) return { problem: `${name}: give it once` };
		if (!isCalendarDate(value)) {
			return {
				problem: `${name}: expected a date YYYY-MM-DD (China time), got ${JSON.stringify(value)}`
			};
		}
		dates[name] = value;
	}
	if (dates.from !== undefined && dates.to !== undefined && dates.from > dates.to) {
		return { problem: `from (${dates.from}) is after to (${dates.to})` };
	}
	return { dates };
}

/**
 * China calendar dates (both included) as the bounds of the stored UTC times: a China day runs
 * from its 00:00 (16:00 UTC the day before) up to the next day's 00:00. Adding the day to the
 * instant, not to the date, keeps `to=9999-12-31` a four-digit year (a five-digit date is not a
 * calendar date).
 */
function chinaDays(dates: { from?: CalendarDate; to?: CalendarDate }): DateRange {
	const dayMs = 86_400_000;
	return {
		from: dates.from === undefined ? undefined : shanghaiStartOfDay(dates.from),
		before:
			dates.to === undefined
				? undefined
				: new Date(Date.parse(shanghaiStartOfDay(dates.to)) + dayMs).toISOString()
	};
}

/** Ratings of these communities posted on China dates `from`–`to` (both included), newest first. */
export function ratingsBetween(
	storage: AuthContext['storage'],
	communities: readonly string[],
	dates: { from?: CalendarDate; to?: CalendarDate } = {}
) {
	return storage.ratingsOfCommunities(communities, chinaDays(dates)).map((row) => {
		// The key is `<community>/<project>` (public-page.ts); neither id holds a '/'.
		const slash = row.project.indexOf('/');
		return {
			communityId: row.project.slice(0, slash),
			projectId: row.project.slice(slash + 1),
			score: row.score,
			comment: row.comment,
			at: row.at
		};
	});
}

export function ratingsRoutes({ auth }: RatingsApiOptions): ApiRoute[] {
	function handler(req: IncomingMessage, res: ServerResponse) {
		const user = userFromToken(auth, bearer(req));
		if (!user) {
			return sendJson(res, 401, {
				error: 'unauthorized',
				message: '请重新登录 / Please sign in again'
			});
		}
		const range = dateRange(req);
		if ('problem' in range) {
			return sendJson(res, 400, { error: 'bad_request', message: range.problem });
		}
		const only = new URL(req.url ?? '/', 'http://localhost').searchParams.getAll('community');
		if (only.length > 1 || (only.length === 1 && !COMMUNITY_RE.test(only[0]!))) {
			return sendJson(res, 400, { error: 'bad_request', message: 'community: one community id' });
		}
		const org = auth.org();
		const communities = org
			.communities()
			.filter((id) => only.length === 0 || id === only[0])
			.filter((id) => roomAccess(user, `community:${id}`, org) !== 'none');
		sendJson(res, 200, { ratings: ratingsBetween(auth.storage, communities, range.dates) });
	}

	return [{ method: 'GET', path: '/api/ratings', handler }];
}
