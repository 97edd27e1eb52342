// What the server may believe about a request it did not see arrive over TLS itself: the scheme,
// the client's address and the host name. Forwarded headers (X-Forwarded-Proto/-For/-Host) are
// believed only from a proxy the operator names in GRIDATLAS_TRUSTED_PROXIES; from anyone else
// they are forged and dropped. Plain JavaScript: scripts/serve.js runs it without a build step.
import net from 'node:net';

/** 10.0.0.5, 10.0.0.0/8, ::1, fd00::/8 … → a BlockList (throws on a malformed entry). */
export function parseTrustedProxies(text) {
	const list = new net.BlockList();
	const entries = [];
	for (const raw of String(text ?? '').split(',')) {
		const entry = raw.trim();
		if (!entry) continue;
		const [address, bits] = entry.split('/');
		const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : null;
		if (!family) throw new Error(`GRIDATLAS_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR block`);
		if (bits === undefined) list.addAddress(address, family);
		else {
			const prefix = Number(bits);
			const max = family === 'ipv4' ? 32 : 128;
			if (!/^\d+$/.test(bits) || prefix > max) throw new Error(`GRIDATLAS_TRUSTED_PROXIES: "${entry}" has a bad prefix length`);
			list.addSubnet(address, prefix, family);
		}
		entries.push(entry);
	}
	return { list, entries };
}

/** An IPv4 peer seen on a dual-stack socket arrives as ::ffff:10.0.0.5. */
export function plainAddress(address) {
	const a = String(address ?? '');
	return a.startsWith('::ffff:') && net.isIPv4(a.slice(7)) ? a.slice(7) : a;
}

export function isTrusted(trusted, address) {
	const a = plainAddress(address);
	if (!a || trusted.entries.length === 0) return false;
	return trusted.list.check(a, net.isIPv4(a) ? 'ipv4' : 'ipv6');
}

const first = (value) => (Array.isArray(value) ? value[0] : value);

/**
 * @param {{ encrypted: boolean, peer: string | undefined, headers: Record<string, string | string[] | undefined> }} req
 * @returns {{ protocol: 'http' | 'https', client: string, host: string | null, viaProxy: boolean }}
 */
export function requestFacts(req, trusted) {
	const peer = plainAddress(req.peer);
	if (!isTrusted(trusted, peer)) return { protocol: req.encrypted ? 'https' : 'http', client: peer, host: null, viaProxy: false };
	// Only the nearest hop's word counts; each trusted proxy appends the address it saw.
	const proto = String(first(req.headers['x-forwarded-proto']) ?? '')
		.split(',')[0]
		.trim()
		.toLowerCase();
	const protocol = proto === 'https' || proto === 'http' ? proto : req.encrypted ? 'https' : 'http';
	const chain = String(first(req.headers['x-forwarded-for']) ?? '')
		.split(',')
		.map((s) => plainAddress(s.trim()))
		.filter((s) => net.isIP(s));
	// Walk back from the nearest hop past every trusted proxy: the first untrusted address is the client.
	let client = peer;
	for (let i = chain.length - 1; i >= 0; i--) {
		client = chain[i];
		if (!isTrusted(trusted, client)) break;
	}
	const host = String(first(req.headers['x-forwarded-host']) ?? '')
		.split(',')[0]
		.trim();
	return { protocol, client, host: /^[A-Za-z0-9.\-:[\]]{1,255}$/.test(host) ? host : null, viaProxy: true };
}
