import type * as Y from 'yjs';
import { isQuotaError, StorageFullError, type KuaibanDb } from './db';
import type { PhotoLocation, ProcessedPhoto } from './photo-types';

/**
 * Photos on the device. The bytes live in Dexie by SHA-256 (so one photo attached twice is kept
 * once, and the server can check what it receives); what other devices need to know about a photo
 * (size, type, when and where it was taken, who added it) lives in the room's document, in the
 * top-level `photo` map, because the bytes themselves travel separately (photo-upload queue).
 */

export interface PhotoMeta {
	sha256: string;
	mime: string;
	width: number;
	height: number;
	size: number;
	takenAt?: string;
	location?: PhotoLocation;
	addedBy: string;
	addedAt: string;
}

export function photoMetaMap(doc: Y.Doc): Y.Map<PhotoMeta> {
	return doc.getMap('photo');
}

export function readPhotoMeta(doc: Y.Doc, sha256: string): PhotoMeta | undefined {
	const value = photoMetaMap(doc).get(sha256);
	return typeof value === 'object' && value !== null ? value : undefined;
}

/** Adds the metadata of new photos to the document; call inside a command's transaction. */
export function addPhotoMeta(doc: Y.Doc, photos: ProcessedPhoto[], by: string, at: Date): void {
	const map = photoMetaMap(doc);
	for (const p of photos) {
		if (map.has(p.sha256)) continue;
		const meta: PhotoMeta = {
			sha256: p.sha256,
			mime: p.mime,
			width: p.width,
			height: p.height,
			size: p.bytes.byteLength,
			addedBy: by,
			addedAt: at.toISOString()
		};
		if (p.takenAt) meta.takenAt = p.takenAt;
		if (p.location) meta.location = p.location;
		map.set(p.sha256, meta);
	}
}

/**
 * Stores photos taken on this device and queues them for upload, all in one transaction: on a
 * full disk nothing is kept and StorageFullError is thrown. Returns the hashes newly stored.
 */
export async function storeLocalPhotos(
	db: KuaibanDb,
	room: string,
	photos: ProcessedPhoto[],
	now: Date
): Promise<string[]> {
	const stored: string[] = [];
	if (photos.length === 0) return stored;
	const at = now.toISOString();
	try {
		await db.transaction('rw', db.photos, db.thumbs, db.photoQueue, async () => {
			for (const p of photos) {
				if (await db.photos.get(p.sha256)) continue;
				await db.photos.put({
					sha256: p.sha256,
					room,
					mime: p.mime,
					bytes: p.bytes,
					origin: 'local',
					storedAt: at
				});
				await db.thumbs.put({ sha256: p.sha256, mime: p.thumb.mime, bytes: p.thumb.bytes });
				await db.photoQueue.put({ sha256: p.sha256, room, queuedAt: at, attempts: 0 });
				stored.push(p.sha256);
			}
		});
	} catch (error) {
		throw isQuotaError(error) ? new StorageFullError(error) : error;
	}
	return stored;
}

/** Removes photos stored by a command that then failed, unless something else uses them. */
export async function forgetLocalPhotos(db: KuaibanDb, shas: string[]): Promise<void> {
	await db.transaction('rw', db.photos, db.thumbs, db.photoQueue, async () => {
		await db.photos.bulkDelete(shas);
		await db.thumbs.bulkDelete(shas);
		await db.photoQueue.bulkDelete(shas);
	});
}

/** Caches a photo downloaded from the server. A full disk only means it is not cached. */
export async function cacheRemotePhoto(
	db: KuaibanDb,
	room: string,
	sha256: string,
	mime: string,
	bytes: ArrayBuffer,
	now: Date
): Promise<void> {
	try {
		await db.photos.put({
			sha256,
			room,
			mime,
			bytes,
			origin: 'remote',
			storedAt: now.toISOString()
		});
	} catch (error) {
		if (!isQuotaError(error)) throw error;
	}
}

/** The device's storage as the browser reports it, in bytes. */
export interface StorageUse {
	used: number;
	quota: number;
	persisted: boolean;
}

export async function storageUse(nav: Navigator = navigator): Promise<StorageUse | undefined> {
	if (!nav.storage?.estimate) return undefined;
	const [estimate, persisted] = await Promise.all([
		nav.storage.estimate(),
		nav.storage.persisted?.() ?? Promise.resolve(false)
	]);
	return { used: estimate.usage ?? 0, quota: estimate.quota ?? 0, persisted };
}

/**
 * Asks the browser to keep this site's data under storage pressure. Chromium grants it to
 * installed or much-used apps without a prompt; the answer is shown, never forced.
 */
export async function askPersistentStorage(nav: Navigator = navigator): Promise<boolean> {
	try {
		if (await nav.storage?.persisted?.()) return true;
		return (await nav.storage?.persist?.()) ?? false;
	} catch {
		return false;
	}
}
