import type { RoomDoc } from '$lib/store/room-doc';
import type { RoomSync } from '$lib/sync/room-sync';
import { Room } from '$lib/sync/workspace.svelte';

/** A sync that never connects: nobody else is here, nothing was refused. */
const noSync = {
	awareness: { on: () => undefined, getStates: () => new Map(), clientID: 1 },
	refused: undefined
} as unknown as RoomSync;

/** A room as the screens read it, over a stored document, with no server. */
export function testRoom(roomDoc: RoomDoc, access: 'read' | 'write' = 'write'): Room {
	return new Room(roomDoc, access, noSync);
}
