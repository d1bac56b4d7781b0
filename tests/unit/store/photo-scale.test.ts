import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
	fitWithin,
	nextQuality,
	photoQualities,
	sniffImageType,
	toHex
} from '$lib/store/photo-scale';

const bytes = (...values: (number | string)[]) =>
	new Uint8Array(
		values.flatMap((v) => (typeof v === 'string' ? [...v].map((c) => c.charCodeAt(0)) : [v]))
	);

describe('fitWithin', () => {
	it('scales the long side down to the limit, landscape and portrait', () => {
		expect(fitWithin(4000, 3000, 1600)).toEqual({ width: 1600, height: 1200 });
		expect(fitWithin(3024, 4032, 1600)).toEqual({ width: 1200, height: 1600 });
		expect(fitWithin(4032, 3024, 320)).toEqual({ width: 320, height: 240 });
	});

	it('never upscales a small photo', () => {
		expect(fitWithin(800, 600, 1600)).toEqual({ width: 800, height: 600 });
		expect(fitWithin(1600, 1600, 1600)).toEqual({ width: 1600, height: 1600 });
	});

	it('keeps at least one pixel on the short side of a panorama', () => {
		expect(fitWithin(20000, 3, 320)).toEqual({ width: 320, height: 1 });
	});

	it('stays within bounds, keeps the aspect ratio within a pixel, never grows', () => {
		const side = fc.integer({ min: 1, max: 20_000 });
		fc.assert(
			fc.property(side, side, fc.integer({ min: 1, max: 4000 }), (width, height, max) => {
				const out = fitWithin(width, height, max);
				expect(Number.isInteger(out.width) && Number.isInteger(out.height)).toBe(true);
				expect(Math.min(out.width, out.height)).toBeGreaterThanOrEqual(1);
				expect(Math.max(out.width, out.height)).toBeLessThanOrEqual(max);
				expect(out.width).toBeLessThanOrEqual(width);
				expect(out.height).toBeLessThanOrEqual(height);
				// The short side, recomputed from the long side's result, is off by at most 1 px.
				if (width >= height) {
					expect(Math.abs(out.height - (out.width * height) / width)).toBeLessThanOrEqual(1);
				} else {
					expect(Math.abs(out.width - (out.height * width) / height)).toBeLessThanOrEqual(1);
				}
			})
		);
	});
});

describe('sniffImageType', () => {
	it('knows JPEG, PNG, WebP and HEIC by their first bytes', () => {
		expect(sniffImageType(bytes(0xff, 0xd8, 0xff, 0xe1, 0, 0))).toBe('image/jpeg');
		expect(sniffImageType(bytes(0x89, 'PNG\r\n', 0x1a, '\n'))).toBe('image/png');
		expect(sniffImageType(bytes('RIFF', 0, 0, 0, 0, 'WEBPVP8 '))).toBe('image/webp');
		expect(sniffImageType(bytes(0, 0, 0, 0x18, 'ftypheic', 0, 0, 0, 0))).toBe('image/heic');
		expect(sniffImageType(bytes(0, 0, 0, 0x18, 'ftypmif1', 0, 0, 0, 0))).toBe('image/heic');
	});

	it('refuses everything else, whatever it is called', () => {
		expect(sniffImageType(bytes('GIF89a'))).toBeUndefined();
		expect(sniffImageType(bytes('%PDF-1.7'))).toBeUndefined();
		expect(sniffImageType(bytes('RIFF', 0, 0, 0, 0, 'WAVEfmt '))).toBeUndefined();
		expect(sniffImageType(bytes(0, 0, 0, 0x18, 'ftypmp42'))).toBeUndefined();
		expect(sniffImageType(bytes(0xff, 0xd8))).toBeUndefined();
		expect(sniffImageType(new Uint8Array())).toBeUndefined();
	});
});

describe('nextQuality', () => {
	it('steps down the ladder from 0.82 and ends', () => {
		const tried: number[] = [];
		for (let q: number | undefined = photoQualities[0]; q !== undefined; q = nextQuality(q)) {
			tried.push(q);
		}
		expect(tried).toEqual([0.82, 0.72, 0.62, 0.5, 0.4]);
	});

	it('goes below a quality that is not on the ladder', () => {
		expect(nextQuality(0.9)).toBe(0.82);
		expect(nextQuality(0.55)).toBe(0.5);
		expect(nextQuality(0.4)).toBeUndefined();
	});
});

describe('toHex', () => {
	it('writes a SHA-256 digest as lowercase hex', async () => {
		const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode('abc'));
		expect(toHex(digest)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
		expect(toHex(new Uint8Array([0, 1, 0xab, 0xff]).buffer)).toBe('0001abff');
	});
});
