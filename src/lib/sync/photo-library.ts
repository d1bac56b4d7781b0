import { isSha256Hex } from '$lib/domain/validation';
import { cacheRemotePhoto } from '$lib/store/photos';
import type { KuaibanDb } from '$lib/store/db';

/**
 * Where a screen gets a photo's bytes: the device first (photos taken here, thumbnails, photos
 * downloaded before), else the server — on demand, once, cached for the next time and for offline.
 */

export interface PhotoBytes {
	mime: string;
	bytes: ArrayBuffer;
}

export class PhotoLibrary {
	#inFlight = new Map<string, Promise<PhotoBytes | undefined>>();

	constructor(
		private readonly db: KuaibanDb,
		private readonly token: () => string | undefined,
		private readonly fetchFn: typeof fetch = (...args) => fetch(...args),
		private readonly now: () => Date = () => new Date()
	) {}

	/** The thumbnail when there is one, else the photo itself. */
	async thumb(room: string, sha256: string): Promise<PhotoBytes | undefined> {
		const thumb = await this.db.thumbs.get(sha256);
		if (thumb) return thumb;
		return this.full(room, sha256);
	}

	async full(room: string, sha256: string): Promise<PhotoBytes | undefined> {
		// Names come from documents other devices wrote: only a hash may become part of a URL.
		if (!isSha256Hex(sha256)) return undefined;
		const local = await this.db.photos.get(sha256);
		if (local) return local;
		const key = `${room}/${sha256}`;
		let pending = this.#inFlight.get(key);
		if (!pending) {
			pending = this.#download(room, sha256).finally(() => this.#inFlight.delete(key));
			this.#inFlight.set(key, pending);
		}
		return pending;
	}

	async #download(room: string, sha256: string): Promise<PhotoBytes | undefined> {
		const token = this.token();
		if (!token) return undefined;
		let res: Response;
		try {
			res = await this.fetchFn(`/api/photos/${encodeURIComponent(room)}/${sha256}`, {
				headers: { authorization: `Bearer ${token}` }
			});
		} catch {
			return undefined; // offline: the screen shows a placeholder and asks again later
		}
		if (!res.ok) return undefined;
		const mime = res.headers.get('content-type') ?? 'image/jpeg';
		const bytes = await res.arrayBuffer();
		await cacheRemotePhoto(this.db, room, sha256, mime, bytes, this.now());
		return { mime, bytes };
	}
}
