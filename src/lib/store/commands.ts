import * as Y from 'yjs';
import { StorageFullError } from './db';
import type { Author } from './records';
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
