import * as Y from 'yjs';
import { StorageFullError } from './db';
import type { ProcessedPhoto } from './photo-types';
import { addPhotoMeta, forgetLocalPhotos, storeLocalPhotos } from './photos';
import type { Author } from '$lib/doc/records';
import { LocalChange, type RoomDoc } from './room-doc';

/** What every store command needs: the room, who acts, a clock and an id source (passed in). */
export interface CommandContext {
	roomDoc: RoomDoc;
	author: Author;
	now: () => Date;
	newId: () => string;
}

/**
 * Runs one named change on the room's document and waits until it is on disk. When the disk is
 * full the change is undone in memory, so no half-saved record stays on screen, and
 * StorageFullError is thrown for the screen to explain (the form keeps what the person typed).
 */
export async function commit(
	ctx: CommandContext,
	command: string,
	/** The top-level maps the change touches (record kinds, `photo`): what an undo covers. */
	touches: readonly string[],
	change: (origin: LocalChange) => void
): Promise<void> {
	const origin = new LocalChange(command, ctx.author.id);
	const doc = ctx.roomDoc.doc;
	const scope = touches.map((name) => doc.getMap(name));
	const undo = new Y.UndoManager(scope, { trackedOrigins: new Set([origin]), captureTimeout: 0 });
	try {
		doc.transact(() => change(origin), origin);
		try {
			await ctx.roomDoc.flush();
		} catch (error) {
			if (error instanceof StorageFullError) undo.undo();
			throw error;
		}
	} finally {
		undo.destroy();
	}
}

/**
 * `commit` for a change that brings photos. The photos are stored first (one transaction, queued
 * for upload); their metadata goes into the same Yjs transaction as the change; and if the change
 * cannot reach the disk, the photos stored for it are removed again — nothing half-saved.
 */
export async function commitWithPhotos(
	ctx: CommandContext,
	command: string,
	touches: readonly string[],
	photos: readonly ProcessedPhoto[],
	now: Date,
	change: (origin: LocalChange) => void
): Promise<void> {
	const { db, room } = ctx.roomDoc;
	const stored = await storeLocalPhotos(db, room, [...photos], now);
	try {
		await commit(ctx, command, touches, (origin) => {
			addPhotoMeta(ctx.roomDoc.doc, [...photos], ctx.author.id, now);
			change(origin);
		});
	} catch (error) {
		await forgetLocalPhotos(db, stored).catch(() => undefined);
		throw error;
	}
}
