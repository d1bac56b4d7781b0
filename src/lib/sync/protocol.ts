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
