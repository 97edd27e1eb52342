// Text from uploads on its way into messages and the database. PostgreSQL text cannot hold NUL and
// its JSON parser refuses unpaired UTF-16 surrogates, and a 300,000-character cell quoted in every
// message would bury the one line a planner needs: so values are made storable, and quoted short.

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** True when the text holds something PostgreSQL cannot store (NUL, an unpaired surrogate). */
export function hasUnstorableText(text: string): boolean {
	LONE_SURROGATE.lastIndex = 0;
	return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

/** The text without NUL characters and with unpaired surrogates replaced by U+FFFD. */
export function storableText(text: string): string {
	return hasUnstorableText(text) ? text.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\ufffd') : text;
}

/** A copy of plain data (records, tags, issues) with every string made storable; other values kept. */
export function storable<T>(value: T, depth = 0): T {
	if (typeof value === 'string') return storableText(value) as T;
	if (value === null || typeof value !== 'object' || depth > 64) return value;
	if (Array.isArray(value)) return value.map((v) => storable(v, depth + 1)) as T;
	const out: Record<string, unknown> = {};
	for (const [key, v] of Object.entries(value)) out[storableText(key)] = storable(v, depth + 1);
	return out as T;
}

/** Column names (or any list) for a message: each quoted short, at most `max` of them, then "…". */
export function shownList(items: readonly string[], separator: string, max = 20): string {
	const listed = items.slice(0, max).map((item) => shown(item, 40));
	return items.length > max ? `${listed.join(separator)}${separator}… (+${items.length - max})` : listed.join(separator);
}

/**
 * Any value as short text for a message: strings as they are, everything else as JSON (objects whose
 * toString is broken or that nest too deeply included), cut to `max` characters with "…".
 */
export function shown(value: unknown, max = 80): string {
	let text: string;
	if (typeof value === 'string') text = value;
	else if (value === undefined) text = 'undefined';
	else {
		try {
			text = JSON.stringify(value) ?? String(value);
		} catch {
			text = Array.isArray(value) ? '[…]' : typeof value === 'object' ? '{…}' : typeof value;
		}
	}
	text = storableText(text).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd');
	const chars = Array.from(text.length > max * 2 + 8 ? text.slice(0, max * 2 + 8) : text);
	return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
}
