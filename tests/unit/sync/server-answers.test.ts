import { describe, expect, it } from 'vitest';
import { AskError, ServerAnswers } from '$lib/sync/server-answers';
import { newDevice } from '../store/helpers';

/** The server's answers, kept for offline use and never passed off as current. */

const path = '/api/figures/dashboard';
const answer = { asOf: '2026-12-03T08:00:00.000Z', rooms: 4, view: { n: 1 } };

function respond(status: number, body: unknown): typeof fetch {
	return async () => new Response(JSON.stringify(body), { status });
}
const unreachable: typeof fetch = async () => {
	throw new TypeError('Failed to fetch');
};

describe('ServerAnswers', () => {
	it('keeps what the server answered and gives it back, marked kept, when it cannot be reached', async () => {
		const db = newDevice();
		const online = new ServerAnswers({ db, token: () => 't', fetch: respond(200, answer) });
		expect(await online.ask(path)).toEqual({ value: answer, asOf: answer.asOf, source: 'server' });
		const offline = new ServerAnswers({ db, token: () => 't', fetch: unreachable });
		expect(await offline.ask(path)).toEqual({ value: answer, asOf: answer.asOf, source: 'kept' });
		// Another question has no answer to fall back on.
		await expect(offline.ask(`${path}?year=2019`)).rejects.toEqual(new AskError('offline'));
	});

	it('says why there is nothing: offline, signed out, refused token, server error', async () => {
		const db = newDevice();
		let refused = 0;
		const cases: [ServerAnswers, string][] = [
			[new ServerAnswers({ db, token: () => 't', fetch: unreachable }), 'offline'],
			[new ServerAnswers({ db, token: () => undefined, fetch: respond(200, answer) }), 'offline'],
			[
				new ServerAnswers({
					db,
					token: () => 't',
					fetch: respond(401, { error: 'unauthorized' }),
					onUnauthorized: () => refused++
				}),
				'unauthorized'
			],
			[new ServerAnswers({ db, token: () => 't', fetch: respond(500, {}) }), 'failed']
		];
		// Too many exports in a row: the server's wait, in seconds, for the screen to say.
		const busy = new ServerAnswers({
			db,
			token: () => 't',
			fetch: async () =>
				new Response('{"error":"too_many_requests"}', {
					status: 429,
					headers: { 'retry-after': '8' }
				})
		});
		await expect(busy.ask(path, false)).rejects.toMatchObject({
			reason: 'busy',
			retryAfterSeconds: 8
		});
		for (const [answers, reason] of cases) {
			await expect(answers.ask(path)).rejects.toMatchObject({ reason });
		}
		expect(refused).toBe(1);
		expect(await db.answers.count()).toBe(0);
	});

	it('sends the token as a bearer and never keeps a refused answer', async () => {
		const db = newDevice();
		const seen: string[] = [];
		const spy: typeof fetch = async (_url, init) => {
			seen.push(new Headers(init?.headers).get('authorization') ?? '');
			return new Response('{"error":"forbidden"}', { status: 403 });
		};
		await expect(
			new ServerAnswers({ db, token: () => 'abc', fetch: spy }).ask(path)
		).rejects.toThrow();
		expect(seen).toEqual(['Bearer abc']);
		expect(await db.answers.get(path)).toBeUndefined();
	});

	it('neither keeps nor falls back to a question asked once (a search)', async () => {
		const db = newDevice();
		const once = `${path}?q=x`;
		await new ServerAnswers({ db, token: () => 't', fetch: respond(200, answer) }).ask(once, false);
		expect(await db.answers.get(once)).toBeUndefined();
		// Even with an answer kept for that path, offline a search says it is offline.
		await new ServerAnswers({ db, token: () => 't', fetch: respond(200, answer) }).ask(once);
		await expect(
			new ServerAnswers({ db, token: () => 't', fetch: unreachable }).ask(once, false)
		).rejects.toEqual(new AskError('offline'));
	});
});
