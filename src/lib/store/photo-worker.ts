import { readExifFacts } from './photo-exif';
import {
	fitWithin,
	nextQuality,
	originalMaxBytes,
	photoMaxBytes,
	photoMaxLongSide,
	photoQualities,
	sniffImageType,
	thumbMaxLongSide,
	thumbQuality,
	toHex
} from './photo-scale';
import { PhotoProcessingError, type ProcessedPhoto } from './photo-types';

/**
 * The photo pipeline, off the main thread: refuse what is not a photo, decode (createImageBitmap
 * applies the EXIF orientation), scale to 1600 px and a 320-px thumbnail with OffscreenCanvas,
 * encode JPEG within 400 KB, hash, read capture time and place. The main thread (photo-process.ts)
 * posts one file at a time and gets the result with its buffers transferred, not copied.
 */

export interface PhotoRequest {
	id: number;
	file: Blob;
}

export type PhotoReply =
	| { id: number; ok: true; photo: ProcessedPhoto }
	| { id: number; ok: false; reason: PhotoProcessingError['reason']; message: string };

// The project's lib is DOM, not WebWorker (both at once conflict), so the little of the worker
// scope used here is declared locally.
declare const self: {
	onmessage: ((event: MessageEvent<PhotoRequest>) => void) | null;
	postMessage(message: PhotoReply, transfer?: Transferable[]): void;
};

/** At this size even random noise fits the budget at the lowest quality; not shrunk further. */
const minLongSide = 400;

function draw(source: CanvasImageSource & { width: number; height: number }, maxLongSide: number) {
	const size = fitWithin(source.width, source.height, maxLongSide);
	const canvas = new OffscreenCanvas(size.width, size.height);
	const ctx = canvas.getContext('2d');
	if (!ctx) throw new PhotoProcessingError('decode-failed', 'this browser has no 2D canvas');
	ctx.imageSmoothingEnabled = true;
	ctx.imageSmoothingQuality = 'high';
	// JPEG has no transparency: a PNG's transparent parts would turn black, not paper-white.
	ctx.fillStyle = '#fff';
	ctx.fillRect(0, 0, size.width, size.height);
	ctx.drawImage(source, 0, 0, size.width, size.height);
	return canvas;
}

/**
 * JPEG, or WebP from a browser that cannot encode JPEG (convertToBlob then falls back to PNG,
 * far too big for photos).
 */
async function encode(canvas: OffscreenCanvas, quality: number): Promise<Blob> {
	const jpeg = await canvas.convertToBlob({ type: 'image/jpeg', quality });
	if (jpeg.type === 'image/jpeg') return jpeg;
	return canvas.convertToBlob({ type: 'image/webp', quality });
}

/**
 * The best quality that fits the budget. A photo still too big at the lowest quality (noise,
 * foliage in fine detail) is drawn smaller and tried again: the budget is a hard limit because
 * every photo is uploaded over mobile data and kept on every tablet of the community.
 */
async function encodeWithin(bitmap: ImageBitmap, budget: number) {
	for (let longSide = photoMaxLongSide; ; longSide = Math.round(longSide * 0.75)) {
		const canvas = draw(bitmap, longSide);
		const smallest = Math.max(canvas.width, canvas.height) <= minLongSide;
		for (let q: number | undefined = photoQualities[0]; q !== undefined; q = nextQuality(q)) {
			const blob = await encode(canvas, q);
			if (blob.size <= budget || (smallest && nextQuality(q) === undefined))
				return { canvas, blob };
		}
	}
}

async function processPhoto(file: Blob): Promise<ProcessedPhoto> {
	if (file.size > originalMaxBytes) {
		throw new PhotoProcessingError('too-large', `${file.size} bytes, over ${originalMaxBytes}`);
	}
	// The picked file's type and name are whatever the sender's phone said; the bytes decide.
	const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
	if (!sniffImageType(head)) {
		throw new PhotoProcessingError('not-an-image', `not a JPEG, PNG, WebP or HEIC (${file.type})`);
	}
	const exif = readExifFacts(file);

	let bitmap: ImageBitmap;
	try {
		bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
	} catch (error) {
		// HEIC, for one, decodes in Safari only.
		throw new PhotoProcessingError('decode-failed', String(error));
	}
	let photo: { canvas: OffscreenCanvas; blob: Blob };
	try {
		photo = await encodeWithin(bitmap, photoMaxBytes);
	} finally {
		// The decoded original is the big allocation (48 MB for 12 MP): gone before the rest.
		bitmap.close();
	}
	// From the scaled photo, not the original: a two-step downscale aliases less, and costs less.
	const thumbCanvas = draw(photo.canvas, thumbMaxLongSide);
	const thumb = await encode(thumbCanvas, thumbQuality);
	const bytes = await photo.blob.arrayBuffer();
	return {
		sha256: toHex(await crypto.subtle.digest('SHA-256', bytes)),
		mime: photo.blob.type,
		bytes,
		width: photo.canvas.width,
		height: photo.canvas.height,
		thumb: {
			mime: thumb.type,
			bytes: await thumb.arrayBuffer(),
			width: thumbCanvas.width,
			height: thumbCanvas.height
		},
		...(await exif),
		originalSize: file.size
	};
}

self.onmessage = (event) => {
	const { id, file } = event.data;
	processPhoto(file).then(
		(photo) => self.postMessage({ id, ok: true, photo }, [photo.bytes, photo.thumb.bytes]),
		(error: unknown) => {
			const reason = error instanceof PhotoProcessingError ? error.reason : 'decode-failed';
			const message = error instanceof Error ? error.message : String(error);
			self.postMessage({ id, ok: false, reason, message });
		}
	);
};
