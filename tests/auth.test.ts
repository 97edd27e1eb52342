// Accounts on both engines: password hashing, sign-in with lockout, sessions, tokens, jurisdiction
// checks, the last-admin guard, and the audit log (who, before/after, append-only, bulk summary).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/lib/server/db';
import { testEngines } from './helpers/engines';
import { hashPassword, verifyPassword, checkPasswordPolicy, PasswordPolicyError } from '../src/lib/server/auth/password';
import {
	authenticate,
	createUser,
	getUserByName,
	setPassword,
	SignInError,
	updateUser,
	userPrincipal,
	AccountError,
	LOCK_AFTER
} from '../src/lib/server/auth/users';
import { createSession, resolveSession, sweepExpiredSessions, IDLE_HOURS, PURGE_EVERY_MS, sha256 } from '../src/lib/server/auth/sessions';
import { createToken, resolveToken, revokeToken } from '../src/lib/server/auth/tokens';
import { runAs } from '../src/lib/server/auth/actor';
import { listAudit } from '../src/lib/server/audit';
import { RateLimiter } from '../src/lib/server/auth/rate-limit';
import { unitInside, unitVisible } from '../src/lib/auth/capabilities';

const FAST = 10; // scrypt cost for tests; verification reads the cost from the hash
const square = (x: number, y: number, d = 0.01) => `ST_Multi(ST_MakeEnvelope(${x}, ${y}, ${x + d}, ${y + d}, 4326))`;

async function seedUnits(db: Db) {
	await db.exec(`
		INSERT INTO subdistricts (code, name, geom) VALUES ('320102001', '甲街道', ${square(118, 32, 0.1)}), ('320102002', '乙街道', ${square(118.2, 32, 0.1)});
		INSERT INTO communities (code, subdistrict_code, name, geom) VALUES ('320102001001', '320102001', '一社区', ${square(118, 32)}), ('320102002001', '320102002', '二社区', ${square(118.2, 32)});
		INSERT INTO grids (code, community_code, seq, name, geom) VALUES ('320102001001001', '320102001001', 1, '一网格', ${square(118, 32, 0.005)});
	`);
}

describe('passwords', () => {
	it('hashes with scrypt and a salt; verifies only the right password', async () => {
		const a = await hashPassword('correct horse battery', FAST);
		const b = await hashPassword('correct horse battery', FAST);
		expect(a).toMatch(/^scrypt\$10\$8\$1\$/);
		expect(a).not.toBe(b);
		expect(await verifyPassword('correct horse battery', a)).toBe(true);
		expect(await verifyPassword('correct horse batterY', a)).toBe(false);
		expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
	});
	it('names what a weak password lacks', () => {
		expect(() => checkPasswordPolicy('short')).toThrow(/10/);
		expect(() => checkPasswordPolicy('aaaaaaaaaaaa')).toThrow(PasswordPolicyError);
		expect(() => checkPasswordPolicy('planner-2026-x', 'planner')).toThrow(/user name/);
		expect(() => checkPasswordPolicy('a-much-better-one')).not.toThrow();
	});
});

describe('jurisdiction by code prefix', () => {
	it('changes only inside, reads inside and above', () => {
		expect(unitInside(['320102001'], '320102001001001')).toBe(true);
		expect(unitInside(['320102001'], '320102002001')).toBe(false);
		expect(unitInside(['320102001001'], '320102001')).toBe(false);
		expect(unitVisible(['320102001001'], '320102001')).toBe(true);
		expect(unitVisible(['*'], '320102002')).toBe(true);
	});
	it('rate limiter counts per key in a window', () => {
		const r = new RateLimiter(2, 1000);
		expect([r.hit('a', 0), r.hit('a', 10), r.hit('a', 20), r.hit('b', 20), r.hit('a', 1001)]).toEqual([0, 0, 1, 0, 0]);
	});
});

for (const engine of testEngines()) {
	describe(`accounts on ${engine.name}`, () => {
		let db: Db;
		beforeAll(async () => {
			db = await engine.open();
			await seedUnits(db);
		}, 600_000); // migrations on a loaded machine: a bound, not a measure
		afterAll(() => engine.cleanup());

		it('creates users with checked roles and jurisdictions, refusing bad input by name', async () => {
			const admin = await createUser(db, { username: 'root', password: 'admin-password-1', role: 'admin' }, FAST);
			expect(admin.units).toEqual(['*']);
			const planner = await createUser(db, { username: 'plan1', password: 'planner-pass-01', role: 'planner', units: ['320102001'] }, FAST);
			expect(userPrincipal(planner)).toMatchObject({ kind: 'user', role: 'planner', units: ['320102001'] });
			expect(userPrincipal(planner).capabilities).toContain('plans:write');
			expect(userPrincipal(planner).capabilities).not.toContain('cases:detail');
			const bad = async (u: Parameters<typeof createUser>[1], code: string) => {
				await expect(createUser(db, u, FAST)).rejects.toMatchObject({ code });
			};
			await bad({ username: 'Bad Name', password: 'whatever-123', role: 'viewer', units: ['*'] }, 'bad_username');
			await bad({ username: 'v1', password: 'whatever-123', role: 'mayor', units: ['*'] }, 'bad_role');
			await bad({ username: 'v1', password: 'whatever-123', role: 'viewer', units: [] }, 'no_units');
			await bad({ username: 'v1', password: 'whatever-123', role: 'viewer', units: ['999999999'] }, 'unknown_unit');
			await bad({ username: 'v1', password: 'whatever-123', role: 'viewer', units: ['12ab'] }, 'bad_unit');
			await bad({ username: 'v1', password: 'whatever-123', role: 'viewer', units: ['320102001001001'] }, 'bad_unit');
			await bad({ username: 'plan1', password: 'whatever-123', role: 'viewer', units: ['*'] }, 'username_taken');
			await expect(createUser(db, { username: 'v1', password: 'short', role: 'viewer', units: ['*'] }, FAST)).rejects.toThrow(PasswordPolicyError);
			const worker = await createUser(db, { username: 'w1', password: 'worker-pass-01', role: 'worker', units: ['320102001001001'] }, FAST);
			expect(worker.units).toEqual(['320102001001001']);
			expect(await getUserByName(db, 'v1')).toBeNull(); // nothing half-written by the refusals
		});

		it('signs in, locks after repeated failures, and never says which half was wrong', async () => {
			const t0 = new Date('2026-11-25T10:00:00Z');
			expect((await authenticate(db, 'plan1', 'planner-pass-01', t0)).username).toBe('plan1');
			await expect(authenticate(db, 'nobody', 'planner-pass-01', t0)).rejects.toMatchObject({ code: 'bad_credentials' });
			for (let i = 0; i < LOCK_AFTER; i++) await expect(authenticate(db, 'plan1', 'wrong-password', t0)).rejects.toMatchObject({ code: 'bad_credentials' });
			// Locked: even the right password is refused until the lock ends.
			const locked = await authenticate(db, 'plan1', 'planner-pass-01', t0).catch((e) => e);
			expect(locked).toBeInstanceOf(SignInError);
			expect(locked.code).toBe('locked');
			expect(locked.retryAfterSeconds).toBeGreaterThan(0);
			const later = new Date(t0.getTime() + 61_000);
			expect((await authenticate(db, 'plan1', 'planner-pass-01', later)).username).toBe('plan1');
		});

		it('sessions: resolve, slide, expire, and end on a password change or disable', async () => {
			const user = (await getUserByName(db, 'w1'))!;
			const t0 = new Date();
			const s = await createSession(db, user.id, t0);
			expect((await resolveSession(db, s.id, t0))?.user.username).toBe('w1');
			expect(await resolveSession(db, 'not-a-session', t0)).toBeNull();
			const tooLate = new Date(t0.getTime() + (IDLE_HOURS + 1) * 3600_000);
			expect(await resolveSession(db, s.id, tooLate)).toBeNull();
			const s2 = await createSession(db, user.id);
			await setPassword(db, user.id, 'a-new-password-2', FAST);
			expect(await resolveSession(db, s2.id)).toBeNull();
			const s3 = await createSession(db, user.id);
			await updateUser(db, user.id, { disabled: true });
			expect(await resolveSession(db, s3.id)).toBeNull();
			await expect(authenticate(db, 'w1', 'a-new-password-2')).rejects.toMatchObject({ code: 'disabled' });
			await updateUser(db, user.id, { disabled: false });
		});

		it('expired sessions are purged at start and then on every tick (clock and timer injected)', async () => {
			const user = (await getUserByName(db, 'w1'))!;
			const t0 = new Date('2030-01-01T00:00:00Z');
			const early = await createSession(db, user.id, t0);
			const late = await createSession(db, user.id, new Date(t0.getTime() + 2 * 3600_000));
			const stored = async () => {
				const rows = await db.query<{ token_hash: string }>('SELECT token_hash FROM sessions WHERE token_hash = ANY($1)', [
					[sha256(early.id), sha256(late.id)]
				]);
				return rows.map((r) => (r.token_hash === sha256(early.id) ? 'early' : 'late')).sort();
			};
			let now = new Date(t0.getTime() + 3600_000);
			let tick: (() => Promise<void>) | undefined;
			let everyMs = 0;
			let stopped = false;
			const sweep = sweepExpiredSessions(db, {
				now: () => now,
				every: (fn, ms) => {
					tick = fn;
					everyMs = ms;
					return () => (stopped = true);
				}
			});
			expect(everyMs).toBe(PURGE_EVERY_MS);
			await sweep.first;
			expect(await stored()).toEqual(['early', 'late']); // nothing expired yet
			now = new Date(t0.getTime() + (IDLE_HOURS + 1) * 3600_000);
			await tick!();
			expect(await stored()).toEqual(['late']);
			now = new Date(t0.getTime() + (IDLE_HOURS + 3) * 3600_000);
			await tick!();
			expect(await stored()).toEqual([]);
			sweep.stop();
			expect(stopped).toBe(true);
		});

		it('never disables or demotes the last admin', async () => {
			const root = (await getUserByName(db, 'root'))!;
			await expect(updateUser(db, root.id, { role: 'viewer', units: ['*'] })).rejects.toMatchObject({ code: 'last_admin' });
			await expect(updateUser(db, root.id, { disabled: true })).rejects.toBeInstanceOf(AccountError);
		});

		it('tokens: shown once, stored hashed, scoped by kind, revocable', async () => {
			const { token, row } = await createToken(db, { name: 'feed', kind: 'api', units: ['320102001'] });
			expect(token).toMatch(/^ga_api_/);
			const [stored] = await db.query<{ token_hash: string }>('SELECT token_hash FROM api_tokens WHERE id = $1', [row.id]);
			expect(stored.token_hash).not.toContain(token.slice(7));
			const p = await resolveToken(db, token);
			expect(p).toMatchObject({ kind: 'token', name: 'feed', units: ['320102001'] });
			expect(p!.capabilities).toContain('cases:write');
			await expect(createToken(db, { name: 'wall', kind: 'wall', scopes: ['cases:write'] })).rejects.toMatchObject({ code: 'bad_scope' });
			await expect(createToken(db, { name: '', kind: 'api' })).rejects.toMatchObject({ code: 'bad_name' });
			await expect(createToken(db, { name: 'x', kind: 'root' })).rejects.toMatchObject({ code: 'bad_kind' });
			await revokeToken(db, row.id);
			expect(await resolveToken(db, token)).toBeNull();
			expect(await resolveToken(db, 'ga_api_forged')).toBeNull();
		});

		it('audits boundary, user and rule changes with the actor, before and after; the log is append-only', async () => {
			await runAs('user:plan1', () => db.query("UPDATE grids SET name = '改名网格' WHERE code = '320102001001001'"));
			const { entries } = await listAudit(db, { entity: 'grids', units: ['320102001'] });
			const rename = entries.find((e) => e.action === 'update')!;
			expect(rename).toMatchObject({ actor: 'user:plan1', entity_id: '320102001001001', unit_code: '320102001001001' });
			expect(rename.before).toMatchObject({ name: '一网格' });
			expect(rename.after).toMatchObject({ name: '改名网格' });
			expect((rename.after as { geom: { type: string } }).geom.type).toBe('MultiPolygon');
			// what the database works out from the outline (tile columns) is not part of the record
			for (const side of [rename.before, rename.after]) {
				expect(Object.keys(side as object)).toContain('name');
				expect(Object.keys(side as object)).not.toContain('geom_3857');
				expect(Object.keys(side as object)).not.toContain('overview_zoom');
			}
			// Outside the reader's jurisdiction: not listed.
			expect((await listAudit(db, { entity: 'grids', units: ['320102002'] })).entries).toHaveLength(0);
			// Users: the password change is a fact, never the hash.
			const users = (await listAudit(db, { entity: 'users' })).entries;
			expect(users.some((e) => e.after && (e.after as Record<string, unknown>).password_changed === true)).toBe(true);
			expect(JSON.stringify(users)).not.toContain('scrypt$');
			// Failed sign-ins alone are not changes worth a row.
			const before = (await listAudit(db, { entity: 'users', limit: 1000 })).entries.length;
			await authenticate(db, 'root', 'wrong-password').catch(() => {});
			expect((await listAudit(db, { entity: 'users', limit: 1000 })).entries.length).toBe(before);
			await expect(db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
			await expect(db.query("UPDATE audit_log SET actor = 'nobody'")).rejects.toThrow(/append-only/);
			await expect(listAudit(db, { from: 'yesterday' })).rejects.toThrow(/not a time/);
		});
	});
}
