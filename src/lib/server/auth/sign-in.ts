// Signing in and out, shared by the /login form and POST /api/session: rate limit per client
// address, the account lockout, then a fresh session in an HttpOnly, SameSite cookie (Secure over TLS).
import type { Cookies } from '@sveltejs/kit';
import { cookieOptions, deleteCookie } from '../http/cookies';
import type { Db } from '../db';
import { loginLimiter } from './rate-limit';
import { authenticate, SignInError, type UserRow } from './users';
import { createSession, deleteSession, SESSION_COOKIE, TOKEN_COOKIE } from './sessions';

export interface SignInContext {
	cookies: Cookies;
	url: URL;
	getClientAddress(): string;
}

export class SignInThrottled extends SignInError {}

export async function signIn(db: Db, ctx: SignInContext, username: unknown, password: unknown): Promise<UserRow> {
	let address = 'unknown';
	try {
		address = ctx.getClientAddress();
	} catch {
		// no address (e.g. in tests): one shared bucket
	}
	const wait = loginLimiter.hit(address);
	if (wait > 0) {
		throw new SignInThrottled(`登录尝试过于频繁，请 ${wait} 秒后再试 / too many sign-in attempts; retry in ${wait} s`, 'locked', wait);
	}
	const user = await authenticate(db, username, password);
	const session = await createSession(db, user.id);
	ctx.cookies.set(SESSION_COOKIE, session.id, cookieOptions(ctx.url, { maxAge: 7 * 24 * 3600 }));
	return user;
}

export async function signOut(db: Db, ctx: { cookies: Cookies; url: URL }): Promise<void> {
	const id = ctx.cookies.get(SESSION_COOKIE);
	if (id) await deleteSession(db, id);
	deleteCookie(ctx.cookies, ctx.url, SESSION_COOKIE);
	deleteCookie(ctx.cookies, ctx.url, TOKEN_COOKIE);
}

const SAFE_NEXT_BASE = 'http://gridatlas.invalid';

/**
 * A same-site path to go to after signing in, else '/'. Browsers drop tabs and newlines from a URL
 * and read a backslash as a slash, so "/\t/evil.example" or "/\\evil.example" would leave the site:
 * only a plain path is accepted, in its raw and its decoded form.
 */
export function safeNext(next: string | null | undefined): string {
	if (!next || next.length > 2048) return '/';
	let decoded = next;
	for (let i = 0; i < 3; i++) {
		let once: string;
		try {
			once = decodeURIComponent(decoded);
		} catch {
			return '/';
		}
		if (once === decoded) break;
		decoded = once;
	}
	if (!/^\/(?![/\\])[^\\\s\u0000-\u001f\u007f]*$/.test(next)) return '/';
	if (!/^\/(?![/\\])[^\\\u0000-\u001f\u007f-\u009f]*$/.test(decoded)) return '/';
	try {
		const url = new URL(next, SAFE_NEXT_BASE);
		// "/.//evil.example" normalises to "//evil.example": check what the browser would be sent.
		const path = url.pathname + url.search + url.hash;
		return url.origin === SAFE_NEXT_BASE && !path.startsWith('//') ? path : '/';
	} catch {
		return '/';
	}
}
