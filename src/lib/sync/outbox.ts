import { isRecordKind, parseRoom, type RecordKind, type Room as RoomName } from '$lib/domain';
import { communityName } from './session';
import type { Room, Workspace } from './workspace.svelte';

/**
 * What waits on this device to be sent, record by record, as ODK Collect's outbox lists forms:
 * for each room, the records with changes the server does not hold yet, named as people know
 * them (a suggestion's title, a meeting's topic).
 */

export interface OutboxRecord {
	readonly kind: RecordKind | undefined;
	readonly id: string;
	/** The record's own name, or undefined when it has none to show (then its kind says it). */
	readonly title: string | undefined;
}

export interface OutboxRoom {
	readonly room: Room;
	/** The kind of room, and the name of its community or town by the directory. */
	readonly kind: RoomName['kind'] | undefined;
	readonly place: string;
	readonly records: readonly OutboxRecord[];
}

function titleOf(room: Room, kind: RecordKind, id: string): string | undefined {
	const raw = room.record(kind, id)?.raw;
	for (const field of ['title', 'topic', 'note']) {
		const value = raw?.[field];
		if (typeof value === 'string' && value.trim()) return value;
	}
	return undefined;
}

export function outboxRooms(workspace: Workspace): OutboxRoom[] {
	void workspace.waitingRecords;
	const session = workspace.session;
	const out: OutboxRoom[] = [];
	for (const room of workspace.rooms.values()) {
		const keys = [...room.sync.unsent];
		if (keys.length === 0) continue;
		const records = keys.map((key) => {
			const slash = key.indexOf('/');
			const [kindName, id] = [key.slice(0, slash), key.slice(slash + 1)];
			const kind = isRecordKind(kindName) ? kindName : undefined;
			return { kind, id, title: kind ? titleOf(room, kind, id) : undefined };
		});
		const parsed = parseRoom(room.name);
		const place =
			!parsed || !('id' in parsed) || !session
				? room.name
				: parsed.kind === 'town'
					? (session.directory.towns.find((t) => t.id === parsed.id)?.name ?? parsed.id)
					: communityName(session, parsed.id);
		out.push({ room, kind: parsed?.kind, place, records });
	}
	return out;
}
