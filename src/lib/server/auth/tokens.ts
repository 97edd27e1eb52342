// API tokens for machine clients (the case feed, the simulator) and read-only wall-screen tokens.
// The secret is shown once at creation; only its SHA-256 is stored, with a short prefix to tell
// tokens apart in lists. Revoking takes effect on the next request.
import { randomBytes } from 'node:crypto';
import type { Db, Queryable } from '../db';
import { TOKEN_SCOPES, type Capability, type Principal, type TokenKind } from '../../auth/capabilities';
import { AccountError, checkUnits } from './users';
import { sha256 } from './sessions';
import { forgetPrincipals } from './principal-cache';

export interface TokenRow {
	id: number;
	name: string;
	kind: TokenKind;
	token_prefix: string;
	scopes: Capability[];
	unit_codes: string[];
	created_by_name: string | null;
	created_at: string;
	expires_at: string | null;
	last_used_at: string | null;
	revoked_at: string | null;
}

export interface NewToken {
	name: string;
	kind: string;
	scopes?: string[];
	units?: string[];
	expiresInDays?: number;
	createdBy?: number | null;
}

const TOKEN_SELECT = `SELECT t.id, t.name, t.kind, t.token_prefix, t.scopes, t.unit_codes, u.username AS created_by_name,
	t.created_at::text, t.expires_at::text, t.last_used_at::text, t.revoked_at::text
	FROM api_tokens t LEFT JOIN users u ON u.id = t.created_by`;

export async function createToken(db: Db, spec: NewToken): Promise<{ token: string; row: TokenRow }> {
	const name = String(spec.name ?? '').trim();
	if (!name || name.length > 100) throw new AccountError('令牌名称必填（最多 100 字）/ a token needs a name (at most 100 characters)', 'bad_name', 'name');
	if (spec.kind !== 'api' && spec.kind !== 'wall')
		throw new AccountError(`令牌类型“${String(spec.kind)}”无效，可用 api、wall / unknown token kind; use api or wall`, 'bad_kind', 'kind');
	const kind = spec.kind as TokenKind;
	const allowed = TOKEN_SCOPES[kind];
	const scopes = spec.scopes && spec.scopes.length > 0 ? [...new Set(spec.scopes)] : allowed;
	for (const s of scopes) {
		if (!allowed.includes(s as Capability)) {
			throw new AccountError(
				`${kind} 令牌不能有权限“${s}”（可用：${allowed.join(', ')}）/ a ${kind} token can not have scope "${s}" (allowed: ${allowed.join(', ')})`,
				'bad_scope',
				'scopes'
			);
		}
	}
	const days = spec.expiresInDays;
	if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= 3650)) {
		throw new AccountError('有效期应为 1–3650 天 / expiry must be 1–3650 days', 'bad_expiry', 'expiresInDays');
	}
	const token = `ga_${kind}_${randomBytes(24).toString('base64url')}`;
	return db.transaction(async (tx) => {
		const units = await checkUnits(tx, 'leader', spec.units?.length ? spec.units : ['*']);
		const [{ id }] = await tx.query<{ id: number }>(
			`INSERT INTO api_tokens (name, kind, token_hash, token_prefix, scopes, unit_codes, created_by, expires_at)
			 VALUES ($1, $2, $3, $4, $5::text[], $6::text[], $7, CASE WHEN $8::int IS NULL THEN NULL ELSE now() + make_interval(days => $8::int) END)
			 RETURNING id`,
			[name, kind, sha256(token), token.slice(0, 12), scopes, units, spec.createdBy ?? null, days ?? null]
		);
		const [row] = await tx.query<TokenRow>(`${TOKEN_SELECT} WHERE t.id = $1`, [id]);
		return { token, row };
	});
}

export async function listTokens(q: Queryable): Promise<TokenRow[]> {
	return q.query<TokenRow>(`${TOKEN_SELECT} ORDER BY t.revoked_at IS NOT NULL, t.created_at DESC`);
}

export async function revokeToken(db: Db, id: number): Promise<TokenRow> {
	const rows = await db.query<{ id: number }>('UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id', [id]);
	forgetPrincipals();
	const [row] = await db.query<TokenRow>(`${TOKEN_SELECT} WHERE t.id = $1`, [id]);
	if (!row) throw new AccountError(`没有编号为 ${id} 的令牌 / no token with id ${id}`, 'unknown_token');
	if (rows.length === 0 && !row.revoked_at) throw new AccountError(`令牌 ${id} 无法吊销 / token ${id} could not be revoked`, 'revoke_failed');
	return row;
}

/** The principal of a bearer token, or null when unknown, revoked or expired. */
export async function resolveToken(q: Queryable, token: string, now = new Date()): Promise<Principal | null> {
	if (!token.startsWith('ga_') || token.length > 200) return null;
	const [row] = await q.query<{
		id: number;
		name: string;
		scopes: Capability[];
		unit_codes: string[];
		expires_at: Date | string | null;
		revoked_at: unknown;
		last_used_at: Date | string | null;
	}>('SELECT id, name, scopes, unit_codes, expires_at, revoked_at, last_used_at FROM api_tokens WHERE token_hash = $1', [sha256(token)]);
	if (!row || row.revoked_at || (row.expires_at && new Date(row.expires_at) <= now)) return null;
	if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 60_000) {
		await q.query('UPDATE api_tokens SET last_used_at = $2 WHERE id = $1', [row.id, now.toISOString()]);
	}
	return { kind: 'token', id: row.id, name: row.name, displayName: row.name, role: null, capabilities: row.scopes, units: row.unit_codes };
}
