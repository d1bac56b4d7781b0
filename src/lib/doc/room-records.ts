import { CITY_VIEW_KINDS, roomHolds, type RoomRecords } from '../domain/index.ts';
import type { RecordSource } from './records.ts';

/**
 * A room's valid records of the kinds the city's figures read (`assembleCity`), each kind only
 * where the room may hold it: what a device reads from the documents it keeps, and what the
 * server keeps decoded per room.
 */
export function roomRecords(source: RecordSource, room: string): RoomRecords {
	const out: { [K in keyof RoomRecords]: RoomRecords[K] } = {};
	for (const kind of CITY_VIEW_KINDS) {
		if (roomHolds(room, kind)) (out as Record<string, unknown>)[kind] = source.valid(kind);
	}
	return out;
}
