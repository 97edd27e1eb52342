// Signing in and out, shared by the /login form and POST /api/session: rate limit per client
// address, the account lockout, then a fresh session in an HttpOnly, SameSite cookie (Secure over TLS).
import type { Cookies } from '@sveltejs/kit';
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
	ctx.cookies.set(SESSION_COOKIE, session.id, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: ctx.url.protocol === 'https:',
		maxAge: 7 * 24 * 3600
	});
	return user;
}

export async function signOut(db: Db, cookies: Cookies): Promise<void> {
	const id = cookies.get(SESSION_COOKIE);
	if (id) await deleteSession(db, id);
	cookies.delete(SESSION_COOKIE, { path: '/' });
	cookies.delete(TOKEN_COOKIE, { path: '/' });
}

/** A same-site path to go to after signing in (never another host). */
export function safeNext(next: string | null): string {
	return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}
