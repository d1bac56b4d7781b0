import type { RecordKind } from '$lib/domain';

/**
 * A record's history as the server's log has it (`GET /api/history/<room>/<kind>/<id>`): who sent
 * each change, when, which fields; and the record as it stood after one of them (`?as-of=<n>`).
 * Read online only; what comes back is checked before it is shown.
 */

export interface ServerChange {
	readonly at: string;
	readonly by: { readonly id: string; readonly name: string; readonly role: string };
	readonly fields: readonly string[];
}

export type HistoryResult<T> =
	| { readonly ok: true; readonly value: T }
	| { readonly ok: false; readonly reason: 'offline' | 'unauthorized' | 'server' };

function isChange(value: unknown): value is ServerChange {
	const c = value as ServerChange;
	return (
		typeof c === 'object' &&
		c !== null &&
		typeof c.at === 'string' &&
		typeof c.by === 'object' &&
		c.by !== null &&
		typeof c.by.name === 'string' &&
		Array.isArray(c.fields) &&
		c.fields.every((f) => typeof f === 'string')
	);
}

async function getJson(
	token: string | undefined,
	url: string,
	fetchFn: typeof fetch
): Promise<HistoryResult<unknown>> {
	if (!token) return { ok: false, reason: 'unauthorized' };
	let res: Response;
	try {
		res = await fetchFn(url, { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
	} catch {
		return { ok: false, reason: 'offline' };
	}
	if (res.status === 401) return { ok: false, reason: 'unauthorized' };
	if (!res.ok) return { ok: false, reason: 'server' };
	const body: unknown = await res.json().catch(() => undefined);
	return body === undefined ? { ok: false, reason: 'server' } : { ok: true, value: body };
}

function path(room: string, kind: RecordKind, id: string): string {
	return `/api/history/${encodeURIComponent(room)}/${kind}/${encodeURIComponent(id)}`;
}

export async function fetchHistory(
	token: string | undefined,
	room: string,
	kind: RecordKind,
	id: string,
	fetchFn: typeof fetch = fetch
): Promise<HistoryResult<ServerChange[]>> {
	const result = await getJson(token, path(room, kind, id), fetchFn);
	if (!result.ok) return result;
	if (!Array.isArray(result.value)) return { ok: false, reason: 'server' };
	return { ok: true, value: result.value.filter(isChange) };
}

/** The record's fields right after its `index`-th change (from 0). */
export async function fetchAsOf(
	token: string | undefined,
	room: string,
	kind: RecordKind,
	id: string,
	index: number,
	fetchFn: typeof fetch = fetch
): Promise<HistoryResult<Record<string, unknown>>> {
	const result = await getJson(token, `${path(room, kind, id)}?as-of=${index}`, fetchFn);
	if (!result.ok) return result;
	const record = (result.value as { record?: unknown }).record;
	if (typeof record !== 'object' || record === null || Array.isArray(record)) {
		return { ok: false, reason: 'server' };
	}
	return { ok: true, value: record as Record<string, unknown> };
}
