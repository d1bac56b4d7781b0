import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/lib/sync/protocol';
import { admin } from './helpers/admin-command';
import { closedWith, connect, login, synced, type Client } from './helpers/clients';
import { waitFor } from './helpers/server-process';
import { useTestServer } from './helpers/test-server';

/**
 * What an administrator does to an account reaches the devices at once: a disabled user's open
 * connections close, and a password change or `revoke-tokens` ends every token issued before it.
 * Guessing at one account, in parallel or not, gets no more tries than the throttle allows.
 */

const ctx = useTestServer();

async function me(token: string): Promise<number> {
	return (await fetch(`${ctx.url}/api/me`, { headers: { authorization: `Bearer ${token}` } }))
		.status;
}

function tryLogin(username: string, password: string) {
	return fetch(`${ctx.url}/api/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ username, password })
	});
}

describe('disabling a user', () => {
	it("closes that user's open websockets within seconds; what it sends afterwards is not stored", async () => {
		const clients: Client[] = [];
		try {
			const victim = connect(ctx.url, 'community:sanxing', await login(ctx.url, 'sanxing-1'));
			const observer = connect(
				ctx.url,
				'community:sanxing',
				await login(ctx.url, 'city-supervisor')
			);
			clients.push(victim, observer);
			await Promise.all([synced(victim), synced(observer)]);

			expect((await admin(ctx.dataDir, ['disable-user', 'sanxing-1'])).code).toBe(0);
			expect(await closedWith(victim, 5000)).toBe(CloseCode.unauthorized);
			victim.doc.getMap('suggestions').set('after-disable', 'must not be stored');
			// The provider retries; every retry is refused, and nothing reaches the others.
			await new Promise((done) => setTimeout(done, 1000));
			expect(observer.doc.getMap('suggestions').get('after-disable')).toBeUndefined();
		} finally {
			clients.forEach((c) => c.destroy());
			await admin(ctx.dataDir, ['enable-user', 'sanxing-1']);
		}
	});
});

describe('tokens carry a version', () => {
	it('a password change ends the tokens issued before it, and closes their connections', async () => {
		const old = await login(ctx.url, 'chengbei-1');
		const client = connect(ctx.url, 'community:chengbei', old);
		try {
			await synced(client);
			const changed = await admin(
				ctx.dataDir,
				['set-password', 'chengbei-1', '--password-stdin'],
				'a-new-password-1\n'
			);
			expect(changed.code).toBe(0);
			expect(await me(old)).toBe(401);
			expect(await closedWith(client, 5000)).toBe(CloseCode.unauthorized);
			const fresh = await login(ctx.url, 'chengbei-1', 'a-new-password-1');
			expect(await me(fresh)).toBe(200);
		} finally {
			client.destroy();
		}
	});

	it('revoke-tokens ends every token of that user, and only of that user', async () => {
		const a = await login(ctx.url, 'daxin-1');
		const b = await login(ctx.url, 'daxin-1');
		const other = await login(ctx.url, 'tanglian-1');
		const revoked = await admin(ctx.dataDir, ['revoke-tokens', 'daxin-1']);
		expect(revoked.code).toBe(0);
		expect(await me(a)).toBe(401);
		expect(await me(b)).toBe(401);
		expect(await me(other)).toBe(200);
		expect(await me(await login(ctx.url, 'daxin-1'))).toBe(200);
		expect((await admin(ctx.dataDir, ['revoke-tokens', 'nobody-here'])).code).not.toBe(0);
	});

	it('disabling and enabling again does not bring an old token back', async () => {
		const old = await login(ctx.url, 'tanglian-2');
		expect((await admin(ctx.dataDir, ['disable-user', 'tanglian-2'])).code).toBe(0);
		expect((await admin(ctx.dataDir, ['enable-user', 'tanglian-2'])).code).toBe(0);
		expect(await me(old)).toBe(401);
	});
});

describe('guessing at one account', () => {
	it('200 parallel guesses are refused at once past the free tries: only a handful are checked', async () => {
		const answers = await Promise.all(
			Array.from({ length: 200 }, (_, i) => tryLogin('jingkai-reviewer', `guess-${i}`))
		);
		const statuses = answers.map((r) => r.status);
		const checked = statuses.filter((s) => s === 401).length;
		const refused = statuses.filter((s) => s === 429).length;
		expect(checked + refused).toBe(200);
		expect(checked).toBeGreaterThanOrEqual(1);
		expect(checked).toBeLessThanOrEqual(4);
		const refusal = answers.find((r) => r.status === 429);
		expect(Number(refusal?.headers.get('retry-after'))).toBeGreaterThan(0);
		// The right password still works once the back-off has passed.
		const token = await waitFor(
			async () => {
				const res = await tryLogin('jingkai-reviewer', 'demo');
				return res.status === 200 ? ((await res.json()) as { token: string }).token : undefined;
			},
			{ timeoutMs: 20_000, intervalMs: 500 }
		);
		expect(await me(token)).toBe(200);
	}, 60_000);

	it('never writes what was typed as the username into the log', async () => {
		const typed = 'Passw0rd-typed-in-the-wrong-field';
		expect((await tryLogin(typed, 'x')).status).toBe(401);
		await waitFor(() => (ctx.server.output().includes('"login failed"') ? true : undefined));
		expect(ctx.server.output()).not.toContain(typed);
		expect(ctx.server.output()).not.toContain(typed.toLowerCase());
		const line = ctx.server
			.output()
			.split('\n')
			.findLast((l) => l.includes('"login failed"'));
		expect(JSON.parse(line ?? '{}')).toHaveProperty('userHash');
	});
});
