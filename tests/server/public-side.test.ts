import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ZHANGJIAGANG_2020, type Disbursement } from '$lib/domain';
import { createRecord, updateRecord } from '$lib/doc/records';
import { ChangeStamps } from '../../sync-server/change-stamps';
import { clientAddress, limitKey } from '../../sync-server/client-address';
import { ConfigError, loadConfig } from '../../sync-server/config';
import { RequestLimit } from '../../sync-server/request-limit';
import { login, type Client } from './helpers/clients';
import { approvals, recordAt, testDecision, testProject, writeAs } from './helpers/records';
import { waitFor } from './helpers/server-process';
import { useTestServer, type TestServer } from './helpers/test-server';

/**
 * The public side under load and abuse (issue 11, item 7): rendered pages cached until a room
 * they read changes, ETags and 304s, a request limit per client address, the client address
 * taken from the proxy's header only with TRUST_PROXY, and ratings limited per project and
 * address. Two servers: one behind a (pretended) proxy, where each test speaks from its own
 * address so their limits stay apart, and one reached directly, where every request is loopback's.
 */

function request(remoteAddress: string | undefined, forwardedFor?: string): IncomingMessage {
	return {
		socket: { remoteAddress },
		headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }
	} as unknown as IncomingMessage;
}

describe('the client address', () => {
	it('is the socket address unless proxies are trusted, whatever X-Forwarded-For says', () => {
		expect(clientAddress(request('127.0.0.1', '203.0.113.9'), 0)).toBe('127.0.0.1');
		expect(clientAddress(request('::ffff:127.0.0.1'), 0)).toBe('127.0.0.1');
		expect(clientAddress(request(undefined), 0)).toBe('unknown');
	});

	it('is the entry the last trusted proxy appended, never one the client sent', () => {
		const proxy = '10.0.0.1';
		expect(clientAddress(request(proxy, '203.0.113.9'), 1)).toBe('203.0.113.9');
		expect(clientAddress(request(proxy, '1.2.3.4, 203.0.113.9'), 1)).toBe('203.0.113.9');
		expect(clientAddress(request(proxy, '1.2.3.4, 198.51.100.1, 203.0.113.9'), 2)).toBe(
			'198.51.100.1'
		);
		// Shorter than the hops: the farthest address a trusted proxy saw.
		expect(clientAddress(request(proxy, '203.0.113.9'), 2)).toBe('203.0.113.9');
		// No header, or not an address where the proxy writes one: the proxy itself.
		expect(clientAddress(request(proxy), 1)).toBe(proxy);
		expect(clientAddress(request(proxy, '203.0.113.9, junk'), 1)).toBe(proxy);
		expect(clientAddress(request(proxy, '[2001:DB8::1]:443'), 1)).toBe('2001:db8::1');
		expect(clientAddress(request(proxy, '203.0.113.9:5678'), 1)).toBe('203.0.113.9');
	});

	it('is counted by the /64 for IPv6: one subscriber holds all of it', () => {
		expect(limitKey('203.0.113.9')).toBe('203.0.113.9');
		expect(limitKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
		expect(limitKey('2001:0db8:0001:0002::9')).toBe('2001:db8:1:2::/64');
		expect(limitKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
		expect(limitKey('::1')).toBe('0:0:0:0::/64');
		expect(limitKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
		expect(limitKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
	});
});

describe('the request limit', () => {
	it('lets a burst through, then refills at its rate, and says how long to wait', () => {
		const limit = new RequestLimit({ burst: 3, perSecond: 2 });
		for (let i = 0; i < 3; i++) expect(limit.take('a', 0)).toEqual({ allowed: true });
		expect(limit.take('a', 0)).toEqual({ allowed: false, retryAfterSeconds: 1, first: true });
		expect(limit.take('a', 100)).toMatchObject({ allowed: false, first: false });
		expect(limit.take('b', 100)).toEqual({ allowed: true });
		expect(limit.take('a', 500)).toEqual({ allowed: true });
		expect(limit.take('a', 500)).toMatchObject({ allowed: false, first: true });
		// Refilled up to the burst, not beyond.
		for (let i = 0; i < 3; i++) expect(limit.take('a', 60_000).allowed).toBe(true);
		expect(limit.take('a', 60_000).allowed).toBe(false);
	});

	it('keeps a bounded number of addresses, forgetting the least recently used', () => {
		const limit = new RequestLimit({ burst: 1, perSecond: 1, maxKeys: 2 });
		expect(limit.take('a', 0).allowed).toBe(true);
		expect(limit.take('b', 0).allowed).toBe(true);
		expect(limit.take('b', 0).allowed).toBe(false);
		expect(limit.take('c', 0).allowed).toBe(true);
		// 'a' was forgotten for 'c' (a full bucket again); 'b' is still counted.
		expect(limit.take('a', 0).allowed).toBe(true);
		expect(limit.take('a', 0).allowed).toBe(false);
	});
});

describe('change stamps', () => {
	it('change with every update of a document, deletes included, and differ between documents', () => {
		const stamps = new ChangeStamps();
		const doc = new Y.Doc();
		const first = stamps.of(doc);
		expect(stamps.of(doc)).toBe(first);
		doc.getMap('project').set('p', 'x');
		const second = stamps.of(doc);
		expect(second).not.toBe(first);
		const vector = Y.encodeStateVector(doc);
		doc.getMap('project').delete('p');
		// A delete leaves the state vector as it was: it could not tell this change.
		expect(Y.encodeStateVector(doc)).toEqual(vector);
		expect(stamps.of(doc)).not.toBe(second);
		// A room loaded again is another document, with another stamp though the same content.
		const reloaded = new Y.Doc();
		Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(doc));
		expect(stamps.of(reloaded)).not.toBe(stamps.of(doc));
		const org = {};
		expect(stamps.of(org)).toBe(stamps.of(org));
		expect(stamps.of({})).not.toBe(stamps.of(org));
	});
});

describe('settings', () => {
	it('trust no proxy and limit the public pages by default', () => {
		expect(loadConfig({})).toMatchObject({
			trustProxy: 0,
			publicLimit: { burst: 60, perSecond: 10 }
		});
		expect(
			loadConfig({ TRUST_PROXY: '1', PUBLIC_RATE_BURST: '5', PUBLIC_RATE_PER_SECOND: '2' })
		).toMatchObject({ trustProxy: 1, publicLimit: { burst: 5, perSecond: 2 } });
		expect(loadConfig({ TRUST_PROXY: '' }).trustProxy).toBe(0);
	});

	it('refuse a TRUST_PROXY that is not a number of proxies, and limits that are no limits', () => {
		for (const value of ['true', 'yes', '-1', '11', '1.5', 'X-Real-IP']) {
			expect(() => loadConfig({ TRUST_PROXY: value }), value).toThrow(ConfigError);
			expect(() => loadConfig({ TRUST_PROXY: value }), value).toThrow(/number of proxies/);
		}
		expect(() => loadConfig({ PUBLIC_RATE_BURST: '0' })).toThrow(/PUBLIC_RATE_BURST/);
		expect(() => loadConfig({ PUBLIC_RATE_PER_SECOND: 'fast' })).toThrow(ConfigError);
	});
});

const proxied = useTestServer({ TRUST_PROXY: '1', PUBLIC_URL: 'https://kuaiban.example.cn/' });
const direct = useTestServer();
const clients: Client[] = [];
afterAll(() => clients.forEach((c) => c.destroy()));

/** A GET or POST as one client: behind the proxy, `from` is what the proxy appended. */
function ask(
	server: TestServer,
	path: string,
	{
		from,
		headers = {},
		...init
	}: RequestInit & { from?: string; headers?: Record<string, string> } = {}
) {
	return fetch(`${server.url}${path}`, {
		redirect: 'manual',
		...init,
		headers: { ...headers, ...(from ? { 'x-forwarded-for': from } : {}) }
	});
}

function rate(server: TestServer, project: string, from?: string, cookie?: string) {
	return ask(server, `/p/tanglian/${project}/rating`, {
		method: 'POST',
		from,
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			...(cookie ? { cookie } : {})
		},
		body: 'score=1'
	});
}

async function write(
	server: TestServer,
	room: string,
	user: string,
	fill: Parameters<typeof writeAs>[3]
) {
	const client = await writeAs(server.url, room, user, fill);
	clients.push(client);
	return client;
}

/** Writes completed projects into 汤联社区's room and waits until their pages show. */
async function publish(server: TestServer, ids: string[], from?: string) {
	const client = await write(server, 'community:tanglian', 'tanglian-1', (doc, origin, author) => {
		for (const id of ids) {
			createRecord(doc, 'project', testProject(id), origin, author, new Date(recordAt));
		}
	});
	await write(server, 'town:jingkai', 'jingkai-reviewer', (doc, origin, author) => {
		for (const d of approvals(ids))
			createRecord(doc, 'reviewDecision', d, origin, author, new Date());
	});
	for (const id of ids) {
		await waitFor(
			async () =>
				(await ask(server, `/p/tanglian/${id}`, { from })).status === 200 ? true : undefined,
			{ intervalMs: 100 }
		);
	}
	return client;
}

/** The page's body once `check` holds for it (an update reaches the server a moment later). */
function pageOnce(
	server: TestServer,
	path: string,
	from: string,
	check: (html: string) => boolean
) {
	return waitFor(
		async () => {
			const html = await (await ask(server, path, { from })).text();
			return check(html) ? html : undefined;
		},
		{ intervalMs: 100 }
	);
}

describe('a cached public page', () => {
	const from = '198.51.100.10';
	const path = '/p/tanglian/p-side';

	it('carries a strong ETag of its bytes, revalidates, and answers a matching If-None-Match with 304', async () => {
		await publish(proxied, ['p-side'], from);
		const res = await ask(proxied, path, { from });
		const body = Buffer.from(await res.arrayBuffer());
		const etag = res.headers.get('etag') ?? '';
		expect(etag).toBe(`"${createHash('sha256').update(body).digest('base64url')}"`);
		expect(res.headers.get('cache-control')).toBe('no-cache');
		expect(res.headers.get('vary')).toBe('Cookie');
		expect((await ask(proxied, path, { from })).headers.get('etag')).toBe(etag);

		for (const given of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
			const again = await ask(proxied, path, { from, headers: { 'if-none-match': given } });
			expect(again.status, given).toBe(304);
			expect(again.headers.get('etag')).toBe(etag);
			expect(again.headers.get('cache-control')).toBe('no-cache');
			expect(await again.text()).toBe('');
		}
		const head = await ask(proxied, path, {
			from,
			method: 'HEAD',
			headers: { 'if-none-match': etag }
		});
		expect(head.status).toBe(304);
		const other = await ask(proxied, path, { from, headers: { 'if-none-match': '"other"' } });
		expect(other.status).toBe(200);
		expect(Buffer.from(await other.arrayBuffer())).toEqual(body);
	});

	it('changes with the next update to the community, its town or the city', async () => {
		const before = await ask(proxied, path, { from });
		const etag = before.headers.get('etag') ?? '';
		expect(await before.text()).toContain('已完工');

		await write(proxied, 'community:tanglian', 'tanglian-1', (doc, origin, author) =>
			updateRecord(doc, 'project', 'p-side', { title: '新的标题' }, origin, author, new Date())
		);
		await pageOnce(proxied, path, from, (html) => html.includes('新的标题'));
		const changed = await ask(proxied, path, { from, headers: { 'if-none-match': etag } });
		expect(changed.status).toBe(200);
		expect(changed.headers.get('etag')).not.toBe(etag);

		const accept = testDecision('accept-p-side', 'p-side', 'accept', '2026-11-26T02:00:00.000Z');
		await write(proxied, 'town:jingkai', 'jingkai-reviewer', (doc, origin, author) =>
			createRecord(doc, 'reviewDecision', accept, origin, author, new Date())
		);
		await pageOnce(proxied, path, from, (html) => html.includes('已验收'));

		// A payment forged by a supervisor in the city room changes nothing: only finance's count.
		const payment = (id: string, by: string): Disbursement => ({
			id,
			createdAt: recordAt,
			createdBy: by,
			project: { room: 'community:tanglian', id: 'p-side' },
			amountFen: 10_000_00,
			paidAt: '2026-11-27T02:00:00.000Z',
			by: 'city-finance'
		});
		await write(proxied, 'city', 'city-supervisor', (doc, origin, author) => {
			createRecord(
				doc,
				'disbursement',
				payment('forged', 'city-supervisor'),
				origin,
				author,
				new Date()
			);
			createRecord(
				doc,
				'cityRules',
				{
					...ZHANGJIAGANG_2020,
					id: 'rules-2026-phone',
					createdAt: recordAt,
					createdBy: 'city-supervisor',
					year: 2026,
					effectiveFrom: '2026-06-01',
					supervisionPhone: '0512-58000000'
				},
				origin,
				author,
				new Date()
			);
		});
		// The rules were written after the forged payment on the same connection: both are in.
		const withPhone = await pageOnce(proxied, path, from, (html) => html.includes('0512-58000000'));
		expect(withPhone).toContain('已验收');
		expect(withPhone).not.toContain('已拨付');

		await write(proxied, 'finance', 'city-finance', (doc, origin, author) =>
			createRecord(doc, 'disbursement', payment('paid', 'city-finance'), origin, author, new Date())
		);
		await pageOnce(proxied, path, from, (html) => html.includes('已拨付'));
	});

	it('shows a new rating at once, and one device having rated to that device only', async () => {
		expect(await (await ask(proxied, path, { from })).text()).toContain('还没有居民评价');
		const posted = await rate(proxied, 'p-side', from);
		expect(posted.status).toBe(303);
		const cookie = (posted.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

		const rater = await (await ask(proxied, path, { from, headers: { cookie } })).text();
		expect(rater).toContain('1 人评价');
		expect(rater).toContain('您已评价过这个项目');
		const thanked = await (
			await ask(proxied, `${path}?rated=1`, { from, headers: { cookie } })
		).text();
		expect(thanked).toContain('谢谢您的评价');
		for (const url of [path, `${path}?rated=1`]) {
			const stranger = await (await ask(proxied, url, { from })).text();
			expect(stranger, url).toContain('1 人评价');
			expect(stranger, url).toContain('提交评价');
			expect(stranger, url).not.toContain('谢谢');
		}
		const another = 'kb_rater=0123456789abcdef0123456789abcdef';
		expect(
			await (await ask(proxied, path, { from, headers: { cookie: another } })).text()
		).toContain('提交评价');
	});
});

/** Requests from one address until the first 429 (at most `most`); how many were let through. */
async function untilRefused(
	server: TestServer,
	most: number,
	from: (i: number) => string | undefined
) {
	for (let i = 0; i < most; i++) {
		const res = await ask(server, '/p/tanglian/p-side', { from: from(i) });
		if (res.status === 429) return { allowed: i, refused: res };
		expect(res.status).toBe(200);
	}
	throw new Error(`no 429 in ${most} requests`);
}

describe('the request limit of the public pages', () => {
	it('refuses an address over its burst with a short Chinese page and Retry-After; others go on', async () => {
		const from = '198.51.100.20';
		const { allowed, refused } = await untilRefused(proxied, 300, () => from);
		// The burst of 60, plus what refilled at 10 a second while they were sent.
		expect(allowed).toBeGreaterThanOrEqual(60);
		expect(allowed).toBeLessThan(120);
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		expect(refused.headers.get('content-type')).toBe('text/html; charset=utf-8');
		const text = await refused.text();
		expect(text.indexOf('请稍后再试')).toBeLessThan(text.indexOf('Too many requests'));

		expect((await ask(proxied, '/p/tanglian/p-side', { from: '198.51.100.21' })).status).toBe(200);
		// Behind the trusted proxy only the last entry counts: one the client sent changes nothing.
		expect(
			(await ask(proxied, '/p/tanglian/p-side', { from: `198.51.100.22, ${from}` })).status
		).toBe(429);
		expect(
			(await ask(proxied, '/p/tanglian/p-side', { from: `${from}, 198.51.100.23` })).status
		).toBe(200);
	});
});

describe('ratings per project and address', () => {
	it('take a few a day per project from one address, and 20 in all', async () => {
		const projects = ['p-r1', 'p-r2', 'p-r3', 'p-r4', 'p-r5', 'p-r6', 'p-r7'];
		await publish(proxied, projects, '198.51.100.30');
		const from = '198.51.100.31';
		const first = [];
		for (let i = 0; i < 4; i++) first.push((await rate(proxied, 'p-r1', from)).status);
		expect(first).toEqual([303, 303, 303, 429]);
		const refused = await rate(proxied, 'p-r1', `198.51.100.32, ${from}`);
		expect(refused.status).toBe(429);
		expect(await refused.text()).toContain('这个项目');
		// Another address still rates the project; this one still rates others.
		expect((await rate(proxied, 'p-r1', '198.51.100.33')).status).toBe(303);
		const statuses: number[] = [];
		for (const project of projects.slice(1)) {
			for (let i = 0; i < 3; i++) statuses.push((await rate(proxied, project, from)).status);
		}
		// 3 above and 17 here make the day's 20; the last of p-r7 waits for tomorrow.
		expect(statuses.slice(0, 17).every((s) => s === 303)).toBe(true);
		const last = statuses.slice(17);
		expect(last).toEqual([429]);
		const over = await rate(proxied, 'p-r7', '198.51.100.31');
		expect(await over.text()).toContain('评价次数');
	});
});

describe('without TRUST_PROXY', () => {
	it('counts every request by its socket address, whatever X-Forwarded-For claims', async () => {
		await publish(direct, ['p-side']);
		const statuses = [];
		for (let i = 0; i < 4; i++)
			statuses.push((await rate(direct, 'p-side', `203.0.113.${i}`)).status);
		expect(statuses).toEqual([303, 303, 303, 429]);

		const { allowed } = await untilRefused(direct, 300, (i) => `203.0.113.${i % 250}`);
		expect(allowed).toBeLessThan(120);
	});
});

describe('PUBLIC_URL', () => {
	it('reaches the devices with their rooms, for the signs they print; without it nothing is said', async () => {
		const me = async (server: TestServer) => {
			const token = await login(server.url, 'tanglian-1');
			const res = await fetch(`${server.url}/api/me`, {
				headers: { authorization: `Bearer ${token}` }
			});
			return (await res.json()) as { rooms: unknown[]; publicUrl?: string };
		};
		const [withUrl, without] = [await me(proxied), await me(direct)];
		expect(withUrl.publicUrl).toBe('https://kuaiban.example.cn');
		expect(withUrl.rooms.length).toBeGreaterThan(0);
		expect('publicUrl' in without).toBe(false);
	});
});
