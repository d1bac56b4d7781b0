import { describe, expect, it, vi } from 'vitest';
import { storeLocalPhotos } from '$lib/store/photos';
import { PhotoUploader, type PutPhoto, type UploadProgress } from '$lib/sync/photo-upload';
import { fakePhoto, newDevice, room } from '../store/helpers';

async function setup(put: PutPhoto, photos = 2) {
	const db = newDevice();
	const list = [];
	for (let i = 0; i < photos; i++) list.push(await fakePhoto(`p${i}`));
	await storeLocalPhotos(db, room, list, new Date('2026-11-28T02:00:00.000Z'));
	const progress: UploadProgress[] = [];
	const unauthorized = vi.fn();
	const uploader = new PhotoUploader({
		db,
		put,
		token: () => 'tok',
		onProgress: (p) => progress.push(p),
		onUnauthorized: unauthorized
	});
	return { db, list, progress, unauthorized, uploader };
}

const settle = async (check: () => Promise<boolean>) => {
	for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('the photo upload queue', () => {
	it('sends each waiting photo with its type and token, and empties the queue on 201/200', async () => {
		const calls: string[] = [];
		const put: PutPhoto = async (url, token, body, mime, onProgress) => {
			calls.push(`${url} ${token} ${mime} ${body.byteLength}`);
			onProgress(0.5);
			onProgress(1);
			return calls.length === 1 ? 201 : 200;
		};
		const { db, list, progress, uploader } = await setup(put);
		uploader.kick();
		await settle(async () => (await db.photoQueue.count()) === 0 && progress.at(-1)?.waiting === 0);
		expect(calls.sort()).toEqual(
			list
				.map(
					(p) => `/api/photos/community%3Atanglian/${p.sha256} tok image/jpeg ${p.bytes.byteLength}`
				)
				.sort()
		);
		expect(progress.some((p) => p.current?.sent === 0.5)).toBe(true);
		expect(progress.at(-1)).toEqual({ waiting: 0, current: undefined, refused: [] });
		// The bytes stay on the device.
		expect(await db.photos.count()).toBe(2);
	});

	it('keeps photos queued when offline and retries later', async () => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		try {
			let online = false;
			const put: PutPhoto = async () => {
				if (!online) throw new Error('network');
				return 201;
			};
			const { db, uploader } = await setup(put, 1);
			uploader.kick();
			await vi.waitFor(async () => expect((await db.photoQueue.toArray())[0]?.attempts).toBe(1));
			online = true;
			await vi.advanceTimersByTimeAsync(2_000);
			await vi.waitFor(async () => expect(await db.photoQueue.count()).toBe(0));
		} finally {
			vi.useRealTimers();
		}
	});

	it('stops and asks for a new sign-in on 401, keeping the queue', async () => {
		const put = vi.fn<PutPhoto>(async () => 401);
		const { db, unauthorized, uploader } = await setup(put);
		uploader.kick();
		await vi.waitFor(() => expect(unauthorized).toHaveBeenCalledTimes(1));
		expect(put).toHaveBeenCalledTimes(1);
		expect(await db.photoQueue.count()).toBe(2);
	});

	it('sets aside a photo the server refuses for good and sends the rest', async () => {
		let n = 0;
		const put: PutPhoto = async () => (++n === 1 ? 415 : 201);
		const { db, progress, uploader } = await setup(put);
		uploader.kick();
		await settle(
			async () => progress.at(-1)?.waiting === 1 && progress.at(-1)?.current === undefined
		);
		const left = await db.photoQueue.toArray();
		expect(left).toHaveLength(1);
		expect(left[0]?.lastError).toBe('HTTP 415');
		expect(progress.at(-1)?.refused).toEqual([{ sha256: left[0]?.sha256, error: 'HTTP 415' }]);
	});
});
