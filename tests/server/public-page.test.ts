import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Project, Suggestion } from '$lib/domain';
import { createRecord } from '$lib/doc/records';
import { LocalChange } from '$lib/store/room-doc';
import { login, type Client } from './helpers/clients';
import { recordAt as at, testDecision, testProject, writeAs } from './helpers/records';
import { waitFor } from './helpers/server-process';
import { useTestServer } from './helpers/test-server';

/**
 * The public project page: no sign-in, nothing private, a clean 404 for anything else. Its
 * caching, request limit and rating limits are public-side.test.ts's; the limit is raised here so
 * that polling for a page never meets it.
 */

const server = useTestServer({ PUBLIC_RATE_BURST: '10000' });
const clients: Client[] = [];
afterAll(() => clients.forEach((c) => c.destroy()));

// A real (tiny) JPEG: SOI, APP0, EOI is enough for the server's magic-byte check.
const jpeg = Buffer.from([
	0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9
]);
const sha = createHash('sha256').update(jpeg).digest('hex');
// Another photo stored in the same room (the suggestion's): the public page must not serve it.
const otherJpeg = Buffer.from([...jpeg.subarray(0, -2), 0, 0xff, 0xd9]);
const otherSha = createHash('sha256').update(otherJpeg).digest('hex');
const author = { id: 'tanglian-1', name: 'W' };

function project(id: string, overrides: Partial<Project> = {}): Project {
	return testProject(id, {
		title: '健身步道翻新 <script>alert(1)</script>',
		summary: '塑胶步道 300 米',
		suggestions: [{ room: 'community:tanglian', id: 'sugg-1' }],
		budget: [{ id: 'l1', description: '塑胶面层', amountFen: 45_000_00 }],
		status: 'submitted',
		decidedAt: undefined,
		startedAt: undefined,
		completedAt: undefined,
		completion: { at, by: 'tanglian-1', note: '已完工', photos: [sha] },
		...overrides
	});
}

async function write(room: string, user: string, fill: (doc: Y.Doc) => void) {
	const client = await writeAs(server.url, room, user, fill);
	clients.push(client);
	return client;
}

const get = (path: string) => fetch(`${server.url}${path}`);

describe('the public project page', () => {
	it('shows an approved project without sign-in, with its photo and nothing private', async () => {
		const token = await login(server.url, 'tanglian-1');
		for (const [name, bytes] of [
			[sha, jpeg],
			[otherSha, otherJpeg]
		] as const) {
			const put = await fetch(`${server.url}/api/photos/community:tanglian/${name}`, {
				method: 'PUT',
				headers: { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg' },
				body: bytes
			});
			expect(put.status).toBe(201);
		}

		await write('community:tanglian', 'tanglian-1', (doc) => {
			const origin = new LocalChange('test', 'tanglian-1');
			const when = new Date(at);
			// Written before p-public, so they have reached the server once p-public shows and their
			// 404s below are not just "not synced yet".
			const running = { status: 'in_progress', decidedAt: at, startedAt: at } as const;
			createRecord(
				doc,
				'project',
				project('p-archived', { ...running, archived: true }),
				origin,
				author,
				when
			);
			createRecord(doc, 'project', project('p-forged', running), origin, author, when);
			// A record whose id field differs from its key, with markup in it (a forged write).
			(doc.getMap('project').get('p-forged') as Y.Map<unknown>).set('id', '"><b>forged</b>');
			createRecord(
				doc,
				'suggestion',
				{
					id: 'sugg-1',
					createdAt: at,
					createdBy: 'tanglian-1',
					title: '步道坑坑洼洼的居民建议',
					description: '',
					channel: 'door',
					estate: '',
					building: '',
					category: '',
					urgent: false,
					photos: [otherSha],
					// As an older app kept it, on the suggestion itself.
					residentPhone: '13800001234',
					status: 'adopted'
				} as Suggestion,
				origin,
				author,
				when
			);
			createRecord(
				doc,
				'project',
				{ ...project('p-public'), residentPhone: '13800001234' } as Project,
				origin,
				author,
				when
			);
			createRecord(doc, 'project', project('p-waiting'), origin, author, when);
			createRecord(
				doc,
				'project',
				project('p-done', {
					status: 'completed',
					decidedAt: '2026-11-21T02:00:00.000Z',
					startedAt: '2026-11-22T02:00:00.000Z',
					completedAt: '2026-11-25T02:00:00.000Z'
				}),
				origin,
				author,
				when
			);
			createRecord(
				doc,
				'project',
				project('p-draft', { status: 'draft', submittedAt: undefined }),
				origin,
				author,
				when
			);
			// Statuses the community may not give itself, with every date the validator asks for:
			// without a decision of the town they are only submitted, so not public.
			for (const status of ['approved', 'accepted', 'closed'] as const) {
				const forged = project(`p-claims-${status}`, {
					status,
					decidedAt: at,
					startedAt: at,
					completedAt: at,
					acceptedAt: at,
					disbursedAt: at,
					closedAt: at
				});
				createRecord(doc, 'project', forged, origin, author, when);
			}
		});
		await write('town:jingkai', 'jingkai-reviewer', (doc) => {
			for (const [id, project] of [
				['d1', 'p-public'],
				['d2', 'p-done']
			]) {
				createRecord(
					doc,
					'reviewDecision',
					testDecision(id!, project!, 'approve', '2026-11-21T02:00:00.000Z'),
					new LocalChange('t', 'r'),
					{ id: 'r', name: 'R' },
					new Date()
				);
			}
		});

		const res = await waitFor(async () => {
			const r = await get('/p/tanglian/p-public');
			return r.status === 200 ? r : undefined;
		});
		expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
		expect(res.headers.get('content-security-policy')).toMatch(
			/default-src 'none'.*style-src 'sha256-/
		);
		const html = await res.text();
		expect(html).toContain('健身步道翻新 &#60;script&#62;alert(1)&#60;/script&#62;');
		expect(html).not.toContain('<script');
		expect(html).toContain('已批准');
		expect(html).toContain('¥45,000.00');
		expect(html).toContain('2026-11-21');
		expect(html).toContain('汤联社区');
		expect(html).toContain('监督电话');
		expect(html).not.toContain('13800001234');
		expect(html).not.toContain('步道坑坑洼洼');
		expect(html).not.toContain('sugg-1');

		const photo = await get(`/p/tanglian/p-public/photos/${sha}`);
		expect(photo.status).toBe(200);
		expect(photo.headers.get('content-type')).toBe('image/jpeg');
		expect(Buffer.from(await photo.arrayBuffer())).toEqual(jpeg);

		const head = await fetch(`${server.url}/p/tanglian/p-public`, { method: 'HEAD' });
		expect(head.status).toBe(200);
		expect(head.headers.get('content-type')).toBe('text/html; charset=utf-8');
		expect(Number(head.headers.get('content-length'))).toBe(Buffer.byteLength(html));
		expect(await head.text()).toBe('');

		// The other photo is stored (its room's readers get it), just not public.
		const stored = await fetch(`${server.url}/api/photos/community:tanglian/${otherSha}`, {
			headers: { authorization: `Bearer ${token}` }
		});
		expect(stored.status).toBe(200);
	});

	it('is a 404 page for projects not yet public, unknown or malformed ids, and photos it does not list', async () => {
		for (const path of [
			'/p/tanglian/p-waiting',
			'/p/tanglian/p-draft',
			'/p/tanglian/p-archived',
			'/p/tanglian/p-forged',
			'/p/tanglian/p-claims-approved',
			'/p/tanglian/p-claims-accepted',
			'/p/tanglian/p-claims-closed',
			'/p/tanglian/no-such-project',
			'/p/no-such-community/p-public',
			'/p/daxin/p-public',
			'/p/tanglian/..%2F..%2Fetc',
			'/p/TANGLIAN/p-public',
			'/p/tanglian',
			'/p/tanglian/p-public/extra',
			`/p/tanglian/p-public/photos/${otherSha}`,
			'/p/tanglian/p-public/photos/../../x'
		]) {
			const res = await get(path);
			expect(res.status, path).toBe(404);
			expect(res.headers.get('content-type'), path).toBe('text/html; charset=utf-8');
			expect(await res.text(), path).toContain('找不到这个项目');
		}
		const post = await fetch(`${server.url}/p/tanglian/p-public`, { method: 'POST' });
		expect(post.status).toBe(405);
	});
});

describe("residents' ratings on the public page", () => {
	const rate = (project: string, body: string, cookie?: string) =>
		fetch(`${server.url}/p/tanglian/${project}/rating`, {
			method: 'POST',
			redirect: 'manual',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				...(cookie ? { cookie } : {})
			},
			body
		});

	it('takes one rating per device for a completed project, without sign-in, and shows the mean', async () => {
		const before = await (await get('/p/tanglian/p-done')).text();
		expect(before).toContain('还没有居民评价');
		expect(before).toContain('提交评价');

		const first = await rate('p-done', 'score=4&comment=%E5%BE%88%E5%A5%BD');
		expect(first.status).toBe(303);
		expect(first.headers.get('location')).toBe('/p/tanglian/p-done?rated=1');
		const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]!;
		expect(cookie).toMatch(/^kb_rater=[0-9a-f]{32}$/);
		expect(first.headers.get('set-cookie')).toMatch(/HttpOnly/);

		const again = await rate('p-done', 'score=1', cookie);
		expect(again.status).toBe(409);
		expect(await again.text()).toContain('每台设备只能评价一次');

		const other = await rate('p-done', 'score=5');
		expect(other.status).toBe(303);

		const seen = await (
			await fetch(`${server.url}/p/tanglian/p-done?rated=1`, { headers: { cookie } })
		).text();
		expect(seen).toContain('4.5 / 5');
		expect(seen).toContain('2 人评价');
		expect(seen).toContain('谢谢您的评价');
		expect(seen).not.toContain('提交评价');
	});

	it('refuses bad scores, projects not finished, and other methods', async () => {
		expect((await rate('p-done', 'score=9')).status).toBe(400);
		expect((await rate('p-done', 'comment=x')).status).toBe(400);
		expect((await rate('p-done', `score=3&comment=${'好'.repeat(201)}`)).status).toBe(400);
		expect((await rate('p-public', 'score=3')).status).toBe(404);
		expect((await rate('no-such', 'score=3')).status).toBe(404);
		expect((await get('/p/tanglian/p-done/rating')).status).toBe(405);
		expect(await (await get('/p/tanglian/p-public')).text()).not.toContain('提交评价');
	});
});
