// Headers every dynamic answer carries. The Content-Security-Policy of pages is SvelteKit's (with a
// nonce for its own inline script, directives in svelte.config.js); what only the running server
// knows is added here: who may frame the app (GRIDATLAS_FRAME_ANCESTORS, default the app itself —
// a command centre's portal may embed the wall) and the tile hosts of the online basemaps the
// operator switched on (the map fetches them from the browser).
import { configuredBasemaps } from '../map/basemaps';

/** CSP source expressions: 'self', 'none', https://portal.example, *.example.gov.cn, http://10.0.0.8:8080. */
const SOURCE = /^('self'|'none'|(https?:\/\/)?(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?|https?:)$/;

export function frameAncestors(env: Record<string, string | undefined> = process.env): string[] {
	const text = env.GRIDATLAS_FRAME_ANCESTORS?.trim();
	if (!text) return ["'self'"];
	const sources = text.split(/[\s,]+/).filter(Boolean);
	const bad = sources.filter((s) => !SOURCE.test(s));
	if (bad.length)
		throw new Error(`GRIDATLAS_FRAME_ANCESTORS: not a CSP source: ${bad.join(' ')} (use 'self', 'none' or origins such as https://portal.example)`);
	return sources;
}

/** Origins of the configured online basemaps' tiles (none when the map is offline only). */
export function basemapOrigins(env: Record<string, string | undefined> = process.env): string[] {
	const origins = new Set<string>();
	for (const b of configuredBasemaps(env).basemaps) {
		for (const t of [...(b.tiles ?? []), ...(b.overlayTiles ?? [])]) {
			try {
				origins.add(new URL(t.replace(/\{[a-z]\}/g, '0')).origin);
			} catch {
				// configuredBasemaps only keeps http(s) templates
			}
		}
	}
	return [...origins];
}

/** Adds sources to one directive of a policy (creating the directive when missing). */
function extend(policy: string, directive: string, sources: string[]): string {
	if (!sources.length) return policy;
	const parts = policy
		.split(';')
		.map((p) => p.trim())
		.filter(Boolean);
	const i = parts.findIndex((p) => p.split(/\s+/)[0] === directive);
	if (i < 0) parts.push(`${directive} ${sources.join(' ')}`);
	else parts[i] = `${parts[i]} ${sources.join(' ')}`;
	return parts.join('; ');
}

/** Pages written by hand (starting, forbidden): no script at all, their own inline style. */
const HAND_MADE_PAGE_POLICY =
	"default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'";

interface Settings {
	frame: string[];
	tiles: string[];
}

let settings: Settings | undefined;
const current = (): Settings => (settings ??= { frame: frameAncestors(), tiles: basemapOrigins() });

/** The answer with the app's security headers set (headers it already has are kept). */
export function withSecurityHeaders(response: Response, s: Settings = current()): Response {
	const h = response.headers;
	const set = (name: string, value: string) => {
		if (!h.has(name)) h.set(name, value);
	};
	try {
		set('x-content-type-options', 'nosniff');
		set('referrer-policy', 'same-origin');
		const framing = s.frame.join(' ');
		// Old browsers know only X-Frame-Options, which can't name other origins.
		if (framing === "'self'") set('x-frame-options', 'SAMEORIGIN');
		if (framing === "'none'") set('x-frame-options', 'DENY');
		const type = h.get('content-type') ?? '';
		if (type.startsWith('text/html')) {
			let policy = h.get('content-security-policy') ?? HAND_MADE_PAGE_POLICY;
			policy = extend(policy, 'frame-ancestors', s.frame);
			policy = extend(policy, 'connect-src', s.tiles);
			policy = extend(policy, 'img-src', s.tiles);
			h.set('content-security-policy', policy);
		}
	} catch {
		// A response with immutable headers (a fetch passed through): it is not a page of ours.
	}
	return response;
}
