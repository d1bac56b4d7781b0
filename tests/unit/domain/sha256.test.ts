import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256, sha256Hex } from '$lib/domain/sha256';

describe('sha256', () => {
	it('matches the FIPS 180 vectors', () => {
		expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
		expect(sha256Hex('abc')).toBe(
			'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
		);
		expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
			'248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'
		);
		expect(sha256Hex('a'.repeat(1_000_000))).toBe(
			'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'
		);
	});

	it('hashes text as UTF-8, as sha256sum does', () => {
		expect(sha256Hex('民生微实事')).toBe(
			createHash('sha256').update('民生微实事', 'utf8').digest('hex')
		);
		expect(sha256(new Uint8Array([0x61, 0x62, 0x63]))).toEqual(sha256('abc'));
	});

	it('agrees with node:crypto at every length around the block boundaries', () => {
		fc.assert(
			fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (bytes) => {
				expect(sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
			}),
			{ numRuns: 300 }
		);
		for (let n = 50; n < 140; n++) {
			const s = 'x'.repeat(n);
			expect(sha256Hex(s), String(n)).toBe(createHash('sha256').update(s).digest('hex'));
		}
	});
});
