// Stable identities for features that bring none of their own, so re-importing the same file updates
// rows instead of duplicating them. Pure JS (no node:crypto): geo/ also runs in the browser.

/** cyrb53: a small, well-distributed 53-bit string hash (public domain, by bryc). */
function cyrb53(text: string, seed = 0): number {
	let h1 = 0xdeadbeef ^ seed;
	let h2 = 0x41c6ce57 ^ seed;
	for (let i = 0; i < text.length; i++) {
		const ch = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ ch, 2654435761);
		h2 = Math.imul(h2 ^ ch, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Deeper than this, a value is written as a placeholder: no real feature nests that deep. */
const MAX_DEPTH = 64;

/** JSON with object keys sorted, so {a,b} and {b,a} hash the same. */
export function canonicalJson(value: unknown, depth = 0): string {
	if (depth > MAX_DEPTH && value !== null && typeof value === 'object') return '"…"';
	if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, depth + 1)).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const entries = Object.keys(value as object)
			.sort()
			.filter((key) => (value as Record<string, unknown>)[key] !== undefined)
			.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key], depth + 1)}`);
		return `{${entries.join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

/** "hash:" + 26 hex digits (two seeded 53-bit hashes; collisions are negligible at city scale). */
export function contentHash(value: unknown): string {
	const text = canonicalJson(value);
	const hex = (n: number) => n.toString(16).padStart(14, '0');
	return `hash:${hex(cyrb53(text, 1))}${hex(cyrb53(text, 2))}`;
}
