/** A photo as the app keeps it, after the pipeline (photo-worker.ts) scaled, hashed and read it. */

export interface PhotoLocation {
	lat: number;
	lng: number;
	source: 'exif' | 'device';
}

export interface ProcessedPhoto {
	/** Lowercase hex SHA-256 of `bytes`: the photo's name everywhere (Dexie, server, records). */
	sha256: string;
	mime: string;
	/** At most 1600 px on the long side, EXIF orientation applied. */
	bytes: ArrayBuffer;
	width: number;
	height: number;
	/** At most 320 px on the long side. */
	thumb: { mime: string; bytes: ArrayBuffer; width: number; height: number };
	/** ISO-8601 UTC, from EXIF DateTimeOriginal (or CreateDate) when present. */
	takenAt?: string;
	location?: PhotoLocation;
	originalName?: string;
	originalSize: number;
}

export class PhotoProcessingError extends Error {
	constructor(
		readonly reason: 'not-an-image' | 'too-large' | 'decode-failed',
		message: string
	) {
		super(message);
		this.name = 'PhotoProcessingError';
	}
}
