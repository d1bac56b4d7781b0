import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * Who is asking, as far as the server can tell: the address that requests are counted by (the
 * public pages' limit, the ratings).
 *
 * Without a trusted proxy (`trustProxy` 0) that is the socket's remote address, and nothing the
 * client sends can change it. Behind proxies, every request comes from the nearest proxy, so the
 * socket says nothing about the resident. `trustProxy` is then the number of proxies in front of
 * the server, each of which appends the address it saw to `X-Forwarded-For`. Reading that list
 * from the right, the socket's peer is the first trusted hop and each trusted proxy vouches for
 * the entry it appended; the client is the entry the outermost trusted proxy appended (the
 * `trustProxy`-th from the right). Anything to its left was sent by the client and is ignored,
 * so a spoofed `X-Forwarded-For: 1.2.3.4` only adds an entry no one reads. When the list is
 * shorter than the hops (a request that skipped an outer proxy), its leftmost entry is the
 * farthest one a trusted proxy saw.
 */
export function clientAddress(req: IncomingMessage, trustProxy: number): string {
	const peer = normalise(req.socket.remoteAddress ?? '') ?? 'unknown';
	if (trustProxy <= 0) return peer;
	const header = req.headers['x-forwarded-for'];
	// Node joins repeated X-Forwarded-For lines with ', ', so one split reads them all.
	const hops = (typeof header === 'string' ? header : '')
		.split(',')
		.map((entry) => entry.trim())
		.filter((entry) => entry !== '');
	hops.push(peer);
	const chosen = hops[Math.max(0, hops.length - 1 - trustProxy)] ?? peer;
	// A trusted proxy writes an address; anything else means it passed the client's header on
	// unchanged, and the proxy's own address is the only safe thing to count.
	return normalise(chosen) ?? peer;
}

/**
 * The part of an address that one subscriber holds, to count by: an IPv4 address, or the /64 of
 * an IPv6 address (a home or a phone is given a whole /64 and may use any address in it).
 */
export function limitKey(address: string): string {
	if (isIP(address) !== 6) return address;
	return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`;
}

/** An address as written by a socket or a proxy (brackets, a port, IPv4-mapped) in one form. */
function normalise(raw: string): string | undefined {
	let text = raw.trim();
	const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
	if (bracketed) text = bracketed[1] ?? '';
	else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
	const family = isIP(text);
	if (family === 4) return text;
	if (family !== 6) return undefined;
	const lower = text.toLowerCase();
	// A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d: the same client either way.
	return /^::ffff:(\d+\.){3}\d+$/.exec(lower) ? lower.slice('::ffff:'.length) : lower;
}

/** The eight 16-bit groups of a valid IPv6 address, without leading zeros (its prefix is read). */
function ipv6Groups(address: string): string[] {
	const [head = '', tail] = address.split('%')[0]!.split('::');
	// An embedded IPv4 address is the last 32 bits: two groups, never part of the prefix.
	const groups = (part: string) =>
		part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g]));
	const left = groups(head);
	const right = tail === undefined ? [] : groups(tail);
	const zeros = Array<string>(8 - left.length - right.length).fill('0');
	return [...left, ...zeros, ...right].map((g) => parseInt(g, 16).toString(16));
}
