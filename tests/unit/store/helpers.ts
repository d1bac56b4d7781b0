import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import * as Y from 'yjs';
import { KuaibanDb } from '$lib/store/db';
import type { CommandContext } from '$lib/store/commands';
import type { ProcessedPhoto } from '$lib/store/photo-types';
import { RoomDoc } from '$lib/store/room-doc';

/** A device's database under fake-indexeddb; each name is its own device. */
let devices = 0;
export function newDevice(name = `device-${++devices}-${Math.random()}`): KuaibanDb {
	return new KuaibanDb(name, { indexedDB, IDBKeyRange });
}

export const room = 'community:tanglian';
export const author = { id: 'u-tanglian-1', name: '汤联一号' };

export function fixedClock(start = Date.parse('2026-11-28T02:00:00.000Z')) {
	let t = start;
	return () => new Date((t += 1000));
}

export function context(roomDoc: RoomDoc, who = author): CommandContext {
	let n = 0;
	return {
		roomDoc,
		author: who,
		now: fixedClock(),
		newId: () => `${who.id}-rec-${++n}`
	};
}

/** Sends every update one replica has and the other lacks, both ways, as the server would. */
export function exchange(a: Y.Doc, b: Y.Doc, origin: unknown = 'remote') {
	const toB = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
	const toA = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
	Y.applyUpdate(b, toB, origin);
	Y.applyUpdate(a, toA, origin);
}

/** A photo as the pipeline would hand it over (bytes need not be a real image here). */
export async function fakePhoto(seed: string): Promise<ProcessedPhoto> {
	const bytes = new TextEncoder().encode(`photo ${seed}`).buffer as ArrayBuffer;
	const digest = await crypto.subtle.digest('SHA-256', bytes);
	const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
	return {
		sha256,
		mime: 'image/jpeg',
		bytes,
		width: 1600,
		height: 1200,
		thumb: { mime: 'image/jpeg', bytes: bytes.slice(0, 4), width: 320, height: 240 },
		takenAt: '2026-11-27T01:02:03.000Z',
		location: { lat: 31.87, lng: 120.55, source: 'exif' },
		originalSize: 3_000_000
	};
}

export async function open(db: KuaibanDb, name = room): Promise<RoomDoc> {
	return RoomDoc.open(db, name, { onPersistError: () => undefined });
}

/** A suggestion's fields besides its title (and contact), as the council's own channel takes them. */
export const suggestionFields = {
	description: '',
	channel: 'council' as const,
	estate: '',
	building: '',
	category: '',
	urgent: false
};
