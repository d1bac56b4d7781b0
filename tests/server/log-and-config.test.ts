import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../sync-server/config';
import { createLogger, redact, redactText } from '../../sync-server/log';
import { cacheControlFor, contentSecurityPolicy, safeRelativePath } from '../../sync-server/static';

describe('configuration', () => {
	it('has the defaults of the server contract', () => {
		const config = loadConfig({}, '/srv/app');
		expect(config).toEqual({
			port: 8787,
			host: '0.0.0.0',
			dataDir: '/srv/app/data',
			staticDir: '/srv/app/build',
			production: false,
			tokenTtlSeconds: 30 * 86_400,
			tokenSecret: undefined,
			photoMaxBytes: 8 * 1024 * 1024,
			roomIdleMs: 30_000,
			connectionBytesPerMinute: 64 * 1024 * 1024,
			userDailyBytes: 256 * 1024 * 1024,
			userWorkMsPerSecond: 250,
			sendBufferBytes: 32 * 1024 * 1024,
			trustProxy: 0,
			publicLimit: { burst: 60, perSecond: 10 },
			publicUrl: undefined
		});
	});

	it('reads the environment and refuses bad values', () => {
		const config = loadConfig({ PORT: '0', DATA_DIR: '/var/kb', NODE_ENV: 'production' }, '/x');
		expect(config.port).toBe(0);
		expect(config.dataDir).toBe('/var/kb');
		expect(config.production).toBe(true);
		expect(() => loadConfig({ PORT: 'abc' })).toThrow(ConfigError);
		expect(() => loadConfig({ PORT: '70000' })).toThrow(/0 to 65535/);
		expect(() => loadConfig({ PORT: '-1' })).toThrow(ConfigError);
		expect(() => loadConfig({ DATA_DIR: ' ' })).toThrow(/DATA_DIR/);
		expect(() => loadConfig({ TOKEN_SECRET: 'short' })).toThrow(/at least 32/);
		expect(loadConfig({ TOKEN_TTL_DAYS: '7', PHOTO_MAX_MB: '2' })).toMatchObject({
			tokenTtlSeconds: 7 * 86_400,
			photoMaxBytes: 2 * 1024 * 1024
		});
		expect(
			loadConfig({ USER_DAILY_MB: '10', CONNECTION_MB_PER_MINUTE: '5', SEND_BUFFER_MB: '2' })
		).toMatchObject({
			userDailyBytes: 10 * 1024 * 1024,
			connectionBytesPerMinute: 5 * 1024 * 1024,
			sendBufferBytes: 2 * 1024 * 1024
		});
		expect(() => loadConfig({ USER_DAILY_MB: '0' })).toThrow(/USER_DAILY_MB/);
	});

	it('takes the public address printed on signs, plain and without its trailing slash', () => {
		const of = (PUBLIC_URL: string) => loadConfig({ PUBLIC_URL }).publicUrl;
		expect(of('https://kuaiban.zjg.gov.cn/')).toBe('https://kuaiban.zjg.gov.cn');
		expect(of(' https://gov.example.cn/kuaiban/ ')).toBe('https://gov.example.cn/kuaiban');
		expect(of('http://10.0.0.5:8787')).toBe('http://10.0.0.5:8787');
		expect(of('')).toBeUndefined();
		for (const bad of [
			'kuaiban.zjg.gov.cn',
			'ftp://x.cn',
			'javascript:alert(1)',
			'https://x.cn/?a=1',
			'https://u:p@x.cn'
		]) {
			expect(() => of(bad), bad).toThrow(ConfigError);
		}
	});
});

describe('log redaction', () => {
	it('hides secrets by field name at any depth and tokens inside text', () => {
		expect(
			redact({
				user: 'a',
				password: 'p',
				nested: { Authorization: 'Bearer x', list: [{ token: 't' }] }
			})
		).toEqual({
			user: 'a',
			password: '[redacted]',
			nested: { Authorization: '[redacted]', list: [{ token: '[redacted]' }] }
		});
		expect(redactText('/sync/community:a?token=abc.def&x=1')).toBe(
			'/sync/community:a?token=[redacted]&x=1'
		);
		expect(redactText('Authorization: Bearer abc.def-ghi')).toBe(
			'Authorization: Bearer [redacted]'
		);
	});

	it('writes one JSON object a line and drops levels below the minimum', () => {
		const lines: string[] = [];
		const log = createLogger({
			level: 'info',
			write: (line) => lines.push(line),
			now: () => new Date('2026-01-02T03:04:05.000Z')
		});
		log.debug('hidden');
		log.child({ room: 'city' }).warn('opened ?token=zzz', { password: 'pw' });
		expect(lines).toHaveLength(1);
		expect(JSON.parse(lines[0] ?? '')).toEqual({
			time: '2026-01-02T03:04:05.000Z',
			level: 'warn',
			msg: 'opened ?token=[redacted]',
			room: 'city',
			password: '[redacted]'
		});
	});
});

describe('static paths', () => {
	it('keeps hashed files for a year and revalidates everything else', () => {
		expect(cacheControlFor('_app/immutable/chunks/x.js')).toBe(
			'public, max-age=31536000, immutable'
		);
		expect(cacheControlFor('workbox-9c191d2f.js')).toBe('public, max-age=31536000, immutable');
		expect(cacheControlFor('sw.js')).toBe('no-cache');
		expect(cacheControlFor('index.html')).toBe('no-cache');
		expect(cacheControlFor('_app/version.json')).toBe('no-cache');
	});

	it('refuses paths that try to leave the folder', () => {
		expect(safeRelativePath('/a/b.js')).toBe('a/b.js');
		expect(safeRelativePath('/')).toBe('');
		expect(safeRelativePath('/a/../../etc/passwd')).toBeUndefined();
		expect(safeRelativePath('/%2e%2e/etc/passwd')).toBeUndefined();
		expect(safeRelativePath('/a%5c..%5cb')).toBeUndefined();
		expect(safeRelativePath('/a%00b')).toBeUndefined();
		expect(safeRelativePath('/%E0%A4%A')).toBeUndefined();
		expect(safeRelativePath('/.env')).toBeUndefined();
	});
});

describe('the content security policy', () => {
	it('allows the page its own inline bootstrap by hash and nothing from elsewhere', () => {
		const html =
			'<html><head><script src="/_app/x.js"></script></head><body><script>\n\tboot();\n</script></body></html>';
		const policy = contentSecurityPolicy(html);
		const expected = createHash('sha256').update('\n\tboot();\n').digest('base64');
		expect(policy).toContain(`script-src 'self' 'sha256-${expected}'`);
		expect(policy).toContain("default-src 'self'");
		expect(policy).toContain("object-src 'none'");
		expect(policy).toContain("frame-ancestors 'none'");
		expect(policy).not.toMatch(/unsafe-eval/);
		expect(policy.match(/sha256-/g)).toHaveLength(1);
	});
});
