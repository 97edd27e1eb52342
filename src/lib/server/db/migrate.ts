// Numbered plain-SQL migrations, applied in order, each in its own transaction, recorded in
// schema_migrations so a second run changes nothing. The same files run on both engines.
import fs from 'node:fs';
import { projectPath } from '../runtime/paths';
import type { Db } from './types';

export interface Migration {
	name: string;
	sql: string;
}

export function loadMigrations(dir = projectPath('migrations')): Migration[] {
	return fs
		.readdirSync(dir)
		.filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f))
		.sort()
		.map((name) => ({ name, sql: fs.readFileSync(`${dir}/${name}`, 'utf8') }));
}

// Several app processes (GRIDATLAS_WORKERS, or several machines) start at once on one server: each
// migration runs under one transaction-level advisory lock and is skipped if another process applied
// it meanwhile (two concurrent CREATE … IF NOT EXISTS can otherwise both try to create).
const LOCK = "SELECT pg_advisory_xact_lock(hashtext('gridatlas_migrations'))";

export async function runMigrations(db: Db, migrations = loadMigrations(), onApply?: (name: string) => void): Promise<string[]> {
	await db.transaction(async (tx) => {
		await tx.query(LOCK);
		await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
			name text PRIMARY KEY,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`);
	});
	const done = new Set((await db.query<{ name: string }>('SELECT name FROM schema_migrations')).map((r) => r.name));
	const applied: string[] = [];
	for (const m of migrations) {
		if (done.has(m.name)) continue;
		onApply?.(m.name);
		const ran = await db.transaction(async (tx) => {
			await tx.query(LOCK);
			if ((await tx.query('SELECT 1 FROM schema_migrations WHERE name = $1', [m.name])).length) return false;
			await tx.exec(m.sql);
			await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [m.name]);
			return true;
		});
		if (ran) applied.push(m.name);
	}
	return applied;
}
