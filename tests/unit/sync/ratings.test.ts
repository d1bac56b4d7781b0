import { describe, expect, it } from 'vitest';
import { fetchRatings } from '$lib/sync/ratings';

const range = { from: '2020-03-01', to: '2020-03-31' };
const answer = (status: number, body: unknown) => async (url: string | URL | Request) => {
	calls.push(String(url));
	return new Response(JSON.stringify(body), { status });
};
let calls: string[] = [];

describe('reading residents’ ratings', () => {
	it('asks for the month and keeps only rows that are ratings', async () => {
		calls = [];
		const good = { communityId: 'tanglian', projectId: 'p', score: 4, at: '2020-03-02T00:00:00Z' };
		const result = await fetchRatings(
			'token',
			range,
			answer(200, { ratings: [good, { ...good, score: 9 }, { ...good, communityId: 1 }, null] })
		);
		expect(calls).toEqual(['/api/ratings?from=2020-03-01&to=2020-03-31']);
		expect(result).toEqual({ ok: true, ratings: [good] });
	});

	it('says why when it cannot: offline, signed out, or a server that answers wrongly', async () => {
		const offline = async () => {
			throw new TypeError('Failed to fetch');
		};
		expect(await fetchRatings('t', range, offline)).toEqual({ ok: false, reason: 'offline' });
		expect(await fetchRatings(undefined, range, answer(200, {}))).toMatchObject({
			reason: 'unauthorized'
		});
		expect(await fetchRatings('t', range, answer(401, {}))).toMatchObject({
			reason: 'unauthorized'
		});
		expect(await fetchRatings('t', range, answer(500, {}))).toMatchObject({ reason: 'server' });
		expect(await fetchRatings('t', range, answer(200, { ratings: 'x' }))).toMatchObject({
			reason: 'server'
		});
	});
});
