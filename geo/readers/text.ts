// Text files from Chinese offices are often saved by Excel/WPS in GBK rather than UTF-8.
// Decode as UTF-8 when the bytes are valid UTF-8, otherwise as GB18030 (a superset of GBK/GB2312).

/** Decodes bytes to text without a byte-order mark; falls back to GB18030 for non-UTF-8 files. */
export function decodeText(bytes: Uint8Array): string {
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		text = new TextDecoder('gb18030').decode(bytes);
	}
	return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** True for 0 bytes or only whitespace (cheap: looks at bytes, not decoded text). */
export function isBlank(bytes: Uint8Array): boolean {
	for (const byte of bytes) {
		// space, tab, CR, LF and the UTF-8 BOM bytes
		if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0xef && byte !== 0xbb && byte !== 0xbf) return false;
	}
	return true;
}
