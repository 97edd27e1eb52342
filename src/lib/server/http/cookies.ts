// One rule for every cookie the app writes: Secure exactly when the request really arrived over
// HTTPS (scripts/serve.js decides from the connection or a trusted proxy), so a plain-HTTP intranet
// address keeps its session and an HTTPS deployment never sends one in the clear. SvelteKit's own
// default (Secure everywhere but http://localhost) would drop every cookie on http://10.x.x.x.
import type { Cookies } from '@sveltejs/kit';

type CookieOptions = Parameters<Cookies['set']>[2];

export const isHttps = (url: URL) => url.protocol === 'https:';

export function cookieOptions(url: URL, options: Partial<CookieOptions> = {}): CookieOptions {
	return { path: '/', httpOnly: true, sameSite: 'lax', secure: isHttps(url), ...options };
}

export function deleteCookie(cookies: Cookies, url: URL, name: string): void {
	cookies.delete(name, cookieOptions(url));
}

/** A Set-Cookie header for a response made outside SvelteKit's cookie jar (a redirect from the hook). */
export function setCookieHeader(url: URL, name: string, value: string, maxAgeSeconds: number): string {
	return `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${isHttps(url) ? '; Secure' : ''}`;
}
