/** Pure helpers of the photo pipeline, kept apart from the worker so that they can be tested. */

/** The size that fits `maxLongSide`, keeping the aspect ratio; never larger than the original. */
export function fitWithin(
	width: number,
	height: number,
	maxLongSide: number
): { width: number; height: number } {
	const scale = Math.min(1, maxLongSide / Math.max(width, height));
	return {
		width: Math.max(1, Math.round(width * scale)),
		height: Math.max(1, Math.round(height * scale))
	};
}

export type ImageType = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/heic';

/** The image type by its first bytes; the file's name and claimed type are not trusted. */
export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
	const at = (i: number) => bytes[i] ?? -1;
	if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'image/jpeg';
	if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return 'image/png';
	const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
	if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
	if (ascii(4, 8) === 'ftyp' && /^(heic|heix|heim|heis|hevc|hevx|mif1|msf1)$/.test(ascii(8, 12))) {
		return 'image/heic';
	}
	return undefined;
}

/** JPEG qualities tried in turn until the photo fits its byte budget. */
export const photoQualities = [0.82, 0.72, 0.62, 0.5, 0.4] as const;
export const photoMaxBytes = 400 * 1024;
export const photoMaxLongSide = 1600;
export const thumbMaxLongSide = 320;
/** A 320-px thumbnail is 10–30 KB at this quality; no budget to chase. */
export const thumbQuality = 0.7;
/** Files larger than this are refused before decoding (a 12-MP JPEG is 3–8 MB). */
export const originalMaxBytes = 40 * 1024 * 1024;

/**
 * The next, lower quality to try after `quality` left the photo over budget; undefined when the
 * lowest was tried (the photo is then drawn smaller, see photo-worker.ts).
 */
export function nextQuality(quality: number): number | undefined {
	return photoQualities.find((q) => q < quality);
}

export function toHex(buffer: ArrayBuffer): string {
	return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
