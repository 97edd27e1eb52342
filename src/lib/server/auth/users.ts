// Accounts and their jurisdictions: create, list, change, sign-in checks with lockout. SQL here only.
import { GridAtlasError } from '$geo/errors';
import { forgetPrincipals } from './principal-cache';
import type { Db, Queryable } from '../db';
import { CITY, ROLE_CAPABILITIES, ROLES, isRole, type Principal, type Role } from '../../auth/capabilities';
import { isUnitCode } from '$geo/units/code';
import { checkPasswordPolicy, hashPassword, UNUSABLE_HASH, verifyPassword } from './password';

const ACCOUNT_STATUS: Record<string, number> = { unknown_token: 404, bad_credentials: 401, disabled: 401, locked: 429 };

export class AccountError extends GridAtlasError {
	constructor(
		message: string,
		readonly code: string,
		readonly field?: string,
		retryAfterS?: number
	) {
		super(message, { code, status: ACCOUNT_STATUS[code] ?? 400, details: field === undefined ? {} : { field }, retryAfterS: retryAfterS || undefined });
	}
}

export interface UserRow {
	id: number;
	username: string;
	display_name: string;
	role: Role;
	disabled: boolean;
	locked_until: string | null;
	last_login_at: string | null;
	created_at: string;
	units: string[];
}

export interface NewUser {
	username: string;
	password: string;
	role: string;
	displayName?: string;
	units?: string[];
	/** `password` already hashed by hashPassword (the demo accounts hash theirs side by side). */
	passwordHash?: string;
}

const USERNAME = /^[a-z0-9][a-z0-9_.-]{1,63}$/;
/** Failed sign-ins before the account locks; each further failure doubles the lock (1 min … 60 min). */
export const LOCK_AFTER = 5;

export function checkUsername(username: unknown): string {
	if (typeof username !== 'string' || !USERNAME.test(username)) {
		throw new AccountError(
			`用户名“${String(username ?? '')}”无效：2–64 个小写字母、数字或 _ . -，以字母或数字开头 / invalid user name: 2–64 lower-case letters, digits, _ . -, starting with a letter or digit`,
			'bad_username',
			'username'
		);
	}
	return username;
}

export function checkRole(role: unknown): Role {
	if (!isRole(role)) {
		throw new AccountError(`角色“${String(role ?? '')}”无效，可用：${ROLES.join('、')} / unknown role; use ${ROLES.join(', ')}`, 'bad_role', 'role');
	}
	return role;
}

/** Normalises a jurisdiction list; every code must exist (a typo would silently grant nothing). */
export async function checkUnits(q: Queryable, role: Role, units: unknown): Promise<string[]> {
	const list = Array.isArray(units) ? units.map((u) => String(u).trim()).filter(Boolean) : [];
	if (role === 'admin') return [CITY];
	if (list.length === 0) {
		throw new AccountError(
			'请至少指定一个辖区（街道、社区或网格代码，或 * 表示全市）/ give at least one jurisdiction (a subdistrict, community or grid code, or * for the whole city)',
			'no_units',
			'units'
		);
	}
	for (const code of list) {
		if (code === CITY) continue;
		if (!isUnitCode(code)) {
			throw new AccountError(
				`辖区代码“${code}”无效：应为 9 位街道、12 位社区或 15 位网格代码 / jurisdiction "${code}" is not a 9-digit subdistrict, 12-digit community or 15-digit grid code`,
				'bad_unit',
				'units'
			);
		}
		if (code.length === 15 && role !== 'worker') {
			throw new AccountError(
				`只有网格员的辖区可以是单个网格（${code}）/ only grid workers may have a single grid (${code}) as jurisdiction`,
				'bad_unit',
				'units'
			);
		}
		const table = code.length === 9 ? 'subdistricts' : code.length === 12 ? 'communities' : 'grids';
		const [row] = await q.query(`SELECT 1 FROM ${table} WHERE code = $1`, [code]);
		if (!row) throw new AccountError(`辖区“${code}”不存在 / no unit with code ${code}`, 'unknown_unit', 'units');
	}
	return list.includes(CITY) ? [CITY] : [...new Set(list)].sort();
}

export async function createUser(db: Db, user: NewUser, log2N?: number): Promise<UserRow> {
	const username = checkUsername(user.username);
	const role = checkRole(user.role);
	const displayName = String(user.displayName ?? '')
		.trim()
		.slice(0, 100);
	checkPasswordPolicy(user.password, username);
	const hash = user.passwordHash ?? (await hashPassword(user.password, log2N));
	return db.transaction(async (tx) => {
		const units = await checkUnits(tx, role, user.units);
		const [exists] = await tx.query('SELECT 1 FROM users WHERE username = $1', [username]);
		if (exists) throw new AccountError(`用户名“${username}”已被使用 / the user name ${username} is taken`, 'username_taken', 'username');
		const [{ id }] = await tx.query<{ id: number }>('INSERT INTO users (username, display_name, role, password_hash) VALUES ($1, $2, $3, $4) RETURNING id', [
			username,
			displayName,
			role,
			hash
		]);
		await setUnits(tx, id, units);
		return (await getUser(tx, id))!;
	});
}

async function setUnits(tx: Queryable, userId: number, units: string[]): Promise<void> {
	await tx.query('DELETE FROM user_jurisdictions WHERE user_id = $1 AND NOT (unit_code = ANY($2::text[]))', [userId, units]);
	for (const code of units) {
		await tx.query('INSERT INTO user_jurisdictions (user_id, unit_code) VALUES ($1, $2) ON CONFLICT DO NOTHING', [userId, code]);
	}
}

const USER_SELECT = `SELECT u.id, u.username, u.display_name, u.role, u.disabled, u.locked_until::text, u.last_login_at::text, u.created_at::text,
	coalesce((SELECT array_agg(j.unit_code ORDER BY j.unit_code) FROM user_jurisdictions j WHERE j.user_id = u.id), '{}') AS units
	FROM users u`;

export async function getUser(q: Queryable, id: number): Promise<UserRow | null> {
	const [row] = await q.query<UserRow>(`${USER_SELECT} WHERE u.id = $1`, [id]);
	return row ?? null;
}

export async function getUserByName(q: Queryable, username: string): Promise<UserRow | null> {
	const [row] = await q.query<UserRow>(`${USER_SELECT} WHERE u.username = $1`, [username]);
	return row ?? null;
}

export async function listUsers(q: Queryable): Promise<UserRow[]> {
	return q.query<UserRow>(`${USER_SELECT} ORDER BY u.role, u.username`);
}

export async function countUsers(q: Queryable): Promise<number> {
	const [{ n }] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
	return n;
}

export interface UserChange {
	role?: string;
	displayName?: string;
	units?: string[];
	disabled?: boolean;
}

/** Changes role, name, jurisdiction or the disabled flag; never leaves the city without an active admin. */
export async function updateUser(db: Db, id: number, change: UserChange): Promise<UserRow> {
	const updated = await db.transaction(async (tx) => {
		const current = await getUser(tx, id);
		if (!current) throw new AccountError(`没有编号为 ${id} 的用户 / no user with id ${id}`, 'unknown_user');
		const role = change.role === undefined ? current.role : checkRole(change.role);
		const units = change.units === undefined && role === current.role ? current.units : await checkUnits(tx, role, change.units ?? current.units);
		const disabled = change.disabled ?? current.disabled;
		if (current.role === 'admin' && (role !== 'admin' || disabled)) {
			const [{ n }] = await tx.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND NOT disabled AND id <> $1", [id]);
			if (n === 0) throw new AccountError('不能停用或降级最后一个管理员 / the last active admin can not be disabled or demoted', 'last_admin', 'role');
		}
		const displayName = change.displayName === undefined ? current.display_name : String(change.displayName).trim().slice(0, 100);
		await tx.query('UPDATE users SET role = $2, display_name = $3, disabled = $4 WHERE id = $1', [id, role, displayName, disabled]);
		await setUnits(tx, id, units);
		// A changed role, jurisdiction or a disabled account takes effect at once: end its sessions.
		if (role !== current.role || disabled || units.join() !== current.units.join()) await tx.query('DELETE FROM sessions WHERE user_id = $1', [id]);
		return (await getUser(tx, id))!;
	});
	forgetPrincipals();
	return updated;
}

export async function setPassword(db: Db, id: number, password: string, log2N?: number): Promise<void> {
	const user = await getUser(db, id);
	if (!user) throw new AccountError(`没有编号为 ${id} 的用户 / no user with id ${id}`, 'unknown_user');
	checkPasswordPolicy(password, user.username);
	const hash = await hashPassword(password, log2N);
	await db.transaction(async (tx) => {
		await tx.query('UPDATE users SET password_hash = $2, password_changed_at = now(), failed_logins = 0, locked_until = NULL WHERE id = $1', [id, hash]);
		await tx.query('DELETE FROM sessions WHERE user_id = $1', [id]);
	});
	forgetPrincipals();
}

/** The user changes their own password: the current one first. */
export async function changeOwnPassword(db: Db, id: number, current: string, next: string): Promise<void> {
	const [row] = await db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [id]);
	if (!row || !(await verifyPassword(String(current ?? ''), row.password_hash))) {
		throw new AccountError('当前密码不正确 / the current password is wrong', 'wrong_password', 'current');
	}
	if (current === next) throw new AccountError('新密码不能与当前密码相同 / the new password must differ from the current one', 'same_password', 'password');
	await setPassword(db, id, next);
}

export class SignInError extends AccountError {
	constructor(
		message: string,
		code: 'bad_credentials' | 'locked' | 'disabled',
		readonly retryAfterSeconds = 0
	) {
		super(message, code, undefined, retryAfterSeconds);
	}
}

/**
 * Checks a user name and password; returns the user on success. Every refusal costs one password
 * check and reads the same (wrong name or password) unless the password was right: an unknown,
 * locked or disabled name can't be told apart by the answer or its time, and only someone who knows
 * the password learns that the account is locked or disabled. Repeated failures lock the account
 * for a growing time, counted by one atomic statement so parallel guesses can't slip past the lock.
 */
export async function authenticate(db: Db, username: unknown, password: unknown, now = new Date()): Promise<UserRow> {
	const name = typeof username === 'string' ? username.trim().toLowerCase() : '';
	const pw = typeof password === 'string' ? password : '';
	const [row] = name ? await db.query<{ id: number; password_hash: string }>('SELECT id, password_hash FROM users WHERE username = $1', [name]) : [];
	const ok = await verifyPassword(pw, row?.password_hash ?? UNUSABLE_HASH);
	const bad = new SignInError('用户名或密码不正确 / wrong user name or password', 'bad_credentials');
	if (!row) throw bad;
	if (!ok) {
		// While locked, failures don't count (the lock would otherwise grow with every guess); the
		// WHERE is re-checked on the row each waiting UPDATE finally sees.
		await db.query(
			`UPDATE users SET failed_logins = failed_logins + 1,
			   locked_until = CASE WHEN failed_logins + 1 >= $2
			     THEN $3::timestamptz + make_interval(mins => least(60, power(2, failed_logins + 1 - $2))::int) ELSE NULL END
			 WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $3::timestamptz)`,
			[row.id, LOCK_AFTER, now.toISOString()]
		);
		throw bad;
	}
	const [cleared] = await db.query<{ id: number }>(
		`UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = $2
		 WHERE id = $1 AND NOT disabled AND (locked_until IS NULL OR locked_until <= $2::timestamptz) RETURNING id`,
		[row.id, now.toISOString()]
	);
	if (!cleared) {
		const [state] = await db.query<{ disabled: boolean; locked_until: Date | string | null }>('SELECT disabled, locked_until FROM users WHERE id = $1', [
			row.id
		]);
		if (state?.disabled) throw new SignInError('该账户已停用，请联系管理员 / this account is disabled; ask an administrator', 'disabled');
		const seconds = state?.locked_until ? Math.max(1, Math.ceil((new Date(state.locked_until).getTime() - now.getTime()) / 1000)) : 60;
		throw new SignInError(
			`登录失败次数过多，账户已锁定，请 ${Math.ceil(seconds / 60)} 分钟后再试 / too many failed sign-ins: the account is locked for ${Math.ceil(seconds / 60)} more minute(s)`,
			'locked',
			seconds
		);
	}
	return (await getUser(db, row.id))!;
}

export function userPrincipal(user: UserRow): Principal {
	return {
		kind: 'user',
		id: user.id,
		name: user.username,
		displayName: user.display_name || user.username,
		role: user.role,
		capabilities: [...ROLE_CAPABILITIES[user.role]],
		units: user.role === 'admin' ? [CITY] : user.units
	};
}
