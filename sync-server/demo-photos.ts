import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

/**
 * Pictures for the demo city's records: small PNGs drawn from a few numbers, so the seed needs no
 * image files in the repository and gives the same bytes (and SHA-256) on every machine. Each is
 * a plain scene — sky, ground and the thing photographed, in a colour of its own — enough for
 * thumbnails, the public page and the photo queue to have something real to show.
 */

export type DemoPhotoKind = 'completion' | 'sign' | 'inspection';

export interface DemoPhoto {
	sha256: string;
	bytes: Uint8Array;
}

const WIDTH = 320;
const HEIGHT = 240;

/** The colour of the thing in the picture: a new facility, a sign board, an inspected site. */
const SUBJECT: Record<DemoPhotoKind, readonly [number, number, number][]> = {
	completion: [
		[196, 90, 40],
		[40, 120, 170],
		[90, 150, 60]
	],
	sign: [[200, 30, 40]],
	inspection: [
		[120, 120, 120],
		[150, 110, 70]
	]
};

function chunk(type: string, data: Uint8Array): Uint8Array {
	const out = new Uint8Array(12 + data.length);
	const view = new DataView(out.buffer);
	view.setUint32(0, data.length);
	out.set(new TextEncoder().encode(type), 4);
	out.set(data, 8);
	view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
	return out;
}

function png(pixel: (x: number, y: number) => readonly [number, number, number]): Uint8Array {
	const header = new Uint8Array(13);
	const view = new DataView(header.buffer);
	view.setUint32(0, WIDTH);
	view.setUint32(4, HEIGHT);
	header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
	const raw = new Uint8Array(HEIGHT * (1 + WIDTH * 3));
	for (let y = 0; y < HEIGHT; y++) {
		const row = y * (1 + WIDTH * 3); // each row starts with filter type 0
		for (let x = 0; x < WIDTH; x++) raw.set(pixel(x, y), row + 1 + x * 3);
	}
	const parts = [
		new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(raw, { level: 9 })),
		chunk('IEND', new Uint8Array(0))
	];
	const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		bytes.set(p, at);
		at += p.length;
	}
	return bytes;
}

const cache = new Map<string, DemoPhoto>();

/** The demo picture of a kind; `variant` picks among its colours. */
export function demoPhoto(kind: DemoPhotoKind, variant = 0): DemoPhoto {
	const colours = SUBJECT[kind];
	const colour = colours[variant % colours.length]!;
	const key = `${kind}:${variant % colours.length}`;
	const known = cache.get(key);
	if (known) return known;
	const horizon = Math.round(HEIGHT * 0.6);
	const bytes = png((x, y) => {
		const inSubject = x > 100 && x < 220 && y > horizon - 70 && y < horizon + 20;
		if (inSubject) return colour;
		if (y < horizon) return [150 + Math.round((y / horizon) * 60), 190, 230];
		return [110, 140 - Math.round(((y - horizon) / HEIGHT) * 40), 90];
	});
	const photo = { sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
	cache.set(key, photo);
	return photo;
}
