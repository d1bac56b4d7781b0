import {
	closeSync,
	fstatSync,
	ftruncateSync,
	openSync,
	readFileSync,
	renameSync,
	rmSync,
	writeFileSync,
	writeSync
} from 'node:fs';
import { crc32 } from 'node:zlib';

/**
 * The updates journal: a plain file the server appends each batch of updates to, in one write,
 * before relaying them, and that is folded into SQLite's `updates` table a moment later in one
 * transaction for hundreds of updates. Committing to SQLite once per event-loop turn was the
 * largest cost of an edit on the server (each commit writes a page of the table and one of the
 * room index per room to the WAL); one write to this file costs a fraction of that.
 *
 * Durability is the same as SQLite's WAL with `synchronous = NORMAL`, which the server already
 * uses: what a write returned from survives the process being killed (it is in the kernel's page
 * cache), a power loss may take the last moments. A record is framed with its length and a
 * CRC-32 and ids follow one another, so a torn or foreign tail is recognised and ignored: what is
 * read back is always a prefix of what was appended.
 *
 * Record: u32 body length, u32 CRC-32 of the body, then the body: the update id (u48), the lengths
 * of `at` (u8), room (u16) and author (u16), those three strings in UTF-8, and the update's bytes.
 */

export interface JournalEntry {
	id: number;
	room: string;
	author: string;
	at: string;
	data: Uint8Array;
}

const frame = 8;
const fixed = 6 + 1 + 2 + 2;

/**
 * UTF-8 of the rooms' and authors' names: a handful of names repeat in every batch, and encoding
 * them again for each record was a visible part of an edit's cost. Bounded, cleared when full.
 */
const names = new Map<string, Buffer>();

function nameBytes(text: string): Buffer {
	let bytes = names.get(text);
	if (!bytes) {
		if (names.size >= 4096) names.clear();
		bytes = Buffer.from(text, 'utf8');
		names.set(text, bytes);
	}
	return bytes;
}

const u32 = 2 ** 32;

/** The records of `entries`, one after another, and where each one's bytes sit in the result. */
export function encodeEntries(entries: readonly JournalEntry[]): {
	bytes: Buffer;
	data: Uint8Array[];
} {
	// A batch's entries share their time: encoded once.
	let lastAt: string | undefined;
	let atBytes = Buffer.alloc(0);
	const fields: [Buffer, Buffer, Buffer][] = [];
	let total = 0;
	for (const e of entries) {
		if (e.at !== lastAt) {
			lastAt = e.at;
			atBytes = Buffer.from(e.at, 'utf8');
		}
		const room = nameBytes(e.room);
		const author = nameBytes(e.author);
		if (atBytes.length > 0xff || room.length > 0xffff || author.length > 0xffff)
			throw new RangeError('journal field too long');
		if (!Number.isSafeInteger(e.id) || e.id < 0 || e.id >= 2 ** 48)
			throw new RangeError('journal id out of range');
		fields.push([atBytes, room, author]);
		total += frame + fixed + atBytes.length + room.length + author.length + e.data.byteLength;
	}
	const bytes = Buffer.allocUnsafe(total);
	const data: Uint8Array[] = [];
	let o = 0;
	entries.forEach((e, i) => {
		const [at, room, author] = fields[i]!;
		const start = o + frame;
		bytes.writeUInt32LE(e.id % u32, start);
		bytes.writeUInt16LE(Math.floor(e.id / u32), start + 4);
		bytes[start + 6] = at.length;
		bytes.writeUInt16LE(room.length, start + 7);
		bytes.writeUInt16LE(author.length, start + 9);
		let p = start + fixed;
		bytes.set(at, p);
		p += at.length;
		bytes.set(room, p);
		p += room.length;
		bytes.set(author, p);
		p += author.length;
		bytes.set(e.data, p);
		data.push(bytes.subarray(p, p + e.data.byteLength));
		p += e.data.byteLength;
		bytes.writeUInt32LE(p - start, o);
		bytes.writeUInt32LE(crc32(bytes.subarray(start, p)), o + 4);
		o = p;
	});
	return { bytes, data };
}

/** The longest run of whole, intact, consecutive records at the start of `bytes`. */
export function decodeEntries(bytes: Buffer): JournalEntry[] {
	const entries: JournalEntry[] = [];
	let o = 0;
	while (o + frame + fixed <= bytes.byteLength) {
		const length = bytes.readUInt32LE(o);
		const start = o + frame;
		const end = start + length;
		if (length < fixed || end > bytes.byteLength) break;
		const body = bytes.subarray(start, end);
		if (crc32(body) !== bytes.readUInt32LE(o + 4)) break;
		const id = body.readUIntLE(0, 6);
		const at = body.readUInt8(6);
		const room = body.readUInt16LE(7);
		const author = body.readUInt16LE(9);
		let p = fixed;
		if (p + at + room + author > length) break;
		const previous = entries.at(-1);
		if (previous && id !== previous.id + 1) break;
		const text = (n: number) => body.toString('utf8', p, (p += n));
		entries.push({
			id,
			at: text(at),
			room: text(room),
			author: text(author),
			data: new Uint8Array(body.subarray(p))
		});
		o = end;
	}
	return entries;
}

export class Journal {
	readonly path: string;
	#fd: number;
	/** Bytes of whole records in the file: a failed write is cut back to it. */
	#size: number;
	#broken = false;

	constructor(path: string) {
		this.path = path;
		// Read and append; created private, like every file the server writes.
		this.#fd = openSync(path, 'a+', 0o600);
		this.#size = fstatSync(this.#fd).size;
	}

	/** Bytes of whole records in the file. */
	get size(): number {
		return this.#size;
	}

	/** What the file holds: the intact prefix (see decodeEntries). */
	read(): JournalEntry[] {
		return decodeEntries(readFileSync(this.path));
	}

	/**
	 * Appends the records in one write; returns where each entry's bytes are in the written buffer
	 * (the caller may keep them instead of a copy). Throws when the write fails, having cut the
	 * file back to its last whole record, so that later records never follow a torn one.
	 */
	append(entries: readonly JournalEntry[]): Uint8Array[] {
		if (this.#broken)
			throw new Error('the updates journal could not be repaired after a failed write');
		const { bytes, data } = encodeEntries(entries);
		try {
			let written = 0;
			while (written < bytes.byteLength) {
				written += writeSync(this.#fd, bytes, written, bytes.byteLength - written);
			}
		} catch (error) {
			try {
				ftruncateSync(this.#fd, this.#size);
			} catch {
				this.#broken = true;
			}
			throw error;
		}
		this.#size += bytes.byteLength;
		return data;
	}

	/**
	 * Replaces the file with `entries` alone: what is not folded yet when a fold in the background
	 * has taken the rest. Written beside the file and renamed over it, so that at every moment the
	 * file is either the old one or the new one, and never lacks an update that SQLite lacks.
	 */
	replace(entries: readonly JournalEntry[]): void {
		if (entries.length === 0) return this.clear();
		const { bytes } = encodeEntries(entries);
		const next = `${this.path}.next`;
		rmSync(next, { force: true });
		writeFileSync(next, bytes, { mode: 0o600 });
		renameSync(next, this.path);
		let fd: number;
		try {
			fd = openSync(this.path, 'a+', 0o600);
		} catch (error) {
			this.#broken = true; // the old descriptor is of a file no longer there
			throw error;
		}
		closeSync(this.#fd);
		this.#fd = fd;
		this.#size = bytes.byteLength;
		this.#broken = false;
	}

	/** Empties the file: everything in it is in SQLite now. */
	clear(): void {
		ftruncateSync(this.#fd, 0);
		this.#size = 0;
	}

	close(): void {
		closeSync(this.#fd);
	}
}
