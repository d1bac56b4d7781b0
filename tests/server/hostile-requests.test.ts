import { connect as connectTcp } from 'node:net';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/lib/sync/protocol';
import { login } from './helpers/clients';
import { useTestServer } from './helpers/test-server';

/**
 * Malformed requests, as a curious person or a broken proxy sends them: each is refused on its
 * own, and the process keeps serving everyone else.
 */

const ctx = useTestServer();
let token: string;

beforeAll(async () => {
	token = await login(ctx.url, 'daxin-1');
});

function wsUrl(path: string) {
	return `${ctx.url.replace(/^http/, 'ws')}${path}`;
}

/** How a websocket attempt ended: the close code, or the HTTP status it was refused with. */
function attempt(path: string): Promise<{ close?: number; status?: number }> {
	return new Promise((done) => {
		const ws = new WebSocket(wsUrl(path));
		ws.once('close', (code) => done({ close: code }));
		ws.once('unexpected-response', (_req, res) => {
			done({ status: res.statusCode });
			ws.terminate();
		});
		ws.once('error', () => undefined);
	});
}

/** Sends raw bytes on a fresh TCP connection; resolves with what came back (or '' on a reset). */
function raw(bytes: string | Buffer, timeoutMs = 2000): Promise<string> {
	return new Promise((done) => {
		const socket = connectTcp(ctx.server.port, '127.0.0.1');
		let answer = '';
		const finish = () => {
			clearTimeout(timer);
			socket.destroy();
			done(answer);
		};
		const timer = setTimeout(finish, timeoutMs);
		socket.on('data', (chunk) => {
			answer += chunk.toString('latin1');
			// One answer is enough: the server keeps a refused keep-alive connection open.
			if (/\r\n\r\n/.test(answer)) finish();
		});
		socket.on('error', finish);
		socket.on('close', finish);
		socket.write(bytes);
	});
}

async function healthy() {
	const res = await fetch(`${ctx.url}/api/health`);
	expect(res.status).toBe(200);
	expect(ctx.server.child.exitCode).toBeNull();
}

describe('malformed websocket upgrades are refused, and the server goes on', () => {
	it.each([
		['/sync/%', undefined],
		['/sync/%E0%A4%A', undefined],
		['/sync/%', 'token'],
		['/sync/community%3Adaxin%', 'token'],
		['/sync/%00', 'token'],
		['/sync/' + 'a'.repeat(5000), 'token']
	])('%s (token: %s)', async (path, withToken) => {
		const query = withToken ? `?token=${token}` : '';
		const outcome = await attempt(path + query);
		expect([CloseCode.unknownRoom, CloseCode.unauthorized]).toContain(outcome.close);
		await healthy();
	});

	it('an upgrade with a broken query string or no path at all', async () => {
		expect(await attempt('/sync/community:daxin?token=%')).toEqual({
			close: CloseCode.unauthorized
		});
		expect(await attempt('/sync/?token=%zz')).toEqual({ close: CloseCode.unauthorized });
		expect(await attempt('/sync')).toEqual({ status: 404 });
		await healthy();
	});
});

describe('malformed HTTP requests get a status, and the server goes on', () => {
	it.each([
		'/%',
		'/api/photos/%/%',
		'/api/history/%E0/x/y',
		'/p/%/%',
		'/p/%E0%A4%A/x',
		'/%00',
		'/..%2f..%2fetc%2fpasswd'
	])('GET %s', async (path) => {
		const answer = await raw(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
		expect(answer).toMatch(/^HTTP\/1\.1 (4\d\d|200)/);
		await healthy();
	});

	it('survives thousands of fuzzed request lines, headers and paths', async () => {
		const segment = fc.oneof(
			fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '..', '.', '', 'sync', 'api', 'p', '~'),
			fc.string({ maxLength: 12 }),
			fc.stringMatching(/^[a-z:%0-9]{0,10}$/)
		);
		const path = fc
			.array(segment, { maxLength: 6 })
			.map((parts) => `/${parts.join('/')}`)
			.chain((p) =>
				fc.oneof(
					fc.constant(p),
					fc.constantFrom('?token=%', '?token=', '?a=%zz&&=', '?#').map((q) => p + q)
				)
			);
		const method = fc.constantFrom('GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'BREW', '');
		const header = fc.oneof(
			fc.constantFrom(
				'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
				'Authorization: Bearer %',
				'Authorization: Bearer ' + 'x'.repeat(300),
				'Content-Length: -1',
				'Content-Length: 99999999999',
				'Transfer-Encoding: chunked',
				'Cookie: kb_device=%; a',
				'If-None-Match: "',
				'X-Forwarded-For: %, ::1, 999.1.1.1',
				'Range: bytes=-1-2',
				'Accept-Encoding: br;q=x, gzip;q=-1'
			),
			fc
				.tuple(fc.stringMatching(/^[A-Za-z-]{1,12}$/), fc.string({ maxLength: 40 }))
				.map(([n, v]) => `${n}: ${v}`)
		);
		const request = fc
			.tuple(method, path, fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/9', ''), fc.array(header))
			.map(([m, p, v, headers]) => `${m} ${p} ${v}\r\nHost: x\r\n${headers.join('\r\n')}\r\n\r\n`);
		const samples = fc.sample(request, { numRuns: 2000, seed: 11 });
		// In parallel batches, as many devices would: the process must never go down.
		for (let i = 0; i < samples.length; i += 50) {
			await Promise.all(samples.slice(i, i + 50).map((text) => raw(text, 1500)));
			expect(ctx.server.child.exitCode).toBeNull();
		}
		await healthy();
	}, 120_000);
});
