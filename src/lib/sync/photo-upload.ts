import type { KuaibanDb, PhotoQueueRow } from '$lib/store/db';

/**
 * Sends the photos waiting in `photoQueue` to the server (`PUT /api/photos/<room>/<sha256>`), one
 * at a time, oldest first, with progress. A photo leaves the queue only when the server answered
 * 201 or 200 (it holds the bytes); its bytes stay on the device either way.
 *
 * Failures: no network or a server error → retry with backoff; 401 → stop and ask for a new
 * sign-in (the queue waits); 400/413/415 → the server will never take these bytes: the row stays,
 * marked with the error, and is not retried until the app restarts.
 */

export interface UploadProgress {
	/** Photos still in the queue, the one being sent included. */
	waiting: number;
	/** The photo being sent and how much of it went, 0–1. */
	current?: { sha256: string; sent: number };
	/** Photos the server refused for good, with the reason. */
	refused: { sha256: string; error: string }[];
}

export type PutPhoto = (
	url: string,
	token: string,
	body: ArrayBuffer,
	mime: string,
	onProgress: (fraction: number) => void
) => Promise<number>;

/** PUT with upload progress (fetch has none): resolves with the HTTP status, rejects offline. */
export const xhrPut: PutPhoto = (url, token, body, mime, onProgress) =>
	new Promise((resolve, reject) => {
		const xhr = new XMLHttpRequest();
		xhr.open('PUT', url);
		xhr.setRequestHeader('authorization', `Bearer ${token}`);
		xhr.setRequestHeader('content-type', mime);
		xhr.upload.onprogress = (e) => {
			if (e.lengthComputable) onProgress(e.loaded / e.total);
		};
		xhr.onload = () => resolve(xhr.status);
		xhr.onerror = () => reject(new Error('network'));
		xhr.ontimeout = () => reject(new Error('timeout'));
		xhr.timeout = 120_000;
		xhr.send(body);
	});

export interface PhotoUploaderOptions {
	db: KuaibanDb;
	put?: PutPhoto;
	token: () => string | undefined;
	onProgress: (progress: UploadProgress) => void;
	onUnauthorized: () => void;
}

const retryStartMs = 2_000;
const retryMaxMs = 60_000;

export class PhotoUploader {
	#running = false;
	#wanted = false;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#retryMs = retryStartMs;
	#refused = new Map<string, string>();
	readonly #put: PutPhoto;

	constructor(private readonly options: PhotoUploaderOptions) {
		this.#put = options.put ?? xhrPut;
	}

	/** Starts (or continues) sending; call when online, after a sign-in and after adding photos. */
	kick(): void {
		this.#wanted = true;
		clearTimeout(this.#timer);
		if (!this.#running) void this.#run();
	}

	/** Stops after the current photo (offline, signed out). */
	pause(): void {
		this.#wanted = false;
		clearTimeout(this.#timer);
	}

	async report(current?: UploadProgress['current']): Promise<void> {
		const queued = await this.options.db.photoQueue.count();
		this.options.onProgress({
			waiting: queued,
			current,
			refused: [...this.#refused].map(([sha256, error]) => ({ sha256, error }))
		});
	}

	async #run(): Promise<void> {
		this.#running = true;
		try {
			while (this.#wanted) {
				const next = await this.#next();
				if (!next) break;
				const outcome = await this.#send(next);
				if (outcome === 'stop') return;
				if (outcome === 'retry') {
					this.#timer = setTimeout(() => this.kick(), this.#retryMs);
					this.#retryMs = Math.min(this.#retryMs * 2, retryMaxMs);
					return;
				}
				this.#retryMs = retryStartMs;
			}
		} finally {
			this.#running = false;
			await this.report();
		}
	}

	async #next(): Promise<PhotoQueueRow | undefined> {
		const rows = await this.options.db.photoQueue.orderBy('queuedAt').toArray();
		return rows.find((r) => !this.#refused.has(r.sha256));
	}

	async #send(row: PhotoQueueRow): Promise<'sent' | 'retry' | 'stop' | 'refused'> {
		const { db } = this.options;
		const token = this.options.token();
		if (!token) return 'stop';
		// By primary key, not through an index (DESIGN.md, known pitfalls).
		const photo = await db.photos.get(row.sha256);
		if (!photo) {
			await db.photoQueue.delete(row.sha256);
			return 'sent';
		}
		const url = `/api/photos/${encodeURIComponent(row.room)}/${row.sha256}`;
		await this.report({ sha256: row.sha256, sent: 0 });
		let status: number;
		try {
			status = await this.#put(url, token, photo.bytes, photo.mime, (sent) => {
				void this.report({ sha256: row.sha256, sent });
			});
		} catch (error) {
			await db.photoQueue.update(row.sha256, {
				attempts: row.attempts + 1,
				lastError: String(error)
			});
			return 'retry';
		}
		if (status === 200 || status === 201) {
			await db.photoQueue.delete(row.sha256);
			return 'sent';
		}
		if (status === 401) {
			this.options.onUnauthorized();
			return 'stop';
		}
		if (status === 400 || status === 413 || status === 415 || status === 403) {
			this.#refused.set(row.sha256, `HTTP ${status}`);
			await db.photoQueue.update(row.sha256, { lastError: `HTTP ${status}` });
			return 'refused';
		}
		await db.photoQueue.update(row.sha256, {
			attempts: row.attempts + 1,
			lastError: `HTTP ${status}`
		});
		return 'retry';
	}
}
