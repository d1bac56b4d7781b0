import type { PhotoLocation } from './photo-types';

export interface ExifFacts {
	takenAt?: string;
	location?: PhotoLocation;
}

interface ExifTags {
	DateTimeOriginal?: Date;
	OffsetTimeOriginal?: string;
	CreateDate?: Date;
	OffsetTimeDigitized?: string;
	latitude?: number;
	longitude?: number;
}

// Picks per block, not one global `pick`: that looks every block's dictionary up, and the lite
// build has no interop dictionary, so it throws. IFD0 is read anyway for its pointers to the rest.
const exifOptions = {
	ifd1: false,
	interop: false,
	exif: { pick: ['DateTimeOriginal', 'OffsetTimeOriginal', 'CreateDate', 'OffsetTimeDigitized'] },
	gps: { pick: ['GPSLatitudeRef', 'GPSLatitude', 'GPSLongitudeRef', 'GPSLongitude'] }
};

/**
 * Capture time and place from a photo's EXIF, with exifr's lite build (JPEG and HEIC; EXIF and
 * GPS), loaded only when a photo comes. Missing or unreadable EXIF is normal — screenshots, edited
 * or messaged photos — and gives nothing, never an error.
 *
 * A Blob is read in chunks by exifr in the browser; Node has no Blob reader there, so tests pass
 * the bytes.
 */
export async function readExifFacts(file: Blob | ArrayBuffer | Uint8Array): Promise<ExifFacts> {
	let tags: ExifTags | undefined;
	try {
		const { default: exifr } = await import('exifr/dist/lite.esm.mjs');
		tags = (await exifr.parse(file, exifOptions)) as ExifTags | undefined;
	} catch {
		return {};
	}
	if (!tags) return {};
	const facts: ExifFacts = {};
	const takenAt =
		toUtc(tags.DateTimeOriginal, tags.OffsetTimeOriginal) ??
		toUtc(tags.CreateDate, tags.OffsetTimeDigitized);
	if (takenAt) facts.takenAt = takenAt;
	const { latitude: lat, longitude: lng } = tags;
	// Some cameras write 0/0 when they had no fix; nobody photographs a project in the Gulf of Guinea.
	if (isCoordinate(lat, 90) && isCoordinate(lng, 180) && (lat !== 0 || lng !== 0)) {
		facts.location = { lat, lng, source: 'exif' };
	}
	return facts;
}

/**
 * EXIF dates carry no time zone: exifr builds the Date from the wall-clock fields in the zone of
 * whoever reads it, here the worker's, which is the tablet's own zone — right for photos the
 * tablet took, off by the zone difference for one taken elsewhere. EXIF 2.31 cameras also write
 * the offset (OffsetTimeOriginal, '+08:00'); when it is there the wall clock is read in that
 * offset instead. Either way toISOString() stores UTC.
 */
function toUtc(date: Date | undefined, offset: string | undefined): string | undefined {
	if (!(date instanceof Date) || Number.isNaN(date.getTime())) return undefined;
	const match = /^([+-])(\d{2}):(\d{2})$/.exec(offset?.trim() ?? '');
	if (!match) return date.toISOString();
	const [, sign, hours, minutes] = match;
	const offsetMs = (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes)) * 60_000;
	const wallClock = Date.UTC(
		date.getFullYear(),
		date.getMonth(),
		date.getDate(),
		date.getHours(),
		date.getMinutes(),
		date.getSeconds()
	);
	return new Date(wallClock - offsetMs).toISOString();
}

function isCoordinate(value: number | undefined, limit: number): value is number {
	return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit;
}
