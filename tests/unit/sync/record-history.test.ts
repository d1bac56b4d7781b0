import { describe, expect, it } from 'vitest';
import { fetchAsOf, fetchHistory } from '$lib/sync/record-history';

const answer = (status: number, body: unknown) =>
	(async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch;

describe("a record's history from the server", () => {
	it('keeps only well-formed changes, and asks with the token for the named record', async () => {
		let asked: { url: string; auth: string | null } | undefined;
		const fetchFn = (async (url: string, init: RequestInit) => {
			asked = { url, auth: new Headers(init.headers).get('authorization') };
			return new Response(
				JSON.stringify([
					{
						at: '2026-12-01T02:00:00.000Z',
						by: { id: 'u', name: '甲', role: 'worker' },
						fields: ['title']
					},
					{ at: 1, by: null, fields: 'title' },
					'<script>'
				])
			);
		}) as unknown as typeof fetch;
		const result = await fetchHistory('tok', 'community:tanglian', 'suggestion', 's 1', fetchFn);
		expect(asked).toEqual({
			url: '/api/history/community%3Atanglian/suggestion/s%201',
			auth: 'Bearer tok'
		});
		expect(result).toEqual({
			ok: true,
			value: [
				{
					at: '2026-12-01T02:00:00.000Z',
					by: { id: 'u', name: '甲', role: 'worker' },
					fields: ['title']
				}
			]
		});
	});

	it('says why when it cannot: offline, signed out, or an answer that is not a history', async () => {
		const offline = (async () => {
			throw new TypeError('Failed to fetch');
		}) as unknown as typeof fetch;
		expect(await fetchHistory('t', 'city', 'cityRules', 'r', offline)).toEqual({
			ok: false,
			reason: 'offline'
		});
		expect(await fetchHistory(undefined, 'city', 'cityRules', 'r', offline)).toEqual({
			ok: false,
			reason: 'unauthorized'
		});
		expect(await fetchHistory('t', 'city', 'cityRules', 'r', answer(401, {}))).toEqual({
			ok: false,
			reason: 'unauthorized'
		});
		expect(await fetchHistory('t', 'city', 'cityRules', 'r', answer(200, { no: 1 }))).toEqual({
			ok: false,
			reason: 'server'
		});
		expect(await fetchAsOf('t', 'city', 'cityRules', 'r', 0, answer(200, { record: [1] }))).toEqual(
			{ ok: false, reason: 'server' }
		);
		expect(
			await fetchAsOf('t', 'city', 'cityRules', 'r', 0, answer(200, { record: { year: 2020 } }))
		).toEqual({
			ok: true,
			value: { year: 2020 }
		});
	});
});
