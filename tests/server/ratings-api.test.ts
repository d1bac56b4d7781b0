import { afterAll, describe, expect, it } from 'vitest';
import type { Project } from '$lib/domain';
import { createRecord } from '$lib/doc/records';
import { LocalChange } from '$lib/store/room-doc';
import { databasePath } from '../../sync-server/data-dir';
import { Storage } from '../../sync-server/storage';
import { connect, login, synced, type Client } from './helpers/clients';
import { testDecision } from './helpers/records';
import { waitFor } from './helpers/server-process';
import { useTestServer } from './helpers/test-server';

/**
 * `GET /api/ratings`: residents' ratings, posted through the public page, read back by signed-in
 * users, each seeing only the communities whose room they may read, and never who rated.
 */

const server = useTestServer();
const clients: Client[] = [];
afterAll(() => clients.forEach((c) => c.destroy()));

const at = '2026-11-20T02:00:00.000Z';

/** A completed project of a community: rateable once its town approved it (`approvals`). */
function completed(id: string, communityId: string, townId: string, worker: string): Project {
	return {
		id,
		createdAt: at,
		createdBy: worker,
		communityId,
		townId,
		year: 2026,
		title: `评分项目 ${id}`,
		type: 'service',
		summary: '',
		suggestions: [],
		budget: [{ id: 'l1', description: '服务', amountFen: 10_000_00 }],
		urgent: false,
		fastTrack: false,
		status: 'completed',
		submittedAt: at,
		decidedAt: at,
		startedAt: at,
		completedAt: at,
		progress: [],
		completion: { at, by: worker, note: '已完工', photos: ['e'.repeat(64)] }
	};
}

// Two communities of one town (经开区) and one of another (杨舍镇).
const projects = [
	{ community: 'tanglian', town: 'jingkai', worker: 'tanglian-1', id: 'r-tanglian' },
	{ community: 'sanxing', town: 'jingkai', worker: 'sanxing-1', id: 'r-sanxing' },
	{ community: 'daxin', town: 'yangshe', worker: 'daxin-1', id: 'r-daxin' }
] as const;

interface Rating {
	communityId: string;
	projectId: string;
	score: number;
	comment: string;
	at: string;
}

const tokens = new Map<string, string>();
async function tokenOf(username: string) {
	let token = tokens.get(username);
	if (!token) {
		token = await login(server.url, username);
		tokens.set(username, token);
	}
	return token;
}

function api(query = '', headers: Record<string, string> = {}, method = 'GET') {
	return fetch(`${server.url}/api/ratings${query}`, { method, headers });
}

async function ratingsAs(username: string, query = ''): Promise<Rating[]> {
	const res = await api(query, { authorization: `Bearer ${await tokenOf(username)}` });
	expect(res.status, `${username} ${query}`).toBe(200);
	expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
	return ((await res.json()) as { ratings: Rating[] }).ratings;
}

/** Posts a rating as a new device, as a phone that scanned the sign would; returns its cookie. */
async function rate(community: string, project: string, score: number, comment = '') {
	const res = await fetch(`${server.url}/p/${community}/${project}/rating`, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ score: String(score), comment }).toString()
	});
	expect(res.status, `${community}/${project}`).toBe(303);
	return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

const keys = (ratings: Rating[]) => ratings.map((r) => `${r.communityId}/${r.projectId}`);
const communities = (ratings: Rating[]) => [...new Set(ratings.map((r) => r.communityId))].sort();

// Dated ratings for the date filter, written straight into the server's database (the public page
// stamps the server's clock, which a test cannot move). Times are UTC; China time is UTC+8.
const dated = [
	// 2025-03-01 23:59:59.999 in China: the last moment of 1 March.
	{ at: '2025-03-01T15:59:59.999Z', device: 'd1', comment: 'first of march' },
	// 2025-03-02 00:00 in China, though still 1 March in UTC.
	{ at: '2025-03-01T16:00:00.000Z', device: 'd2', comment: 'start of 2 march' },
	{ at: '2025-03-02T15:59:59.999Z', device: 'd3', comment: 'end of 2 march' },
	{ at: '2025-03-02T16:00:00.000Z', device: 'd4', comment: 'start of 3 march' }
];
const secretDevice = 'feedfacefeedfacefeedfacefeedface';
const secretAddress = 'a'.repeat(64);

describe('GET /api/ratings', () => {
	const cookies: string[] = [];

	it('returns the ratings posted on the public pages, newest first, without who rated', async () => {
		for (const p of projects) {
			const client = connect(server.url, `community:${p.community}`, await tokenOf(p.worker));
			clients.push(client);
			await synced(client);
			createRecord(
				client.doc,
				'project',
				completed(p.id, p.community, p.town, p.worker),
				new LocalChange('test', p.worker),
				{ id: p.worker, name: p.worker },
				new Date(at)
			);
		}
		for (const town of ['jingkai', 'yangshe']) {
			const reviewer = `${town}-reviewer`;
			const client = connect(server.url, `town:${town}`, await tokenOf(reviewer));
			clients.push(client);
			await synced(client);
			for (const p of projects.filter((p) => p.town === town)) {
				const decision = {
					...testDecision(`approve-${p.id}`, p.id, 'approve', at),
					project: { room: `community:${p.community}`, id: p.id }
				};
				createRecord(
					client.doc,
					'reviewDecision',
					decision,
					new LocalChange('test', reviewer),
					{ id: reviewer, name: reviewer },
					new Date(at)
				);
			}
		}
		for (const p of projects) {
			await waitFor(async () =>
				(await fetch(`${server.url}/p/${p.community}/${p.id}`)).status === 200 ? true : undefined
			);
		}
		// Before anything is rated the answer is an empty list, not an error.
		expect(await ratingsAs('city-supervisor')).toEqual([]);

		cookies.push(await rate('tanglian', 'r-tanglian', 4, '很好'));
		cookies.push(await rate('sanxing', 'r-sanxing', 2, '太慢了'));
		cookies.push(await rate('daxin', 'r-daxin', 5));
		cookies.push(await rate('tanglian', 'r-tanglian', 3, '还行'));

		const all = await ratingsAs('city-supervisor');
		expect(all.map((r) => [r.communityId, r.projectId, r.score, r.comment])).toEqual([
			['tanglian', 'r-tanglian', 3, '还行'],
			['daxin', 'r-daxin', 5, ''],
			['sanxing', 'r-sanxing', 2, '太慢了'],
			['tanglian', 'r-tanglian', 4, '很好']
		]);
		for (const rating of all) {
			expect(Object.keys(rating).sort()).toEqual([
				'at',
				'comment',
				'communityId',
				'projectId',
				'score'
			]);
			expect(new Date(rating.at).toISOString()).toBe(rating.at);
		}
		const ats = all.map((r) => r.at);
		expect([...ats].sort().reverse()).toEqual(ats);
	});

	it('never sends the device or the address', async () => {
		const storage = new Storage(databasePath(server.dataDir));
		try {
			for (const d of dated) {
				expect(
					storage.addRating({
						project: 'tanglian/r-tanglian',
						device: d.device === 'd1' ? secretDevice : d.device.repeat(16),
						address: secretAddress,
						score: 3,
						comment: d.comment,
						at: d.at
					})
				).toBe(true);
			}
		} finally {
			storage.close();
		}
		const res = await api('', { authorization: `Bearer ${await tokenOf('admin')}` });
		const text = await res.text();
		expect((JSON.parse(text) as { ratings: Rating[] }).ratings).toHaveLength(8);
		expect(text).not.toContain(secretDevice);
		expect(text).not.toContain(secretAddress);
		expect(text).not.toMatch(/device|address/i);
		// The devices of the ratings posted through the page (their cookies) do not show either.
		for (const cookie of cookies) {
			const device = cookie.split('=')[1] ?? '';
			expect(device).toMatch(/^[0-9a-f]{32}$/);
			expect(text).not.toContain(device);
		}
	});

	it('shows each user only the communities whose room it may read', async () => {
		const everything = ['daxin', 'sanxing', 'tanglian'];
		for (const username of ['city-supervisor', 'city-finance', 'admin']) {
			const ratings = await ratingsAs(username);
			expect(ratings, username).toHaveLength(8);
			expect(communities(ratings), username).toEqual(everything);
		}
		expect(communities(await ratingsAs('jingkai-reviewer'))).toEqual(['sanxing', 'tanglian']);
		expect(await ratingsAs('jingkai-reviewer')).toHaveLength(7);
		expect(keys(await ratingsAs('yangshe-reviewer'))).toEqual(['daxin/r-daxin']);
		// A reviewer of a town with no ratings gets none.
		expect(await ratingsAs('tangqiao-reviewer')).toEqual([]);

		const tanglian = await ratingsAs('tanglian-2');
		expect(communities(tanglian)).toEqual(['tanglian']);
		expect(tanglian).toHaveLength(6);
		expect(keys(await ratingsAs('sanxing-1'))).toEqual(['sanxing/r-sanxing']);
		expect(keys(await ratingsAs('daxin-1'))).toEqual(['daxin/r-daxin']);
		// A worker reads its town's room, but not the other communities of the town.
		expect(await ratingsAs('chenyang-1')).toEqual([]);

		// One community's, for a project's page; never one the reader may not read.
		expect(communities(await ratingsAs('city-supervisor', '?community=daxin'))).toEqual(['daxin']);
		expect(await ratingsAs('jingkai-reviewer', '?community=tanglian')).toHaveLength(6);
		expect(await ratingsAs('jingkai-reviewer', '?community=daxin')).toEqual([]);
		expect(await ratingsAs('tanglian-1', '?community=sanxing')).toEqual([]);
		const token = await tokenOf('city-supervisor');
		for (const bad of ['?community=Tang/lian', '?community=a&community=b', '?community=']) {
			const res = await api(bad, { authorization: `Bearer ${token}` });
			expect(res.status, bad).toBe(400);
		}
	});

	it('limits by China calendar date, both ends inclusive', async () => {
		const comments = async (query: string) =>
			(await ratingsAs('city-supervisor', query)).map((r) => r.comment);
		expect(await comments('?from=2025-03-02&to=2025-03-02')).toEqual([
			'end of 2 march',
			'start of 2 march'
		]);
		expect(await comments('?from=2025-03-01&to=2025-03-01')).toEqual(['first of march']);
		expect(await comments('?to=2025-03-02')).toEqual([
			'end of 2 march',
			'start of 2 march',
			'first of march'
		]);
		expect(await comments('?from=2025-03-01&to=2025-03-03')).toEqual([
			'start of 3 march',
			'end of 2 march',
			'start of 2 march',
			'first of march'
		]);
		expect(await comments('?from=2025-03-04&to=2025-12-31')).toEqual([]);
		// From a date on, the ratings posted today are included too.
		const since = await ratingsAs('city-supervisor', '?from=2025-03-03');
		expect(since.map((r) => r.comment).slice(-1)).toEqual(['start of 3 march']);
		expect(since).toHaveLength(5);
		// The filter and the permissions apply together.
		expect(await ratingsAs('daxin-1', '?from=2025-03-01&to=2025-03-03')).toEqual([]);
		expect(await ratingsAs('tanglian-1', '?from=2025-03-02&to=2025-03-02')).toHaveLength(2);
	});

	it('answers 400 for a malformed date, with a message that says which', async () => {
		const token = await tokenOf('city-supervisor');
		for (const query of [
			'?from=2025-3-1',
			'?from=20250301',
			'?to=2025-02-30',
			'?to=2025-13-01',
			'?from=',
			'?from=2025-03-01T00:00:00Z',
			'?from=2025-03-01&from=2025-03-02',
			'?from=2025-03-05&to=2025-03-01'
		]) {
			const res = await api(query, { authorization: `Bearer ${token}` });
			expect(res.status, query).toBe(400);
			expect(res.headers.get('content-type'), query).toBe('application/json; charset=utf-8');
			const body = (await res.json()) as { error: string; message: string };
			expect(body.error, query).toBe('bad_request');
			expect(body.message, query).toMatch(/^(from|to)\b/);
		}
	});

	it('answers 401 without a valid token and 405 for other methods', async () => {
		// A worker's token whose claims were raised to the city's, keeping the worker's signature.
		const [body = '', mac = ''] = (await tokenOf('tanglian-1')).split('.');
		const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as object;
		const raised = Buffer.from(
			JSON.stringify({ ...claims, role: 'supervisor', scope: 'city' })
		).toString('base64url');
		const attempts: Record<string, string>[] = [
			{},
			{ authorization: 'Bearer not-a-token' },
			{ authorization: `Basic ${Buffer.from('admin:demo').toString('base64')}` },
			{ authorization: `Bearer ${raised}.${mac}` }
		];
		for (const headers of attempts) {
			const res = await api('', headers);
			expect(res.status).toBe(401);
			expect(((await res.json()) as { error: string }).error).toBe('unauthorized');
		}
		// Who is not signed in learns nothing, not even that the query is malformed.
		expect((await api('?from=nonsense')).status).toBe(401);

		const token = await tokenOf('admin');
		for (const method of ['POST', 'PUT', 'DELETE']) {
			const res = await api('', { authorization: `Bearer ${token}` }, method);
			expect(res.status, method).toBe(405);
			expect(((await res.json()) as { error: string }).error).toBe('method_not_allowed');
		}
	});
});
