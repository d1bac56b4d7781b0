import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * The wire contract between the app and the sync server, imported by both. The message types are
 * the standard y-websocket ones (a stock `WebsocketProvider` speaks them); the close codes are ours
 * and tell the app why a room was shut, so it can ask for a new sign-in or stop retrying.
 */

export const messageSync = 0;
export const messageAwareness = 1;
export const messageAuth = 2;
export const messageQueryAwareness = 3;

/** Close codes in the 4000–4999 range that RFC 6455 leaves to applications (HTTP-like on purpose). */
export const CloseCode = {
	/** A frame that could not be read: malformed, truncated, or an invalid Yjs update. */
	badMessage: 4400,
	/** No token, a bad signature, or an expired token: sign in again. */
	unauthorized: 4401,
	/** Signed in, but this user may not read this room. */
	forbidden: 4403,
	/** Not a room name the server knows. */
	unknownRoom: 4404,
	/** A message over the size limit. */
	tooLarge: 4413,
	/** The server's send buffer for this connection filled up: it was not reading. Reconnect. */
	slowReader: 4408,
	/** Too many messages or bytes too fast from one connection. */
	flood: 4429,
	/** The server could not store an update; nothing from the connection was relayed. */
	storageFailed: 4500,
	/** This user stored as much as one day allows; edits wait on the device until tomorrow. */
	overQuota: 4507,
	/** The server is stopping; reconnect later. */
	shuttingDown: 4503
} as const;

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which retrying with the same token cannot help. */
export const fatalCloseCodes: ReadonlySet<number> = new Set([
	CloseCode.unauthorized,
	CloseCode.forbidden,
	CloseCode.unknownRoom
]);

export const syncPath = '/sync';

/**
 * One websocket for all of a device's rooms, on `/mux?token=…` (the stock `/sync/<room>` stays as it
 * is). Every frame is the room's name (a lib0 varString) followed by one y-websocket message of that
 * room, or by one of the control messages below. The token is checked once, at the upgrade; each
 * room's right when it is joined. A room the server shuts (a refused join, a bad update, a right
 * withdrawn) gets `muxClosed` with the close code it would have had on its own socket, and the
 * other rooms go on; what arrives for a room that is not joined is dropped.
 */
export const muxPath = '/mux';
/** Client → server: join the room; the server answers with its sync step 1, as on a new socket. */
export const muxJoin = 100;
/** Client → server: leave the room. */
export const muxLeave = 101;
/** Server → client: the room was shut (varUint close code, varString reason); join again to retry. */
export const muxClosed = 102;

/** The most rooms one multiplexed connection may hold joined at once. */
export const muxMaxRooms = 4096;

export const connectionMessageBurst = 2000;
export const connectionMessagesPerSecond = 500;

/**
 * The frames a client sends for one join: the join, sync step 1, presence, and a sync step 2 in
 * answer to each of the server's two step 1s (the one it sends on the join, and the state vector
 * it sends after its own step 2, sync.ts). Not three: paced as three, a thousand rooms took the
 * server's whole budget, and a server reading the connection a little late saw a flood.
 */
export const muxFramesPerJoin = 5;

/**
 * How fast a client joins its rooms when its socket opens. The server allows a connection a burst
 * of `connectionMessageBurst` messages refilled at `connectionMessagesPerSecond`; a device that
 * rejoined a thousand rooms at once would be closed as a flood on every reconnect, for ever. So:
 * this many rooms at once, then `muxJoinsPerSecond`, together half the budget, which leaves the
 * other half for what else the device sends meanwhile (each room's presence, renewed every 15 s;
 * edits) and for a server that reads a busy connection late.
 */
export const muxJoinBurst = connectionMessageBurst / 2 / muxFramesPerJoin;
export const muxJoinsPerSecond = connectionMessagesPerSecond / 2 / muxFramesPerJoin;

/** The room name as it starts every frame of that room. */
export function muxPrefix(room: string): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarString(encoder, room);
	return encoding.toUint8Array(encoder);
}

/** A frame: the room's prefix followed by one message. */
export function muxFrame(prefix: Uint8Array, message: Uint8Array): Uint8Array {
	const frame = new Uint8Array(prefix.byteLength + message.byteLength);
	frame.set(prefix, 0);
	frame.set(message, prefix.byteLength);
	return frame;
}

/** A control message (join, leave) of a room. */
export function muxControl(room: string, type: typeof muxJoin | typeof muxLeave): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarString(encoder, room);
	encoding.writeVarUint(encoder, type);
	return encoding.toUint8Array(encoder);
}

export function muxClosedFrame(room: string, code: number, reason: string): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarString(encoder, room);
	encoding.writeVarUint(encoder, muxClosed);
	encoding.writeVarUint(encoder, code);
	encoding.writeVarString(encoder, reason);
	return encoding.toUint8Array(encoder);
}

/** The room of a frame and the message after it; throws on a frame that cannot be read. */
export function readMuxFrame(data: Uint8Array): { room: string; message: Uint8Array } {
	const decoder = decoding.createDecoder(data);
	const room = decoding.readVarString(decoder);
	return { room, message: data.subarray(decoder.pos) };
}
