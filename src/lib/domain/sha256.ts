/**
 * SHA-256 (FIPS 180-4) in plain synchronous TypeScript.
 *
 * The spot-check draw must be recomputable by anyone with the seed and the list, with the tools
 * they already have (`sha256sum`, Python's hashlib), on any machine, offline. WebCrypto's digest
 * is async-only and absent from insecure contexts, and `node:crypto` is not in the browser, so the
 * domain carries its own. It is small and only hashes short strings here; photo hashing of large
 * files can use WebCrypto in the app, since both give the same digest.
 */

// First 32 bits of the fractional parts of the cube roots of the first 64 primes (FIPS 180-4 §4.2.2).
const K = new Uint32Array([
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
]);

// First 32 bits of the fractional parts of the square roots of the first 8 primes (§5.3.3).
type State = [number, number, number, number, number, number, number, number];

const H0: Readonly<State> = [
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
];

function rotr(x: number, n: number): number {
	return (x >>> n) | (x << (32 - n));
}

/** The digest of `data`; a string is hashed as its UTF-8 bytes, as `printf '%s' … | sha256sum`. */
export function sha256(data: Uint8Array | string): Uint8Array {
	const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
	const length = bytes.length;
	// Padding: a 1 bit, zeros, then the bit length as 64 bits big-endian, to a multiple of 64 bytes.
	const padded = new Uint8Array(Math.ceil((length + 9) / 64) * 64);
	padded.set(bytes);
	padded[length] = 0x80;
	const view = new DataView(padded.buffer);
	view.setUint32(padded.length - 8, Math.floor(length / 0x20000000));
	view.setUint32(padded.length - 4, (length * 8) >>> 0);

	let h: State = [...H0];
	const w = new Uint32Array(64);
	for (let block = 0; block < padded.length; block += 64) {
		for (let t = 0; t < 16; t++) w[t] = view.getUint32(block + t * 4);
		for (let t = 16; t < 64; t++) {
			const x = w[t - 15] as number;
			const y = w[t - 2] as number;
			const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
			const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
			w[t] = ((w[t - 16] as number) + s0 + (w[t - 7] as number) + s1) >>> 0;
		}
		let [a, b, c, d, e, f, g, hh] = h;
		for (let t = 0; t < 64; t++) {
			const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
			const ch = (e & f) ^ (~e & g);
			const t1 = (hh + S1 + ch + (K[t] as number) + (w[t] as number)) >>> 0;
			const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
			const maj = (a & b) ^ (a & c) ^ (b & c);
			const t2 = (S0 + maj) >>> 0;
			hh = g;
			g = f;
			f = e;
			e = (d + t1) >>> 0;
			d = c;
			c = b;
			b = a;
			a = (t1 + t2) >>> 0;
		}
		h = [
			(h[0] + a) >>> 0,
			(h[1] + b) >>> 0,
			(h[2] + c) >>> 0,
			(h[3] + d) >>> 0,
			(h[4] + e) >>> 0,
			(h[5] + f) >>> 0,
			(h[6] + g) >>> 0,
			(h[7] + hh) >>> 0
		];
	}

	const out = new Uint8Array(32);
	const outView = new DataView(out.buffer);
	h.forEach((word, i) => outView.setUint32(i * 4, word));
	return out;
}

/** Lowercase hex digest, the form `sha256sum` prints. */
export function sha256Hex(data: Uint8Array | string): string {
	let hex = '';
	for (const byte of sha256(data)) hex += byte.toString(16).padStart(2, '0');
	return hex;
}
