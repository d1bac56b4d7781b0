import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as Y from 'yjs';
import {
	publicPhotos,
	publicProjectView,
	rulesForYear,
	shanghaiDate,
	validateRecord,
	withDecision,
	formatYuan,
	type CityRulesRecord,
	type PublicProjectView,
	type ReviewDecision
} from '../src/lib/domain/index.ts';
import type { Org } from './directory.ts';
import type { Logger } from './log.ts';
import { findStoredPhoto } from './photos.ts';

/**
 * The public project page: what the QR code on a project sign (标识牌) opens on any phone, with no
 * sign-in and no JavaScript. `GET /p/<community>/<project>` renders the domain's public view of
 * the project (`publicProjectView`: an allow-list, nothing private) from the community's room with
 * the town's decision applied; `GET /p/<community>/<project>/photos/<sha256>` serves only the
 * photos that view lists. Anything else under /p/ is a plain 404 page.
 */

export interface PublicPageOptions {
	/** A room's document, read outside any connection (loaded and unloaded like any room). */
	readRoom: (name: string) => Y.Doc;
	org: () => Org;
	dataDir: string;
	log: Logger;
}

const COMMUNITY_RE = /^[a-z0-9-]{1,64}$/;
const ID_RE = /^[A-Za-z0-9_-]{1,100}$/;
const SHA_RE = /^[0-9a-f]{64}$/;

const STYLE = `body{margin:0;font:18px/1.6 system-ui,'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;color:#1a1a1a;background:#f3f5f4}
header{background:#0b5345;color:#fff;padding:16px 20px}header p{margin:0;letter-spacing:.2em;font-weight:700}
main{max-width:720px;margin:0 auto;padding:16px 20px 48px}h1{margin:8px 0 4px;font-size:1.6rem}
.status{display:inline-block;padding:2px 12px;border-radius:999px;background:#e3f1ec;color:#073b31;font-weight:700}
dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px}dt{color:#4a4a4a}dd{margin:0}
table{border-collapse:collapse;width:100%}td{padding:6px 0;border-bottom:1px solid #c9d1ce}td.n{text-align:right}
.photos{display:flex;flex-wrap:wrap;gap:8px}.photos img{width:160px;height:120px;object-fit:cover;border-radius:8px}
footer{color:#4a4a4a;text-align:center;padding:24px}`;
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');
const CSP = `default-src 'none'; img-src 'self'; style-src 'sha256-${STYLE_HASH}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

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

function plain(map: Y.Map<unknown>): Record<string, unknown> {
	const raw = map.toJSON() as Record<string, unknown>;
	delete raw._history;
	return raw;
}

function valid<K extends 'reviewDecision' | 'cityRules'>(doc: Y.Doc, kind: K) {
	const out: unknown[] = [];
	for (const value of doc.getMap(kind).values()) {
		if (!(value instanceof Y.Map)) continue;
		const result = validateRecord(kind, plain(value));
		if (result.ok) out.push(result.value);
	}
	return out as K extends 'reviewDecision' ? ReviewDecision[] : CityRulesRecord[];
}

function send(res: ServerResponse, req: IncomingMessage, status: number, html: string) {
	const body = Buffer.from(html, 'utf8');
	res.writeHead(status, {
		'Content-Type': 'text/html; charset=utf-8',
		'Content-Length': body.length,
		'Content-Security-Policy': CSP,
		// The status moves on: always ask the server, but a phone may keep it for the back button.
		'Cache-Control': 'no-cache'
	});
	res.end(req.method === 'HEAD' ? undefined : body);
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

function day(iso: string | undefined): string {
	return iso ? shanghaiDate(iso) : '—';
}

function renderProject(
	view: PublicProjectView,
	names: { community: string; town: string },
	phone: string | undefined
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
${phone ? `<p>监督电话：<strong>${escape(phone)}</strong></p>` : ''}`
	);
}

export function createPublicPages(options: PublicPageOptions) {
	/** The public view of a project, or undefined (unknown, not public, or not valid). */
	function find(communityId: string, id: string) {
		if (!COMMUNITY_RE.test(communityId) || !ID_RE.test(id)) return undefined;
		const org = options.org();
		const community = org.communityRows.find((c) => c.id === communityId);
		if (!community) return undefined;
		const map = options.readRoom(`community:${communityId}`).getMap('project').get(id);
		if (!(map instanceof Y.Map)) return undefined;
		const result = validateRecord('project', plain(map));
		if (!result.ok || result.value.communityId !== communityId) return undefined;
		const town = options.readRoom(`town:${community.townId}`);
		const view = publicProjectView(withDecision(result.value, valid(town, 'reviewDecision')));
		if (!view) return undefined;
		let phone: string | undefined;
		try {
			phone = rulesForYear(
				valid(options.readRoom('city'), 'cityRules'),
				view.year
			).supervisionPhone;
		} catch {
			phone = undefined;
		}
		const townName = org.townRows.find((t) => t.id === community.townId)?.name ?? community.townId;
		return { view, names: { community: community.name, town: townName }, phone };
	}

	/** Handles `/p/…`; returns false for other paths. */
	return async function handle(
		req: IncomingMessage,
		res: ServerResponse,
		pathname: string
	): Promise<boolean> {
		if (!pathname.startsWith('/p/')) return false;
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			res.writeHead(405, { Allow: 'GET, HEAD' }).end();
			return true;
		}
		const parts = pathname.slice('/p/'.length).split('/');
		const [communityId = '', id = ''] = parts;
		const found = parts.length === 2 || parts.length === 4 ? find(communityId, id) : undefined;
		if (!found) {
			send(res, req, 404, notFound());
			return true;
		}
		if (parts.length === 2) {
			send(res, req, 200, renderProject(found.view, found.names, found.phone));
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
