import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseRoom, roomAccess, type Room } from '../src/lib/domain/access.ts';
import { BodyTooLargeError, readBody, sendJson, type ApiRoute } from './api.ts';
import { bearer, type AuthContext } from './auth-routes.ts';
import { userFromToken } from './auth.ts';
import { writeFileAtomic } from './files.ts';

/**
 * Photos, content-addressed: `PUT /api/photos/<room>/<sha256>` stores the bytes once the hash and
 * the type (by magic bytes, not by what the client says) check out; a retry of the same photo is
 * harmless (200). `GET` serves them to whoever may read the room.
 */

export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp';

const extensions: Record<PhotoType, string> = {
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/webp': 'webp'
};

/** The type by the file's first bytes: JPEG (FF D8 FF), PNG (its 8-byte signature), WebP (RIFF….WEBP). */
export function sniffPhotoType(bytes: Uint8Array): PhotoType | undefined {
	if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
		return 'image/jpeg';
	}
	const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
	if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'image/png';
	const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
	if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
	return undefined;
}

const shaPattern = /^[0-9a-f]{64}$/;

function roomFolder(room: Room): string[] {
	return room.kind === 'city' || room.kind === 'finance' ? [room.kind] : [room.kind, room.id];
}

async function find(folder: string, sha: string) {
	for (const [type, ext] of Object.entries(extensions) as [PhotoType, string][]) {
		const path = join(folder, `${sha}.${ext}`);
		try {
			const info = await stat(path);
			return { path, type, size: info.size };
		} catch {
			// try the next type
		}
	}
	return undefined;
}

/** A stored photo of a room (path, type, size), for readers other than the photo API. */
export function findStoredPhoto(dataDir: string, room: Room, sha256: string) {
	return find(join(photosRoot(dataDir), ...roomFolder(room)), sha256);
}

/**
 * Keeps a photo's bytes under its room, named by their SHA-256 (the caller checked it) and typed
 * by their first bytes; 'exists' when it was already kept, 'unsupported' for other bytes.
 */
export async function storePhoto(
	dataDir: string,
	room: Room,
	sha256: string,
	bytes: Uint8Array
): Promise<'stored' | 'exists' | 'unsupported'> {
	const type = sniffPhotoType(bytes);
	if (!type) return 'unsupported';
	const folder = join(photosRoot(dataDir), ...roomFolder(room));
	if (await find(folder, sha256)) return 'exists';
	await mkdir(folder, { recursive: true, mode: 0o700 });
	await writeFileAtomic(join(folder, `${sha256}.${extensions[type]}`), bytes);
	return 'stored';
}

export interface PhotoOptions {
	auth: AuthContext;
	dataDir: string;
	maxBytes: number;
}

export function photosRoot(dataDir: string): string {
	return join(dataDir, 'photos');
}

export function photoRoutes({ auth, dataDir, maxBytes }: PhotoOptions): ApiRoute[] {
	const root = photosRoot(dataDir);

	/** Checks the token and the room right; answers the refusal itself and returns undefined. */
	function authorise(
		req: Parameters<ApiRoute['handler']>[0],
		res: Parameters<ApiRoute['handler']>[1],
		params: Record<string, string>,
		need: 'read' | 'write'
	) {
		const user = userFromToken(auth, bearer(req));
		if (!user) {
			sendJson(res, 401, { error: 'unauthorized' });
			return undefined;
		}
		const roomName = params.room ?? '';
		const room = parseRoom(roomName);
		const sha = (params.sha256 ?? '').toLowerCase();
		if (!room || !shaPattern.test(sha)) {
			sendJson(res, 404, { error: 'not_found' });
			return undefined;
		}
		const access = roomAccess(user, roomName, auth.org());
		if (access === 'none' || (need === 'write' && access !== 'write')) {
			sendJson(res, 403, { error: 'forbidden' });
			return undefined;
		}
		return { user, room, sha, folder: join(root, ...roomFolder(room)) };
	}

	return [
		{
			method: 'PUT',
			path: '/api/photos/:room/:sha256',
			async handler(req, res, params) {
				const target = authorise(req, res, params, 'write');
				if (!target) return;
				let body: Buffer;
				try {
					body = await readBody(req, maxBytes);
				} catch (error) {
					if (error instanceof BodyTooLargeError) {
						res.setHeader('Connection', 'close');
						return sendJson(res, 413, { error: 'too_large', maxBytes });
					}
					throw error;
				}
				const actual = createHash('sha256').update(body).digest('hex');
				if (actual !== target.sha) {
					return sendJson(res, 400, { error: 'sha256_mismatch', expected: target.sha, actual });
				}
				const type = sniffPhotoType(body);
				if (!type)
					return sendJson(res, 415, {
						error: 'unsupported_type',
						accepted: Object.keys(extensions)
					});
				if ((await storePhoto(dataDir, target.room, target.sha, body)) === 'exists')
					return sendJson(res, 200, { sha256: actual, type });
				auth.log.info('photo stored', {
					room: params.room,
					sha256: actual,
					bytes: body.length,
					user: target.user.username
				});
				sendJson(res, 201, { sha256: actual, type });
			}
		},
		{
			method: 'GET',
			path: '/api/photos/:room/:sha256',
			async handler(req, res, params) {
				const target = authorise(req, res, params, 'read');
				if (!target) return;
				const photo = await find(target.folder, target.sha);
				if (!photo) return sendJson(res, 404, { error: 'not_found' });
				const bytes = await readFile(photo.path);
				res.writeHead(200, {
					'Content-Type': photo.type,
					'Content-Length': bytes.length,
					// Content-addressed: the bytes under this name never change; private: behind sign-in.
					'Cache-Control': 'private, max-age=31536000, immutable'
				});
				res.end(req.method === 'HEAD' ? undefined : bytes);
			}
		}
	];
}
