import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as Y from 'yjs';
import {
	publicPhotos,
	publicProjectView,
	rulesForYear,
	shanghaiDate,
	projectAsSeen,
	formatYuan,
	checkRating,
	isRateable,
	ratingSummary,
	RATING_COMMENT_MAX,
	type RatingSummary,
	type PublicProjectView
} from '../src/lib/domain/index.ts';
import { readRecord, validRecords, type StoredRecord } from '../src/lib/doc/records.ts';
import { BodyTooLargeError, readBody } from './api.ts';
import { ChangeStamps } from './change-stamps.ts';
import { clientAddress, limitKey } from './client-address.ts';
import type { Org } from './directory.ts';
import type { Logger } from './log.ts';
import { LruMap } from './lru-map.ts';
import { findStoredPhoto } from './photos.ts';
import { ratingLimitReached } from './rating-limits.ts';
import { RequestLimit } from './request-limit.ts';
import type { CommunityRow, Storage } from './storage.ts';

/**
 * The public project page: what the QR code on a project sign (标识牌) opens on any phone, with no
 * sign-in and no JavaScript. `GET /p/<community>/<project>` renders the domain's public view of
 * the project (`publicProjectView`: an allow-list, nothing private) from the community's room with
 * the town's decision applied; `GET /p/<community>/<project>/photos/<sha256>` serves only the
 * photos that view lists. Anything else under /p/ is a plain 404 page.
 *
 * A QR code on a busy street is read a lot, so a page is rendered once and kept until something
 * it shows changes: it is cached under the stamps (change-stamps.ts) of the org and of the three
 * rooms it reads (the community's, its town's, the city's), so the next update to any of them,
 * or a room loaded again as a new document, renders it afresh. The rating part varies with the
 * totals and with whether this device rated already, so each cached project keeps one rendering
 * per variant, keyed by exactly what that part shows and by nothing of the device itself. Pages
 * carry a strong ETag of their bytes and `no-cache`, so a phone always asks and gets a 304 while
 * nothing changed. Every request under /p/ counts against its client address's limit
 * (request-limit.ts); over it, a 429 with `Retry-After`.
 */

export interface PublicPageOptions {
	/** A room's document, read outside any connection (loaded and unloaded like any room). */
	readRoom: (name: string) => Y.Doc;
	org: () => Org;
	dataDir: string;
	log: Logger;
	/** Residents' ratings, kept by the server apart from the rooms (`db`: rating-limits.ts). */
	ratings: Pick<Storage, 'addRating' | 'hasRated' | 'ratingTotals' | 'ratingsFromAddressSince'>;
	now: () => Date;
	/** Proxies whose `X-Forwarded-For` is trusted (`TRUST_PROXY`, client-address.ts). */
	trustProxy: number;
	/** Requests per client address (`PUBLIC_RATE_BURST`, `PUBLIC_RATE_PER_SECOND`). */
	limit: { burst: number; perSecond: number };
}

/** Projects whose pages are kept rendered (a few KB each), the least recently read dropped first. */
const cachedProjects = 1000;
const DEVICE_COOKIE = 'kb_rater';
const DEVICE_RE = /^[0-9a-f]{32}$/;

const COMMUNITY_RE = /^[a-z0-9-]{1,64}$/;
const ID_RE = /^[A-Za-z0-9_-]{1,100}$/;
const SHA_RE = /^[0-9a-f]{64}$/;

const STYLE = `body{margin:0;font:18px/1.6 system-ui,'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;color:#1a1a1a;background:#f3f5f4}
header{background:#0b5345;color:#fff;padding:16px 20px}header p{margin:0;letter-spacing:.2em;font-weight:700}
main{max-width:720px;margin:0 auto;padding:16px 20px 48px}h1{margin:8px 0 4px;font-size:1.6rem}
.status{display:inline-block;padding:2px 12px;border-radius:999px;background:#e3f1ec;color:#073b31;font-weight:700}
dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px}dt{color:#4a4a4a}dd{margin:0}
table{border-collapse:collapse;width:100%}td{padding:6px 0;border-bottom:1px solid #c9d1ce}td.n{text-align:right}
.photos{display:flex;flex-wrap:wrap;gap:8px}.rating{margin-top:24px;padding:16px;background:#fff;border-radius:10px}
.rating fieldset{border:0;padding:0;display:flex;gap:16px;flex-wrap:wrap}.rating label{display:block;margin:8px 0}
.rating textarea{width:100%;min-height:80px;font:inherit}.rating button{font:inherit;padding:10px 20px;background:#0b5345;color:#fff;border:0;border-radius:10px}.photos img{width:160px;height:120px;object-fit:cover;border-radius:8px}
footer{color:#4a4a4a;text-align:center;padding:24px}`;
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');
const CSP = `default-src 'none'; img-src 'self'; style-src 'sha256-${STYLE_HASH}'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;

const STATUS_ZH: Record<string, string> = {
	approved: '已批准',
	in_progress: '实施中',
	completed: '已完工',
	accepted: '已验收',
	disbursed: '已拨付',
	closed: '已结项'
};
const TYPE_ZH: Record<string, string> = {
	engineering: '工程类',
	service: '服务类',
	goods: '货物类'
};

function escape(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// The status moves on: always ask the server, but a phone may keep it for the back button.
const REVALIDATE = 'no-cache';

function send(
	res: ServerResponse,
	req: IncomingMessage,
	status: number,
	html: string | Buffer,
	headers: Record<string, string> = {}
) {
	const body = typeof html === 'string' ? Buffer.from(html, 'utf8') : html;
	res.writeHead(status, {
		'Cache-Control': REVALIDATE,
		...headers,
		'Content-Type': 'text/html; charset=utf-8',
		'Content-Length': body.length,
		'Content-Security-Policy': CSP
	});
	res.end(req.method === 'HEAD' ? undefined : body);
}

interface RenderedPage {
	body: Buffer;
	/** Strong: the SHA-256 of the body's bytes. */
	etag: string;
}

function rendered(html: string): RenderedPage {
	const body = Buffer.from(html, 'utf8');
	return { body, etag: `"${createHash('sha256').update(body).digest('base64url')}"` };
}

/** If-None-Match compares weakly (RFC 9110, 13.1.2): `W/"x"` matches `"x"`. */
function matches(req: IncomingMessage, etag: string): boolean {
	const header = req.headers['if-none-match'];
	if (!header) return false;
	return header.split(',').some((tag) => {
		const t = tag.trim();
		return t === '*' || t === etag || t === `W/${etag}`;
	});
}

function sendPage(res: ServerResponse, req: IncomingMessage, page: RenderedPage) {
	// The rating part differs for a device that rated (its cookie): a shared cache must not mix them.
	const headers = { ETag: page.etag, Vary: 'Cookie' };
	if (!matches(req, page.etag)) return send(res, req, 200, page.body, headers);
	res.writeHead(304, { ...headers, 'Cache-Control': REVALIDATE });
	res.end();
}

function page(title: string, content: string): string {
	return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · 民生微实事</title><style>${STYLE}</style></head>
<body><header><p>民生微实事</p></header><main>${content}</main>
<footer>群众点菜，政府买单 · 欢迎居民全程监督</footer></body></html>`;
}

const notFound = () =>
	page(
		'找不到项目',
		'<h1>找不到这个项目</h1><p>可能是二维码有误，或项目尚未公示。</p><p lang="en">Project not found.</p>'
	);

const tooManyRequests = () =>
	page(
		'请稍后再试',
		'<h1>请稍后再试</h1><p>这个网络打开页面太频繁了，请稍等片刻再刷新。</p><p lang="en">Too many requests: please wait a moment and try again.</p>'
	);

function day(iso: string | undefined): string {
	return iso ? shanghaiDate(iso) : '—';
}

export interface RatingState {
	summary: RatingSummary;
	/** This device rated already; `thanks` right after it did. */
	rated: boolean;
	thanks: boolean;
}

function renderRating(view: PublicProjectView, state: RatingState): string {
	const { count, average } = state.summary;
	const summary =
		count > 0
			? `<p>居民满意度 <strong data-rating="${average}">${average} / 5</strong>（${count} 人评价）</p>`
			: '<p>还没有居民评价。</p>';
	if (state.rated) {
		return `<section class="rating">${summary}<p>${state.thanks ? '谢谢您的评价！' : '您已评价过这个项目，谢谢！'}</p></section>`;
	}
	const scores = [1, 2, 3, 4, 5]
		.map((n) => `<label><input type="radio" name="score" value="${n}" required> ${n} 分</label>`)
		.join('');
	return `<section class="rating">${summary}
<form method="post" action="/p/${view.communityId}/${view.id}/rating">
<fieldset><legend>给这个项目打分（1 分最低，5 分最高）</legend>${scores}</fieldset>
<label>您的意见（可不填，最多 ${RATING_COMMENT_MAX} 字）<textarea name="comment" maxlength="${RATING_COMMENT_MAX}"></textarea></label>
<button type="submit">提交评价</button>
<p>无需登录，不收集姓名和电话。每台设备可评价一次。</p></form></section>`;
}

function renderProject(
	view: PublicProjectView,
	names: { community: string; town: string },
	phone: string | undefined,
	rating: RatingState | undefined
): string {
	const photo = (sha: string, i: number) =>
		`<img src="/p/${view.communityId}/${view.id}/photos/${sha}" alt="照片 ${i + 1}" loading="lazy">`;
	const rows = view.budget
		.map(
			(l) =>
				`<tr><td>${escape(l.description)}</td><td class="n">${formatYuan(l.amountFen)}</td></tr>`
		)
		.join('');
	const progress = view.progress
		.map(
			(u) =>
				`<li><strong>${day(u.at)}</strong> ${escape(u.note)}<div class="photos">${u.photos.map(photo).join('')}</div></li>`
		)
		.join('');
	const completion = view.completion
		? `<h2>完工</h2><p><strong>${day(view.completion.at)}</strong> ${escape(view.completion.note)}</p><div class="photos">${view.completion.photos.map(photo).join('')}</div>`
		: '';
	return page(
		view.title,
		`<h1>${escape(view.title)}</h1>
<p><span class="status">${STATUS_ZH[view.status] ?? escape(view.status)}</span> ${escape(TYPE_ZH[view.type] ?? view.type)}项目 · ${escape(names.community)} · ${escape(names.town)}</p>
${view.summary ? `<p>${escape(view.summary)}</p>` : ''}
<h2>预算 ${formatYuan(view.budgetFen)}</h2><table>${rows}</table>
<h2>关键日期</h2><dl><dt>提交</dt><dd>${day(view.dates.submittedAt)}</dd><dt>批准</dt><dd>${day(view.dates.decidedAt)}</dd><dt>开工</dt><dd>${day(view.dates.startedAt)}</dd><dt>完工</dt><dd>${day(view.dates.completedAt)}</dd><dt>验收</dt><dd>${day(view.dates.acceptedAt)}</dd></dl>
${progress ? `<h2>实施进展</h2><ol>${progress}</ol>` : ''}${completion}
${phone ? `<p>监督电话：<strong>${escape(phone)}</strong></p>` : ''}
${rating ? renderRating(view, rating) : ''}`
	);
}

function message(title: string, text: string, back: string): string {
	return page(
		title,
		`<h1>${escape(title)}</h1><p>${text}</p><p><a href="${back}">返回项目</a></p>`
	);
}

function deviceOf(req: IncomingMessage): string | undefined {
	for (const part of (req.headers.cookie ?? '').split(';')) {
		const [name, value] = part.trim().split('=');
		if (name === DEVICE_COOKIE && value && DEVICE_RE.test(value)) return value;
	}
	return undefined;
}

/** The address (its `limitKey`), kept only as a hash: enough to count, not to know who. */
function addressHash(address: string): string {
	return createHash('sha256').update(`kuaiban-rating:${address}`).digest('hex');
}

/** What a project's page shows apart from its ratings. */
interface ProjectPage {
	view: PublicProjectView;
	names: { community: string; town: string };
	phone: string | undefined;
}

interface CachedProject {
	/** The stamps of the org and the three rooms the page was made from. */
	stamp: string;
	/** Undefined: the record is no public project. */
	page: ProjectPage | undefined;
	/** The page rendered, per variant of its rating part (`renderedPage`). */
	rendered: Map<string, RenderedPage>;
}

export function createPublicPages(options: PublicPageOptions) {
	const cache = new LruMap<string, CachedProject>(cachedProjects);
	const stamps = new ChangeStamps();
	const limiter = new RequestLimit(options.limit);

	/** The public view of a project, or undefined (not public, or not valid). */
	function projectPage(
		org: Org,
		community: CommunityRow,
		id: string,
		stored: StoredRecord<'project'>,
		town: Y.Doc,
		city: Y.Doc,
		finance: Y.Doc
	): ProjectPage | undefined {
		const project = stored.record;
		// The view's ids go into the page's links unescaped, so they must be the ids the URL pattern
		// checked: the app keys every record by its own id, and a record that says otherwise (a
		// forged or broken write) is no project of this page.
		// Its community and town are the room's and the directory's, whatever its fields say.
		if (!project || project.id !== id) return undefined;
		const seen = projectAsSeen(project, {
			communityId: community.id,
			townId: community.townId,
			townDecisions: validRecords(town, 'reviewDecision'),
			cityDecisions: validRecords(city, 'reviewDecision'),
			payments: validRecords(finance, 'disbursement')
		});
		const view = publicProjectView(seen);
		if (!view) return undefined;
		let phone: string | undefined;
		try {
			phone = rulesForYear(validRecords(city, 'cityRules'), view.year).supervisionPhone;
		} catch {
			phone = undefined;
		}
		const townName = org.townRows.find((t) => t.id === community.townId)?.name ?? community.townId;
		return { view, names: { community: community.name, town: townName }, phone };
	}

	/** The project's cached page, made again when something it reads changed; undefined: unknown. */
	function find(communityId: string, id: string): CachedProject | undefined {
		if (!COMMUNITY_RE.test(communityId) || !ID_RE.test(id)) return undefined;
		const org = options.org();
		const community = org.communityRows.find((c) => c.id === communityId);
		if (!community) return undefined;
		const room = options.readRoom(`community:${communityId}`);
		const record = readRecord(room, 'project', id);
		// Unknown ids are not cached: a flood of made-up ones must not push real pages out.
		if (!record) return undefined;
		const town = options.readRoom(`town:${community.townId}`);
		const city = options.readRoom('city');
		const finance = options.readRoom('finance');
		const stamp = [org, room, town, city, finance].map((target) => stamps.of(target)).join(' ');
		const key = `${communityId}/${id}`;
		const cached = cache.get(key);
		if (cached?.stamp === stamp) return cached;
		const fresh: CachedProject = {
			stamp,
			page: projectPage(org, community, id, record, town, city, finance),
			rendered: new Map()
		};
		cache.set(key, fresh);
		return fresh;
	}

	function ratingState(req: IncomingMessage, view: PublicProjectView, thanks: boolean) {
		if (!isRateable(view)) return undefined;
		const key = `${view.communityId}/${view.id}`;
		const totals = options.ratings.ratingTotals(key);
		const device = deviceOf(req);
		const rated = device !== undefined && options.ratings.hasRated(key, device);
		return { summary: ratingSummary(totals.count, totals.sum), rated, thanks: thanks && rated };
	}

	/**
	 * The page as this request sees it. Its rating part is one of a few variants, keyed by what it
	 * shows (the form or a thank-you, the count and the mean): two devices in the same state get
	 * the same bytes, and nothing of one device's state reaches another.
	 */
	function renderedPage(req: IncomingMessage, entry: CachedProject, page: ProjectPage) {
		const thanks = new URL(req.url ?? '/', 'http://x').searchParams.get('rated') === '1';
		const rating = ratingState(req, page.view, thanks);
		const shown = rating && (rating.thanks ? 'thanks' : rating.rated ? 'rated' : 'form');
		const variant = rating ? `${shown} ${rating.summary.count} ${rating.summary.average}` : 'plain';
		let out = entry.rendered.get(variant);
		if (!out) {
			// A rateable page has three variants at the current totals; older totals are never asked again.
			if (entry.rendered.size >= 3) entry.rendered.clear();
			out = rendered(renderProject(page.view, page.names, page.phone, rating));
			entry.rendered.set(variant, out);
		}
		return out;
	}

	async function rate(
		req: IncomingMessage,
		res: ServerResponse,
		view: PublicProjectView,
		client: string
	) {
		const back = `/p/${view.communityId}/${view.id}`;
		let form: URLSearchParams;
		try {
			form = new URLSearchParams((await readBody(req, 4096)).toString('utf8'));
		} catch (error) {
			if (error instanceof BodyTooLargeError) {
				return send(res, req, 413, message('内容太长', '评价内容太长。', back));
			}
			throw error;
		}
		const checked = checkRating(form.get('score') ?? undefined, form.get('comment') ?? undefined);
		if (!checked.ok) {
			const text = checked.problems.map(
				(p) => `${escape(p.zh)}<br><span lang="en">${escape(p.en)}</span>`
			);
			return send(res, req, 400, message('评价没有提交', text.join('<br>'), back));
		}
		const now = options.now();
		const address = addressHash(client);
		const project = `${view.communityId}/${view.id}`;
		const since = new Date(now.getTime() - 86_400_000).toISOString();
		const reached = ratingLimitReached(
			options.ratings.ratingsFromAddressSince(address, project, since)
		);
		if (reached) {
			const text =
				reached === 'project'
					? '这个网络今天对这个项目的评价已经够多了，请明天再试。'
					: '这个网络今天的评价次数已经很多了，请明天再试。';
			return send(res, req, 429, message('请稍后再试', text, back));
		}
		const known = deviceOf(req);
		const device = known ?? randomBytes(16).toString('hex');
		const added = options.ratings.addRating({
			project,
			device,
			address,
			score: checked.value.score,
			comment: checked.value.comment,
			at: now.toISOString()
		});
		if (!added) {
			return send(
				res,
				req,
				409,
				message('已经评价过了', '这台设备已经评价过这个项目，每台设备只能评价一次。', back)
			);
		}
		options.log.info('rating stored', { project, score: checked.value.score });
		res.writeHead(303, {
			Location: `${back}?rated=1`,
			'Cache-Control': 'no-store',
			...(known
				? {}
				: {
						// Only to know this device rated already: no name, no tracking elsewhere.
						'Set-Cookie': `${DEVICE_COOKIE}=${device}; Path=/p/; Max-Age=63072000; HttpOnly; SameSite=Lax`
					})
		});
		res.end();
	}

	/** Handles `/p/…`; returns false for other paths. */
	return async function handle(
		req: IncomingMessage,
		res: ServerResponse,
		pathname: string
	): Promise<boolean> {
		if (!pathname.startsWith('/p/')) return false;
		const client = limitKey(clientAddress(req, options.trustProxy));
		const limited = limiter.take(client, options.now().getTime());
		if (!limited.allowed) {
			// One line when an address starts being refused, not one per refused request.
			if (limited.first) options.log.warn('public pages: too many requests', { client });
			send(res, req, 429, tooManyRequests(), {
				'Retry-After': String(limited.retryAfterSeconds),
				'Cache-Control': 'no-store'
			});
			return true;
		}
		const parts = pathname.slice('/p/'.length).split('/');
		const isRating = parts.length === 3 && parts[2] === 'rating';
		const allowed = isRating ? ['POST'] : ['GET', 'HEAD'];
		if (!allowed.includes(req.method ?? '')) {
			res.writeHead(405, { Allow: allowed.join(', ') }).end();
			return true;
		}
		const [communityId = '', id = ''] = parts;
		const entry =
			parts.length === 2 || parts.length === 4 || isRating ? find(communityId, id) : undefined;
		const found = entry?.page;
		if (!entry || !found || (isRating && !isRateable(found.view))) {
			send(res, req, 404, notFound());
			return true;
		}
		if (isRating) {
			await rate(req, res, found.view, client);
			return true;
		}
		if (parts.length === 2) {
			sendPage(res, req, renderedPage(req, entry, found));
			return true;
		}
		const sha = parts[3] ?? '';
		if (parts[2] !== 'photos' || !SHA_RE.test(sha) || !publicPhotos(found.view).has(sha)) {
			send(res, req, 404, notFound());
			return true;
		}
		const photo = await findStoredPhoto(
			options.dataDir,
			{ kind: 'community', id: communityId },
			sha
		);
		if (!photo) {
			send(res, req, 404, notFound());
			return true;
		}
		const bytes = await readFile(photo.path);
		res.writeHead(200, {
			'Content-Type': photo.type,
			'Content-Length': bytes.length,
			'Cache-Control': 'public, max-age=86400'
		});
		res.end(req.method === 'HEAD' ? undefined : bytes);
		return true;
	};
}
