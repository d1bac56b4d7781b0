import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenError, TokenSigner } from '../../sync-server/auth';
import { CloseCode } from '../../src/lib/sync/protocol';
import { closedWith, connect, login, synced } from './helpers/clients';
import { waitFor } from './helpers/server-process';
import { useTestServer } from './helpers/test-server';

const ctx = useTestServer();

describe('presence', () => {
	it('shows who else is on a record, and clears it when that client leaves', async () => {
		const token = await login(ctx.url, 'tanglian-1');
		const a = connect(ctx.url, 'community:tanglian', token);
		const b = connect(ctx.url, 'community:tanglian', await login(ctx.url, 'tanglian-2'));
		try {
			await Promise.all([synced(a), synced(b)]);
			a.provider.awareness.setLocalStateField('viewing', { kind: 'suggestion', id: 's1' });
			const seen = () =>
				[...b.provider.awareness.getStates().entries()].find(
					([id, state]) => id === a.doc.clientID && state.viewing
				);
			await waitFor(() => seen());
			// A hard drop, as a tablet that loses its network: no goodbye from the client.
			(a.provider.ws as unknown as { terminate(): void }).terminate();
			a.provider.shouldConnect = false;
			await waitFor(() => (seen() ? undefined : true));
		} finally {
			a.destroy();
			b.destroy();
		}
	});
});

describe('an expired token', () => {
	const signer = new TokenSigner(Buffer.alloc(32, 7));

	it('is refused by the signer, as is one signed with another key', () => {
		const now = Date.parse('2026-11-28T00:00:00Z');
		const token = signer.sign(
			{ sub: 'tanglian-1', role: 'worker', scope: 'community:tanglian', ver: 0 },
			now,
			60
		);
		expect(signer.verify(token, now + 59_000).sub).toBe('tanglian-1');
		expect(() => signer.verify(token, now + 60_000)).toThrow(TokenError);
		expect(() => new TokenSigner(Buffer.alloc(32, 8)).verify(token, now)).toThrow(/signature/);
	});

	it('is refused at the websocket (4401) and by the API (401)', async () => {
		// A token the server itself signed, but a day past its expiry.
		const secret = Buffer.from(
			(await readFile(join(ctx.dataDir, 'token-secret'), 'utf8')).trim(),
			'base64url'
		);
		const expired = new TokenSigner(secret).sign(
			{ sub: 'tanglian-1', role: 'worker', scope: 'community:tanglian', ver: 0 },
			Date.now() - 2 * 86_400_000,
			86_400
		);
		const fresh = new TokenSigner(secret).sign(
			{ sub: 'tanglian-1', role: 'worker', scope: 'community:tanglian', ver: 0 },
			Date.now(),
			86_400
		);
		const me = (token: string) =>
			fetch(`${ctx.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
		expect((await me(fresh)).status).toBe(200);
		expect((await me(expired)).status).toBe(401);
		const c = connect(ctx.url, 'community:tanglian', expired);
		try {
			expect(await closedWith(c)).toBe(CloseCode.unauthorized);
			expect(c.messages()).toBe(0);
		} finally {
			c.destroy();
		}
	});
});
