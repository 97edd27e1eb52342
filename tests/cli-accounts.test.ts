// `gridatlas user …` / `gridatlas token …`: the first admin from the command line (password printed
// once, or read from stdin), refusals with the reason, tokens, and the audit trail naming the CLI user.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../src/lib/server/db';
import { authenticate } from '../src/lib/server/auth/users';
import { resolveToken } from '../src/lib/server/auth/tokens';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridatlas-cli-accounts-'));
const cli = (args: string[], input?: string) =>
	spawnSync(process.execPath, ['bin/gridatlas.js', ...args], {
		encoding: 'utf8',
		input,
		env: { ...process.env, GRIDATLAS_DATA_DIR: dataDir, DATABASE_URL: '' }
	});

describe('gridatlas user / token', () => {
	afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
	let password = '';
	let token = '';

	it('creates the first admin with a generated password printed once', () => {
		const r = cli(['user', 'add', 'root', '--role', 'admin', '--display-name', '管理员']);
		expect(r.status, r.stderr).toBe(0);
		expect(r.stdout).toMatch(/created root \(admin; \*\)/);
		password = /shown only this once\): (\S+)/.exec(r.stdout)![1];
		expect(password.length).toBeGreaterThanOrEqual(16);
	}, 60_000);

	it('takes a password from stdin, and refuses bad input with the reason and exit 2', () => {
		const ok = cli(['user', 'add', 'ops', '--role', 'leader', '--units', '*', '--password-stdin'], 'a-long-secret-phrase\n');
		expect(ok.status, ok.stderr).toBe(0);
		expect(ok.stdout).not.toContain('a-long-secret-phrase');
		const noUnits = cli(['user', 'add', 'chen', '--role', 'planner']);
		expect(noUnits.status).toBe(2);
		expect(noUnits.stderr).toMatch(/at least one jurisdiction/);
		const unknown = cli(['user', 'add', 'chen', '--role', 'planner', '--units', '320102999']);
		expect(unknown.status).toBe(2);
		expect(unknown.stderr).toMatch(/no unit with code 320102999/);
		const taken = cli(['user', 'add', 'root', '--role', 'viewer', '--units', '*']);
		expect(taken.stderr).toMatch(/taken/);
		const weak = cli(['user', 'passwd', 'ops', '--password-stdin'], 'short\n');
		expect(weak.status).toBe(2);
		expect(weak.stderr).toMatch(/10 characters/);
	}, 120_000);

	it('creates, lists and revokes tokens', () => {
		const r = cli(['token', 'add', '--name', 'feed', '--kind', 'api', '--days', '30']);
		expect(r.status, r.stderr).toBe(0);
		token = /shown only this once\): (ga_api_\S+)/.exec(r.stdout)![1];
		const list = cli(['token', 'list']);
		expect(list.stdout).toMatch(/api\s+ga_api_\S+…\s+feed/);
		expect(list.stdout).not.toContain(token);
		expect(cli(['token', 'add', '--name', 'x', '--kind', 'root']).stderr).toMatch(/unknown token kind/);
	}, 60_000);

	it('the accounts work, and the audit log names the CLI user', async () => {
		const db = await openDb({ dataDir: path.join(dataDir, 'pglite') });
		try {
			expect((await authenticate(db, 'root', password)).role).toBe('admin');
			expect((await authenticate(db, 'ops', 'a-long-secret-phrase')).role).toBe('leader');
			expect((await resolveToken(db, token))?.name).toBe('feed');
			const rows = await db.query<{ actor: string; entity_id: string }>("SELECT actor, entity_id FROM audit_log WHERE entity = 'users' ORDER BY id");
			expect(rows.map((r) => r.entity_id)).toEqual(['root', 'ops']);
			expect(rows.every((r) => r.actor.startsWith('cli:'))).toBe(true);
		} finally {
			await db.close();
		}
		const revoke = cli(['token', 'revoke', '1']);
		expect(revoke.status, revoke.stderr).toBe(0);
		const db2 = await openDb({ dataDir: path.join(dataDir, 'pglite') });
		expect(await resolveToken(db2, token)).toBeNull();
		await db2.close();
	}, 120_000);
});
