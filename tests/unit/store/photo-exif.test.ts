import { describe, it, expect } from 'vitest';
import { readExifFacts } from '$lib/store/photo-exif';

/** A real 2×1 JPEG (Chromium's encoder, colour profile removed), without EXIF. */
const plainJpeg = Uint8Array.from(
	atob(
		'/9j/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBk' +
			'eFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj' +
			'Y2NjY2NjY2P/wAARCAABAAIDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAb/xAAUEAEAAAAAAAAAAAAA' +
			'AAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAAAgX/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCd' +
			'AJPf/9k='
	),
	(c) => c.charCodeAt(0)
);

const ASCII = 2;
const LONG = 4;
const RATIONAL = 5;
type Entry = [tag: number, type: number, value: number[]];

const u16 = (v: number) => [(v >> 8) & 255, v & 255];
const u32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const ascii = (s: string) => [...s, '\0'].map((c) => c.charCodeAt(0));
const dms = (degrees: number) => {
	const d = Math.floor(degrees);
	const m = Math.floor((degrees - d) * 60);
	const s = Math.round(((degrees - d) * 60 - m) * 60 * 1000);
	return [...u32(d), ...u32(1), ...u32(m), ...u32(1), ...u32(s), ...u32(1000)];
};

/**
 * `plainJpeg` with an APP1 Exif segment in front: a big-endian TIFF whose IFD0 points to an Exif
 * IFD (dates) and a GPS IFD, laid out as a camera does — values over 4 bytes after the IFDs.
 */
function jpegWithExif(exif: { [tag: number]: string }, gps?: { lat: number; lng: number }) {
	const exifIfd: Entry[] = Object.entries(exif).map(([tag, v]) => [Number(tag), ASCII, ascii(v)]);
	const gpsIfd: Entry[] = gps
		? [
				[1, ASCII, ascii(gps.lat < 0 ? 'S' : 'N')],
				[2, RATIONAL, dms(Math.abs(gps.lat))],
				[3, ASCII, ascii(gps.lng < 0 ? 'W' : 'E')],
				[4, RATIONAL, dms(Math.abs(gps.lng))]
			]
		: [];
	const ifdSize = (entries: number) => 2 + entries * 12 + 4;
	const ifd0At = 8;
	const exifAt = ifd0At + ifdSize(gps ? 2 : 1);
	const gpsAt = exifAt + ifdSize(exifIfd.length);
	const ifd0: Entry[] = [[0x8769, LONG, u32(exifAt)]];
	if (gps) ifd0.push([0x8825, LONG, u32(gpsAt)]);
	let dataAt = gpsAt + ifdSize(gpsIfd.length);
	const data: number[] = [];
	const write = (entries: Entry[]) => {
		const out = [...u16(entries.length)];
		for (const [tag, type, value] of entries) {
			const size = type === RATIONAL ? 8 : type === LONG ? 4 : 1;
			out.push(...u16(tag), ...u16(type), ...u32(value.length / size));
			if (value.length <= 4) {
				out.push(...value, ...new Array<number>(4 - value.length).fill(0));
			} else {
				out.push(...u32(dataAt));
				data.push(...value);
				dataAt += value.length;
			}
		}
		return [...out, ...u32(0)];
	};
	const header = [0x4d, 0x4d, ...u16(42), ...u32(ifd0At)];
	const tiff = [...header, ...write(ifd0), ...write(exifIfd), ...write(gpsIfd), ...data];
	const app1 = [...ascii('Exif'), 0, ...tiff];
	const segment = [0xff, 0xe1, ...u16(app1.length + 2), ...app1];
	return new Uint8Array([...plainJpeg.subarray(0, 2), ...segment, ...plainJpeg.subarray(2)]).buffer;
}

const DateTimeOriginal = 0x9003;
const CreateDate = 0x9004;
const OffsetTimeOriginal = 0x9011;

describe('readExifFacts', () => {
	it('reads capture time and GPS position from a JPEG', async () => {
		const facts = await readExifFacts(
			jpegWithExif({ [DateTimeOriginal]: '2026:11:28 10:30:05' }, { lat: 22.5431, lng: 114.0579 })
		);
		// No offset in the file: the wall clock is read in this machine's zone.
		expect(facts.takenAt).toBe(new Date(2026, 10, 28, 10, 30, 5).toISOString());
		expect(facts.location?.source).toBe('exif');
		expect(facts.location?.lat).toBeCloseTo(22.5431, 6);
		expect(facts.location?.lng).toBeCloseTo(114.0579, 6);
	});

	it('reads the wall clock in the offset the camera wrote, whatever the zone here', async () => {
		const facts = await readExifFacts(
			jpegWithExif({ [DateTimeOriginal]: '2026:11:28 10:30:05', [OffsetTimeOriginal]: '+08:00' })
		);
		expect(facts).toEqual({ takenAt: '2026-11-28T02:30:05.000Z' });
	});

	it('gives southern and western positions negative signs', async () => {
		const facts = await readExifFacts(jpegWithExif({}, { lat: -33.8688, lng: -70.6693 }));
		expect(facts.takenAt).toBeUndefined();
		expect(facts.location?.lat).toBeCloseTo(-33.8688, 6);
		expect(facts.location?.lng).toBeCloseTo(-70.6693, 6);
	});

	it('falls back to CreateDate', async () => {
		const facts = await readExifFacts(jpegWithExif({ [CreateDate]: '2025:01:02 03:04:05' }));
		expect(facts.takenAt).toBe(new Date(2025, 0, 2, 3, 4, 5).toISOString());
	});

	it('takes 0/0 for the missing fix it is', async () => {
		const facts = await readExifFacts(jpegWithExif({}, { lat: 0, lng: 0 }));
		expect(facts.location).toBeUndefined();
	});

	it('gives nothing, and does not throw, for photos without EXIF and for non-images', async () => {
		expect(await readExifFacts(plainJpeg)).toEqual({});
		expect(await readExifFacts(new TextEncoder().encode('not a photo at all'))).toEqual({});
		expect(await readExifFacts(new Uint8Array())).toEqual({});
	});
});
