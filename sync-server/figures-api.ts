import type { IncomingMessage, ServerResponse } from 'node:http';
import {
	dashboardView,
	isReportMonth,
	monthDates,
	MONEY_GROUPS,
	moneyView,
	monthlyView,
	directoryPlaces,
	FIND_EXPORT_MAX,
	FIND_PAGE_MAX,
	findProjects,
	projectFacts,
	findSuggestions,
	FindQueryError,
	PROJECTS_PER_QUESTION,
	projectsView,
	readProjectQuery,
	readSuggestionQuery,
	type Places,
	roomAccess,
	shanghaiDate,
	rectificationsView,
	spotCheckView,
	type FigureAnswer,
	type MoneyGroup,
	type Principal,
	type RatingEntry
} from '../src/lib/domain/index.ts';
import { sendJson, type ApiRoute } from './api.ts';
import { requireUser, type AuthContext } from './auth-routes.ts';
import { directoryFor, type Org } from './directory.ts';
import { ratingsBetween } from './ratings-api.ts';
import { figureRooms, type ReadModels } from './read-models.ts';
import { RequestLimit, type RequestLimitOptions } from './request-limit.ts';

/**
 * The city's questions, answered from the read models (issue "city scale"): `GET
 * /api/figures/<question>` (Bearer) over every room the caller may read, complete at the time the
 * answer carries (`FigureAnswer`). A device of a city role shows these instead of downloading
 * every community; a worker's or a reviewer's device may ask too, and gets its own rooms only.
 *
 * - `dashboard[?year=YYYY]`: the city's figures (DOMAIN.md, "The numbers the city reports").
 * - `money[?year=YYYY][&by=town|community|year]`: the ledger and the projects waiting for payment.
 * - `monthly?month=YYYY-MM`: the monthly report per town, residents' ratings of that month in it.
 * - `rectifications`: the open rectifications, by town and overdue first (the supervisor's
 *   inspections page).
 * - `spot-check?years=YYYY[,YYYY…]`: who can be drawn for the spot-check of those years.
 * - `projects?ids=<id>[,<id>…]`: those projects, where they are and what they are (a city role's
 *   device opens a project's community room from it).
 * - `project-list?…` and `suggestion-list?…` (`readProjectQuery`, `readSuggestionQuery`: words,
 *   filters, sort, `offset`, `limit`): the lists of the town's and the city's roles, one page and
 *   the count of matches; `export=1` lets `limit` reach `FIND_EXPORT_MAX` (an export of the list).
 *
 * A question the server cannot understand is refused with 400 and a message in both languages;
 * nothing is guessed.
 */

type Query = URLSearchParams;

class BadQuestion extends Error {
	override name = 'BadQuestion';
}

/** The one value of a query parameter, or undefined; given twice is refused. */
function one(query: Query, name: string): string | undefined {
	const values = query.getAll(name);
	if (values.length > 1) throw new BadQuestion(`${name} 只能给一次 / give ${name} once`);
	return values[0];
}

const YEAR_RE = /^(19|20)\d\d$/;
/** A record id as the app makes them (random UUIDs) and the demo city's. */
const ID_RE = /^[A-Za-z0-9_-]{1,80}$/;

function yearParam(query: Query): number | undefined {
	const value = one(query, 'year');
	if (value === undefined) return undefined;
	if (!YEAR_RE.test(value)) {
		throw new BadQuestion('年份应为四位数字，例如 2024 / The year is four digits, e.g. 2024');
	}
	return Number(value);
}

interface Question {
	path: string;
	/** The answer's view; throws BadQuestion for a question it cannot answer. */
	view(input: {
		query: Query;
		user: Principal;
		org: Org;
		rooms: string[];
		models: ReadModels;
		ratings: (rooms: readonly string[], month: string) => RatingEntry[];
		now: Date;
	}): unknown;
}

const questions: Question[] = [
	{
		path: '/api/figures/dashboard',
		view({ query, user, org, rooms, models, now }) {
			const year = yearParam(query);
			const day = shanghaiDate(now.toISOString());
			// Kept while no room changed: still complete at the time of this request.
			return models.answer(`dashboard ${year ?? 'all'} ${rooms.join(' ')}`, org, day, () =>
				dashboardView(models.city(rooms, org), directoryFor(user, org), year, now.toISOString())
			);
		}
	},
	{
		path: '/api/figures/money',
		view({ query, org, rooms, models, now }) {
			const year = yearParam(query);
			const by = one(query, 'by') ?? 'town';
			if (!(MONEY_GROUPS as readonly string[]).includes(by)) {
				throw new BadQuestion(
					`分组应为 ${MONEY_GROUPS.join('、')} 之一 / by is one of ${MONEY_GROUPS.join(', ')}`
				);
			}
			const day = shanghaiDate(now.toISOString());
			return models.answer(`money ${year ?? 'all'} ${by} ${rooms.join(' ')}`, org, day, () =>
				moneyView(models.city(rooms, org), year, by as MoneyGroup)
			);
		}
	},
	{
		path: '/api/figures/monthly',
		view({ query, user, org, rooms, models, ratings, now }) {
			const month = one(query, 'month') ?? '';
			if (!isReportMonth(month)) {
				throw new BadQuestion(
					'月份应为 YYYY-MM，例如 2020-09 / The month is YYYY-MM, e.g. 2020-09'
				);
			}
			// Residents' ratings change without any room changing; they are only ever added (one per
			// device and project), so their count says whether the kept answer has them all.
			const rated = ratings(rooms, month);
			const day = shanghaiDate(now.toISOString());
			const key = `monthly ${month} ${rated.length} ${rooms.join(' ')}`;
			return models.answer(key, org, day, () =>
				monthlyView(models.city(rooms, org), directoryFor(user, org), month, rated)
			);
		}
	},
	{
		path: '/api/figures/rectifications',
		view({ org, rooms, models, now }) {
			const day = shanghaiDate(now.toISOString());
			return models.answer(`rectifications ${rooms.join(' ')}`, org, day, () =>
				rectificationsView(models.city(rooms, org), now.toISOString())
			);
		}
	},
	{
		path: '/api/figures/spot-check',
		view({ query, org, rooms, models }) {
			const value = one(query, 'years') ?? '';
			const years = value === '' ? [] : value.split(',');
			if (
				years.length > 50 ||
				years.some((y) => !YEAR_RE.test(y)) ||
				new Set(years).size !== years.length
			) {
				throw new BadQuestion(
					'年度应为以逗号分隔的四位年份，例如 2018,2019 / years are four-digit years separated by commas, e.g. 2018,2019'
				);
			}
			return spotCheckView(models.city(rooms, org), years.map(Number));
		}
	},
	{
		path: '/api/figures/projects',
		view({ query, org, rooms, models }) {
			const value = one(query, 'ids') ?? '';
			const ids = value === '' ? [] : value.split(',');
			if (ids.length > PROJECTS_PER_QUESTION || ids.some((id) => !ID_RE.test(id))) {
				throw new BadQuestion(
					`ids 应为以逗号分隔的记录编号，最多 ${PROJECTS_PER_QUESTION} 个 / ids are record ids separated by commas, ${PROJECTS_PER_QUESTION} at most`
				);
			}
			return projectsView(models.city(rooms, org), ids);
		}
	},
	{
		path: '/api/figures/project-list',
		view({ query, org, rooms, models, now }) {
			const records = models.city(rooms, org);
			const nowIso = now.toISOString();
			// The review clocks and the cap check of every project, kept while no room changes
			// and the day is the same: a search asks a question for each pause in typing.
			const facts = models.answer(
				`project-facts ${rooms.join(' ')}`,
				org,
				shanghaiDate(nowIso),
				() => projectFacts(records, nowIso)
			);
			return findProjects(records, listQuery(query, readProjectQuery), {
				nowIso,
				places: places(org),
				facts
			});
		}
	},
	{
		path: '/api/figures/suggestion-list',
		view({ query, org, rooms, models }) {
			return findSuggestions(models.city(rooms, org), listQuery(query, readSuggestionQuery), {
				places: places(org)
			});
		}
	}
];

/** The directory's names, for a search by place. */
const placesOf = new WeakMap<Org, Places>();
function places(org: Org): Places {
	let found = placesOf.get(org);
	if (!found) {
		found = directoryPlaces({ towns: org.townRows, communities: org.communityRows });
		placesOf.set(org, found);
	}
	return found;
}

/** A list's parameters, each given once; a malformed one is a bad question. */
function listQuery<Q>(
	query: Query,
	read: (get: (name: string) => string | undefined, max: number) => Q
): Q {
	const exporting = one(query, 'export');
	if (exporting !== undefined && exporting !== '1') {
		throw new BadQuestion('export 只能为 1 / export is 1 or absent');
	}
	try {
		return read((name) => one(query, name), exporting === '1' ? FIND_EXPORT_MAX : FIND_PAGE_MAX);
	} catch (error) {
		if (error instanceof FindQueryError) throw new BadQuestion(`${error.zh} / ${error.message}`);
		throw error;
	}
}

/** The rooms of the figures a user may read. */
function roomsOf(user: Principal, org: Org): string[] {
	return figureRooms(org).filter((room) => roomAccess(user, room, org) !== 'none');
}

/**
 * Exports per user: a few at once, then one every ten seconds. An export of the city's list is
 * the costliest question (~120 ms of the server at 10,000 projects, all of it on the one thread
 * that also relays everyone's edits); a person exports now and then, a script in a loop would stop
 * the city's sync.
 */
export const exportLimit: RequestLimitOptions = { burst: 6, perSecond: 0.1 };

export function figureRoutes(options: {
	auth: AuthContext;
	models: ReadModels;
	now: () => Date;
}): ApiRoute[] {
	const { auth, models, now } = options;
	const exports = new RequestLimit(exportLimit);
	const ratings = (rooms: readonly string[], month: string): RatingEntry[] =>
		ratingsBetween(
			auth.storage,
			rooms.filter((r) => r.startsWith('community:')).map((r) => r.slice('community:'.length)),
			monthDates(month)
		);
	return questions.map((question) => ({
		method: 'GET',
		path: question.path,
		async handler(req: IncomingMessage, res: ServerResponse) {
			const user = requireUser(auth, req, res);
			if (!user) return;
			const query = new URL(req.url ?? '/', 'http://x').searchParams;
			if (query.has('export')) {
				const limited = exports.take(user.id, now().getTime());
				if (!limited.allowed) {
					const seconds = limited.retryAfterSeconds;
					res.setHeader('Retry-After', String(seconds));
					return sendJson(res, 429, {
						error: 'too_many_requests',
						retryAfterSeconds: seconds,
						message: `导出太频繁，请 ${seconds} 秒后再试 / Too many exports: try again in ${seconds} s`
					});
				}
			}
			await models.warmed();
			const org = auth.org();
			const at = now();
			const rooms = roomsOf(user, org);
			let view: unknown;
			try {
				view = question.view({ query, user, org, rooms, models, ratings, now: at });
			} catch (error) {
				if (!(error instanceof BadQuestion)) throw error;
				return sendJson(res, 400, { error: 'bad_request', message: error.message });
			}
			const answer: FigureAnswer<unknown> = { asOf: at.toISOString(), rooms: rooms.length, view };
			sendJson(res, 200, answer);
		}
	}));
}
