// Browser sessions: a random id in an HttpOnly cookie, only its SHA-256 stored. Sliding expiry
// (12 h idle) within an absolute limit (7 days); a password change, role change or disabled account
// ends every session of the user (users.ts).
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db';
import { getUser, type UserRow } from './users';
import { forgetPrincipals } from './principal-cache';

export const SESSION_COOKIE = 'gridatlas_session';
/** A wall-screen token kept by a kiosk browser (set from /wall?token=…). */
export const TOKEN_COOKIE = 'gridatlas_token';
export const IDLE_HOURS = 12;
export const ABSOLUTE_DAYS = 7;

export function sha256(text: string): string {
	return createHash('sha256').update(text).digest('base64url');
}

export async function createSession(q: Queryable, userId: number, now = new Date()): Promise<{ id: string; expires: Date }> {
	const id = randomBytes(32).toString('base64url');
	const expires = new Date(now.getTime() + IDLE_HOURS * 3600_000);
	await q.query('INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)', [
		sha256(id),
		userId,
		now.toISOString(),
		expires.toISOString()
	]);
	return { id, expires };
}

/** The signed-in user of a session id, or null (unknown, expired, disabled). Extends the idle expiry. */
export async function resolveSession(q: Queryable, id: string, now = new Date()): Promise<{ user: UserRow; expires: Date } | null> {
	if (!id || id.length > 100) return null;
	const hash = sha256(id);
	const [row] = await q.query<{ user_id: number; created_at: Date | string; last_seen_at: Date | string; expires_at: Date | string }>(
		'SELECT user_id, created_at, last_seen_at, expires_at FROM sessions WHERE token_hash = $1',
		[hash]
	);
	if (!row) return null;
	const absolute = new Date(new Date(row.created_at).getTime() + ABSOLUTE_DAYS * 86400_000);
	if (new Date(row.expires_at) <= now || absolute <= now) {
		await q.query('DELETE FROM sessions WHERE token_hash = $1', [hash]);
		return null;
	}
	const user = await getUser(q, row.user_id);
	if (!user || user.disabled) return null;
	let expires = new Date(row.expires_at);
	// Touch at most once a minute: a busy page must not turn every request into a write.
	if (now.getTime() - new Date(row.last_seen_at).getTime() > 60_000) {
		expires = new Date(Math.min(now.getTime() + IDLE_HOURS * 3600_000, absolute.getTime()));
		await q.query('UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE token_hash = $1', [hash, now.toISOString(), expires.toISOString()]);
	}
	return { user, expires };
}

export async function deleteSession(q: Queryable, id: string): Promise<void> {
	await q.query('DELETE FROM sessions WHERE token_hash = $1', [sha256(id)]);
	forgetPrincipals();
}

/** Deletes every expired session (an expired one is refused anyway; this keeps the table small). */
export async function purgeExpiredSessions(q: Queryable, now = new Date()): Promise<void> {
	await q.query('DELETE FROM sessions WHERE expires_at <= $1', [now.toISOString()]);
}

export const PURGE_EVERY_MS = 3600_000;

export interface SessionSweepOptions {
	/** How often (default hourly). */
	everyMs?: number;
	/** The clock (tests pass their own). */
	now?: () => Date;
	/** Runs `fn` every `ms` and returns a stop function (tests pass their own; default an unref'd setInterval). */
	every?: (fn: () => Promise<void>, ms: number) => () => void;
}

const intervalTimer = (fn: () => Promise<void>, ms: number) => {
	const t = setInterval(() => void fn(), ms);
	t.unref();
	return () => clearInterval(t);
};

/**
 * Purges expired sessions now and then every `everyMs` while the app runs (each app process does;
 * the DELETE is idempotent). A failed purge is logged and tried again next time. `first` settles
 * when the first purge has; `stop` ends the sweeps.
 */
export function sweepExpiredSessions(q: Queryable, options: SessionSweepOptions = {}): { first: Promise<void>; stop: () => void } {
	const now = options.now ?? (() => new Date());
	const purge = () =>
		purgeExpiredSessions(q, now()).catch((err) => console.warn('GridAtlas: purging expired sessions failed:', err instanceof Error ? err.message : err));
	const first = purge();
	return { first, stop: (options.every ?? intervalTimer)(purge, options.everyMs ?? PURGE_EVERY_MS) };
}
