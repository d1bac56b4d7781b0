import type { PhotoReply, PhotoRequest } from './photo-worker';
import { PhotoProcessingError, type PhotoLocation, type ProcessedPhoto } from './photo-types';

interface Waiter {
	resolve: (photo: ProcessedPhoto) => void;
	reject: (error: PhotoProcessingError) => void;
}

/**
 * The main thread's side of the photo pipeline: hands picked files to one worker
 * (photo-worker.ts) and waits for the scaled, hashed photo. One photo at a time: a 12-megapixel
 * decode holds about 50 MB, and two at once can get a tablet's tab killed.
 */
export class PhotoProcessor {
	#worker: Worker | undefined;
	#nextId = 0;
	#waiting = new Map<number, Waiter>();
	#queue: Promise<unknown> = Promise.resolve();
	#disposed = false;

	process(file: Blob, opts: { name?: string } = {}): Promise<ProcessedPhoto> {
		const name = opts.name ?? (file instanceof File ? file.name : undefined);
		const run = this.#queue.then(() => this.#send(file));
		this.#queue = run.catch(() => undefined);
		return run.then((photo) => (name ? { ...photo, originalName: name } : photo));
	}

	/** Stops the worker; photos still queued or in progress fail. */
	dispose(): void {
		this.#disposed = true;
		this.#stop('cancelled');
	}

	#send(file: Blob): Promise<ProcessedPhoto> {
		if (this.#disposed) {
			return Promise.reject(new PhotoProcessingError('decode-failed', 'cancelled'));
		}
		const worker = this.#ensureWorker();
		const id = ++this.#nextId;
		return new Promise((resolve, reject) => {
			this.#waiting.set(id, { resolve, reject });
			worker.postMessage({ id, file } satisfies PhotoRequest);
		});
	}

	#ensureWorker(): Worker {
		if (this.#worker) return this.#worker;
		// Vite's pattern: it bundles the worker as a module of its own, in dev and build alike.
		const worker = new Worker(new URL('./photo-worker.ts', import.meta.url), { type: 'module' });
		worker.onmessage = (event: MessageEvent<PhotoReply>) => {
			const reply = event.data;
			const waiter = this.#waiting.get(reply.id);
			if (!waiter) return;
			this.#waiting.delete(reply.id);
			if (reply.ok) waiter.resolve(reply.photo);
			else waiter.reject(new PhotoProcessingError(reply.reason, reply.message));
		};
		// A worker that failed to load or died (out of memory) fails the photo it held; the next
		// photo starts a new one.
		worker.onerror = (event) => {
			event.preventDefault();
			this.#stop(event.message || 'the photo worker failed');
		};
		this.#worker = worker;
		return worker;
	}

	#stop(message: string) {
		this.#worker?.terminate();
		this.#worker = undefined;
		for (const waiter of this.#waiting.values()) {
			waiter.reject(new PhotoProcessingError('decode-failed', message));
		}
		this.#waiting.clear();
	}
}

/**
 * The device's position, only when the person already allowed it — this never prompts: a photo
 * without GPS in its EXIF can still say where it was taken. A position up to 5 minutes old will do.
 */
export async function deviceLocation(timeoutMs = 5000): Promise<PhotoLocation | undefined> {
	try {
		const permission = await navigator.permissions.query({ name: 'geolocation' });
		if (permission.state !== 'granted') return undefined;
		return await new Promise<PhotoLocation | undefined>((resolve) => {
			// Some browsers never call back at all (no location service); the timer ends the wait.
			const timer = setTimeout(() => resolve(undefined), timeoutMs + 500);
			navigator.geolocation.getCurrentPosition(
				(position) => {
					clearTimeout(timer);
					const { latitude: lat, longitude: lng } = position.coords;
					resolve({ lat, lng, source: 'device' });
				},
				() => {
					clearTimeout(timer);
					resolve(undefined);
				},
				{ timeout: timeoutMs, maximumAge: 5 * 60_000 }
			);
		});
	} catch {
		return undefined;
	}
}
